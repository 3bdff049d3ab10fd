"""Vietnamese text folding, used identically wherever text is matched.

Buyers type "buoi ngoc lu" for "Bưởi Ngọc Lũ": folding removes tone and vowel marks and maps
đ/Đ to d (Unicode decomposition alone leaves đ, which is a letter of its own), then lowercases.
"""

from __future__ import annotations

import re
import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lowercase ASCII form of `text`: 'Đặc sản Thanh Hóa' -> 'dac san thanh hoa'."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def fold_words(text: str) -> list[str]:
    """The folded words of `text`, punctuation dropped.

    'Bưởi (Ngọc Lũ)' -> ['buoi', 'ngoc', 'lu'].
    """
    return [word for word in _NON_WORD.split(fold(text)) if word]


def normalize(text: str) -> str:
    """NFC form with collapsed whitespace: how Vietnamese text is stored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
