"""Festival days: lunar dates of the Vietnamese calendar turned into this year's solar dates.

The Vietnamese lunar calendar is computed for UTC+7 (Hồ Ngọc Đức's algorithm, as in the
`lunar-vn` package); the Chinese calendar (UTC+8) sometimes starts a month a day apart.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from lunar_vn import LunarDate, lunar_to_solar, solar_to_lunar

from marketplace.errors import invalid_field

VIETNAM_UTC_OFFSET_HOURS = 7.0


def check_lunar_date(month: int, day: int) -> None:
    """`InvalidInput` unless month 1–12 and day 1–30 (a lunar month has 29 or 30 days)."""
    if not 1 <= month <= 12 or not 1 <= day <= 30:
        raise invalid_field(
            "lunar_date",
            "lunar_date_invalid",
            "Ngày âm lịch gồm tháng từ 1 đến 12 và ngày từ 1 đến 30.",
            "A lunar date has a month from 1 to 12 and a day from 1 to 30.",
        )


@lru_cache(maxsize=4096)
def solar_date(lunar_year: int, month: int, day: int, leap_month: bool = False) -> date | None:
    """The solar date of day/month of `lunar_year`, or None when that year has no such leap
    month. Day 30 of a 29-day month falls on the month's last day, as custom has it."""
    check_lunar_date(month, day)
    for candidate_day in (day, 29) if day == 30 else (day,):
        try:
            found = lunar_to_solar(LunarDate(candidate_day, month, lunar_year, leap_month))
        except ValueError:  # the library noticed that the year has no such leap month
            return None
        back = solar_to_lunar(found)
        if (back.month, back.leap, back.day) == (month, leap_month, candidate_day):
            return found
    return None  # a 29-day month, or a leap month the library did not refuse


def dates_in_solar_year(year: int, month: int, day: int, leap_month: bool = False) -> list[date]:
    """Every solar date of `year` on which the lunar day falls: usually one, rarely none or two
    (a date late in the twelfth lunar month belongs to the previous lunar year)."""
    found = (solar_date(lunar_year, month, day, leap_month) for lunar_year in (year - 1, year))
    return sorted(d for d in found if d is not None and d.year == year)


def lunar_today(today: date) -> LunarDate:
    return solar_to_lunar(today)
