"""The database-native backends: SQLite FTS5 (`fts5`) and PostgreSQL full text (`postgresql`).

The database answers the whole search; no process keeps an index in memory. Tables (created by
the search app's raw migration, on the engine they are written for):

- `search_fts` (SQLite): FTS5 over the folded name, labels and descriptions, and the exact
  diacritic forms of name and label words, with prefix indexes for 1–3 letters;
- `search_entry`: filter and facet values per active product (on PostgreSQL also its tsvector,
  name A, labels B, descriptions C, exact forms D, GIN-indexed);
- `search_term` / `search_term_variant`: the folded vocabulary with document counts and its
  deletions (SymSpell), to expand a typo'd word to known words within Meilisearch's budget
  (`typos`); on PostgreSQL a pg_trgm index on the vocabulary adds similar-looking words;
- `search_native_state`: the generation the tables were built for. When it is not the current
  one (new deployment, emptied tables) they are rebuilt from `search_document`.

Everything is written in the catalogue's write transaction by `search.product_changed`, so a
change is searchable as soon as it is committed. Text is folded with the same code at index and
query time (`tokens`: no marks, đ → d). A search:

1. looks the typed words up in the vocabulary: as typed, decoded from Telex/VNI, or within
   typos; the last word is a prefix (1–2 letters: of name words only);
2. counts facets with one `GROUP BY` over the matches (if nothing matches every word, words
   are dropped from the end, like Meilisearch);
3. takes the page ordered by Meilisearch's rules (`ranking`), each rule a full-text expression:
   no typos, same diacritics, words side by side, all words (then the first ones) in the
   name, whole words, name starting with the first word, then OCOP stars and the most recent
   change;
4. reads the page's documents and marks the matches (`highlight`).

On SQLite the FTS5 rowid is the document's place in that last order, with its facet
combination in the low bits (`fts5_doc`): facets are counted from the rowids alone, the
empty query and 1–2 letter words take their counts from `search_prefix_facet` (kept with
every change) instead of visiting their many matches, and a large result is ranked by reading
its buckets best first with `ORDER BY rowid DESC LIMIT` (`_bucket_sort`), which stops when
the page is full.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from piccolo.querystring import QueryString

from marketplace.db import DB, is_sqlite, reading
from marketplace.search import expressions as ex
from marketplace.search import store
from marketplace.search.documents import SearchDocument
from marketplace.search.embedded import _hit
from marketplace.search.highlight import MatchedTerms
from marketplace.search.index import labels_of, labels_text, short_text
from marketplace.search.matching import PRECOMPUTED_PREFIX
from marketplace.search.query import FACET_NAMES, FacetCount, SearchQuery, SearchResult
from marketplace.search.tokens import Word, folded_terms, has_marks, marked_stem, words
from marketplace.search.typos import (
    accepted_typos,
    decode_input_method,
    indexable,
    lookups,
    variants_of,
)
from marketplace.search.wording import (
    MAX_LOOKED_UP,
    MAX_WORDS,
    optional_words,
    pieces_to_look_up,
    respaced,
    split_word,
    synonym_forms_in,
    synonyms_of,
    within_limit,
    without_chatter,
    without_fillers,
    words_to_give_up,
)

SUGGESTIONS = 6
_CHUNK = 2000


_Combo = tuple[str, int | None, int | None, str]  # province, OCOP group, stars, certifications


# -- what a document contributes -------------------------------------------------------------


@dataclass(frozen=True)
class _Indexed:
    name: str
    labels: str
    body: str
    exact: str
    terms: frozenset[str]
    entry: tuple[Any, ...]
    short_keys: frozenset[str]
    combo: _Combo  # province, OCOP group, stars, certifications

    @property
    def first(self) -> str:
        return str(self.entry[-1])


def _indexed(document: SearchDocument) -> _Indexed:
    name = short_text(document.name)
    labels = labels_text(labels_of(document))
    description = f"{document.description_vi} {document.description_en}"
    body = folded_terms(description)
    first = name.words[0].folded if name.words else ""
    entry = (
        document.product_id,
        document.province_code,
        document.ocop_group,
        document.ocop_stars,
        "|".join(document.certifications),
        document.price_vnd,
        int(document.updated_at.timestamp()),
        document.producer_id,
        first,
    )
    folded_name = [w.folded for w in name.words]
    folded_labels = [w.folded for w in labels.words]
    return _Indexed(
        name=" ".join(folded_name),
        labels=" ".join(folded_labels),
        body=" ".join(body),
        exact=" ".join(sorted(name.exact | labels.exact | synonym_forms_in(description))),
        terms=name.terms | labels.terms | frozenset(body),
        entry=entry,
        short_keys=_short_keys(folded_name, [*folded_name, *folded_labels, *body]),
        combo=(str(entry[1]), entry[2], entry[3], str(entry[4])),
    )


def _short_keys(name: list[str], every: list[str]) -> frozenset[str]:
    """What a 1–2 letter query finds this document by (see `_Group.expression`): the name's
    words by their first letters, and any short whole word; "" stands for the empty query."""
    keys = {""}
    for word in name:
        keys.update(word[:n] for n in range(1, PRECOMPUTED_PREFIX + 1))
    keys.update(t for t in every if len(t) <= PRECOMPUTED_PREFIX)
    return frozenset(keys)


_MAX_POSITION = 16383


def _tsvector(item: _Indexed) -> str:
    """tsvector text, built here so that no text-search parser or locale is involved."""
    positions: dict[str, list[str]] = defaultdict(list)
    position = 0
    for text, weight in ((item.name, "A"), (item.labels, "B"), (item.body, "C"), (item.exact, "")):
        for term in text.split():
            position = min(position + 1, _MAX_POSITION)
            positions[term].append(f"{position}{weight}")
        position = min(position + 1, _MAX_POSITION)  # no phrase across fields
    return " ".join(f"'{term}':{','.join(found[:256])}" for term, found in positions.items())


_ENTRY_INSERT = (
    "INSERT INTO search_entry (product_id, province, grp, stars, certs, price, updated, "
    "producer, first_word{}) VALUES ({{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}{})"
)


def _entry_insert() -> str:
    if is_sqlite():
        return _ENTRY_INSERT.format(", doc", ", {}")
    return _ENTRY_INSERT.format(", tsv", ", {}::tsvector")


def _entry_row(item: _Indexed) -> tuple[Any, ...]:
    return item.entry if is_sqlite() else (*item.entry, _tsvector(item))


_FTS_INSERT = (
    "INSERT INTO search_fts (rowid, name, labels, body, exact, first) "
    "VALUES ({}, {}, {}, {}, {}, {})"
)


# -- the FTS5 layout (SQLite) -------------------------------------------------------------------
#
# A document's FTS5 rowid is its place in the default order, highest first: OCOP stars (3 bits),
# the last change (unix seconds, 32 bits), the low bits of the product id (11 bits, ties) and the
# id of its facet combination (17 bits). So `ORDER BY rowid DESC LIMIT n` reads the n best of a
# ranking bucket and stops, and `rowid & _COMBO_MASK` counts facets without reading a row
# elsewhere. A combination id beyond the mask is stored as 0 and counted through the entry.

_COMBO_BITS = 17
_COMBO_MASK = (1 << _COMBO_BITS) - 1
_TIE_BITS = 11
_TIE_MASK = (1 << _TIE_BITS) - 1
_SECONDS_MAX = (1 << 32) - 1


def fts5_doc(stars: int | None, updated: int, product_id: int, combo_id: int) -> int:
    """The FTS5 rowid of a document (see above)."""
    seconds = min(max(updated, 0), _SECONDS_MAX)
    combo = combo_id if combo_id <= _COMBO_MASK else 0
    return (
        ((stars or 0) << 60)
        | (seconds << (_TIE_BITS + _COMBO_BITS))
        | ((product_id & _TIE_MASK) << _COMBO_BITS)
        | combo
    )


def _next_free(doc: int) -> int:
    """The next rowid down in the same place, for the rare product whose rowid is taken."""
    tie = (doc >> _COMBO_BITS) & _TIE_MASK
    if tie:
        return doc - (1 << _COMBO_BITS)
    return doc - (1 << (_TIE_BITS + _COMBO_BITS)) + (_TIE_MASK << _COMBO_BITS)


def _combo_key(combo: _Combo) -> str:
    province, group, stars, certs = combo
    return f"{province}|{'' if group is None else group}|{'' if stars is None else stars}|{certs}"


async def _combo_ids(combos: set[_Combo]) -> dict[_Combo, int]:
    """The ids of these combinations, adding the new ones (inside the write transaction)."""
    by_key = {_combo_key(c): c for c in combos}
    keys = sorted(by_key)
    ids: dict[_Combo, int] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found = await store._run(
            f"SELECT id, key FROM search_combo WHERE key IN ({_marks(len(chunk))})",  # noqa: S608
            *chunk,
        )
        ids.update({by_key[str(r["key"])]: int(r["id"]) for r in found})
    new = [(k, *by_key[k]) for k in keys if by_key[k] not in ids]
    if new:
        await store._execute_many(
            "INSERT INTO search_combo (key, province, grp, stars, certs) "
            "VALUES ({}, {}, {}, {}, {})",
            new,
        )
        return await _combo_ids(combos)
    return ids


# Combination ids mean the same forever (the table only grows), so what a reader has seen
# committed is kept for the life of the process.
_combos_seen: dict[int, _Combo] = {}


async def _combos(ids: Iterable[int]) -> dict[int, _Combo]:
    wanted = list(ids)
    missing = sorted({i for i in wanted if i not in _combos_seen})
    found: dict[int, _Combo] = {}
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        for row in await _fetch(
            "SELECT id, province, grp, stars, certs FROM search_combo "  # noqa: S608
            f"WHERE id IN ({_marks(len(chunk))})",
            *chunk,
        ):
            found[int(row[0])] = (str(row[1]), row[2], row[3], str(row[4]))
    if DB.current_transaction.get() is None:
        _combos_seen.update(found)
    return {i: found[i] if i in found else _combos_seen[i] for i in wanted}


def _facet_pairs(combo: _Combo) -> list[tuple[str, str]]:
    """The (facet, value) pairs a document of this combination is counted under; ("", "")
    counts it in the total."""
    province, group, stars, certs = combo
    pairs = [("", ""), ("province", province)]
    if group is not None:
        pairs.append(("ocop_group", str(group)))
    if stars is not None:
        pairs.append(("ocop_stars", str(stars)))
    pairs += [("certification", c) for c in certs.split("|") if c]
    return pairs


async def _free_docs(items: list[_Indexed], combos: dict[_Combo, int]) -> dict[int, int]:
    """Each product's rowid, moved down past the rowids already taken (nearly never)."""
    wanted = {
        i.entry[0]: fts5_doc(i.entry[3], i.entry[6], i.entry[0], combos[i.combo]) for i in items
    }
    values = sorted(wanted.values())
    taken: set[int] = set()
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        found = await store._run(
            f"SELECT doc FROM search_entry WHERE doc IN ({_marks(len(chunk))})",  # noqa: S608
            *chunk,
        )
        taken.update(int(r["doc"]) for r in found)
    docs: dict[int, int] = {}
    for product_id, doc in wanted.items():
        while doc in taken or (doc != wanted[product_id] and await _doc_taken(doc)):
            doc = _next_free(doc)
        taken.add(doc)
        docs[product_id] = doc
    return docs


