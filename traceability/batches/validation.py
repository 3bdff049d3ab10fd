"""Checks on what a seller records, each failure an `InvalidInput` naming the field."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from marketplace import places
from marketplace.errors import ApplicationError, InvalidInput, invalid_field
from marketplace.text import normalize, without_controls
from traceability.batches.schemas import (
    EVENT_FIELDS,
    INPUT_KINDS,
    PUBLIC_FIELDS,
    RECORDABLE_KINDS,
    EventKind,
    InputUsed,
)
from traceability.epcis import unit_code

MAX_NOTES = 2000
MAX_INPUTS = 10
MAX_CERTIFICATES = 5
MAX_PHOTOS = 4
MAX_PHI_DAYS = 365
CLOCK_SKEW = timedelta(minutes=10)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def kind(raw: str) -> EventKind:
    if raw not in RECORDABLE_KINDS:
        raise invalid_field(
            "kind",
            "event_kind_unknown",
            "Hãy chọn loại công việc trong danh sách.",
            "Please choose a kind of event from the list.",
        )
    return EventKind(raw)


def occurred_at(moment: datetime, now: datetime) -> datetime:
    """A time not in the future (a few minutes of clock skew allowed) nor before 2000, as
    aware UTC. A time without a timezone is read as Viet Nam time, as a farmer's phone and
    the seller pages give it."""
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=VIETNAM)
    if moment > now + CLOCK_SKEW or moment < EARLIEST:
        raise invalid_field(
            "occurred_at",
            "occurred_at_invalid",
            "Thời gian không hợp lệ: không thể ở tương lai hoặc trước năm 2000.",
            "The time is not valid: it cannot be in the future or before 2000.",
        )
    return moment.astimezone(UTC)


def line(value: str, field: str, max_length: int, *, required: bool = False) -> str:
    text = normalize(value)
    if len(text) > max_length or (required and not text):
        raise invalid_field(
            field,
            f"{field}_invalid",
            f"Trường này cần từ 1 đến {max_length} ký tự."
            if required
            else f"Tối đa {max_length} ký tự.",
            f"This field needs 1 to {max_length} characters."
            if required
            else f"At most {max_length} characters.",
        )
    return text


def notes(value: str, *, required: bool = False) -> str:
    """Free text, newlines kept, NFC, without control characters."""
    text = "\n".join(
        part.strip()
        for part in unicodedata.normalize("NFC", without_controls(value)).strip().splitlines()
    )
    if len(text) > MAX_NOTES or (required and not text):
        raise invalid_field(
            "notes",
            "notes_invalid",
            f"Ghi chú cần từ 1 đến {MAX_NOTES} ký tự.",
            f"Notes need 1 to {MAX_NOTES} characters.",
        )
    return text


def recall_reason(value: str) -> str:
    """Why a batch is recalled: required, as long as a note may be."""
    try:
        return notes(value, required=True)
    except InvalidInput:
        raise invalid_field(
            "reason",
            "recall_reason_invalid",
            f"Lý do thu hồi cần từ 1 đến {MAX_NOTES} ký tự.",
            f"The reason for the recall needs 1 to {MAX_NOTES} characters.",
        ) from None


_KEY_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def idempotency_key(key: str | None) -> str | None:
    """The key of a submission (1–64 letters, digits, `-` or `_`); empty means none."""
    if not key:
        return None
    if len(key) > 64 or not set(key) <= _KEY_CHARACTERS:
        raise invalid_field(
            "idempotency_key",
            "idempotency_key_invalid",
            "Khóa chống gửi trùng cần 1–64 chữ cái không dấu, chữ số, “-” hoặc “_”.",
            "The idempotency key needs 1–64 ASCII letters, digits, “-” or “_”.",
        )
    return key


def commune_code(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return places.commune(code).code
    except ApplicationError:
        raise invalid_field(
            "commune_code",
            "commune_unknown",
            "Không có xã/phường nào mang mã này.",
            "There is no commune or ward with this code.",
        ) from None


def point(latitude: float | None, longitude: float | None) -> tuple[float | None, float | None]:
    """Coordinates rounded to 6 decimals (about 10 cm), both or neither."""
    if latitude is None and longitude is None:
        return None, None
    if (
        latitude is None
        or longitude is None
        or not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        raise invalid_field(
            "latitude",
            "coordinates_invalid",
            "Tọa độ cần cả vĩ độ (−90 đến 90) và kinh độ (−180 đến 180).",
            "Coordinates need both a latitude (−90 to 90) and a longitude (−180 to 180).",
        )
    return round(float(latitude), 6), round(float(longitude), 6)


def inputs(event_kind: EventKind, used: Iterable[InputUsed]) -> list[dict[str, object]]:
    """Inputs as stored; fertilising and spraying need at least one, other kinds none."""
    items = list(used)
    if event_kind not in INPUT_KINDS:
        return []
    if not items or len(items) > MAX_INPUTS:
        raise _inputs_required("input_name")
    for item in items:
        if not normalize(item.name):
            raise _inputs_required("input_name")
        if not normalize(item.dose):
            raise _inputs_required("dose")
    return [_input(item) for item in items]


def _inputs_required(field: str) -> InvalidInput:
    return invalid_field(
        field,
        "inputs_required",
        "Hãy ghi tên phân bón hoặc thuốc và liều lượng đã dùng.",
        "Please give the name and dose of the fertiliser or pesticide used.",
    )


def _input(item: InputUsed) -> dict[str, object]:
    if item.phi_days is not None and not 0 <= item.phi_days <= MAX_PHI_DAYS:
        raise invalid_field(
            "phi_days",
            "phi_days_invalid",
            f"Thời gian cách ly là số ngày từ 0 đến {MAX_PHI_DAYS}.",
            f"The pre-harvest interval is a number of days from 0 to {MAX_PHI_DAYS}.",
        )
    return {
        "name": line(item.name, "input_name", 120, required=True),
        "dose": line(item.dose, "dose", 120, required=True),
        "phi_days": item.phi_days,
    }


MAX_QUANTITY = Decimal(10) ** 12


def quantity(amount: Decimal | None, unit: str) -> tuple[str | None, str]:
    """An exact non-negative decimal as text, with a unit EPCIS can name (kg, quả, hộp…)."""
    if amount is None:
        return None, line(unit, "unit", 20)
    try:
        finite = amount.is_finite() and amount >= 0
    except InvalidOperation:
        finite = False
    if not finite:
        raise invalid_field(
            "quantity",
            "quantity_invalid",
            "Số lượng phải là một số không âm.",
            "The quantity must be a number ≥ 0.",
        )
    if amount > MAX_QUANTITY:
        raise invalid_field(
            "quantity",
            "quantity_too_large",
            "Số lượng quá lớn: tối đa 1.000.000.000.000.",
            "The quantity is too large: at most 1,000,000,000,000.",
        )
    written_unit = line(unit, "unit", 20, required=True)
    unit_code(written_unit)  # refuses a unit that cannot be exported
    text = format(amount.normalize(), "f")
    return text, written_unit


def decimal_text(raw: str, field: str = "quantity") -> Decimal | None:
    """A decimal typed in a form: `1250,5` and `1250.5` alike; empty means none."""
    cleaned = raw.strip().replace(" ", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise invalid_field(
            field, f"{field}_invalid", "Hãy nhập một con số.", "Please enter a number."
        ) from None


def certificate_urls(urls: Iterable[str]) -> list[str]:
    cleaned = [url.strip() for url in urls if url.strip()]
    if len(cleaned) > MAX_CERTIFICATES or not all(_is_web_url(url) for url in cleaned):
        raise invalid_field(
            "certificate_urls",
            "certificate_url_invalid",
            f"Đường dẫn giấy chứng nhận phải bắt đầu bằng https:// (tối đa {MAX_CERTIFICATES}).",
            f"Certificate links must start with https:// (at most {MAX_CERTIFICATES}).",
        )
    return cleaned


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and len(url) <= 500
        and all(ch.isprintable() and not ch.isspace() for ch in url)
    )


def event_private_fields(fields: Iterable[str]) -> list[str]:
    chosen = sorted(set(fields))
    if any(name not in EVENT_FIELDS for name in chosen):
        raise invalid_field(
            "private_fields",
            "private_field_unknown",
            "Có trường ẩn không hợp lệ.",
            "One of the hidden fields is not known.",
        )
    return chosen


def public_fields(fields: Iterable[str]) -> list[str]:
    chosen = set(fields)
    if any(name not in PUBLIC_FIELDS for name in chosen):
        raise invalid_field(
            "public_fields",
            "public_field_unknown",
            "Có trường công khai không hợp lệ.",
            "One of the public fields is not known.",
        )
    return [name for name in PUBLIC_FIELDS if name in chosen]


def growing_area(code: str) -> str:
    """The growing-area code (mã số vùng trồng) as issued, e.g. `VN-37-BL-0012`."""
    return line(code, "growing_area_code", 60)
