"""Vietnamese phone numbers: parsed at the edge, stored E.164, shown national, logged masked."""

from __future__ import annotations

import phonenumbers

from marketplace.errors import invalid_field

# A person's or a business's own line: not 1800/1900 service numbers, not foreign numbers.
_PERSONAL_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
)


def _parsed(raw: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(raw.strip(), "VN")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def parse_phone(raw: str, field: str = "phone") -> str:
    """The E.164 form (`+84912345678`) of a Vietnamese mobile or fixed-line number typed any
    common way; foreign numbers and 1800/1900 service numbers are refused."""
    number = _parsed(raw)
    if number is None:
        raise invalid_field(
            field,
            "phone_invalid",
            "Số điện thoại không hợp lệ. Ví dụ đúng: 0912 345 678.",
            "This phone number is not valid. Example: 0912 345 678.",
        )
    if not phonenumbers.is_valid_number_for_region(number, "VN") or (
        phonenumbers.number_type(number) not in _PERSONAL_TYPES
    ):
        raise invalid_field(
            field,
            "phone_not_vietnamese",
            "Vui lòng nhập số điện thoại di động hoặc cố định Việt Nam (không nhận số nước "
            "ngoài hay đầu số 1800/1900). Ví dụ đúng: 0912 345 678.",
            "Please enter a Vietnamese mobile or landline number (not a foreign number nor a "
            "1800/1900 service number). Example: 0912 345 678.",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def lookup_phone(raw: str, field: str = "phone") -> str:
    """The E.164 form of any valid number, to find an existing account by (an account may
    predate the Vietnamese-only rule); new numbers go through `parse_phone`."""
    number = _parsed(raw)
    if number is None:
        return parse_phone(raw, field)  # raises phone_invalid
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