async def _doc_taken(doc: int) -> bool:
    return bool(await store._run("SELECT 1 FROM search_entry WHERE doc = {}", doc))


def _prefix_counts(item: _Indexed, sign: int) -> Counter[tuple[str, str, str]]:
    pairs = _facet_pairs(item.combo)
    return Counter({(key, f, v): sign for key in item.short_keys for f, v in pairs})


# -- reading ---------------------------------------------------------------------------------


async def _fetch(template: str, *args: Any) -> list[tuple[Any, ...]]:
    """Rows as tuples; on SQLite outside a transaction through search's persistent reader."""
    if store._hot_path():
        return list(store._reader().execute(template.replace("{}", "?"), args).fetchall())
    rows = await DB.run_querystring(QueryString(template, *args))
    return [tuple(row.values()) for row in rows or []]


def _marks(count: int) -> str:
    return ", ".join("{}" for _ in range(count))


# -- the query plan ----------------------------------------------------------------------------


@dataclass
class _Group:
    """One query word: the whole words it stands for, and the prefix it completes (last word)."""

    word: Word
    whole: list[str] = field(default_factory=list)
    typos: list[str] = field(default_factory=list)
    prefix: str | None = None
    others: list[Word] = field(default_factory=list)  # the other region's words

    @property
    def exact_terms(self) -> list[str]:
        return [t for t in self.whole if t not in self.typos]

    @property
    def short_prefix(self) -> bool:
        return self.prefix is not None and len(self.prefix) <= PRECOMPUTED_PREFIX

    def expression(self, fields: ex.Fields = "all", typos: bool = True) -> ex.Expression | None:
        terms = self.whole if typos else self.exact_terms
        if self.prefix is not None and not self.short_prefix:
            terms = [t for t in terms if t != self.prefix]  # "nhan"* finds "nhan" too
        parts: list[ex.Expression] = [ex.Term(t, fields) for t in terms]
        if self.prefix is not None:
            prefix_fields: ex.Fields = "name" if self.short_prefix else fields
            parts.append(ex.Term(self.prefix, prefix_fields, prefix=True))
        if fields != "exact":
            parts += [_other_term(other, fields) for other in self.others]
        return ex.any_of(parts)

    def whole_expression(self) -> ex.Expression | None:
        terms = [ex.Term(t) for t in self.exact_terms]
        return ex.any_of([*terms, *(_other_term(o, "all") for o in self.others)])


