"""Full-text match expressions, written once and rendered for FTS5 (`MATCH`) or PostgreSQL
(`tsquery`).

Terms are folded words (`[0-9a-z]+`) or exact diacritic forms (letters and a tone digit), so
they never need escaping beyond the quotes both syntaxes put around them.

Fields: the name, the labels (producer, place, keywords, certifications), the descriptions
(body) and the exact forms of marked name and label words. In FTS5 they are columns; in the
PostgreSQL tsvector they are weights A, B, C and D.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Fields = Literal["all", "name", "name_labels", "exact", "first"]

_FTS5_COLUMNS: dict[str, str] = {
    "all": "{name labels body}",
    "name": "name",
    "name_labels": "{name labels}",
    "exact": "exact",
    "first": "first",  # the first word of the name (FTS5 only)
}
_TSQUERY_WEIGHTS: dict[str, str] = {"all": "ABC", "name": "A", "name_labels": "AB", "exact": "D"}
# (no weight stands for "first": PostgreSQL orders by `search_entry.first_word` instead)


@dataclass(frozen=True)
class Term:
    text: str
    fields: Fields = "all"
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words side by side; the last one may be a prefix."""

    texts: tuple[str, ...]
    fields: Fields = "name_labels"
    prefix: bool = False


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Expression, ...]


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Expression, ...]


Expression = Term | Phrase | AnyOf | AllOf


def any_of(parts: list[Expression]) -> Expression | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))


def all_of(parts: list[Expression | None]) -> Expression | None:
    """Every part; None when one of them can match nothing (None)."""
    if not parts or any(p is None for p in parts):
        return None
    found = [p for p in parts if p is not None]
    return found[0] if len(found) == 1 else AllOf(tuple(found))


def fts5(expression: Expression) -> str:
    """The expression as an FTS5 MATCH string."""
    if isinstance(expression, Term):
        star = "*" if expression.prefix else ""
        return f'{_FTS5_COLUMNS[expression.fields]} : "{expression.text}"{star}'
    if isinstance(expression, Phrase):
        star = "*" if expression.prefix else ""
        return f'{_FTS5_COLUMNS[expression.fields]} : "{" ".join(expression.texts)}"{star}'
    joiner = " OR " if isinstance(expression, AnyOf) else " AND "
    return "(" + joiner.join(fts5(part) for part in expression.parts) + ")"


def tsquery(expression: Expression) -> str:
    """The expression as PostgreSQL tsquery text (cast with ::tsquery, no parser involved)."""
    if isinstance(expression, Term):
        return _lexeme(expression.text, expression.fields, expression.prefix)
    if isinstance(expression, Phrase):
        last = len(expression.texts) - 1
        return (
            "("
            + " <-> ".join(
                _lexeme(text, expression.fields, expression.prefix and i == last)
                for i, text in enumerate(expression.texts)
            )
            + ")"
        )
    joiner = " | " if isinstance(expression, AnyOf) else " & "
    return "(" + joiner.join(tsquery(part) for part in expression.parts) + ")"


def _lexeme(text: str, fields: Fields, prefix: bool) -> str:
    return f"'{text}':{'*' if prefix else ''}{_TSQUERY_WEIGHTS[fields]}"
