"""How search cuts Vietnamese text into terms, at index time and at query time alike.

Every term has a folded form (`marketplace.text.fold`: no tone or vowel marks, đ → d,
lowercase) that decides whether a word matches, and an exact form that decides whether it
matches with the same diacritics. The exact form ignores where the tone mark sits, so the
old and new spellings "hoà" and "hòa" are the same word.

Folding here goes through one `str.translate` table instead of a Python loop per character,
so that 100,000 product descriptions fold in about a second; a test checks that it agrees
with `marketplace.text.fold` on Vietnamese text.

Full-width Latin letters and digits ("ＮＵＯＣ ＭＡＭ", typed with a CJK keyboard or pasted) are
read as the ASCII they stand for, their NFKC form. Only that block is mapped, not the whole
text put through NFKC: each full-width character stays one character, so positions in folded
text are still positions in the original (`highlight`), and other compatibility characters
("m²", "½") fold as they always have. NFC Vietnamese is left as it is either way.

A word of a script folding cannot spell in ASCII (Chinese "鱼露", Thai "น้ำปลา") is kept as a
word of its own, folded as far as it goes: a buyer who typed only such words asked for
something, and gets what matches it (usually nothing, with the words reported as left out),
not the empty query's whole catalogue.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

_TONE_MARKS = {
    "\u0300": "2",  # huyền
    "\u0301": "1",  # sắc
    "\u0303": "4",  # ngã
    "\u0309": "3",  # hỏi
    "\u0323": "5",  # nặng
}
_ASCII_WORD = re.compile(r"[0-9a-z]+")


def _combining_marks() -> str:
    """A character class of the combining marks of the BMP (categories Mn, Mc, Me)."""
    ranges: list[str] = []
    start = end = -2
    for code in range(0x300, 0x10000):
        if not unicodedata.category(chr(code)).startswith("M"):
            continue
        if code != end + 1:
            if start >= 0:
                ranges.append(f"\\u{start:04x}-\\u{end:04x}")
            start = code
        end = code
    ranges.append(f"\\u{start:04x}-\\u{end:04x}")
    return "".join(ranges)


# A word: letters and digits, with the combining marks written on them. NFC Vietnamese has no
# combining marks left, but Thai and Indic scripts write vowels and tones as marks ("น้ำ"),
# which \w alone would cut out of the middle of a word.
_UNICODE_WORD = re.compile(f"[^\\W_]+(?:[{_combining_marks()}]+[^\\W_]*)*")


_FIRST_WIDE = "\u3000"


def _narrow_table() -> dict[int, str]:
    """Full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space, to their NFKC form."""
    codes = (*range(0xFF01, 0xFF5F), ord(_FIRST_WIDE))
    return {code: unicodedata.normalize("NFKC", chr(code)) for code in codes}


_NARROW = _narrow_table()


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "d"}
    for code in (*range(0x80, 0x2000), *range(0x1E00, 0x1F00)):
        char = chr(code)
        if unicodedata.combining(char):
            table[code] = None
            continue
        stripped = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        folded = stripped.lower()
        if folded != char:
            table[code] = folded
    for code, narrow in _NARROW.items():
        table[code] = narrow.lower()
    return table


_FOLD = _fold_table()


def fold_text(text: str) -> str:
    """Lowercase, without tone or vowel marks, đ → d: 'Đặc sản' -> 'dac san'."""
    return unicodedata.normalize("NFC", text).lower().translate(_FOLD)


def _normalized(text: str) -> str:
    """Lowercase NFC with full-width forms narrowed: the text as `words` reads it. (Most text
    has no character from the ideographic space up, and is not translated at all.)"""
    if max(text, default="") >= _FIRST_WIDE:
        text = text.translate(_NARROW)
    return unicodedata.normalize("NFC", text).lower()


def folded_terms(text: str) -> list[str]:
    """The folded terms of a long text (descriptions): 'Mật ong, rừng' -> ['mat', 'ong', 'rung']."""
    return _ASCII_WORD.findall(fold_text(text))


@lru_cache(maxsize=65536)
def exact_key(word: str) -> str:
    """The word with its diacritics, wherever its tone mark sits: 'Hoà' == 'hòa' -> 'hoa2'."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tone = ""
    kept = []
    for char in decomposed:
        if char in _TONE_MARKS:
            tone = _TONE_MARKS[char]
        else:
            kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)) + tone


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> tuple[str, ...]:
    return tuple(_ASCII_WORD.findall(word.translate(_FOLD)))


def has_marks(word: str) -> bool:
    """Whether the word carries any diacritic (so that its exact form means something).

    A word of another script ("鱼露") has none: nothing of it folds to ASCII.
    """
    lowered = _normalized(word)
    folded = "".join(_fold_word(lowered))
    return bool(folded) and folded != lowered


def marked_stem(word: Word) -> str | None:
    """The exact key of a word being typed without its tone, when its letters carry marks:
    "sấ" -> "sâ", on its way to "sấy" or "sầu" (whose keys, "sây1" and "sâu2", start with it;
    the tone goes at the end of a key, so a prefix cannot say it). None for "bá" or "ba"."""
    toned = any(mark in _TONE_MARKS for mark in unicodedata.normalize("NFD", word.text))
    stem = word.exact[:-1] if toned else word.exact
    return stem if stem != word.folded else None


class Word(NamedTuple):
    """One word of a name or a query: as written (lowercase NFC), folded, and its exact key."""

    text: str
    folded: str
    exact: str


def words(text: str) -> list[Word]:
    """The words of a short text (names, labels, queries) with their folded and exact forms.

    A word that folds into several ASCII pieces (rare symbols) gives one term per piece; a word
    with none (another script: "鱼露") is one term, as folded as it gets, with no exact form of
    its own, so that typing it is not typing nothing.
    """
    result: list[Word] = []
    for raw in _UNICODE_WORD.findall(_normalized(text)):
        pieces = _fold_word(raw)
        if len(pieces) == 1:
            result.append(Word(raw, pieces[0], exact_key(raw)))
        elif pieces:
            result.extend(Word(piece, piece, piece) for piece in pieces)
        else:
            folded = raw.translate(_FOLD) or raw
            result.append(Word(raw, folded, folded))
    return result