def _other_term(other: Word, fields: ex.Fields) -> ex.Expression:
    """Another region's word (`wording.synonyms_of`), as the memory backend matches it: with
    its marks when it has them ("lợn", not "lớn"), in the fields asked for."""
    if not has_marks(other.text):
        return ex.Term(other.folded, fields)
    exact = ex.Term(other.exact, "exact")  # names, labels, and descriptions (`_indexed`)
    if fields == "all":
        return exact
    return ex.AllOf((ex.Term(other.folded, fields), exact))


async def _plan(typed: list[Word], completing: bool) -> tuple[list[_Group], list[str]]:
    """The groups of the words that match something, and the words left out."""
    decoded = {w.folded: decode_input_method(w.folded) for w in typed}
    asked = {w.folded for w in typed} | {d for d in decoded.values() if d}
    asked |= {other.folded for w in typed for other in synonyms_of(w)}
    known = {
        row[0]
        for row in await _fetch(
            "SELECT term FROM search_term "  # noqa: S608 - placeholders only
            f"WHERE docs > 0 AND term IN ({_marks(len(asked))})",
            *sorted(asked),
        )
    }
    groups: list[_Group] = []
    ignored: list[str] = []
    for i, word in enumerate(typed):
        group = _Group(word)
        if word.folded in known:
            group.whole.append(word.folded)
        if completing and i == len(typed) - 1 and await _has_completion(word.folded):
            group.prefix = word.folded
        if not group.whole and group.prefix is None:
            alternative = decoded[word.folded]
            if alternative is not None and alternative in known:
                group.whole = [alternative]
            else:
                group.whole = sorted(await _corrections(word.folded))
                group.typos = list(group.whole)
        group.others = [o for o in synonyms_of(word) if o.folded in known]
        if not group.whole and group.prefix is None and group.others:
            group.others = [o for o in group.others if await _finds(_other_term(o, "all"))]
        if group.whole or group.prefix is not None or group.others:
            groups.append(group)
        else:
            ignored.append(word.text)
    return groups, ignored


async def _respaced(typed: list[Word], completing: bool) -> list[Word]:
    """`wording.respaced` with the vocabulary's counts: words run together split, words split
    in two joined."""
    if not typed:
        return typed
    asked = sorted(pieces_to_look_up(typed))
    docs: dict[str, int] = {
        str(term): int(count)
        for term, count in await _fetch(
            "SELECT term, docs FROM search_term "  # noqa: S608 - placeholders only
            f"WHERE docs > 0 AND term IN ({_marks(len(asked))})",
            *asked,
        )
    }
    finds: dict[Word, bool] = {}
    phrases: dict[tuple[str, ...], bool] = {}
    for i, word in enumerate(typed):
        decoded = decode_input_method(word.folded)
        finds[word] = (
            word.folded in docs
            or (decoded is not None and decoded in docs)
            or (completing and i == len(typed) - 1 and await _has_completion(word.folded))
            or bool(await _corrections(word.folded))
        )
        split = None if finds[word] else split_word(word, lambda term: docs.get(term, 0))
        if split:
            pieces = tuple(w.folded for w in split)
            phrases[pieces] = await _side_by_side(pieces)
    return respaced(
        typed,
        lambda term: docs.get(term, 0),
        lambda word: finds.get(word, True),
        lambda pieces: phrases.get(tuple(pieces), False),
    )


async def _side_by_side(pieces: tuple[str, ...]) -> bool:
    """Whether some name or label has these words side by side ("nuoc mam", not "so co la")."""
    return await _finds(ex.Phrase(pieces))


async def _finds(expression: ex.Expression) -> bool:
    """Whether some product matches the expression (a word known only folded, "lon", may
    not be there with the marks asked for, "lợn")."""
    if is_sqlite():
        sql, text = (
            "SELECT 1 FROM search_fts WHERE search_fts MATCH {} LIMIT 1",
            ex.fts5(expression),
        )
    else:
        sql, text = (
            "SELECT 1 FROM search_entry WHERE tsv @@ {}::tsquery LIMIT 1",
            ex.tsquery(expression),
        )
    return bool(await _fetch(sql, text))


async def _has_completion(prefix: str) -> bool:
    rows = await _fetch(
        "SELECT term FROM search_term WHERE term > {} AND term < {} AND docs > 0 LIMIT 1",
        prefix,
        prefix + "~",
    )
    return bool(rows)


