"""The in-memory index of the embedded backends: posting lists, facets and value ranges.

It is compiled from the `search_document` table (the durable index, written in the same
transaction as every catalogue change) and kept current by applying the rows whose version is
newer than the last one seen. Positions are append-only, like segments in Lucene: a changed
product gets a new position and its old one is cleared from `alive`, so posting lists never
need rewriting; `needs_rebuild` says when dead positions have piled up.

Posting tables, each mapping a key to the ascending positions that have it:
- one per field (name, labels, description): folded words, and for names also their one-
  and two-letter prefixes ("b*", "bu*") for search-as-you-type;
- exact: the exact form of name and label words that carry diacritics;
- pairs: two words side by side in the name or the labels ("nuoc mam");
- starts: the first word of the name and its short prefixes ("^nuoc", "^n*").
"""

from __future__ import annotations

import itertools
from array import array
from bisect import bisect_left, insort
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from heapq import nlargest

from marketplace.search import bitmaps
from marketplace.search.documents import SearchDocument
from marketplace.search.ranges import RangeIndex
from marketplace.search.tokens import Word, folded_terms, words
from marketplace.search.typos import TypoIndex
from marketplace.search.wording import synonym_forms_in

NAME, LABELS, TEXT = 0, 1, 2
EXACT, PAIRS, STARTS = 3, 4, 5
TABLES = (NAME, LABELS, TEXT, EXACT, PAIRS, STARTS)
PREFIX_LENGTHS = (1, 2)
FACETS = ("province", "ocop_group", "ocop_stars", "certification")
_CACHE_FROM = 48  # posting lists at least this long keep their bitmap cached
_CACHE_ENTRIES = 4096
_WARM_ENTRIES = 512  # the longest posting lists get their bitmap at build time


def _new_positions() -> array[int]:
    return array("I")


def prefix_key(prefix: str) -> str:
    return prefix + "*"


@dataclass(frozen=True, slots=True)
class ShortText:
    """The terms a name or a set of labels contributes (cached: producers repeat labels)."""

    words: tuple[Word, ...]
    terms: frozenset[str]
    keys: frozenset[str]  # terms and their short prefixes
    exact: frozenset[str]
    pairs: frozenset[str]


def short_text(text: str) -> ShortText:
    found = tuple(words(text))
    terms = frozenset(w.folded for w in found)
    return ShortText(
        words=found,
        terms=terms,
        keys=terms | _prefixes_of(terms),
        exact=frozenset(w.exact for w in found if w.exact != w.folded),
        pairs=frozenset(f"{a.folded} {b.folded}" for a, b in itertools.pairwise(found)),
    )


@lru_cache(maxsize=2048)
def labels_text(text: str) -> ShortText:
    """`short_text` of labels, cached: products of one producer mostly share their labels."""
    return short_text(text)


def _prefixes_of(terms: frozenset[str]) -> frozenset[str]:
    keys: set[str] = set()
    for term in terms:
        if len(term) > 1:
            keys.add(term[0] + "*")
        if len(term) > 2:
            keys.add(term[:2] + "*")
    return frozenset(keys)


def labels_of(document: SearchDocument) -> str:
    """Keywords, producer, commune, province and certifications: what is not name or text."""
    return " | ".join(
        [
            *document.extra_keywords,
            document.producer_name,
            document.commune_name,
            document.province_name,
            *document.certifications,
        ]
    )


def _starts(name: ShortText) -> list[str]:
    if not name.words:
        return []
    first = name.words[0].folded
    return ["^" + first, *("^" + key for key in _prefixes_of(frozenset([first])))]


