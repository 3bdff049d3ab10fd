"""Filters typed as words: "nem chua 3 sao", "ocop 4 sao", "mật ong dưới 200k", "trên 1 triệu".

A buyer who types "nem chua thanh hoa 3 sao" wants nem chua rated at least 3 stars, as the
stars filter means, not the products whose text has the words "3" and "sao" (the keyword "OCOP
3 sao" of a 3-star product: Chả tôm of "Cơ sở Nem chua", and not the 4-star Nem chua). Prices
likewise: "dưới 100k" is a price under 100,000 đồng, which no product's text says. These are
taken out of the text and become the query's filters before any backend sees it, so memory,
FTS5, PostgreSQL and Meilisearch apply them alike and report none of them as words left out.
With a filter also chosen, the stricter one applies.

- stars: 3 to 5 before "sao" (or "★"), with or without "ocop" before them and "trở lên" after;
- prices: an amount in đồng ("100k", "100 nghìn", "1,5tr", "2 triệu", "150.000đ"), after
  "dưới", "không quá", "tối đa", "đến" (a maximum) or "trên", "hơn", "từ" (a minimum), or
  followed by "trở xuống" / "trở lên"; an amount with its unit and no such word is a budget,
  a maximum ("mật ong 200k"). Ambiguous words count only with their marks ("đến", not "đen").

What is left of the text when these are taken out, if it is only generic or conversation words
("sản phẩm ocop 3 sao", "có gì dưới 100k không"), is dropped too: the filters are the question.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction

from marketplace.search.query import MAX_PRICE_FILTER, SearchQuery
from marketplace.search.tokens import words
from marketplace.search.wording import nothing_specific

_START = r"(?<![^\W_])"  # not inside a word
_END = r"(?![^\W_])"
_MAXIMUM = r"dưới|duoi|không quá|khong qua|tối đa|toi da|đến|tới|<=|<"
_MINIMUM = r"trên|tren|hơn|hon|từ|tu|>=|>"
_OR_LESS = r"trở xuống|tro xuong|đổ lại|do lai"
_OR_MORE = r"trở lên|tro len"
_STARS = re.compile(
    rf"{_START}(?:(?:từ|tu|trên|tren)\s+)?(?:ocop\s*)?(?P<stars>[3-5])\s*(?:sao{_END}|★)"
    rf"(?:\s+(?:{_OR_MORE}){_END})?",
    re.IGNORECASE,
)
_UNITS = {
    "k": 1000,
    "nghìn": 1000,
    "nghin": 1000,
    "ngàn": 1000,
    "ngan": 1000,
    "tr": 1_000_000,
    "triệu": 1_000_000,
    "trieu": 1_000_000,
    "đ": 1,
    "d": 1,
    "đồng": 1,
    "dong": 1,
    "vnđ": 1,
    "vnd": 1,
}
_UNIT = "|".join(sorted(_UNITS, key=len, reverse=True))
_PRICE = re.compile(
    rf"{_START}(?:(?P<maximum>{_MAXIMUM})|(?P<minimum>{_MINIMUM}))?\s*"
    rf"(?P<number>\d{{1,15}}(?:[.,]\d{{1,3}})*)\s*(?P<unit>{_UNIT})?{_END}"
    rf"(?:\s+(?:(?P<or_less>{_OR_LESS})|(?P<or_more>{_OR_MORE})){_END})?",
    re.IGNORECASE,
)
_CHEAPEST = 1000  # đồng: no price is lower


@dataclass(frozen=True)
class Conditions:
    """The text without the filters typed in it, and those filters (None: not typed)."""

    text: str
    min_stars: int | None = None
    price_min: int | None = None
    price_max: int | None = None


def conditions_in(text: str) -> Conditions:
    """The stars and prices typed in `text` as words, taken out of it."""
    if not any(c.isdigit() or c == "★" for c in text):
        return Conditions(text)  # most searches: nothing to look for
    normalized = unicodedata.normalize("NFC", text)
    stars: list[int] = []
    minimum: list[int] = []
    maximum: list[int] = []

    def star(found: re.Match[str]) -> str:
        stars.append(int(found["stars"]))
        return " "

    def price(found: re.Match[str]) -> str:
        amount = _amount(found["number"], found["unit"])
        compared = found["minimum"] or found["maximum"] or found["or_more"] or found["or_less"]
        if amount is None or not _CHEAPEST <= amount <= MAX_PRICE_FILTER:
            return found[0]  # "tranh 3d", "dưới 5" are no prices
        if found["unit"] is None and not compared:
            return found[0]  # a number alone ("40" of "độ đạm 40") is no price
        (minimum if found["minimum"] or found["or_more"] else maximum).append(amount)
        return " "

    rest = _PRICE.sub(price, _STARS.sub(star, normalized))
    if rest == normalized:
        return Conditions(text)
    rest = re.sub(r"\s{2,}", " ", rest).lstrip()
    if nothing_specific(words(rest)):
        rest = ""
    return Conditions(
        rest,
        max(stars, default=None),
        max(minimum, default=None),
        min(maximum, default=None),
    )


def _amount(number: str, unit: str | None) -> int | None:
    """The amount in đồng: "100" "k", "1,5" "tr", "150.000" "đ"; None if unreadable."""
    groups = re.split(r"[.,]", number)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        value = Fraction(int("".join(groups)))  # thousands separated: 150.000, 1,500,000
    elif len(groups) == 2:
        value = int(groups[0]) + Fraction(int(groups[1]), 10 ** len(groups[1]))  # 1,5
    elif len(groups) == 1:
        value = Fraction(int(number))
    else:
        return None
    return int(value * _UNITS[unit.lower() if unit else "đ"])


def with_conditions(query: SearchQuery) -> SearchQuery:
    """The query with the stars and prices typed in its text as filters (the stricter of
    those and the ones chosen)."""
    found = conditions_in(query.text)
    if found.text == query.text:
        return query
    return replace(
        query,
        text=found.text,
        min_stars=_stricter(query.min_stars, found.min_stars, max),
        price_min=_stricter(query.price_min, found.price_min, max),
        price_max=_stricter(query.price_max, found.price_max, min),
    )


def _stricter(chosen: int | None, typed: int | None, pick: Callable[[int, int], int]) -> int | None:
    if chosen is None or typed is None:
        return typed if chosen is None else chosen
    return pick(chosen, typed)