async def _corrections(typed: str) -> dict[str, int]:
    keys, maybe_terms = lookups(typed)
    if not keys:
        return {}
    sql = (
        "SELECT t.term FROM search_term_variant v "  # noqa: S608 - placeholders only
        "JOIN search_term t ON t.term = v.term "
        f"WHERE t.docs > 0 AND v.variant IN ({_marks(len(keys))})"
    )
    args: list[Any] = sorted(keys)
    if maybe_terms:
        marks = _marks(len(maybe_terms))
        sql += f" UNION SELECT term FROM search_term WHERE docs > 0 AND term IN ({marks})"  # noqa: S608
        args += sorted(maybe_terms)
    if not is_sqlite():
        # pg_trgm: words that look alike (trigram index), checked against the same budget
        sql += " UNION SELECT term FROM search_term WHERE docs > 0 AND term % {}"
        args.append(typed)
    found: dict[str, int] = {}
    for (term,) in await _fetch(sql, *args):
        # numbers and short words only as typed, as the memory index's `TypoIndex` ("500g"
        # is not "500"; the backends disagreed on "dưới 100k" before prices were filters)
        typos = accepted_typos(typed, term) if indexable(term) else None
        if typos is not None:
            found[term] = typos
    return found


@dataclass
class _Where:
    sql: list[str] = field(default_factory=list)
    args: list[Any] = field(default_factory=list)

    def add(self, sql: str, *args: Any) -> None:
        self.sql.append(sql)
        self.args.extend(args)

    def text(self) -> str:
        return (" WHERE " + " AND ".join(self.sql)) if self.sql else ""


def _common_filters(where: _Where, query: SearchQuery) -> None:
    if query.producer_id is not None:
        where.add("e.producer = {}", query.producer_id)
    if query.price_min is not None:
        where.add("e.price >= {}", query.price_min)
    if query.price_max is not None:
        where.add("e.price <= {}", query.price_max)


def _facet_filters(where: _Where, query: SearchQuery) -> None:
    if query.province_codes:
        where.add(f"e.province IN ({_marks(len(query.province_codes))})", *query.province_codes)
    if query.ocop_groups:
        where.add(f"e.grp IN ({_marks(len(query.ocop_groups))})", *query.ocop_groups)
    if query.min_stars is not None:
        where.add("e.stars >= {}", query.min_stars)
    if query.certifications:
        tests = " OR ".join("('|' || e.certs || '|') LIKE {}" for _ in query.certifications)
        where.add(f"({tests})", *(f"%|{c}|%" for c in query.certifications))


# -- facets ------------------------------------------------------------------------------------

_FacetRow = tuple[str, int | None, int | None, str, int]


def _values(row: _FacetRow) -> dict[str, list[str]]:
    province, group, stars, certs, _ = row
    return {
        "province": [province],
        "ocop_group": [] if group is None else [str(group)],
        "ocop_stars": [] if stars is None else [str(stars)],
        "certification": certs.split("|") if certs else [],
    }


def _facets(rows: list[_FacetRow], query: SearchQuery) -> tuple[int, dict[str, list[FacetCount]]]:
    """The total passing every filter, and each facet's counts under the other facets' filters."""
    chosen: dict[str, set[str]] = {
        "province": set(query.province_codes),
        "ocop_group": {str(g) for g in query.ocop_groups},
        "ocop_stars": {str(s) for s in range(query.min_stars or 6, 6)},
        "certification": set(query.certifications),
    }
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACET_NAMES}
    active = [name for name in FACET_NAMES if chosen[name]]
    total = 0
    for row in rows:
        values = _values(row)
        failing = [name for name in active if not chosen[name].intersection(values[name])]
        if not failing:
            total += row[4]
        elif len(failing) > 1:
            continue  # counts under no facet's filters
        for name in failing or FACET_NAMES:
            counter = counts[name]
            for value in values[name]:
                counter[value] += row[4]
    return total, {
        name: [
            FacetCount(value, count)
            for value, count in sorted(counter.items(), key=lambda vc: (-vc[1], vc[0]))
        ]
        for name, counter in counts.items()
    }


# -- the backend -------------------------------------------------------------------------------


