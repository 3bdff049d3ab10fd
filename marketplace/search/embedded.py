"""The `memory` backend (SQLite, PostgreSQL): an in-memory index kept in step with the database.

Before answering, a search reads `search_state` (one row): when another transaction, in this
process or another worker, has changed products since, the changed rows are applied first, so
a change is searchable as soon as it is committed. A new generation (reindex, emptied tables)
or too many dead positions compile the index afresh from `search_document`, off the event loop;
while a compile runs, the previous index (if any) keeps answering.

With no index yet (server start, after a reindex), a small catalogue is compiled inline by the
first search; a larger one (over `COMPILE_INLINE_UP_TO` documents: 100,000 take about 8 s) is
compiled in the background, and until it is ready the database's own full text (FTS5 or
tsvector, kept current in the same transactions) answers instead: `ready()` says which.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager

from marketplace.db import DB, is_sqlite, reading
from marketplace.search import store
from marketplace.search.documents import SearchDocument
from marketplace.search.evaluate import Evaluation, evaluate
from marketplace.search.highlight import MatchedTerms, highlight, snippet
from marketplace.search.index import MemoryIndex
from marketplace.search.query import FacetCount, SearchHit, SearchQuery, SearchResult

_CHUNK = 5000
# Measured with `make bench`: compiling takes about 0.8 s per 10,000 documents.
COMPILE_INLINE_UP_TO = 5000
log = logging.getLogger(__name__)


class EmbeddedSearch:
    """Search answered by this process from the database's `search_document` table."""

    def __init__(self, inline_up_to: int = COMPILE_INLINE_UP_TO) -> None:
        self.inline_up_to = inline_up_to
        self._index: MemoryIndex | None = None
        self._state: store.State | None = None
        self._lock: asyncio.Lock | None = None
        self._rebuilding = False
        self._compiling: asyncio.Future[MemoryIndex] | None = None

    @property
    def name(self) -> str:
        return "memory"

    async def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        in_transaction = DB.current_transaction.get() is not None
        async with contextlib.nullcontext() if in_transaction else _reads():
            # Inside the caller's transaction rows may be uncommitted: use the index as it is.
            index = self._index if in_transaction and self._index else await self.current()
            evaluation = evaluate(index, query)
            product_ids = [index.product_at[p] for p in evaluation.positions]
            documents = await store.documents(product_ids)
        hits = [
            _hit(documents[product_id], evaluation.matched, query.language)
            for product_id in product_ids
            if product_id in documents
        ]
        return _result(query, evaluation, hits, self.name, started)

    async def ready(self) -> bool:
        """Whether a search here answers without waiting seconds for a compile.

        True with an index (brought up to date at the search) or a catalogue small enough to
        compile inline; otherwise the compile is started in the background (once) and the
        caller should answer from elsewhere until it is done.
        """
        if self._index is not None:
            return True
        if self._compiling is not None and not self._compiling.done():
            return False
        if not await store.more_active_than(self.inline_up_to):
            return True
        self.compile_in_background()
        return False

    def compile_in_background(self) -> asyncio.Future[MemoryIndex]:
        """The compile under way, or a new one started without waiting for it."""
        if self._compiling is None or self._compiling.done():
            self._compiling = asyncio.ensure_future(self.current())
            self._compiling.add_done_callback(_report_failure)
        return self._compiling

    def stop(self) -> None:
        """Cancel a background compile (the server is stopping)."""
        if self._compiling is not None:
            self._compiling.cancel()

    async def current(self) -> MemoryIndex:
        """The index, brought up to date with what is committed."""
        state = await store.read_state()
        if self._index is not None and state == self._state:
            return self._index
        if self._rebuilding and self._index is not None:
            return self._index  # a full compile takes seconds: the previous index answers
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            state = await store.read_state()
            if (
                self._index is None
                or state is None
                or self._state is None
                or state.generation != self._state.generation
                or self._index.needs_rebuild()
            ):
                await self._rebuild(state)
            elif state.version != self._state.version:
                await self._apply_changes(self._index, state)
        assert self._index is not None
        return self._index

    def _must_rebuild(self, state: store.State | None) -> bool:
        if self._index is None or state is None or self._state is None:
            return True
        return state.generation != self._state.generation or self._index.needs_rebuild()

    async def _apply_changes(self, index: MemoryIndex, state: store.State) -> None:
        assert self._state is not None
        for change in await store.changes_since(self._state.version):
            index.put(change.product_id, change.document)
        self._state = state

    async def _rebuild(self, state: store.State | None) -> None:
        self._rebuilding = True
        try:
            await self._compile(state)
        finally:
            self._rebuilding = False

    async def _compile(self, state: store.State | None) -> None:
        index = MemoryIndex()
        # Filed least recently changed first, as later changes are: the last tie-break of the
        # ranking (the highest position) is then the most recently changed product, after a
        # restart as before it, and the same as FTS5's.
        order = await store.active_in_change_order()
        for start in range(0, len(order), _CHUNK):
            ids = order[start : start + _CHUNK]
            found = await store.documents_json(ids)
            await asyncio.to_thread(_add_chunk, index, [found[i] for i in ids if i in found])
        await asyncio.to_thread(index.finish)
        self._index, self._state = index, state

    def forget(self) -> None:
        """Drop the index (the next search compiles it again)."""
        self._index = None
        self._state = None


def _report_failure(compiling: asyncio.Future[MemoryIndex]) -> None:
    if not compiling.cancelled() and compiling.exception() is not None:
        log.warning("search index compile failed", exc_info=compiling.exception())


def _reads() -> AbstractAsyncContextManager[None]:
    """One connection for the search's reads: SQLite's persistent reader needs no more."""
    return contextlib.nullcontext() if is_sqlite() else reading()


def _add_chunk(index: MemoryIndex, chunk: Iterable[str]) -> None:
    for data in chunk:
        index.add(store.decode(data))


def _result(
    query: SearchQuery,
    evaluation: Evaluation,
    hits: list[SearchHit],
    backend: str,
    started: float,
) -> SearchResult:
    return SearchResult(
        hits=hits,
        total=evaluation.total,
        page=query.page,
        page_size=query.page_size,
        facets={
            name: [FacetCount(value, count) for value, count in counts]
            for name, counts in evaluation.facets.items()
        },
        suggestions=evaluation.suggestions,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        backend=backend,
        ignored_words=evaluation.ignored_words,
    )


def _hit(document: SearchDocument, matched: MatchedTerms, language: str) -> SearchHit:
    description = document.description_en if language == "en" else document.description_vi
    return SearchHit(
        product_id=document.product_id,
        slug=document.slug,
        name=document.name,
        name_html=highlight(document.name, matched),
        snippet_html=snippet(description or document.description_vi, matched),
        price_vnd=document.price_vnd,
        unit=document.unit,
        producer_id=document.producer_id,
        producer_name=document.producer_name,
        producer_slug=document.producer_slug,
        province_code=document.province_code,
        province_name=document.province_name,
        ocop_stars=document.ocop_stars,
        certifications=document.certifications,
        photo_url=document.photo_url,
    )
