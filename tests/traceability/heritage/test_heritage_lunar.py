from datetime import date

import pytest

from marketplace.errors import InvalidInput
from traceability.heritage.lunar import dates_in_solar_year, solar_date


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2025, date(2025, 1, 29)), (2026, date(2026, 2, 17)), (2027, date(2027, 2, 6))],
)
def test_tet_nguyen_dan_falls_on_its_known_solar_date(year, expected):
    assert dates_in_solar_year(year, 1, 1) == [expected]


def test_the_vietnamese_calendar_is_reckoned_at_utc_plus_seven_not_china_time():
    # Tết 1985 came a month before the Chinese New Year (20 Feb), Tết 2007 a day before it.
    assert dates_in_solar_year(1985, 1, 1) == [date(1985, 1, 21)]
    assert dates_in_solar_year(2007, 1, 1) == [date(2007, 2, 17)]


def test_mid_autumn_2025_and_the_hung_kings_day_2026():
    assert dates_in_solar_year(2025, 8, 15) == [date(2025, 10, 6)]
    assert dates_in_solar_year(2026, 3, 10) == [date(2026, 4, 26)]


def test_a_leap_month_festival_only_happens_in_years_with_that_leap_month():
    assert dates_in_solar_year(2025, 6, 1, leap_month=True) == [date(2025, 7, 25)]
    assert dates_in_solar_year(2026, 6, 1, leap_month=True) == []


def test_a_late_twelfth_month_day_belongs_to_the_previous_lunar_year():
    # 23 tháng Chạp of lunar 2025 (Ông Công Ông Táo) is a week before Tết 2026.
    assert dates_in_solar_year(2026, 12, 23) == [date(2026, 2, 10)]


def test_day_thirty_of_a_short_month_is_kept_on_its_last_day():
    last_day = solar_date(2026, 2, 29)
    assert solar_date(2026, 2, 30) == last_day
    assert solar_date(2026, 2, 30) != solar_date(2026, 3, 1)


def test_an_impossible_lunar_date_is_refused():
    with pytest.raises(InvalidInput):
        solar_date(2026, 13, 1)