class NativeSearch:
    """Search answered by the database's own full-text index: FTS5 or PostgreSQL."""

    @property
    def name(self) -> str:
        return "fts5" if is_sqlite() else "postgresql"

    async def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        in_transaction = DB.current_transaction.get() is not None
        if not in_transaction and not await self._ensure_current():
            return _empty(query, self.name, started, [])
        async with contextlib.nullcontext() if in_transaction else _reads():
            return await self._search(query, started)

    async def _search(self, query: SearchQuery, started: float) -> SearchResult:
        sqlite = is_sqlite()
        open_ended = not query.text[-1:].isspace()
        typed, cut = within_limit(
            without_chatter(without_fillers(words(query.text), open_ended), open_ended),
            MAX_LOOKED_UP,
        )
        completing = bool(typed) and open_ended and not cut
        typed = await _respaced(typed, completing)
        groups, ignored = await _plan(typed, completing) if typed else ([], [])
        generic = optional_words(typed)
        ignored = [text for text in ignored if not any(text == g.text for g in generic)]
        required = [g for g in groups if not any(g.word is w for w in generic)]
        cut = [g.word for g in required[MAX_WORDS:]] + cut  # too many words: the last go
        groups = [g for g in groups if not any(g.word is w for w in cut)]
        ignored = list(dict.fromkeys([*ignored, *(w.text for w in cut)]))  # each word once
        if typed and not groups:
            return _empty(query, self.name, started, ignored)
        if not typed and query.text.strip():  # symbols alone ("🐟", "!!!"): nothing matches
            return _empty(query, self.name, started, [query.text.strip()])
        groups, optional = _split_optional(groups, generic)
        if not groups:  # only generic words found something: they are what was asked for
            groups, optional = optional, []
        key = _counted_key(query, groups) if sqlite and not optional else None
        if key is not None:
            total, facets = await _counted_facets(key)
            match = ex.all_of([g.expression() for g in groups]) if groups else None
        else:
            count = _fts5_combo_rows if sqlite else _tsv_facet_rows
            rows, match = await count(query, groups)
            total, facets = _facets(rows, query)
            if not total and len(groups) > 1:  # nothing has every word: give some up
                sets = await _word_sets(query, groups)
                give_up = words_to_give_up(sets, [g.word for g in groups])
                ignored += [groups[i].word.text for i in give_up]
                groups = [g for i, g in enumerate(groups) if i not in give_up]
                rows, match = await count(query, groups)
                total, facets = _facets(rows, query)
        ignored = list(dict.fromkeys(w.text for w in [*typed, *cut] if w.text in ignored))
        page = _fts5_page if sqlite else _tsv_page
        product_ids = await page(query, groups, match, total, optional) if total else []
        documents = await store.documents(product_ids)
        matched = _matched_terms(groups + optional)
        hits = [_hit(documents[p], matched, query.language) for p in product_ids if p in documents]
        suggestions = _suggestions(
            typed, groups, completing, [documents[p] for p in product_ids if p in documents]
        )
        return SearchResult(
            hits=hits,
            total=total,
            page=query.page,
            page_size=query.page_size,
            facets=facets,
            suggestions=suggestions,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            backend=self.name,
            ignored_words=ignored,
        )

    # -- keeping the tables in step -------------------------------------------------------------

    async def changed(
        self,
        generation: str,
        product_id: int,
        before: SearchDocument | None,
        after: SearchDocument | None,
    ) -> None:
        """Apply one product change (inside the write transaction that records it)."""
        if not await self._is_current(generation):
            await self._rebuild_from_store(generation)  # includes this change
            return
        old = _indexed(before) if before is not None else None
        new = _indexed(after) if after is not None else None
        await self._delete([product_id])
        if new is not None:
            await self._insert([new])
        removed = (old.terms if old else frozenset()) - (new.terms if new else frozenset())
        added = (new.terms if new else frozenset()) - (old.terms if old else frozenset())
        await self._count_terms(Counter(dict.fromkeys(added, 1)), removed)
        if is_sqlite():
            changes: Counter[tuple[str, str, str]] = Counter()
            for item, sign in ((old, -1), (new, 1)):
                if item is not None:
                    changes.update(_prefix_counts(item, sign))
            await self._count_prefixes(changes)

    async def replace_all(self, documents: Sequence[SearchDocument], generation: str) -> None:
        """Make `documents` the whole index (inside the reindex's write transaction)."""
        await self._clear(generation)
        vocabulary: Counter[str] = Counter()
        short: Counter[tuple[str, _Combo]] = Counter()
        for start in range(0, len(documents), _CHUNK):
            items = [_indexed(d) for d in documents[start : start + _CHUNK]]
            await self._insert(items)
            for item in items:
                vocabulary.update(item.terms)
            if is_sqlite():
                short.update((key, i.combo) for i in items for key in i.short_keys)
        await self._count_terms(vocabulary, frozenset())
        prefixes: Counter[tuple[str, str, str]] = Counter()
        for (key, combo), n in short.items():
            for facet, value in _facet_pairs(combo):
                prefixes[(key, facet, value)] += n
        await self._count_prefixes(prefixes)

    async def _insert(self, items: list[_Indexed]) -> None:
        if not is_sqlite():
            await store._execute_many(_entry_insert(), [_entry_row(i) for i in items])
            return
        docs = await _free_docs(items, await _combo_ids({i.combo for i in items}))
        await store._execute_many(_entry_insert(), [(*i.entry, docs[i.entry[0]]) for i in items])
        await store._execute_many(
            _FTS_INSERT,
            [(docs[i.entry[0]], i.name, i.labels, i.body, i.exact, i.first) for i in items],
        )

    async def _delete(self, product_ids: list[int]) -> None:
        marks = _marks(len(product_ids))
        if is_sqlite():
            await store._run(
                "DELETE FROM search_fts WHERE rowid IN "  # noqa: S608 - placeholders only
                f"(SELECT doc FROM search_entry WHERE product_id IN ({marks}))",
                *product_ids,
            )
        await store._run(f"DELETE FROM search_entry WHERE product_id IN ({marks})", *product_ids)  # noqa: S608

    async def _count_prefixes(self, changes: Counter[tuple[str, str, str]]) -> None:
        """Add `changes` to the documents counted per short prefix and facet value (SQLite)."""
        rows = [(*key, n) for key, n in changes.items() if n]
        if rows:
            await store._execute_many(
                "INSERT INTO search_prefix_facet (prefix, facet, value, docs) "
                "VALUES ({}, {}, {}, {}) ON CONFLICT (prefix, facet, value) "
                "DO UPDATE SET docs = search_prefix_facet.docs + excluded.docs",
                rows,
            )

    async def _count_terms(self, changes: Counter[str], removed: Iterable[str]) -> None:
        """Add `changes` to the terms' document counts; index the deletions of new terms."""
        decrease = [(t,) for t in removed]
        if decrease:
            await store._execute_many(
                "UPDATE search_term SET docs = docs - 1 WHERE term = {}", decrease
            )
        increase = [(t, n) for t, n in changes.items() if n > 0]
        if not increase:
            return
        existing: set[str] = set()
        terms = [t for t, _ in increase]
        for start in range(0, len(terms), 500):
            chunk = terms[start : start + 500]
            rows = await store._run(
                f"SELECT term FROM search_term WHERE term IN ({_marks(len(chunk))})",  # noqa: S608
                *chunk,
            )
            existing.update(str(r["term"]) for r in rows)
        await store._execute_many(
            "INSERT INTO search_term (term, docs) VALUES ({}, {}) ON CONFLICT (term) "
            "DO UPDATE SET docs = search_term.docs + excluded.docs",
            increase,
        )
        variants = [
            (variant, term)
            for term in terms
            if term not in existing and indexable(term)
            for variant in variants_of(term)
        ]
        if variants:
            await store._execute_many(
                "INSERT INTO search_term_variant (variant, term) VALUES ({}, {}) "
                "ON CONFLICT DO NOTHING",
                variants,
            )

    async def _clear(self, generation: str) -> None:
        tables = ["search_entry", "search_term", "search_term_variant"]
        if is_sqlite():
            tables += ["search_fts", "search_prefix_facet"]  # not search_combo: ids stay
        for table in tables:
            await store._run(f"DELETE FROM {table}")  # noqa: S608 - our own table names
        await store._run(
            "INSERT INTO search_native_state (id, generation) VALUES (1, {}) "
            "ON CONFLICT (id) DO UPDATE SET generation = excluded.generation",
            generation,
        )

    async def _is_current(self, generation: str) -> bool:
        rows = await store._run("SELECT generation FROM search_native_state WHERE id = 1")
        return bool(rows) and str(rows[0]["generation"]) == generation

    async def _rebuild_from_store(self, generation: str) -> None:
        documents: list[SearchDocument] = []
        last_id = 0
        while True:
            chunk = await store.active_documents_after(last_id, 5000)
            documents.extend(store.decode(data) for data in chunk)
            if len(chunk) < 5000:
                break
            last_id = documents[-1].product_id
        await self.replace_all(documents, generation)

    async def _ensure_current(self) -> bool:
        """Rebuild the tables if they were built for another generation than the current one.

        False when nothing was ever indexed (no `search_state`): there is nothing to find."""
        rows = await _fetch(
            "SELECT s.generation AS current, n.generation AS built FROM search_state s "
            "LEFT JOIN search_native_state n ON n.id = 1 WHERE s.id = 1"
        )
        if not rows:
            return False
        if rows[0][0] == rows[0][1]:
            return True
        from marketplace.db import write_transaction

        async with write_transaction():
            state = await store.read_state()
            if state is not None and not await self._is_current(state.generation):
                await self._rebuild_from_store(state.generation)
        return True


