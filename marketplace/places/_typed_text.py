"""The words of a typed place, and whether a name in it was written with a unit's diacritics.

Matching ignores diacritics ("thieu hoa" finds both Thiệu Hóa and Thiệu Hòa); when a person did
type them, they tell the two apart. The old and new tone placements ("Hoà" and "Hòa") spell the
same syllable, so a syllable is compared as its letters (with â, ă, ê, ô, ơ, ư, đ) plus its
tone, wherever the tone mark sits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from marketplace.text import fold_words

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_WORD = re.compile(r"[^\W_]+")
_SEPARATORS = re.compile(r"[,;()\[\]/|\n]+")
_COUNTRY_WORDS: tuple[tuple[str, ...], ...] = (("viet", "nam"), ("vietnam",), ("vn",))
_MAX_WORDS = 40

Syllable = tuple[str, frozenset[str]]


def written_words(text: str) -> list[str]:
    """The words of `text` as written, punctuation dropped: 'TP.Hồ Chí Minh' -> 4 words."""
    return _WORD.findall(unicodedata.normalize("NFC", text))


def syllable(word: str) -> Syllable:
    decomposed = unicodedata.normalize("NFD", word.lower())
    letters = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    tones = frozenset(ch for ch in decomposed if ch in _TONE_MARKS)
    return unicodedata.normalize("NFC", letters), tones


@lru_cache(maxsize=4096)
def _official_syllables(name: str) -> tuple[Syllable, ...]:
    return tuple(map(syllable, written_words(name)))


def spelled_as(written: list[str], name: str) -> bool:
    """True when the words `written` spell `name` with its own diacritics (or lack of them)."""
    return tuple(map(syllable, written)) == _official_syllables(name)


@dataclass(frozen=True, slots=True)
class TypedText:
    """The words of the typed text: folded, as written, and the comma-separated part of each.
    `with_diacritics` says the person typed Vietnamese letters, so their absence means something.
    """

    folded: list[str]
    written: list[str]
    parts: list[int]
    with_diacritics: bool


def split_typed_text(text: str) -> TypedText:
    """Words of `text`; commas, brackets and slashes separate parts; a country or postcode at
    the end is dropped."""
    folded: list[str] = []
    written: list[str] = []
    parts: list[int] = []
    part_number = -1
    for part in _SEPARATORS.split(text):
        remark = fold_words(part)
        if remark == ["moi"]:
            continue  # "(mới)": every name is tried as a current one anyway
        if remark != ["cu"] or not parts:
            part_number += 1  # "(cũ)" stays with the name before it, marking it as old
        for word in written_words(part):
            for folded_word in fold_words(word):
                folded.append(folded_word)
                written.append(word)
                parts.append(part_number)
    end = len(folded) - _country_or_postcode_words(folded)
    start = max(end - _MAX_WORDS, 0)
    written = written[start:end]
    with_diacritics = not all(word.isascii() for word in written)
    return TypedText(folded[start:end], written, parts[start:end], with_diacritics)


def _country_or_postcode_words(words: list[str]) -> int:
    """How many words at the end of an address name the country or a postcode."""
    if words and words[-1].isdigit() and len(words[-1]) >= 5:
        return 1 + _country_or_postcode_words(words[:-1])
    for country in _COUNTRY_WORDS:
        if len(words) > len(country) and tuple(words[-len(country) :]) == country:
            return len(country) + _country_or_postcode_words(words[: -len(country)])
    return 0
