"""How money, numbers, dates and phone numbers look on pages (Babel, Asia/Ho_Chi_Minh).

One date style per language: dates are Babel's "medium" date, moments the same date with the
"short" time, joined the way the language joins them (`07:00 2 thg 10, 2025`,
`Oct 2, 2025, 7:00 AM`).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from marketplace.phones import format_phone

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_LOCALES = {"vi": "vi_VN", "en": "en_US"}


def money(amount_vnd: int, language: str = "vi") -> str:
    """`1.250.000 ₫` in both languages: đồng are always written the Vietnamese way."""
    return f"{format_decimal(amount_vnd, locale='vi_VN')}\u00a0₫"


def number(value: float | int, language: str = "vi", decimals: int = 1) -> str:
    """`0,6` and `1.250` in Vietnamese, `0.6` and `1,250` in English; at most `decimals`."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, pattern, locale=_LOCALES[language])


def local_datetime(moment: datetime, language: str = "vi") -> str:
    locale = Locale.parse(_LOCALES[language])
    local = moment.astimezone(VIETNAM)
    joined = str(locale.datetime_formats["medium"])
    return joined.replace("{1}", format_date(local.date(), "medium", locale=locale)).replace(
        "{0}", format_time(local, "short", tzinfo=VIETNAM, locale=locale)
    )


def local_date(day: date, language: str = "vi") -> str:
    """A day; a moment is first put in Viet Nam's time (a 6 a.m. harvest is not the day before)."""
    if isinstance(day, datetime):
        day = day.astimezone(VIETNAM).date()
    return format_date(day, "medium", locale=_LOCALES[language])


def phone(e164: str) -> str:
    return format_phone(e164)
