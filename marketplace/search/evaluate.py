"""Answering a query from the in-memory index: match the words, apply the filters, count the
facets, rank (`ranking`) or sort the page, and suggest completions of the last word."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from heapq import nlargest

from marketplace.search.highlight import MatchedTerms
from marketplace.search.index import EXACT, NAME, PAIRS, MemoryIndex
from marketplace.search.matching import MAX_COMPLETIONS, WordMatch, match_word
from marketplace.search.query import FACET_NAMES, SearchQuery
from marketplace.search.ranking import rank
from marketplace.search.tokens import Word, exact_key, has_marks, words
from marketplace.search.wording import (
    MAX_LOOKED_UP,
    MAX_WORDS,
    optional_words,
    respaced,
    within_limit,
    without_chatter,
    without_fillers,
    words_to_give_up,
)

SUGGESTIONS = 6
SUGGESTION_CANDIDATES = 16


@dataclass
class Evaluation:
    positions: list[int]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    matched: MatchedTerms
    suggestions: list[str]
    ignored_words: list[str]


def evaluate(index: MemoryIndex, query: SearchQuery) -> Evaluation:
    """The page of positions the query asks for, with facet counts and suggestions."""
    open_ended = not query.text[-1:].isspace()
    typed, beyond = within_limit(
        without_chatter(without_fillers(words(query.text), open_ended), open_ended), MAX_LOOKED_UP
    )
    completing = bool(typed) and open_ended and not beyond
    tried: dict[tuple[Word, bool], WordMatch] = {}

    def matched(word: Word, last: bool) -> WordMatch:
        key = (word, completing and last)
        if key not in tried:
            tried[key] = match_word(index, word, key[1])
        return tried[key]

    typed = respaced(
        typed,
        index.frequency,
        lambda w: bool(matched(w, w is typed[-1]).any),
        lambda pieces: _side_by_side(index, pieces),
    )
    matches = [matched(word, i == len(typed) - 1) for i, word in enumerate(typed)]
    generic = optional_words(typed)
    optional = [m for m in matches if m.any and any(m.word is w for w in generic)]
    left_out = [m.word for m in matches if not m.any and not any(m.word is w for w in generic)]
    matches = [m for m in matches if m.any and not any(m.word is w for w in generic)]
    cut = [m.word for m in matches[MAX_WORDS:]] + beyond  # too many words: the last are cut
    matches = matches[:MAX_WORDS]
    if not matches:  # only generic words found something: they are what was asked for
        matches, optional = optional, []
    # symbols alone ("🐟", "!!!") are something typed, not the empty query: nothing matches
    nothing_typed = not typed and not query.text.strip()
    filters = _filters(index, query)
    every_filter = filters.common
    for bitmap in filters.by_facet.values():
        every_filter &= bitmap
    text_match = (
        _text_match(index, matches, left_out, every_filter) if matches or nothing_typed else 0
    )
    base = text_match & filters.common
    candidates = text_match & every_filter
    if query.sort == "relevance":
        positions = rank(index, matches, candidates, query.offset, query.page_size, optional)
    else:
        positions = _sorted(index, query, candidates)
    return Evaluation(
        positions=positions,
        total=candidates.bit_count(),
        facets=_facet_counts(index, base, filters.by_facet),
        matched=_matched_terms(matches + optional),
        suggestions=_suggestions(index, matches, typed, completing, every_filter),
        ignored_words=_distinct(
            [w.text for w in [*typed, *beyond] if any(w is o for o in [*left_out, *cut])]
        )
        or ([] if nothing_typed or typed else [query.text.strip()]),
    )


def _text_match(
    index: MemoryIndex, matches: list[WordMatch], left_out: list[Word], scope: int
) -> int:
    """Documents matching every word. If none does (within the filters, `scope`), the words
    `wording.words_to_give_up` chooses are taken out of `matches` into `left_out`."""
    if not matches:
        return index.alive
    result = _together(index, matches)
    if result & scope or len(matches) == 1:
        return result
    sets = _word_sets([m.any & scope for m in matches])
    give_up = words_to_give_up(sets, [m.word for m in matches])
    left_out.extend(matches[i].word for i in give_up)
    matches[:] = [m for i, m in enumerate(matches) if i not in give_up]
    return _together(index, matches)


def _together(index: MemoryIndex, matches: list[WordMatch]) -> int:
    result = index.alive
    for match in matches:
        result &= match.any
    return result


def _word_sets(found: list[int]) -> dict[int, int]:
    """The products having any of the words, counted by the set of words they have (bit i:
    word i), by splitting them word by word."""
    union = 0
    for bitmap in found:
        union |= bitmap
    parts = [(0, union)] if union else []
    for i, bitmap in enumerate(found):
        split: list[tuple[int, int]] = []
        for words_had, part in parts:
            having = part & bitmap
            if having:
                split.append((words_had | 1 << i, having))
            if having != part:
                split.append((words_had, part ^ having))
        parts = split
    return {words_had: part.bit_count() for words_had, part in parts}


def _distinct(texts: list[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def _side_by_side(index: MemoryIndex, pieces: list[str]) -> bool:
    """Whether some name or label has these words side by side: a split of a word typed
    without spaces must be a real phrase ("nuoc mam"), not any known syllables ("so co la")."""
    found = index.alive
    for left, right in itertools.pairwise(pieces):
        found &= index.bitmap(PAIRS, f"{left} {right}")
    return bool(found)


# -- filters and facets ---------------------------------------------------------------------


@dataclass
class _Filters:
    common: int
    by_facet: dict[str, int]


def _filters(index: MemoryIndex, query: SearchQuery) -> _Filters:
    common = -1  # every bit set
    if query.producer_id is not None:
        common &= index.producer_bitmap(query.producer_id)
    if query.price_min is not None or query.price_max is not None:
        common &= index.prices.between(query.price_min, query.price_max)
    chosen: dict[str, tuple[str, ...]] = {
        "province": query.province_codes,
        "ocop_group": tuple(str(g) for g in query.ocop_groups),
        "ocop_stars": tuple(str(s) for s in range(query.min_stars or 6, 6)),
        "certification": query.certifications,
    }
    by_facet: dict[str, int] = {}
    for facet, values in chosen.items():
        if values:
            table = index.facets[facet]
            bitmap = 0
            for value in values:
                bitmap |= table.get(value, 0)
            by_facet[facet] = bitmap
    return _Filters(common, by_facet)


def _facet_counts(
    index: MemoryIndex, base: int, by_facet: dict[str, int]
) -> dict[str, list[tuple[str, int]]]:
    counts: dict[str, list[tuple[str, int]]] = {}
    for facet in FACET_NAMES:
        scope = base
        for other, bitmap in by_facet.items():
            if other != facet:
                scope &= bitmap
        found = [
            (value, (scope & bitmap).bit_count()) for value, bitmap in index.facets[facet].items()
        ]
        counts[facet] = sorted(((v, c) for v, c in found if c), key=lambda vc: (-vc[1], vc[0]))
    return counts


def _sorted(index: MemoryIndex, query: SearchQuery, candidates: int) -> list[int]:
    if query.sort == "newest":
        return index.changes.ordered(candidates, query.page_size, query.offset, descending=True)
    descending = query.sort == "price_desc"
    return index.prices.ordered(candidates, query.page_size, query.offset, descending)


# -- highlighting and suggestions -----------------------------------------------------------


def _matched_terms(matches: list[WordMatch]) -> MatchedTerms:
    whole: set[str] = set()
    prefixes: list[str] = []
    for match in matches:
        whole.update(match.whole_terms)
        if match.completing:
            prefixes.append(match.word.folded)
    return MatchedTerms(frozenset(whole), tuple(prefixes))


def _suggestions(
    index: MemoryIndex,
    matches: list[WordMatch],
    typed: list[Word],
    completing: bool,
    every_filter: int,
) -> list[str]:
    """Ways to complete the last word that lead to products, most products first."""
    if not completing or not matches or matches[-1].word is not typed[-1]:
        return []
    last = typed[-1]
    context = index.alive & every_filter
    for match in matches[:-1]:
        context &= match.any
    names = index.tables[NAME]
    earlier = {w.folded for w in typed[:-1]}
    options = [  # words of product names: "thanh h" is not completed by "HTX" of a producer
        t
        for t in index.completions(last.folded, MAX_COMPLETIONS)
        if t != last.folded and t in names and t not in earlier  # not "nước mắm cá cá"
    ]
    popular = nlargest(SUGGESTION_CANDIDATES, options, key=index.frequency)
    before = matches[-2].exact_terms[:1] if len(matches) > 1 else []
    scored = []
    for term in popular:
        in_names = context & index.bitmap(NAME, term)
        together = (
            (context & index.bitmap(PAIRS, f"{before[0]} {term}")).bit_count() if before else 0
        )
        form = _form_among(index, term, in_names) if in_names else ""
        # marks typed are kept: "quà tế" completes to "tết", not "tép"; "ngô" not to "ngọc"
        if in_names and (not has_marks(last.text) or form.lower().startswith(last.text)):
            scored.append((-together, -in_names.bit_count(), term, form))
    found = context
    for match in matches:
        found &= match.any
    lead = " ".join(_shown(index, w, found) for w in typed[:-1])
    return [
        f"{lead} {form}".strip() for *_, form in sorted(scored, key=lambda s: s[:3])[:SUGGESTIONS]
    ]


def _form_among(index: MemoryIndex, term: str, found: int) -> str:
    """How `term` is written in the names of the `found` products, most often: "mật ong h"
    completes to "hoa" (Mật ong hoa nhãn), though "Hóa" is commoner across the catalogue."""
    forms = index.display_forms.get(term)
    if not forms:
        return term
    total = found.bit_count()
    counts: dict[str, int] = {}
    for form in forms:
        if has_marks(form):
            counts[form] = (found & index.bitmap(EXACT, exact_key(form))).bit_count()
    unmarked = [form for form in forms if not has_marks(form)]
    if unmarked:
        counts[unmarked[0]] = max(0, total - sum(counts.values()))
    return max(counts.items(), key=lambda item: (item[1], forms[item[0]], item[0]))[0]


def _shown(index: MemoryIndex, word: Word, found: int) -> str:
    """A typed word as a suggestion shows it: with diacritics if the buyer left them out,
    as the names of the products found write it ("mật ong hoa n" keeps "hoa", not "hóa")."""
    if has_marks(word.text):
        return word.text
    in_names = found & index.bitmap(NAME, word.folded)
    return (
        _form_among(index, word.folded, in_names) if in_names else index.display_form(word.folded)
    )
