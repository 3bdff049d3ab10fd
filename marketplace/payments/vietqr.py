"""VietQR payloads: NAPAS's profile of EMVCo merchant-presented QR codes for bank transfers.

A payload is a flat string of TLV fields (2-digit ID, 2-digit decimal length, value) ending in a
CRC-16/CCITT-FALSE. `encode` writes the canonical form (ascending IDs, empty fields omitted,
uppercase CRC); `decode` reads what real bank and wallet apps emit (any field order, lowercase
CRC, IDs it does not know) and says precisely why a payload is rejected.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from marketplace.text import fold

NAPAS_GUID = "A000000727"
TO_ACCOUNT = "QRIBFTTA"
TO_CARD = "QRIBFTTC"
SERVICES = (TO_ACCOUNT, TO_CARD)
STATIC = "11"
DYNAMIC = "12"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
PURPOSE_MAX_LENGTH = 25
AMOUNT_MAX_DIGITS = 13

_DIGITS = re.compile(r"[0-9]+")
_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[A-Za-z0-9]{1,19}")
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_PURPOSE = re.compile(r"[A-Za-z0-9 ]{1,25}")
_NOT_PURPOSE_CHARS = re.compile(r"[^A-Z0-9 ]+")
_SPACES = re.compile(r" +")


class VietQRError(ValueError):
    """A payload or an input that is not valid VietQR; `reason` is a stable snake_case code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class _LengthOverrun(VietQRError):
    def __init__(self, tag: str, message: str) -> None:
        super().__init__("length_overrun", message)
        self.tag = tag


@dataclass(frozen=True)
class VietQR:
    """A decoded VietQR transfer code; `fields` holds the raw top-level TLV values by ID."""

    bank_bin: str
    account: str
    service: str
    amount: int | None
    purpose: str | None
    point_of_initiation: str
    fields: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_dynamic(self) -> bool:
        """Whether the code is meant for one payment (point of initiation 12)."""
        return self.point_of_initiation == DYNAMIC


def crc16(text: str) -> str:
    """CRC-16/CCITT-FALSE of `text` as 4 uppercase hex digits ('123456789' -> '29B1')."""
    return f"{binascii.crc_hqx(text.encode('utf-8'), 0xFFFF):04X}"


def encode(
    bank_bin: str,
    account: str,
    amount: int | None = None,
    purpose: str | None = None,
    service: str = TO_ACCOUNT,
    dynamic: bool | None = None,
) -> str:
    """The canonical VietQR payload for a transfer to `account` at the bank `bank_bin`.

    `dynamic=None` marks the code dynamic (12) when it carries an amount, static (11) otherwise.
    Raises VietQRError when an input cannot be written into a payload bank apps accept.
    """
    _check_encode_inputs(bank_bin, account, amount, purpose, service)
    if dynamic is None:
        dynamic = amount is not None
    beneficiary = _tlv("00", bank_bin) + _tlv("01", account)
    merchant_account = _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", service)
    body = (
        _tlv("00", "01")
        + _tlv("01", DYNAMIC if dynamic else STATIC)
        + _tlv("38", merchant_account)
        + _tlv("53", CURRENCY_VND)
        + _tlv("54", str(amount) if amount is not None else "")
        + _tlv("58", COUNTRY_VN)
        + _tlv("62", _tlv("08", purpose or ""))
        + "6304"
    )
    return body + crc16(body)


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}" if value else ""


def _check_encode_inputs(
    bank_bin: str, account: str, amount: int | None, purpose: str | None, service: str
) -> None:
    if not _BIN.fullmatch(bank_bin):
        raise VietQRError("bin_invalid", f"bank BIN must be 6 digits, got {bank_bin!r}")
    if not _ACCOUNT.fullmatch(account):
        raise VietQRError(
            "account_invalid", f"account must be 1-19 letters or digits, got {account!r}"
        )
    if amount is not None and (
        isinstance(amount, bool)
        or not isinstance(amount, int)
        or amount <= 0
        or len(str(amount)) > AMOUNT_MAX_DIGITS
    ):
        raise VietQRError(
            "amount_invalid",
            f"amount must be a positive whole number of dong, at most 13 digits, got {amount!r}",
        )
    if purpose and not _PURPOSE.fullmatch(purpose):
        raise VietQRError(
            "purpose_invalid",
            f"purpose must be at most 25 characters among A-Z, a-z, 0-9 and space, got {purpose!r}"
            " (see transfer_message)",
        )
    if service not in SERVICES:
        raise VietQRError("service_invalid", f"service must be one of {SERVICES}, got {service!r}")


def transfer_message(text: str) -> str:
    """`text` as a transfer message banks keep intact: [A-Z0-9 ], no diacritics, ≤ 25 characters.

    'Đơn hàng #DH4K7P2QX – Bưởi Ngọc Lũ' -> 'DON HANG DH4K7P2QX BUOI' (whole words kept).
    """
    cleaned = _SPACES.sub(" ", _NOT_PURPOSE_CHARS.sub(" ", fold(text).upper())).strip()
    if len(cleaned) <= PURPOSE_MAX_LENGTH:
        return cleaned
    kept = cleaned[: PURPOSE_MAX_LENGTH + 1]
    # Drop a word the limit would cut in half, unless it is the only word.
    whole_words = kept.rsplit(" ", 1)[0] if " " in kept else kept
    return whole_words[:PURPOSE_MAX_LENGTH].rstrip()


