"""Search's public service: record product changes, search, reindex, drain the outbox, health.

The database is the source of truth. In the same transaction as the catalogue change, whatever
the backend, search keeps `search_document` (compiled in memory by the `memory` backend) and the
database-native index (`native`: FTS5 on SQLite, tsvector + pg_trgm on PostgreSQL). The setting
SEARCH_BACKEND picks which of the two answers (`auto`: see `AUTO`); on Meilisearch deployments
it answers whenever Meilisearch does not (the result then says `degraded`). Meilisearch is fed
from the outbox.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from marketplace.config import get_settings
from marketplace.db import is_sqlite, write_transaction
from marketplace.search import store
from marketplace.search.conditions import with_conditions
from marketplace.search.documents import SearchDocument
from marketplace.search.embedded import EmbeddedSearch
from marketplace.search.meili import MeiliSearch, MeiliUnavailable
from marketplace.search.native import NativeSearch
from marketplace.search.query import SearchQuery, SearchResult

log = logging.getLogger(__name__)

DocumentLoader = Callable[[list[int] | None], Awaitable[Sequence[SearchDocument]]]
ChangedLoader = Callable[[list[int]], Awaitable[Sequence[SearchDocument]]]

embedded = EmbeddedSearch()
native = NativeSearch()
BACKENDS = ("auto", "memory", "fts5", "postgresql")
# What `auto` means on each engine. Measured with `make bench` (README, "Search"): the database's
# own full text misses the targets (p95 several times the raw FTS/tsvector floor once
# facets and ranking are added, 2-letter prefixes in hundreds of ms at 100k products) while the
# in-memory index meets them, so `auto` keeps the in-memory index; fts5 and postgresql are
# there for deployments that prefer no per-process index (and are kept current regardless, so
# switching needs no reindex).
AUTO = {"sqlite": "memory", "postgresql": "memory"}
_backend_choice: str | None = None
_refused: set[str] = set()  # SEARCH_BACKEND values already logged as unusable
_meili: MeiliSearch | None = None
_meili_configured = False


def meilisearch() -> MeiliSearch | None:
    """The Meilisearch backend when MEILISEARCH_URL is set, else None."""
    global _meili, _meili_configured
    if not _meili_configured:
        settings = get_settings()
        if settings.meilisearch_url:
            _meili = MeiliSearch(settings.meilisearch_url, settings.meilisearch_api_key)
        _meili_configured = True
    return _meili


def use_meilisearch(backend: MeiliSearch | None) -> None:
    """Choose the Meilisearch backend explicitly (None: embedded only), instead of settings."""
    global _meili, _meili_configured, _meili_down_until
    _meili, _meili_configured, _meili_down_until = backend, True, 0.0


def use_backend(name: str | None) -> None:
    """Choose the database backend explicitly (None: SEARCH_BACKEND decides)."""
    global _backend_choice
    _backend_choice = name


def available_backends() -> list[str]:
    """The database backends this engine can run: `memory` and its native full text."""
    return ["memory", "fts5" if is_sqlite() else "postgresql"]


def database_backend() -> EmbeddedSearch | NativeSearch:
    """The backend that answers from the database (alone, or when Meilisearch does not).

    A SEARCH_BACKEND this database cannot run is logged as an error and `auto` answers instead:
    buyers keep searching, and `/health` names the backend actually used.
    """
    choice = _backend_choice or get_settings().search_backend
    if choice != "auto" and choice not in available_backends():
        if choice in _refused:
            choice = "auto"
        else:
            _refused.add(choice)
            log.error(
                "SEARCH_BACKEND=%r: choose one of %s (%s on this database); using auto",
                choice,
                ", ".join(BACKENDS),
                ", ".join(available_backends()),
            )
            choice = "auto"
    if choice == "auto":
        choice = AUTO["sqlite" if is_sqlite() else "postgresql"]
    return embedded if choice == "memory" else native


def backend_name() -> str:
    backend = meilisearch()
    return backend.name if backend is not None else database_backend().name


async def product_changed(document: SearchDocument | None, product_id: int) -> None:
    """Record what a product now looks like to buyers (None: they must no longer find it).

    Call it inside the catalogue's write transaction: the embedded index and the outbox change
    with the product or not at all, and the change is searchable as soon as it is committed.
    """
    if document is not None and document.product_id != product_id:
        raise ValueError(f"document of product {document.product_id} given for {product_id}")
    async with write_transaction():
        state = await store.next_version()
        before = await store.document_of(product_id)
        await store.save_document(product_id, state.version, document)
        await store.queue(product_id, state.version)
        await native.changed(state.generation, product_id, before, document)


RETRY_MEILISEARCH_AFTER_SECONDS = 10.0
# While Meilisearch is considered down (after a failed search): when one search may try it
# again (0.0: not down). `_meili_probing`: that search is under way; the others do not wait.
_meili_down_until = 0.0
_meili_probing = False


async def search(query: SearchQuery) -> SearchResult:
    """Products matching `query`: from Meilisearch if configured and answering, else embedded.

    After Meilisearch fails (an error, a refused connection, or no answer within its search
    timeout), searches go straight to the database for RETRY_MEILISEARCH_AFTER_SECONDS; then
    one search at a time tries Meilisearch again while the others keep answering from the
    database at once. Its success ends the outage, its failure starts a new wait.

    Stars and prices typed as words ("3 sao", "dưới 100k") are filters on every backend
    (`conditions`).
    """
    query.validate()
    understood = with_conditions(query)
    typed = {
        name: int(value)
        for name in ("min_stars", "price_min", "price_max")
        if (value := getattr(understood, name)) is not None and value != getattr(query, name)
    }
    result = await _search(understood)
    return _replace(result, filters_from_text=typed) if typed else result


async def _search(query: SearchQuery) -> SearchResult:
    global _meili_down_until, _meili_probing
    backend = meilisearch()
    if backend is None:
        return await _database_search(query)
    probe = _meili_down_until > 0.0  # this search, if it goes on, tries Meilisearch again
    if probe and (_meili_probing or time.monotonic() < _meili_down_until):
        return _replace(await _database_search(query), degraded=True)
    started = time.perf_counter()
    result: SearchResult | None = None
    if probe:
        _meili_probing = True  # no await since the check: no other search can have set it
    try:
        result = await backend.search(query)
    except MeiliUnavailable as error:
        log.warning("Meilisearch unavailable, answering from the database: %s", error)
        _meili_down_until = time.monotonic() + RETRY_MEILISEARCH_AFTER_SECONDS
    finally:
        if probe:
            _meili_probing = False
    if result is None:
        return _replace(await _database_search(query), degraded=True)
    if probe:
        log.info("Meilisearch answers again")
        _meili_down_until = 0.0
    return _replace(result, took_ms=round((time.perf_counter() - started) * 1000, 2))


async def _database_search(query: SearchQuery) -> SearchResult:
    """The database backend's answer; while the in-memory index of a large catalogue is still
    compiling (start-up, reindex), the database's own full text answers (`result.backend`)."""
    database = database_backend()
    if database is embedded and not await embedded.ready():
        return await native.search(query)
    return await database.search(query)