def _reads() -> AbstractAsyncContextManager[None]:
    return contextlib.nullcontext() if is_sqlite() else reading()


async def _word_sets(query: SearchQuery, groups: list[_Group]) -> dict[int, int]:
    """The products within the filters having any of the words, counted by the set of words
    they have (bit i: word i; `wording.words_to_give_up`), in one statement."""
    where = _Where()
    expressions = [(1 << i, g.expression()) for i, g in enumerate(groups)]
    known = [(bit, e) for bit, e in expressions if e is not None]
    any_word = ex.any_of([e for _, e in known])
    if any_word is None:
        return {}
    if is_sqlite():
        source = "search_fts f JOIN search_entry e ON e.doc = f.rowid"
        has = "e.doc IN (SELECT rowid FROM search_fts WHERE search_fts MATCH {})"
        where.add("f.search_fts MATCH {}", ex.fts5(any_word))
        texts = [ex.fts5(e) for _, e in known]
    else:
        source, has = "search_entry e", "e.tsv @@ {}::tsquery"
        where.add("e.tsv @@ {}::tsquery", ex.tsquery(any_word))
        texts = [ex.tsquery(e) for _, e in known]
    _common_filters(where, query)
    _facet_filters(where, query)
    found = " + ".join(f"(CASE WHEN {has} THEN {bit} ELSE 0 END)" for bit, _ in known)
    rows = await _fetch(
        f"SELECT {found} AS words_had, COUNT(*) FROM {source}{where.text()} GROUP BY 1",  # noqa: S608
        *texts,
        *where.args,
    )
    return {int(words_had): int(n) for words_had, n in rows}


# -- searching PostgreSQL full text --------------------------------------------------------------


async def _tsv_facet_rows(
    query: SearchQuery, groups: list[_Group]
) -> tuple[list[_FacetRow], ex.Expression | None]:
    """Documents counted per facet combination (PostgreSQL)."""
    where = _Where()
    match = ex.all_of([g.expression() for g in groups]) if groups else None
    if match is not None:
        where.add("e.tsv @@ {}::tsquery", ex.tsquery(match))
    _common_filters(where, query)
    rows = await _fetch(
        "SELECT e.province, e.grp, e.stars, e.certs, COUNT(*) FROM "  # noqa: S608
        f"search_entry e{where.text()} "
        "GROUP BY e.province, e.grp, e.stars, e.certs",
        *where.args,
    )
    return [(str(r[0]), r[1], r[2], str(r[3]), int(r[4])) for r in rows], match


async def _tsv_page(
    query: SearchQuery,
    groups: list[_Group],
    match: ex.Expression | None,
    total: int,
    optional: list[_Group],
) -> list[int]:
    """The product ids of the page, best first (PostgreSQL): one statement, each ranking rule
    an ORDER BY term."""
    order: list[str] = []
    order_args: list[Any] = []
    if query.sort == "relevance" and match is not None:
        for expression in _rules(groups, optional):
            order.append("(CASE WHEN e.tsv @@ {}::tsquery THEN 1 ELSE 0 END) DESC")
            order_args.append(ex.tsquery(expression))
        starts, starts_args = _starts(groups)
        if starts:
            order.append(starts)
            order_args.extend(starts_args)
    if query.sort == "price_asc":
        order.append("e.price ASC")
    elif query.sort == "price_desc":
        order.append("e.price DESC")
    elif query.sort == "newest":
        order.append("e.updated DESC")
    else:
        order.append("COALESCE(e.stars, 0) DESC")
        order.append("e.updated DESC")
    order.append("e.product_id DESC")
    where = _Where()
    if match is not None:
        where.add("e.tsv @@ {}::tsquery", ex.tsquery(match))
    _common_filters(where, query)
    _facet_filters(where, query)
    rows = await _fetch(
        f"SELECT e.product_id FROM search_entry e{where.text()} "  # noqa: S608
        f"ORDER BY {', '.join(order)} LIMIT {{}} OFFSET {{}}",
        *where.args,
        *order_args,
        query.page_size,
        query.offset,
    )
    return [int(r[0]) for r in rows]


# -- searching FTS5 (SQLite) ---------------------------------------------------------------------


def _has_facet_filters(query: SearchQuery) -> bool:
    return bool(
        query.province_codes or query.ocop_groups or query.min_stars or query.certifications
    )


def _has_common_filters(query: SearchQuery) -> bool:
    return (
        query.producer_id is not None
        or query.price_min is not None
        or (query.price_max is not None)
    )


def _counted_key(query: SearchQuery, groups: list[_Group]) -> str | None:
    """The key of `search_prefix_facet` that answers this search's counts, if one does: the
    empty query, or a 1–2 letter word being typed, without filters."""
    if _has_facet_filters(query) or _has_common_filters(query):
        return None
    if not groups:
        return ""
    group = groups[0]
    one_short_word = (
        len(groups) == 1 and group.short_prefix and not group.typos and not group.others
    )
    if one_short_word and set(group.whole) <= {group.prefix}:
        return group.prefix
    return None


