"""How money, dates and phone numbers look on pages (Babel, Asia/Ho_Chi_Minh)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from marketplace.phones import format_phone

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_LOCALES = {"vi": "vi_VN", "en": "en_US"}


def money(amount_vnd: int, language: str = "vi") -> str:
    """`1.250.000 ₫` in both languages: đồng are always written the Vietnamese way."""
    return f"{format_decimal(amount_vnd, locale='vi_VN')}\u00a0₫"


def local_datetime(moment: datetime, language: str = "vi") -> str:
    return format_datetime(
        moment.astimezone(VIETNAM), "short", tzinfo=VIETNAM, locale=_LOCALES[language]
    )


def local_date(day: date, language: str = "vi") -> str:
    return format_date(day, "medium", locale=_LOCALES[language])


def phone(e164: str) -> str:
    return format_phone(e164)
