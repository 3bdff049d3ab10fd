"""Vietnamese phone numbers: parsed at the edge, stored E.164, shown national, logged masked."""

from __future__ import annotations

import phonenumbers

from marketplace.errors import invalid_field


def parse_phone(raw: str, field: str = "phone") -> str:
    """The E.164 form (`+84912345678`) of a Vietnamese number typed any common way."""
    try:
        number = phonenumbers.parse(raw.strip(), "VN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise invalid_field(
            field,
            "phone_invalid",
            "Số điện thoại không hợp lệ. Ví dụ đúng: 0912 345 678.",
            "This phone number is not valid. Example: 0912 345 678.",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """National format for display: `+84912345678` -> `0912 345 678`."""
    number = phonenumbers.parse(e164, "VN")
    if number.country_code != 84:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def mask_phone(e164: str) -> str:
    """What logs may show of a phone number (Decree 13/2023): `+84912***678`."""
    if len(e164) < 8:
        return "***"
    return f"{e164[:6]}***{e164[-3:]}"