class MemoryIndex:
    """Every active document's terms, facets and values, by position."""

    def __init__(self) -> None:
        """An empty index: `add` every document, then `finish` before reading or `put`."""
        self.tables: tuple[defaultdict[str, array[int]], ...] = tuple(
            defaultdict(_new_positions) for _ in TABLES
        )
        self._labels_seen: set[str] = set()
        self._finished = False
        self.display_forms: dict[str, dict[str, int]] = {}
        self.sorted_terms: list[str] = []
        self.sorted_exact: list[str] = []
        self.typos = TypoIndex()
        self.product_at = array("q")
        self.position_of: dict[int, int] = {}
        self.alive = 0
        self.dead = 0
        self.facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        self.producers: dict[int, array[int]] = {}
        self.prices = RangeIndex(array("q"))
        self.changes = RangeIndex(array("q"))
        self.built_size = 0
        self._cache: OrderedDict[tuple[int, str], int] = OrderedDict()
        self._facet_lists: dict[str, dict[str, list[int]]] = {name: {} for name in FACETS}
        self._price_values = array("q")
        self._change_values = array("q")

    @classmethod
    def build(cls, documents: Iterable[SearchDocument]) -> MemoryIndex:
        index = cls()
        for document in documents:
            index.add(document)
        index.finish()
        return index

    def add(self, document: SearchDocument) -> None:
        """Add a document while building (each product once)."""
        position, _ = self._append(document.product_id, document)
        for facet, values in _facet_values(document).items():
            lists = self._facet_lists[facet]
            for value in values:
                lists.setdefault(value, []).append(position)
        self._price_values.append(document.price_vnd)
        self._change_values.append(int(document.updated_at.timestamp()))

    def finish(self) -> None:
        """Compile what `add` gathered: sorted vocabulary, typo index, facets and ranges."""
        self.alive = (1 << len(self.product_at)) - 1
        words = {k for k in self.tables[NAME] if not k.endswith("*")}
        self.sorted_terms = sorted(words.union(self.tables[LABELS], self.tables[TEXT]))
        self.sorted_exact = sorted(self.tables[EXACT])
        self.typos.add_all(self.sorted_terms)
        self.prices = RangeIndex(self._price_values)
        self.changes = RangeIndex(self._change_values)
        for facet, by_value in self._facet_lists.items():
            self.facets[facet] = {
                value: bitmaps.from_positions(positions, positions[-1])
                for value, positions in by_value.items()
            }
        self._facet_lists = {name: {} for name in FACETS}
        self.built_size = len(self.product_at)
        self._finished = True
        self._warm_cache()

    # -- changes -------------------------------------------------------------------------

    def put(self, product_id: int, document: SearchDocument | None) -> None:
        """Apply one changed product: its new version, or its removal when None."""
        self.remove(product_id)
        if document is None:
            return
        position, new_terms = self._append(product_id, document)
        self.alive |= 1 << position
        self.prices.add(position, document.price_vnd)
        self.changes.add(position, int(document.updated_at.timestamp()))
        for facet, values in _facet_values(document).items():
            table = self.facets[facet]
            for value in values:
                table[value] = table.get(value, 0) | 1 << position
        self._refresh_cached(position)
        for term in new_terms:
            insort(self.sorted_terms, term)
            self.typos.add(term)

    def remove(self, product_id: int) -> None:
        position = self.position_of.pop(product_id, None)
        if position is not None:
            self.alive &= ~(1 << position)
            self.dead += 1

    @property
    def size(self) -> int:
        return len(self.position_of)

    def needs_rebuild(self) -> bool:
        """Whether compiling afresh would pay: many dead positions, or grown far past the build."""
        positions = len(self.product_at)
        return self.dead > max(1000, positions // 4) or positions > 2 * self.built_size + 1000

    def _append(self, product_id: int, document: SearchDocument) -> tuple[int, list[str]]:
        """File the document under a new position; also give the words never seen before."""
        position = len(self.product_at)
        self.product_at.append(product_id)
        self.position_of[product_id] = position
        name = short_text(document.name)
        label_text = labels_of(document)
        labels = labels_text(label_text)
        description = f"{document.description_vi} {document.description_en}"
        text = set(folded_terms(description))
        words = text.union(name.terms, labels.terms)
        new_terms = [term for term in words if not self.knows(term)] if self._finished else []
        tables = self.tables
        exact = name.exact | labels.exact | synonym_forms_in(description)
        if self._finished:
            for key in exact.difference(tables[EXACT]):
                insort(self.sorted_exact, key)
        for table, keys in (
            (tables[NAME], name.keys),
            (tables[LABELS], labels.terms),
            (tables[TEXT], text),
            (tables[EXACT], exact),
            (tables[PAIRS], name.pairs | labels.pairs),
            (tables[STARTS], _starts(name)),
        ):
            for key in keys:
                table[key].append(position)
        self._count_forms(name.words)
        if label_text not in self._labels_seen:  # producers repeat their labels: count once
            self._labels_seen.add(label_text)
            self._count_forms(labels.words)
        self.producers.setdefault(document.producer_id, array("I")).append(position)
        return position, new_terms

    def _count_forms(self, words: tuple[Word, ...]) -> None:
        for word in words:
            forms = self.display_forms.setdefault(word.folded, {})
            forms[word.text] = forms.get(word.text, 0) + 1

    def knows(self, term: str) -> bool:
        """Whether `term` is a whole word of some document (dead ones included)."""
        tables = self.tables
        return term in tables[NAME] or term in tables[LABELS] or term in tables[TEXT]

    def frequency(self, term: str) -> int:
        """About how many documents have `term` (an upper bound: fields are added up)."""
        return sum(len(self.tables[field].get(term, ())) for field in (NAME, LABELS, TEXT))

    def _refresh_cached(self, position: int) -> None:
        """Set the new position in every cached bitmap of a posting list that now has it."""
        bit = 1 << position
        for key in list(self._cache):
            table_id, term = key
            positions = self.tables[table_id].get(term)
            if positions and positions[-1] == position:
                self._cache[key] |= bit

    def _warm_cache(self) -> None:
        sizes = [
            (len(positions), table_id, key)
            for table_id in TABLES
            for key, positions in self.tables[table_id].items()
            if len(positions) >= _CACHE_FROM
        ]
        for _, table_id, key in nlargest(_WARM_ENTRIES, sizes):
            self.bitmap(table_id, key)

    # -- reading -------------------------------------------------------------------------

    def bitmap(self, table_id: int, key: str) -> int:
        """Positions (dead ones included) filed under `key` in a posting table."""
        positions = self.tables[table_id].get(key)
        if positions is None:
            return 0
        if len(positions) < _CACHE_FROM:
            return bitmaps.of_sorted(positions)
        cache_key = (table_id, key)
        cached = self._cache.get(cache_key)
        if cached is None:
            cached = bitmaps.of_sorted(positions)
            self._cache[cache_key] = cached
            if len(self._cache) > _CACHE_ENTRIES:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(cache_key)
        return cached

    def union(self, table_id: int, keys: list[str]) -> int:
        """Positions filed under any of `keys` (one pass over the short posting lists)."""
        table = self.tables[table_id]
        result = 0
        rare: list[int] = []
        for key in keys:
            positions = table.get(key)
            if positions is None:
                continue
            if len(positions) < _CACHE_FROM:
                rare.extend(positions)
            else:
                result |= self.bitmap(table_id, key)
        if rare:
            result |= bitmaps.from_positions(rare, max(rare))
        return result

    def completions(self, prefix: str, limit: int) -> list[str]:
        """Known whole words starting with `prefix`, in alphabetical order."""
        start = bisect_left(self.sorted_terms, prefix)
        found: list[str] = []
        for term in self.sorted_terms[start : start + limit]:
            if not term.startswith(prefix):
                break
            found.append(term)
        return found

    def exact_completions(self, stem: str) -> list[str]:
        """Exact keys starting with `stem` (`tokens.marked_stem`), in alphabetical order: no
        more than the syllables of Vietnamese spelled so, and their tones."""
        start = bisect_left(self.sorted_exact, stem)
        found: list[str] = []
        for key in itertools.islice(self.sorted_exact, start, None):
            if not key.startswith(stem):
                break
            found.append(key)
        return found

    def display_form(self, folded: str) -> str:
        """How a folded word is most often written in names and labels: 'buoi' -> 'bưởi'."""
        forms = self.display_forms.get(folded)
        if not forms:
            return folded
        return max(forms.items(), key=lambda item: (item[1], item[0]))[0]

    def producer_bitmap(self, producer_id: int) -> int:
        return bitmaps.of_sorted(self.producers.get(producer_id, array("I")))


def _facet_values(document: SearchDocument) -> dict[str, list[str]]:
    return {
        "province": [document.province_code],
        "ocop_group": [] if document.ocop_group is None else [str(document.ocop_group)],
        "ocop_stars": [] if document.ocop_stars is None else [str(document.ocop_stars)],
        "certification": list(document.certifications),
    }
