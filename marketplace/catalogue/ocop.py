"""OCOP ("Mỗi xã một sản phẩm"): groups, product sets, stars and certificate validity.

Decision 148/QĐ-TTg (2023): six groups, 26 product sets; 3–5 stars are certified; a certificate
is valid 36 months from its decision, after which the product shows as expired, never as stars.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from marketplace.errors import invalid_field

VALIDITY_MONTHS = 36

GROUPS: dict[int, tuple[str, str]] = {
    1: ("Thực phẩm", "Food"),
    2: ("Đồ uống", "Beverages"),
    3: ("Dược liệu và sản phẩm từ dược liệu", "Medicinal herbs and herbal products"),
    4: ("Thủ công mỹ nghệ", "Handicrafts and textiles"),
    5: ("Sinh vật cảnh", "Flowers and ornamental plants and animals"),
    6: (
        "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
        "Community and eco-tourism",
    ),
}

# Product sets with the group they belong to. The numbering follows Decision 148/QĐ-TTg as
# far as the sources at hand confirm it (sets 1, 3, 4, 9, 11, 13, 14, 21, 26 are confirmed).
PRODUCT_SETS: dict[int, tuple[int, str, str]] = {
    1: (1, "Rau, củ, quả, hạt tươi", "Fresh vegetables, fruit and nuts"),
    2: (1, "Thịt, trứng, sữa tươi", "Fresh meat, eggs and milk"),
    3: (1, "Gạo, ngũ cốc", "Rice and cereals"),
    4: (1, "Mật ong, các sản phẩm từ mật ong", "Honey and honey products"),
    5: (1, "Đồ ăn nhanh", "Ready-to-eat food"),
    6: (1, "Thịt, trứng, sữa chế biến", "Processed meat, eggs and dairy"),
    7: (1, "Rau, củ, quả, hạt chế biến", "Processed vegetables, fruit and nuts"),
    8: (1, "Bánh, mứt, kẹo", "Cakes, jams and sweets"),
    9: (1, "Tương, nước mắm, gia vị dạng lỏng", "Soy paste, fish sauce and liquid seasonings"),
    10: (1, "Gia vị khác", "Other seasonings"),
    11: (2, "Chè", "Tea"),
    12: (2, "Sản phẩm khác từ chè, trà thảo mộc", "Other tea and herbal tea products"),
    13: (2, "Cà phê, ca cao", "Coffee and cocoa"),
    14: (2, "Rượu trắng", "White spirits"),
    15: (2, "Đồ uống có cồn khác", "Other alcoholic drinks"),
    16: (2, "Nước khoáng, nước uống", "Mineral and drinking water"),
    17: (2, "Đồ uống không cồn", "Soft drinks"),
    18: (3, "Thực phẩm chức năng, thuốc từ dược liệu", "Herbal supplements and medicines"),
    19: (3, "Mỹ phẩm từ thảo dược", "Herbal cosmetics"),
    20: (3, "Sản phẩm khác từ dược liệu", "Other herbal products"),
    21: (4, "Thủ công mỹ nghệ, trang trí", "Handicrafts and decorations"),
    22: (4, "Vải, may mặc", "Fabrics and garments"),
    23: (5, "Hoa", "Flowers"),
    24: (5, "Cây cảnh", "Ornamental plants"),
    25: (5, "Động vật cảnh", "Ornamental animals"),
    26: (6, "Du lịch cộng đồng, du lịch sinh thái, điểm du lịch", "Community and eco-tourism"),
}

CERTIFICATIONS: dict[str, tuple[str, str]] = {
    "vietgap": ("VietGAP", "VietGAP"),
    "globalgap": ("GlobalGAP", "GlobalGAP"),
    "organic": ("Hữu cơ", "Organic"),
    "haccp": ("HACCP", "HACCP"),
    "iso22000": ("ISO 22000", "ISO 22000"),
    "geographical_indication": ("Chỉ dẫn địa lý", "Geographical indication"),
}


@dataclass(frozen=True)
class OcopStatus:
    """Stars as a buyer may see them: `stars` is None unless the certificate still holds."""

    stars: int | None
    certified_stars: int | None
    valid_until: date | None
    expired: bool


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def ocop_status(stars: int | None, decision_date: date | None, today: date) -> OcopStatus:
    if stars is None or decision_date is None:
        return OcopStatus(None, stars, None, False)
    valid_until = add_months(decision_date, VALIDITY_MONTHS)
    expired = today >= valid_until
    return OcopStatus(None if expired else stars, stars, valid_until, expired)


def check_ocop(
    group: int | None,
    product_set: int | None,
    stars: int | None,
    decision_no: str | None,
    decision_date: date | None,
    today: date,
) -> None:
    """Raise InvalidInput when the OCOP fields do not make a coherent certificate."""
    if group is not None and group not in GROUPS:
        raise invalid_field(
            "ocop_group",
            "ocop_group_invalid",
            "Nhóm OCOP không hợp lệ (1–6).",
            "Unknown OCOP group (1–6).",
        )
    if product_set is not None:
        if product_set not in PRODUCT_SETS:
            raise invalid_field(
                "ocop_set",
                "ocop_set_invalid",
                "Bộ sản phẩm OCOP không hợp lệ (1–26).",
                "Unknown OCOP product set (1–26).",
            )
        if group is not None and PRODUCT_SETS[product_set][0] != group:
            raise invalid_field(
                "ocop_set",
                "ocop_set_not_in_group",
                "Bộ sản phẩm không thuộc nhóm OCOP đã chọn.",
                "The product set does not belong to the chosen OCOP group.",
            )
    if stars is None:
        return
    if stars not in (3, 4, 5):
        raise invalid_field(
            "ocop_stars",
            "ocop_stars_invalid",
            "Chỉ sản phẩm đạt 3, 4 hoặc 5 sao mới được chứng nhận OCOP.",
            "Only 3, 4 or 5 stars are OCOP-certified.",
        )
    if not decision_no or decision_date is None:
        raise invalid_field(
            "ocop_decision_no",
            "ocop_decision_missing",
            "Cần số và ngày quyết định công nhận OCOP.",
            "The OCOP decision number and date are required.",
        )
    if decision_date > today:
        raise invalid_field(
            "ocop_decision_date",
            "ocop_decision_in_future",
            "Ngày quyết định không thể ở tương lai.",
            "The decision date cannot be in the future.",
        )


def check_certifications(codes: list[str]) -> list[str]:
    unknown = [c for c in codes if c not in CERTIFICATIONS]
    if unknown:
        raise invalid_field(
            "certifications",
            "certification_unknown",
            f"Chứng nhận không rõ: {', '.join(unknown)}.",
            f"Unknown certification: {', '.join(unknown)}.",
        )
    return sorted(set(codes))
