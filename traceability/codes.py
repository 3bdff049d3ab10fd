"""Batch codes: the short public name of a lô (production batch), printed under its QR code.

Ten random Crockford base32 characters and a check character (11 in all, about 10^15 codes):
short enough to type from a label, within GS1's 20-character lot limit and made only of
characters GS1 allows in a lot, so the same code can sit in a Digital Link `/10/` path.
"""

from __future__ import annotations

from marketplace.codes import canonical, is_valid, new_code
from marketplace.errors import NotFound

BATCH_CODE_PREFIX = ""
BATCH_CODE_BODY_LENGTH = 10
BATCH_CODE_LENGTH = len(BATCH_CODE_PREFIX) + BATCH_CODE_BODY_LENGTH + 1


def new_batch_code() -> str:
    """A fresh random batch code such as `7K3M9QX2A8T` (uniqueness is the database's job)."""
    return new_code(BATCH_CODE_PREFIX, BATCH_CODE_BODY_LENGTH)


def parse_batch_code(raw: str) -> str:
    """The canonical batch code for what a person typed or a URL carried.

    Lowercase, spaces, dashes and the look-alikes O/I/L are accepted; a wrong length or check
    character raises `NotFound` (`batch_code_invalid`): no batch can have that code.
    """
    code = canonical(raw)
    if len(code) != BATCH_CODE_LENGTH or not is_valid(code, BATCH_CODE_PREFIX):
        raise NotFound(
            "batch_code_invalid",
            "Mã lô không đúng: không có lô hàng nào mang mã này. Hãy kiểm tra lại từng ký tự.",
            "This batch code is not valid: no batch has it. Please check each character.",
        )
    return code