async def _counted_facets(key: str) -> tuple[int, dict[str, list[FacetCount]]]:
    """The total and facets of the documents `key` finds, as kept in `search_prefix_facet`."""
    rows = await _fetch(
        "SELECT facet, value, docs FROM search_prefix_facet WHERE prefix = {} AND docs > 0", key
    )
    total = 0
    counts: dict[str, list[FacetCount]] = {name: [] for name in FACET_NAMES}
    for facet, value, docs in rows:
        if facet == "":
            total = int(docs)
        elif facet in counts:
            counts[facet].append(FacetCount(str(value), int(docs)))
    for found in counts.values():
        found.sort(key=lambda c: (-c.count, c.value))
    return total, counts


async def _fts5_combo_rows(
    query: SearchQuery, groups: list[_Group]
) -> tuple[list[_FacetRow], ex.Expression | None]:
    """Documents counted per facet combination, from the rowids alone where no price or
    producer filter asks for the entry."""
    match = ex.all_of([g.expression() for g in groups]) if groups else None
    where = _Where()
    if match is not None:
        source, doc = "search_fts f", "f.rowid"
        where.add("f.search_fts MATCH {}", ex.fts5(match))
        if _has_common_filters(query):
            source += " JOIN search_entry e ON e.doc = f.rowid"
    else:
        source, doc = "search_entry e", "e.doc"
    _common_filters(where, query)
    counted = await _fetch(
        f"SELECT {doc} & {_COMBO_MASK}, COUNT(*) FROM {source}{where.text()} GROUP BY 1",  # noqa: S608
        *where.args,
    )
    combos = await _combos(int(r[0]) for r in counted if r[0])
    rows: list[_FacetRow] = [(*combos[int(r[0])], int(r[1])) for r in counted if r[0]]
    if any(not r[0] for r in counted):  # combinations beyond the mask: read from the entry
        if match is not None and "JOIN" not in source:
            source += " JOIN search_entry e ON e.doc = f.rowid"
        where.add(f"({doc} & {_COMBO_MASK}) = 0")
        overflow = await _fetch(
            "SELECT e.province, e.grp, e.stars, e.certs, COUNT(*) FROM "  # noqa: S608
            f"{source}{where.text()} GROUP BY e.province, e.grp, e.stars, e.certs",
            *where.args,
        )
        rows += [(str(r[0]), r[1], r[2], str(r[3]), int(r[4])) for r in overflow]
    return rows, match


async def _fts5_page(
    query: SearchQuery,
    groups: list[_Group],
    match: ex.Expression | None,
    total: int,
    optional: list[_Group],
) -> list[int]:
    """The product ids of the page, best first."""
    where = _Where()
    _common_filters(where, query)
    _facet_filters(where, query)
    need = query.offset + query.page_size
    if query.sort == "relevance" and match is not None:
        joined = " JOIN search_entry e ON e.doc = f.rowid" if where.sql else ""
        rules = [ex.fts5(r) for r in _rules(groups, optional)]
        starts = _starts_expression(groups)
        if starts is not None:
            rules.append(ex.fts5(starts))
        if total <= _FEW:
            docs = await _rule_sort(ex.fts5(match), rules, need, joined, where)
        else:
            docs = await _bucket_sort(ex.fts5(match), rules, need, joined, where)
        docs = docs[query.offset : need]
        if not docs:
            return []
        found = dict(
            await _fetch(
                f"SELECT doc, product_id FROM search_entry WHERE doc IN ({_marks(len(docs))})",  # noqa: S608
                *docs,
            )
        )
        return [int(found[d]) for d in docs if d in found]
    if match is not None:
        source = "search_fts f JOIN search_entry e ON e.doc = f.rowid"
        where.add("f.search_fts MATCH {}", ex.fts5(match))
    else:
        source = "search_entry e"
    order = {
        "price_asc": "e.price ASC, e.product_id DESC",
        "price_desc": "e.price DESC, e.product_id DESC",
        "newest": "e.updated DESC, e.product_id DESC",
    }.get(query.sort, "e.doc DESC")
    rows = await _fetch(
        f"SELECT e.product_id FROM {source}{where.text()} "  # noqa: S608 - placeholders only
        f"ORDER BY {order} LIMIT {{}} OFFSET {{}}",
        *where.args,
        query.page_size,
        query.offset,
    )
    return [int(r[0]) for r in rows]


# Up to this many matches, one statement ranks them all (each rule's matches read once);
# beyond, buckets are read in order until the page is full (`_bucket_sort`).
_FEW = 3000


async def _rule_sort(
    base: str, rules: list[str], need: int, joined: str, where: _Where
) -> list[int]:
    """The first `need` documents matching `base`, ordered by the rules then the rowid."""
    filters = "".join(f" AND {part}" for part in where.sql)
    order = "".join(
        "(CASE WHEN f.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH {}) "
        "THEN 1 ELSE 0 END) DESC, "
        for _ in rules
    )
    rows = await _fetch(
        f"SELECT f.rowid FROM search_fts f{joined} WHERE f.search_fts MATCH {{}}{filters} "  # noqa: S608
        f"ORDER BY {order}f.rowid DESC LIMIT {{}}",
        base,
        *where.args,
        *rules,
        need,
    )
    return [int(r[0]) for r in rows]


async def _bucket_sort(
    base: str, rules: list[str], need: int, joined: str, where: _Where
) -> list[int]:
    """The first `need` documents matching `base`, in the order of the rules, then the rowid.

    Meilisearch's bucket sort, read from FTS5 in rowid order: a bucket (the documents that
    meet some rules and miss others) is read with `ORDER BY rowid DESC LIMIT`, which stops
    once it has enough. A bucket with more than is needed is split by its next rule, the better
    half first; one with fewer is read whole and ordered by the rules left, which only asks
    which of its few documents meet them.
    """
    filters = "".join(f" AND {part}" for part in where.sql)
    statement = (
        f"SELECT f.rowid FROM search_fts f{joined} WHERE f.search_fts MATCH {{}}{filters} "  # noqa: S608
        "ORDER BY f.rowid DESC LIMIT {}"
    )

    async def read(meets: list[str], misses: list[str], limit: int) -> list[int]:
        expression = "(" + ") AND (".join([base, *meets]) + ")"
        if misses:
            expression = f"({expression}) NOT ((" + ") OR (".join(misses) + "))"
        return [int(r[0]) for r in await _fetch(statement, expression, *where.args, limit)]

    async def fill(meets: list[str], misses: list[str], depth: int, limit: int) -> list[int]:
        docs = await read(meets, misses, limit)
        if depth == len(rules):
            return docs
        if len(docs) < limit:
            if len(docs) > 1:
                flags = [set(await read([*meets, r], misses, limit)) for r in rules[depth:]]
                docs.sort(key=lambda d: (tuple(d in f for f in flags), d), reverse=True)
            return docs
        found = await fill([*meets, rules[depth]], misses, depth + 1, limit)
        if len(found) < limit:
            found += await fill(meets, [*misses, rules[depth]], depth + 1, limit - len(found))
        return found

    return await fill([], [], 0, need)


