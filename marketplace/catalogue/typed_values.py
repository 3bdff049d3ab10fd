"""Numbers and dates as people type them in forms and spreadsheets.

Vietnamese write thousands with dots ("120.000") and dates day first ("17/05/2024"); Excel
may add a currency sign. Values that cannot be read are refused, never guessed.
"""

from __future__ import annotations

import re
from datetime import date

from marketplace.errors import invalid_field

_GROUPED_NUMBER = re.compile(r"^\d{1,3}([.,]\d{3})+$")
_CURRENCY = re.compile(r"(₫|vnđ|vnd|đồng|đ)$", re.IGNORECASE)
MAX_DIGITS = 30
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_whole_number(raw: str, field: str) -> int:
    """'120000', '120.000', '120,000' or '120.000 ₫' -> 120000; anything else is refused, and
    so is a number of more than `MAX_DIGITS` digits (no count or price here is that large, and
    Python refuses to read integers of thousands of digits)."""
    cleaned = _CURRENCY.sub("", raw.replace("\u00a0", " ").strip()).replace(" ", "")
    digits = sum(c.isdigit() for c in cleaned)
    if digits > MAX_DIGITS:
        shown = raw.strip() if len(raw.strip()) <= 24 else raw.strip()[:20] + "…"
        raise invalid_field(
            field,
            "number_too_large",
            f"“{shown}” quá lớn: tối đa {MAX_DIGITS} chữ số.",
            f"“{shown}” is too large: at most {MAX_DIGITS} digits.",
        )
    if cleaned.isdigit() and cleaned.isascii():
        return int(cleaned)
    if _GROUPED_NUMBER.match(cleaned):
        return int(cleaned.replace(".", "").replace(",", ""))
    raise invalid_field(
        field,
        "not_a_whole_number",
        f"“{raw}” không phải số nguyên (ví dụ: 120000 hoặc 120.000).",
        f"“{raw}” is not a whole number (e.g. 120000 or 120.000).",
    )


def parse_day(raw: str, field: str = "ocop_decision_date") -> date | None:
    """ISO (2024-05-17) or day first as Vietnamese spreadsheets write it (17/05/2024)."""
    value = raw.strip()
    if not value:
        return None
    try:
        day_first = _DAY_FIRST.match(value)
        if day_first:
            day, month, year = (int(part) for part in day_first.groups())
            return date(year, month, day)
        return date.fromisoformat(value)
    except ValueError:
        raise invalid_field(
            field,
            "date_invalid",
            f"“{raw}” không phải ngày (ví dụ: 17/05/2024 hoặc 2024-05-17).",
            f"“{raw}” is not a date (e.g. 17/05/2024 or 2024-05-17).",
        ) from None