async def warm_up() -> None:
    """Compile the in-memory index now rather than at the first search (memory backend only);
    searches meanwhile are answered by the database's full text."""
    if database_backend() is embedded:
        await embedded.compile_in_background()


def stop_background() -> None:
    """Cancel a background compile of the in-memory index (the server is stopping)."""
    embedded.stop()


def _replace(result: SearchResult, **changes: object) -> SearchResult:
    from dataclasses import replace

    return replace(result, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ReindexReport:
    """What a reindex did. `error` is set when Meilisearch could not be reached: the database
    index was rebuilt, Meilisearch's was not."""

    documents: int
    backend: str
    error: str | None = None


async def reindex(load: DocumentLoader) -> ReindexReport:
    """Rebuild the index from the catalogue: `load(None)` gives every active product.

    The embedded index is replaced in one transaction, which first takes the version lock so
    that no product change can slip between loading and writing. Meilisearch, if configured,
    then gets a fresh index swapped in, and the outbox rows it made redundant are dropped.
    """
    async with write_transaction():
        state = await store.next_generation()
        documents = list(await load(None))
        await store.replace_all(documents, state.version)
        await native.replace_all(documents, state.generation)
    embedded.forget()
    backend = meilisearch()
    if backend is not None:
        try:
            await backend.replace_all(documents)
        except MeiliUnavailable as error:
            return ReindexReport(len(documents), database_backend().name, str(error))
        async with write_transaction():
            await store.forget_up_to(state.version)
    return ReindexReport(len(documents), backend_name())


@dataclass(frozen=True)
class SyncReport:
    """What a drain of the outbox did. `error` is set when Meilisearch could not be fed."""

    sent: int
    removed: int
    remaining: int
    error: str | None = None


async def sync_outbox(
    load: ChangedLoader,
    *,
    attempts: int = 5,
    backoff_seconds: float = 0.5,
    batch_size: int = 500,
) -> SyncReport:
    """Send the outbox's changes to Meilisearch, retrying with exponential backoff.

    Rows are deleted only after Meilisearch has applied the change, and only if the product
    did not change again meanwhile, so an outage delays the index and loses nothing.
    """
    backend = meilisearch()
    if backend is None:
        return SyncReport(0, 0, await store.backlog(), "meilisearch_not_configured")
    sent = removed = 0
    while True:
        batch = await store.pending(batch_size)
        if not batch:
            return SyncReport(sent, removed, 0)
        try:
            batch_sent, batch_removed = await _deliver(
                backend, load, batch, attempts, backoff_seconds
            )
        except MeiliUnavailable as error:
            async with write_transaction():
                await store.failed(batch, str(error))
            return SyncReport(sent, removed, await store.backlog(), str(error))
        async with write_transaction():
            await store.delivered(batch)
        _meili_answers_again()
        sent, removed = sent + batch_sent, removed + batch_removed
        if len(batch) < batch_size:
            return SyncReport(sent, removed, await store.backlog())


async def _deliver(
    backend: MeiliSearch,
    load: ChangedLoader,
    batch: list[store.Pending],
    attempts: int,
    backoff_seconds: float,
) -> tuple[int, int]:
    product_ids = [item.product_id for item in batch]
    documents = list(await load(product_ids))
    found = {d.product_id for d in documents}
    removed = [product_id for product_id in product_ids if product_id not in found]
    for attempt in range(attempts):
        try:
            await backend.put(documents, removed)
            return len(documents), len(removed)
        except MeiliUnavailable:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(backoff_seconds * 2**attempt)
    raise AssertionError("unreachable")


def _meili_answers_again() -> None:
    """Meilisearch took a delivery: searches may go to it again without waiting for a probe."""
    global _meili_down_until
    _meili_down_until = 0.0


@dataclass(frozen=True)
class SearchHealth:
    """`status`: ok, or degraded when Meilisearch does not answer (the database does)."""

    status: str
    backend: str
    outbox_backlog: int


async def health() -> SearchHealth:
    backlog = await store.backlog()
    backend = meilisearch()
    if backend is None:
        return SearchHealth("ok", database_backend().name, backlog)
    # A search found it down moments ago (within the retry window): say so at once rather
    # than wait for a server that does not answer; after the window, ask it.
    known_down = time.monotonic() < _meili_down_until
    status = "ok" if not known_down and await backend.healthy() else "degraded"
    return SearchHealth(status, backend.name, backlog)
