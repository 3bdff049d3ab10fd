"""Where one query word matches: as typed, completed, decoded from an input method, or within
typos, field by field.

The last word is completed as a prefix unless the text ends with a space. One- and two-letter
prefixes complete words of product names only (typing "b" should not bring every product of
Ninh Bình); from three letters, words of every field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marketplace.search.index import EXACT, LABELS, NAME, TEXT, MemoryIndex
from marketplace.search.index import prefix_key as _prefix_key
from marketplace.search.tokens import Word, has_marks, marked_stem
from marketplace.search.typos import decode_input_method
from marketplace.search.wording import synonyms_of

MAX_COMPLETIONS = 200
PRECOMPUTED_PREFIX = 2


@dataclass
class WordMatch:
    """Where one query word matches, by field and by how well."""

    word: Word
    completing: bool
    whole_terms: list[str] = field(default_factory=list)
    typo_terms: list[str] = field(default_factory=list)
    synonym_terms: list[str] = field(default_factory=list)
    fields: tuple[int, int, int] = (0, 0, 0)
    any: int = 0
    without_typos: int = 0
    whole: int = 0
    diacritics: int | None = None

    @property
    def exact_terms(self) -> list[str]:
        return [
            t for t in self.whole_terms if t not in self.typo_terms and t not in self.synonym_terms
        ]


def match_word(index: MemoryIndex, word: Word, completing: bool) -> WordMatch:
    """Where `word` matches: as typed, completed (last word), decoded or within typos."""
    match = WordMatch(word=word, completing=completing)
    folded = word.folded
    if index.knows(folded):
        match.whole_terms.append(folded)
    if completing:
        _complete(index, match)
    elif match.whole_terms:
        _fill(index, match, completions=())
    if not match.any:
        _correct(index, match)
        _fill(index, match, completions=())
    _add_synonyms(index, match, synonyms_of(word))
    if match.any and has_marks(word.text):
        match.diacritics = _with_marks(index, word, completing)
    return match


def _with_marks(index: MemoryIndex, word: Word, completing: bool) -> int:
    """Documents with the word written with the marks typed; for the word being typed, also
    with a word that begins so ("bư": Bưởi before Bún; the tone aside, `tokens.marked_stem`)."""
    exact = index.bitmap(EXACT, word.exact)
    stem = marked_stem(word) if completing else None
    if stem is None:
        return exact
    return exact | index.union(EXACT, index.exact_completions(stem))


def _add_synonyms(index: MemoryIndex, match: WordMatch, others: tuple[Word, ...]) -> None:
    """The other region's words (`wording.synonyms_of`) match as the word typed does: written
    with their marks ("lợn", not "lớn": names, labels and descriptions keep these words'
    exact forms), or anywhere when they have none; in the name when the name has them ("trà"
    finds "Chè xanh" by its name). They are not the word typed: like typo corrections, they
    are no exact terms (proximity, names starting with the word: the word typed first)."""
    name, labels, text = match.fields
    for other in others:
        if has_marks(other.text):
            found = index.bitmap(EXACT, other.exact)
            in_name = found & index.bitmap(NAME, other.folded)
            in_labels = found & index.bitmap(LABELS, other.folded) & ~in_name
            name, labels = name | in_name, labels | in_labels
            text |= found & ~in_name & ~in_labels
        else:
            found = any_field(index, [other.folded])
            name |= index.bitmap(NAME, other.folded)
            labels |= index.bitmap(LABELS, other.folded)
            text |= index.bitmap(TEXT, other.folded)
        if found:
            match.any |= found
            match.whole |= found
            match.without_typos |= found
            match.whole_terms.append(other.folded)
            match.synonym_terms.append(other.folded)
    match.fields = (name, labels, text)


def _complete(index: MemoryIndex, match: WordMatch) -> None:
    prefix = match.word.folded
    completions: tuple[str, ...] = ()
    if len(prefix) > PRECOMPUTED_PREFIX:
        found = index.completions(prefix, MAX_COMPLETIONS)
        completions = tuple(t for t in found if t != prefix)
    _fill(index, match, completions)


def _correct(index: MemoryIndex, match: WordMatch) -> None:
    typed = match.word.folded
    decoded = decode_input_method(typed)
    if decoded is not None and index.knows(decoded):
        match.whole_terms = [decoded]
        return
    corrections = index.typos.corrections(typed)
    match.whole_terms = sorted(corrections)
    match.typo_terms = list(match.whole_terms)


def _fill(index: MemoryIndex, match: WordMatch, completions: tuple[str, ...]) -> None:
    whole = match.whole_terms
    short_prefix = match.completing and len(match.word.folded) <= PRECOMPUTED_PREFIX
    by_field: list[int] = []
    for field_id in (NAME, LABELS, TEXT):
        bitmap = index.union(field_id, [*whole, *completions])
        if short_prefix and field_id == NAME:
            bitmap |= index.bitmap(NAME, _prefix_key(match.word.folded))
        by_field.append(bitmap)
    match.fields = (by_field[0], by_field[1], by_field[2])
    match.any = by_field[0] | by_field[1] | by_field[2]
    match.whole = any_field(index, whole) if (completions or short_prefix) else match.any
    if match.typo_terms:
        match.without_typos = any_field(index, match.exact_terms)
    else:
        match.without_typos = match.any


def any_field(index: MemoryIndex, terms: list[str]) -> int:
    if not terms:
        return 0
    return index.union(NAME, terms) | index.union(LABELS, terms) | index.union(TEXT, terms)
