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
# C0 and C1 control characters other than tab and line breaks (NUL breaks PostgreSQL text, the
# others print as nothing or garbage), and the bidi overrides, embeddings and isolates that
# can reorder the text around them on a page.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


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


def without_controls(text: str) -> str:
    """`text` without control characters (tab and line breaks kept) or bidi overrides."""
    return _CONTROLS.sub("", text)


def normalize(text: str) -> str:
    """NFC form with collapsed whitespace and no control characters: how Vietnamese text is
    stored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", without_controls(text))).strip()
