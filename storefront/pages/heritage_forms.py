"""Reading the officer's heritage forms into service inputs (numbers, place, languages)."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import UploadFile

from marketplace.errors import NotFound, invalid_field
from marketplace.places import province, resolve_place
from traceability.heritage.schemas import ContentInput, FestivalInput, SiteInput

CONTENT_FIELDS = (
    "title",
    "plaque_line",
    "summary",
    "history",
    "architecture",
    "worshipped",
    "stele",
)
SITE_FIELDS = (
    "name",
    "slug",
    "kind",
    "ranking",
    "province_code",
    "commune",
    "address_line",
    "latitude",
    "longitude",
    "opening_hours",
)


def text_of(form: dict[str, Any], name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def _number(form: dict[str, Any], name: str) -> float | None:
    raw = text_of(form, name).strip().replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise invalid_field(
            name, "number_invalid", "Vui lòng nhập một số, ví dụ 20.4521.", "Please enter a number."
        ) from None


def _commune_code(typed: str, province_code: str) -> str:
    """A five-digit code as typed, or the one commune a typed name means in the province."""
    typed = typed.strip()
    if (typed.isascii() and typed.isdigit()) or not typed or not province_code:
        return typed  # validate_address will say what is wrong
    try:
        chosen = province(province_code)
    except NotFound:
        return typed
    found = resolve_place(f"{typed}, {chosen.name}")
    if found.commune is None or found.commune.province_code != chosen.code:
        raise invalid_field(
            "commune",
            "commune_not_found",
            f"Không tìm thấy xã/phường “{typed}” ở {chosen.full_name}.",
            f"No commune or ward called “{typed}” in {chosen.full_name}.",
        )
    return found.commune.code


def site_input(form: dict[str, Any]) -> SiteInput:
    province_code = text_of(form, "province_code")
    return SiteInput(
        name=text_of(form, "name"),
        slug=text_of(form, "slug"),
        kind=text_of(form, "kind"),
        ranking=text_of(form, "ranking"),
        province_code=province_code,
        commune_code=_commune_code(text_of(form, "commune"), province_code),
        address_line=text_of(form, "address_line"),
        latitude=_number(form, "latitude"),
        longitude=_number(form, "longitude"),
        opening_hours=text_of(form, "opening_hours"),
    )


def content_input(form: dict[str, Any]) -> ContentInput:
    return ContentInput(**{name: text_of(form, name) for name in CONTENT_FIELDS})


def _whole(form: dict[str, Any], name: str) -> int:
    raw = text_of(form, name).strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 4:
        raise invalid_field(
            name, "number_invalid", "Vui lòng nhập một số nguyên.", "Please enter a whole number."
        )
    return int(raw)


def festival_input(form: dict[str, Any]) -> FestivalInput:
    return FestivalInput(
        names={"vi": text_of(form, "name_vi"), "en": text_of(form, "name_en")},
        descriptions={
            "vi": text_of(form, "description_vi"),
            "en": text_of(form, "description_en"),
        },
        lunar_month=_whole(form, "lunar_month"),
        lunar_day=_whole(form, "lunar_day"),
        leap_month=text_of(form, "leap_month") == "1",
    )


async def uploaded_bytes(form: dict[str, Any], name: str) -> bytes:
    upload = form.get(name)
    if not isinstance(upload, UploadFile):
        raise invalid_field(name, "file_missing", "Vui lòng chọn một tệp.", "Please choose a file.")
    data = await upload.read()
    if not data:
        raise invalid_field(name, "file_empty", "Tệp trống.", "The file is empty.")
    return data
