"""Seller forms as the browser sends them, turned into service inputs (and back, to show them).

Values are kept as the person typed them, so a form shown again after an error loses nothing.
"""

from __future__ import annotations

from typing import Any

from marketplace import places
from marketplace.catalogue.schemas import ProducerInput, ProducerPrivate, Product, ProductInput
from marketplace.catalogue.typed_values import parse_day, parse_whole_number
from marketplace.errors import ApplicationError, FieldError, InvalidInput, invalid_field

PRODUCER_FIELDS = (
    "name",
    "kind",
    "story",
    "phone",
    "province_code",
    "commune_code",
    "commune_choice",
    "address_line",
    "old_address",
    "latitude",
    "longitude",
    "bank_bin",
    "bank_account",
    "bank_holder",
)
PRODUCER_CHECKBOXES = ("show_phone", "show_address")
PRODUCT_FIELDS = (
    "name",
    "unit",
    "price_vnd",
    "stock",
    "status",
    "description_vi",
    "description_en",
    "ocop_group",
    "ocop_set",
    "ocop_stars",
    "ocop_decision_no",
    "ocop_decision_date",
    "gtin",
)


def form_values(
    form: Any, names: tuple[str, ...], checkboxes: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The named fields of a submitted form as text; checkboxes as "1" or ""."""
    values: dict[str, Any] = {name: str(form.get(name) or "").strip() for name in names}
    for name in checkboxes:
        values[name] = "1" if form.get(name) else ""
    return values


def _collected(errors: list[FieldError]) -> InvalidInput:
    return InvalidInput(
        "form_invalid",
        "Vui lòng sửa các ô được đánh dấu bên dưới.",
        "Please correct the marked fields below.",
        fields=errors,
    )


def _coordinate(raw: str, field: str, errors: list[FieldError]) -> float | None:
    if not raw:
        return None
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        errors.append(
            FieldError(field, "point_invalid", "Tọa độ phải là số.", "Coordinates are numbers.")
        )
        return None


def chosen_commune(values: dict[str, Any]) -> None:
    """A commune picked among an old address's choices wins over the selects."""
    choice = values.get("commune_choice", "")
    if not choice:
        return
    try:
        commune = places.commune(choice)
    except ApplicationError:
        return
    values["commune_code"], values["province_code"] = commune.code, commune.province_code


def producer_input(values: dict[str, Any]) -> ProducerInput:
    """Raise InvalidInput for what the producer service cannot see (missing commune, numbers)."""
    errors: list[FieldError] = []
    latitude = _coordinate(values["latitude"], "latitude", errors)
    longitude = _coordinate(values["longitude"], "longitude", errors)
    if not values["commune_code"]:
        errors.append(
            FieldError(
                "commune_code",
                "commune_required",
                "Vui lòng chọn xã, phường.",
                "Please choose the commune or ward.",
            )
        )
    if errors:
        raise _collected(errors)
    return ProducerInput(
        name=values["name"],
        kind=values["kind"],
        province_code=values["province_code"],
        commune_code=values["commune_code"],
        story=values["story"],
        phone=values["phone"],
        address_line=values["address_line"],
        latitude=latitude,
        longitude=longitude,
        bank_bin=values["bank_bin"] or None,
        bank_account=values["bank_account"] or None,
        bank_holder=values["bank_holder"] or None,
        show_phone=bool(values["show_phone"]),
        show_address=bool(values["show_address"]),
    )


def producer_values(producer: ProducerPrivate) -> dict[str, Any]:
    public = producer.public
    bank = producer.bank
    return {
        "name": public.name,
        "kind": public.kind,
        "story": public.story,
        "phone": producer.phone,
        "province_code": public.province_code,
        "commune_code": public.commune_code,
        "commune_choice": "",
        "address_line": producer.address_line,
        "old_address": "",
        "latitude": "" if public.latitude is None else str(public.latitude),
        "longitude": "" if public.longitude is None else str(public.longitude),
        "bank_bin": bank.bank_bin if bank else "",
        "bank_account": bank.account if bank else "",
        "bank_holder": bank.holder if bank else "",
        "show_phone": "1" if producer.show_phone else "",
        "show_address": "1" if producer.show_address else "",
    }


def product_form_values(form: Any) -> dict[str, Any]:
    values = form_values(form, (*PRODUCT_FIELDS, "stock_seen"))
    values["certifications"] = [str(code) for code in form.getall("certifications", [])]
    return values


def _number(raw: str, field: str, errors: list[FieldError]) -> int | None:
    if not raw:
        return None
    try:
        return parse_whole_number(raw, field)
    except InvalidInput as error:
        errors.extend(error.fields)
        return None


def product_input(values: dict[str, Any], featured: bool) -> ProductInput:
    """Raise InvalidInput listing every number or date that cannot be read."""
    errors: list[FieldError] = []
    numbers = {
        name: _number(values[name], name, errors)
        for name in ("price_vnd", "stock", "ocop_group", "ocop_set", "ocop_stars")
    }
    decision_date = None
    try:
        decision_date = parse_day(values["ocop_decision_date"])
    except InvalidInput as error:
        errors.extend(error.fields)
    if not values["price_vnd"]:
        errors.append(_price_missing())
    if errors:
        raise _collected(errors)
    return ProductInput(
        name=values["name"],
        unit=values["unit"],
        price_vnd=numbers["price_vnd"] or 0,
        stock=numbers["stock"] or 0,
        description_vi=values["description_vi"],
        description_en=values["description_en"],
        ocop_group=numbers["ocop_group"],
        ocop_set=numbers["ocop_set"],
        ocop_stars=numbers["ocop_stars"],
        ocop_decision_no=values["ocop_decision_no"] or None,
        ocop_decision_date=decision_date,
        certifications=tuple(values["certifications"]),
        gtin=values["gtin"] or None,
        status=values["status"] or "draft",
        featured=featured,
    )


def _price_missing() -> FieldError:
    error = invalid_field(
        "price_vnd", "price_missing", "Vui lòng nhập giá bán.", "Please enter the price."
    )
    return error.fields[0]


def stock_seen(values: dict[str, Any], stored: int) -> int:
    """The stock the seller's form showed (a hidden field); the stored stock for a form from
    before the field existed."""
    seen = str(values.get("stock_seen") or "").strip()
    return int(seen) if seen.isascii() and seen.isdigit() and len(seen) < 10 else stored


def product_values(product: Product) -> dict[str, Any]:
    def text(value: object) -> str:
        return "" if value is None else str(value)

    return {
        "name": product.name,
        "unit": product.unit,
        "price_vnd": str(product.price_vnd),
        "stock": str(product.stock),
        "stock_seen": str(product.stock),
        "status": product.status,
        "description_vi": product.description_vi,
        "description_en": product.description_en,
        "ocop_group": text(product.ocop_group),
        "ocop_set": text(product.ocop_set),
        "ocop_stars": text(product.ocop.certified_stars),
        "ocop_decision_no": text(product.ocop_decision_no),
        "ocop_decision_date": text(product.ocop_decision_date),
        "gtin": text(product.gtin),
        "certifications": list(product.certifications),
    }
