"""Matched words wrapped in <mark>, in the text as the producer wrote it, HTML-escaped.

Every piece of the text is escaped with `html.escape`; only the <mark> tags this module adds
are markup, so a product named "<b>Mắm</b>" is shown as typed and cannot inject HTML.

Matches are found with one regular expression over the folded text: folding maps each letter
of NFC Vietnamese to exactly one letter, so positions in the folded text are positions in the
original (a text where that does not hold is matched word by word instead).
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

from marketplace.search.tokens import fold_text

_WORD = re.compile(r"[^\W_]+")
SNIPPET_WORDS = 28
SNIPPET_LEAD = 6


@dataclass(frozen=True)
class MatchedTerms:
    """Folded words that matched whole, and prefixes that matched the start of a word."""

    whole: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        longest_first = sorted(self.whole, key=len, reverse=True)
        alternatives = [f"{re.escape(w)}(?![0-9a-z])" for w in longest_first]
        alternatives += [re.escape(p) for p in sorted(self.prefixes, key=len, reverse=True) if p]
        pattern = re.compile(f"(?<![0-9a-z])(?:{'|'.join(alternatives)})") if alternatives else None
        object.__setattr__(self, "pattern", pattern)

    def match_length(self, word: str) -> int:
        """How many characters of `word` to mark (0: none)."""
        folded = fold_text(word)
        if folded in self.whole:
            return len(word)
        for prefix in self.prefixes:
            if folded.startswith(prefix):
                return len(prefix) if len(folded) == len(word) else len(word)
        return 0


def _marks(text: str, terms: MatchedTerms) -> list[tuple[int, int]]:
    """(start, end) of every stretch of `text` (NFC) to mark."""
    if terms.pattern is None:
        return []
    folded = fold_text(text)
    if len(folded) == len(text):
        return [m.span() for m in terms.pattern.finditer(folded)]
    marks = []
    for word in _WORD.finditer(text):
        length = terms.match_length(word.group())
        if length:
            marks.append((word.start(), word.start() + length))
    return marks


def highlight(text: str, terms: MatchedTerms) -> str:
    """The whole text, escaped, with the matched words marked."""
    text = unicodedata.normalize("NFC", text)
    return _render(text, 0, len(text), _marks(text, terms))


def snippet(text: str, terms: MatchedTerms, words: int = SNIPPET_WORDS) -> str:
    """About `words` words of `text` around its first match, escaped and marked, with ellipses."""
    text = unicodedata.normalize("NFC", text)
    starts = [m.start() for m in _WORD.finditer(text)]
    if not starts:
        return ""
    marks = _marks(text, terms)
    first_match = bisect_right(starts, marks[0][0]) - 1 if marks else 0
    first = max(0, first_match - SNIPPET_LEAD)
    last = first + words
    start = 0 if first == 0 else starts[first]
    end = len(text) if last >= len(starts) else starts[last]
    body = _render(text, start, end, marks)
    if end < len(text):
        body = body.rstrip(" ,.;:-–") + "…"
    return ("…" if start > 0 else "") + body


def _render(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> str:
    pieces: list[str] = []
    cursor = start
    for mark_start, mark_end in marks:
        if mark_start < start or mark_end > end:
            continue
        pieces.append(html.escape(text[cursor:mark_start]))
        pieces.append(f"<mark>{html.escape(text[mark_start:mark_end])}</mark>")
        cursor = mark_end
    pieces.append(html.escape(text[cursor:end]))
    return "".join(pieces)
