"""GS1 identification keys: the GTIN a product may carry, checked before it is printed.

A GTIN is only ever typed in from the producer's GS1 membership (never invented): the check
digit catches most typing mistakes, and every GTIN is kept in its 14-digit form, the one GS1
Digital Link URIs and EPCIS use.
"""

from __future__ import annotations

from marketplace.errors import invalid_field

GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_check_digit(body: str) -> str:
    """The GS1 check digit for `body` (all digits but the last): weights 3,1,3,… from the right.

    `gtin_check_digit("0952123454321")` is `"3"`. Works for every GS1 key with a standard
    check digit (GTIN, GLN, SSCC).
    """
    if not body.isascii() or not body.isdigit():
        raise ValueError(f"a GS1 key body has only digits, not {body!r}")
    total = sum(
        int(digit) * (3 if position % 2 == 0 else 1)
        for position, digit in enumerate(reversed(body))
    )
    return str((10 - total % 10) % 10)


def validate_gtin(raw: str) -> str:
    """The GTIN-14 for a GTIN-8, -12, -13 or -14 typed by a person (spaces and dashes allowed).

    Raises `InvalidInput` (`gtin_invalid`) for a wrong length, a non-digit or a wrong check
    digit, so that a mistyped GTIN never reaches a printed label.
    """
    digits = "".join(ch for ch in raw.strip() if ch not in " -")
    if not digits.isascii() or not digits.isdigit() or len(digits) not in GTIN_LENGTHS:
        raise _gtin_error(
            "GTIN phải gồm 8, 12, 13 hoặc 14 chữ số.",
            "A GTIN has 8, 12, 13 or 14 digits.",
        )
    if gtin_check_digit(digits[:-1]) != digits[-1]:
        raise _gtin_error(
            "Số kiểm tra của GTIN không đúng: hãy xem lại từng chữ số.",
            "The GTIN's check digit is wrong: please check each digit.",
        )
    return digits.rjust(14, "0")


def _gtin_error(message_vi: str, message_en: str) -> Exception:
    return invalid_field("gtin", "gtin_invalid", message_vi, message_en)