def decode(payload: str) -> VietQR:
    """Read a VietQR payload as a bank app would; raises VietQRError saying what is wrong."""
    text = payload.strip()
    try:
        top_level = _parse_tlvs(text, "")
    except _LengthOverrun as error:
        if error.tag == "63":
            raise VietQRError("crc_missing", "the CRC field (63) is empty or truncated") from None
        raise
    _check_crc(text, top_level)
    fields = _unique(top_level, "")
    _check_header(fields)
    bank_bin, account, service = _merchant_account(fields)
    return VietQR(
        bank_bin=bank_bin,
        account=account,
        service=service,
        amount=_amount(fields),
        purpose=_purpose(fields),
        point_of_initiation=fields.get("01", STATIC),
        fields=MappingProxyType(fields),
    )


def _parse_tlvs(text: str, where: str) -> list[tuple[str, str]]:
    parsed: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        tag, length_text = text[position : position + 2], text[position + 2 : position + 4]
        if position + 4 > len(text):
            raise _LengthOverrun(tag, f"{where}field header {text[position:]!r} is truncated")
        if not _DIGITS.fullmatch(tag):
            raise VietQRError(
                "tag_invalid", f"{where}field ID {tag!r} at {position} is not 2 digits"
            )
        if not _DIGITS.fullmatch(length_text):
            raise VietQRError(
                "length_not_decimal",
                f"{where}field {tag} has length {length_text!r}, not 2 decimal digits",
            )
        start = position + 4
        end = start + int(length_text)
        if end > len(text):
            raise _LengthOverrun(
                tag,
                f"{where}field {tag} declares {int(length_text)} characters"
                f" but only {len(text) - start} remain",
            )
        parsed.append((tag, text[start:end]))
        position = end
    return parsed


def _unique(parsed: list[tuple[str, str]], where: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for tag, value in parsed:
        if tag in fields:
            raise VietQRError("duplicate_field", f"{where}field {tag} appears more than once")
        fields[tag] = value
    return fields


def _check_crc(text: str, parsed: list[tuple[str, str]]) -> None:
    tags = [tag for tag, _ in parsed]
    if "63" not in tags:
        raise VietQRError("crc_missing", "the payload has no CRC field (63)")
    if tags[-1] != "63" or tags.count("63") > 1:
        raise VietQRError("crc_not_last", "the CRC field (63) must be the last field")
    written = parsed[-1][1]
    if not written:
        raise VietQRError("crc_missing", "the CRC field (63) is empty")
    if not _HEX4.fullmatch(written):
        raise VietQRError("crc_malformed", f"the CRC must be 4 hex digits, got {written!r}")
    computed = crc16(text[:-4])
    if written.upper() != computed:
        raise VietQRError(
            "crc_mismatch", f"the CRC is {written} but the payload's CRC-16 is {computed}"
        )


def _check_header(fields: Mapping[str, str]) -> None:
    if fields.get("00") != "01":
        raise VietQRError(
            "format_indicator_invalid",
            f"the payload format indicator (00) must be '01', got {fields.get('00')!r}",
        )
    if fields.get("01", STATIC) not in (STATIC, DYNAMIC):
        raise VietQRError(
            "initiation_invalid",
            f"the point of initiation (01) must be '11' or '12', got {fields['01']!r}",
        )
    if fields.get("53", CURRENCY_VND) != CURRENCY_VND:
        raise VietQRError(
            "currency_invalid", f"the currency (53) must be 704 (VND), got {fields['53']!r}"
        )


def _merchant_account(fields: Mapping[str, str]) -> tuple[str, str, str]:
    if not fields.get("38"):
        raise VietQRError(
            "merchant_account_missing", "no NAPAS merchant account information (field 38)"
        )
    napas = _unique(_parse_tlvs(fields["38"], "38: "), "38: ")
    guid = napas.get("00", "")
    if not guid:
        raise VietQRError("guid_missing", "field 38 has no GUID (38/00)")
    if guid.upper() != NAPAS_GUID:
        raise VietQRError("guid_unknown", f"field 38 has GUID {guid!r}, not NAPAS {NAPAS_GUID}")
    beneficiary = _unique(_parse_tlvs(napas.get("01", ""), "38/01: "), "38/01: ")
    return _bank_bin(beneficiary), _account(beneficiary), _service(napas)


def _bank_bin(beneficiary: Mapping[str, str]) -> str:
    bank_bin = beneficiary.get("00", "")
    if not bank_bin:
        raise VietQRError("bin_missing", "no bank BIN (38/01/00)")
    if not _BIN.fullmatch(bank_bin):
        raise VietQRError("bin_invalid", f"the bank BIN must be 6 digits, got {bank_bin!r}")
    return bank_bin


def _account(beneficiary: Mapping[str, str]) -> str:
    account = beneficiary.get("01", "")
    if not account:
        raise VietQRError("account_missing", "no account or card number (38/01/01)")
    if not _ACCOUNT.fullmatch(account):
        raise VietQRError(
            "account_invalid", f"the account must be 1-19 letters or digits, got {account!r}"
        )
    return account


def _service(napas: Mapping[str, str]) -> str:
    service = napas.get("02", "")
    if not service:
        raise VietQRError("service_missing", "no service code (38/02)")
    if service not in SERVICES:
        raise VietQRError("service_invalid", f"unknown service code {service!r} in 38/02")
    return service


def _amount(fields: Mapping[str, str]) -> int | None:
    written = fields.get("54")
    if written is None:
        return None
    if not _DIGITS.fullmatch(written) or len(written) > AMOUNT_MAX_DIGITS or int(written) == 0:
        raise VietQRError(
            "amount_invalid",
            f"the amount (54) must be a positive whole number of dong, got {written!r}",
        )
    return int(written)


def _purpose(fields: Mapping[str, str]) -> str | None:
    additional = _unique(_parse_tlvs(fields.get("62", ""), "62: "), "62: ")
    return additional.get("08") or None
