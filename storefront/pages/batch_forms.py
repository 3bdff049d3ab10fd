"""Reading the batch forms of the seller pages into the service inputs.

The event form is multipart (it carries a photo taken with the phone's camera); every field
arrives as text, checkboxes only when ticked, repeated names as lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from litestar.datastructures import UploadFile

from marketplace.errors import FieldError, InvalidInput, invalid_field
from storefront.pages.forms import collected
from traceability.batches import BatchDetails, EventInput, InputUsed, PhotoUpload
from traceability.batches.validation import MAX_QUANTITY, decimal_text

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
INPUT_ROWS = ("", "_2")
# traceability.batches.validation.quantity refuses more, with a message about negatives.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_MAX_DIGITS = 9
_MAX_ID_DIGITS = 18
_NEGATIVE = {
    "phi_days": (
        "Thời gian cách ly là số ngày, không được là số âm.",
        "The pre-harvest interval is a number of days; it cannot be negative.",
    ),
    "corrects_sequence": (
        "Số thứ tự sự kiện không được là số âm.",
        "The event number cannot be negative.",
    ),
}
T = TypeVar("T")


def all_of(form: dict[str, Any], name: str) -> list[Any]:
    value = form.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def text(form: dict[str, Any], name: str) -> str:
    values = [value for value in all_of(form, name) if isinstance(value, str)]
    return values[-1].strip() if values else ""


def local_time(raw: str, field: str = "occurred_at") -> datetime:
    """A `datetime-local` value typed in Viet Nam time, as aware UTC; empty means now."""
    if not raw:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise invalid_field(
            field, f"{field}_invalid", "Thời gian không hợp lệ.", "The time is not valid."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # year 1 in Viet Nam is before the first UTC instant
        raise invalid_field(
            field,
            f"{field}_invalid",
            "Thời gian không hợp lệ: không thể ở tương lai hoặc trước năm 2000.",
            "The time is not valid: it cannot be in the future or before 2000.",
        ) from None


def now_local_text() -> str:
    """The current time for a `datetime-local` field, in Viet Nam."""
    return datetime.now(VIETNAM).strftime("%Y-%m-%dT%H:%M")


def _whole_number(raw: str, field: str) -> int | None:
    """A whole number typed in a form, not negative; empty means none."""
    if not raw:
        return None
    if not _WHOLE_NUMBER.fullmatch(raw):
        raise invalid_field(
            field, f"{field}_invalid", "Hãy nhập một số nguyên.", "Please enter a whole number."
        )
    if raw.startswith("-") and raw.strip("-0"):
        message_vi, message_en = _NEGATIVE.get(
            field, ("Số này không được là số âm.", "This number cannot be negative.")
        )
        raise invalid_field(field, f"{field}_invalid", message_vi, message_en)
    digits = raw.lstrip("+-").lstrip("0")
    if len(digits) > _MAX_DIGITS:
        raise invalid_field(
            field, f"{field}_invalid", "Số này quá lớn.", "This number is too large."
        )
    return int(digits or "0")


def quantity_in_range(amount: Decimal | None, field: str = "quantity") -> Decimal | None:
    """A quantity no larger than a batch may hold (negative ones are refused by the service)."""
    if amount is not None and amount.is_finite() and amount > MAX_QUANTITY:
        raise invalid_field(
            field,
            "quantity_too_large",
            "Số lượng quá lớn: tối đa 1.000.000.000.000.",
            "The quantity is too large: at most 1,000,000,000,000.",
        )
    return amount


def _quantity(form: dict[str, Any]) -> Decimal | None:
    return quantity_in_range(decimal_text(text(form, "quantity")))


def _float(raw: str, field: str) -> float | None:
    if not raw:
        return None
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        raise invalid_field(
            field, "coordinates_invalid", "Tọa độ không hợp lệ.", "Invalid coordinates."
        ) from None


def _inputs(form: dict[str, Any]) -> tuple[InputUsed, ...]:
    used = []
    for suffix in INPUT_ROWS:
        name = text(form, f"input_name{suffix}")
        dose = text(form, f"dose{suffix}")
        if name or dose:
            phi = _whole_number(text(form, f"phi_days{suffix}"), "phi_days")
            used.append(InputUsed(name, dose, phi))
    return tuple(used)


def _inspection(form: dict[str, Any]) -> bool | None:
    return {"pass": True, "fail": False}.get(text(form, "inspection"))


async def photo_uploads(form: dict[str, Any]) -> tuple[PhotoUpload, ...]:
    uploads = []
    for upload in all_of(form, "photo"):
        if isinstance(upload, UploadFile):
            data = await upload.read()
            if data:
                uploads.append(PhotoUpload(data, text(form, "photo_alt")))
    return tuple(uploads)


async def event_input(form: dict[str, Any]) -> EventInput:
    """The event a journal form describes (fields of other kinds are ignored by the service)."""
    kind = text(form, "kind")
    return EventInput(
        kind=kind,
        occurred_at=local_time(text(form, "occurred_at")),
        commune_code=text(form, "commune_code") or None,
        latitude=_float(text(form, "latitude"), "latitude"),
        longitude=_float(text(form, "longitude"), "longitude"),
        actor=text(form, "actor"),
        notes=text(form, "notes"),
        inputs=_inputs(form) if kind in ("fertilising", "spraying") else (),
        quantity=_quantity(form),
        unit=text(form, "unit"),
        inspection_passed=_inspection(form) if kind == "inspection" else None,
        certificate_urls=tuple(url for url in [text(form, "certificate_url")] if url),
        photos=await photo_uploads(form),
        public=text(form, "public") == "1",
        private_fields=frozenset(v for v in all_of(form, "hide") if isinstance(v, str)),
        corrects_sequence=_whole_number(text(form, "corrects_sequence"), "corrects_sequence"),
        idempotency_key=text(form, "idempotency_key") or None,
    )


def _day(raw: str, field: str) -> Any:
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        raise invalid_field(
            field, f"{field}_invalid", "Ngày không hợp lệ.", "The date is not valid."
        ) from None


def _checked(read: Callable[[], T], errors: list[FieldError]) -> T | None:
    try:
        return read()
    except InvalidInput as error:
        errors.extend(error.fields)
        return None


def open_batch_form(form: dict[str, Any]) -> tuple[int, BatchDetails]:
    """The product and details of the "open a batch" form; every wrong field is named at once
    (no product chosen is a field to fill in, not a missing product)."""
    errors: list[FieldError] = []
    product_id = _product_id(text(form, "product_id"))
    if product_id is None:
        errors.append(
            FieldError(
                "product_id", "product_required", "Hãy chọn sản phẩm.", "Please choose a product."
            )
        )
    quantity = _checked(lambda: _quantity(form), errors)
    harvested_on = _checked(lambda: _day(text(form, "harvested_on"), "harvested_on"), errors)
    best_before = _checked(lambda: _day(text(form, "best_before"), "best_before"), errors)
    if errors or product_id is None:
        raise collected(errors)
    details = BatchDetails(
        quantity=quantity,
        unit=text(form, "unit"),
        harvested_on=harvested_on,
        best_before=best_before,
        growing_area_code=text(form, "growing_area_code"),
    )
    return product_id, details


def _product_id(raw: str) -> int | None:
    """A product chosen in the list (an id), else None."""
    if raw.isascii() and raw.isdigit() and len(raw) <= _MAX_ID_DIGITS and int(raw) > 0:
        return int(raw)
    return None