def _starts_expression(groups: list[_Group]) -> ex.Expression | None:
    """Names starting with the first word (or what it begins) (FTS5's `first` column)."""
    if not groups:
        return None
    first = groups[0]
    parts: list[ex.Expression] = [ex.Term(t, "first") for t in first.exact_terms]
    if first.prefix is not None:
        parts.append(ex.Term(first.prefix, "first", prefix=True))
    return ex.any_of(parts)


# -- ranking rules -----------------------------------------------------------------------------


def _rules(groups: list[_Group], optional: Sequence[_Group] = ()) -> list[ex.Expression]:
    """Meilisearch's rules, as expressions a match satisfies or not, in order: "words" only
    for the optional (generic) words, which every match need not have; then the others."""
    rules: list[ex.Expression | None] = []
    if optional:
        rules.append(ex.all_of([g.expression() for g in optional]))
    if any(g.typos for g in groups):
        rules.append(ex.all_of([g.expression(typos=False) for g in groups]))
    marked = [g for g in groups if has_marks(g.word.text)]
    if marked:
        rules.append(ex.all_of([_with_marks(g) for g in marked]))
    pairs = [_pair(left, right) for left, right in itertools.pairwise(groups)]
    if pairs:
        rules.append(ex.all_of(list(pairs)))
        if len(pairs) > 1:
            rules.append(ex.any_of([p for p in pairs if p is not None]))
    in_name = [g.expression("name") for g in groups]
    rules += [ex.all_of(in_name[:k]) for k in range(len(groups), 0, -1)]  # the first words
    rules.append(ex.all_of([g.expression("name_labels") for g in groups]))
    whole = [g.whole_expression() for g in groups if len(g.word.folded) > 1]
    if any(g.prefix is not None for g in groups) and whole:
        rules.append(ex.all_of(whole))
    return [r for r in rules if r is not None]


def _with_marks(group: _Group) -> ex.Expression:
    """The word written with the marks typed; the word being typed, also a word that begins so
    ("bư": Bưởi before Bún; the tone aside, `tokens.marked_stem`)."""
    exact = ex.Term(group.word.exact, "exact")
    stem = marked_stem(group.word) if group.prefix is not None else None
    if stem is None:
        return exact
    return ex.AnyOf((exact, ex.Term(stem, "exact", prefix=True)))


def _split_optional(groups: list[_Group], generic: list[Word]) -> tuple[list[_Group], list[_Group]]:
    """The words every match must have, and the generic ones that only rank (`wording`)."""
    return (
        [g for g in groups if not any(g.word is w for w in generic)],
        [g for g in groups if any(g.word is w for w in generic)],
    )


def _pair(left: _Group, right: _Group) -> ex.Expression | None:
    phrases: list[ex.Expression] = [
        ex.Phrase((a, b)) for a in left.exact_terms[:3] for b in right.exact_terms[:3]
    ]
    if right.prefix is not None and not right.short_prefix:
        phrases += [ex.Phrase((a, right.prefix), prefix=True) for a in left.exact_terms[:3]]
    return ex.any_of(phrases)


def _starts(groups: list[_Group]) -> tuple[str, list[Any]]:
    """Names starting with the first word (or its prefix) first."""
    if not groups:
        return "", []
    first = groups[0]
    tests = [f"e.first_word IN ({_marks(len(first.exact_terms))})"] if first.exact_terms else []
    args: list[Any] = list(first.exact_terms)
    if first.prefix is not None:
        tests.append("e.first_word LIKE {}")
        args.append(first.prefix + "%")
    if not tests:
        return "", []
    return f"(CASE WHEN {' OR '.join(tests)} THEN 1 ELSE 0 END) DESC", args


# -- results -----------------------------------------------------------------------------------


def _matched_terms(groups: list[_Group]) -> MatchedTerms:
    whole: set[str] = set()
    prefixes: list[str] = []
    for group in groups:
        whole.update(group.whole)
        whole.update(other.folded for other in group.others)
        if group.prefix is not None:
            prefixes.append(group.prefix)
    return MatchedTerms(frozenset(whole), tuple(prefixes))


def _suggestions(
    typed: list[Word], groups: list[_Group], completing: bool, found: list[SearchDocument]
) -> list[str]:
    """Completions of the last word taken from the names found, most frequent first."""
    if not completing or not groups or groups[-1].word is not typed[-1]:
        return []
    last = groups[-1]
    if last.prefix is None:
        return []
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    completions: Counter[str] = Counter()
    earlier = {w.folded for w in typed[:-1]}  # not "nước mắm nước"
    marked = has_marks(last.word.text)  # marks typed are kept: "quà tế" is not "tép"
    for document in found:
        for word in words(document.name):
            forms[word.folded][word.text] += 1
            new = word.folded != last.prefix and word.folded not in earlier
            as_typed = not marked or word.text.startswith(last.word.text)
            if word.folded.startswith(last.prefix) and new and as_typed:
                completions[word.folded] += 1

    def shown(word: Word) -> str:
        if has_marks(word.text) or word.folded not in forms:
            return word.text
        return forms[word.folded].most_common(1)[0][0]

    lead = " ".join(shown(w) for w in typed[:-1])
    return [
        f"{lead} {forms[term].most_common(1)[0][0]}".strip()
        for term, _ in completions.most_common(SUGGESTIONS)
    ]


def _empty(query: SearchQuery, backend: str, started: float, ignored: list[str]) -> SearchResult:
    return SearchResult(
        hits=[],
        total=0,
        page=query.page,
        page_size=query.page_size,
        facets={name: [] for name in FACET_NAMES},
        suggestions=[],
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        backend=backend,
        ignored_words=ignored,
    )
