"""Stars and prices typed as words, read as filters (`conditions`)."""

import pytest

from marketplace.search import SearchQuery
from marketplace.search.conditions import Conditions, conditions_in, with_conditions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nem chua thanh hoa 3 sao", Conditions("nem chua thanh hoa ", min_stars=3)),
        ("ocop 4 sao", Conditions("", min_stars=4)),
        ("OCOP 5 SAO", Conditions("", min_stars=5)),
        ("sản phẩm ocop 3 sao", Conditions("", min_stars=3)),
        ("4 sao nem ch", Conditions("nem ch", min_stars=4)),
        ("nem chua 4★", Conditions("nem chua ", min_stars=4)),
        ("chè từ 4 sao trở lên", Conditions("chè ", min_stars=4)),
        ("duoi 100k", Conditions("", price_max=100_000)),
        ("dưới 100 nghìn", Conditions("", price_max=100_000)),
        ("dưới 150.000đ", Conditions("", price_max=150_000)),
        ("DƯỚI 100K", Conditions("", price_max=100_000)),
        ("trên 200k", Conditions("", price_min=200_000)),
        ("trên 1,5tr", Conditions("", price_min=1_500_000)),
        ("mật ong 200k", Conditions("mật ong ", price_max=200_000)),
        ("mật ong 300k trở lên", Conditions("mật ong ", price_min=300_000)),
        ("từ 100k đến 200k", Conditions("", price_min=100_000, price_max=200_000)),
        ("có gì dưới 100k không", Conditions("", price_max=100_000)),
        ("tỏi đen 100k", Conditions("tỏi đen ", price_max=100_000)),
    ],
)
def test_stars_and_prices_typed_are_read_as_filters(text, expected):
    assert conditions_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ocop",
        "sao",
        "nem chua 2 sao",  # no OCOP product has fewer than 3 stars
        "nước mắm độ đạm 40",  # a number alone
        "gạo st25",
        "1kg gạo",
        "tranh 3d",  # nothing costs 3 đồng
        "dưới 5",
        "dưới 99999999999999999k",  # beyond any price filter
    ],
)
def test_other_numbers_stay_words(text):
    assert conditions_in(text) == Conditions(text)


def test_the_stricter_of_typed_and_chosen_filters_applies():
    query = with_conditions(
        SearchQuery(text="mật ong 4 sao dưới 300k", min_stars=3, price_max=250_000)
    )
    assert (query.text, query.min_stars, query.price_max) == ("mật ong ", 4, 250_000)
    unchanged = SearchQuery(text="bưởi")
    assert with_conditions(unchanged) is unchanged
