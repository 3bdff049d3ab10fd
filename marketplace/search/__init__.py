"""Catalogue search that understands how Vietnamese people type.

Diacritic-free, typo-tolerant, as-you-type and faceted, with one interface and backends chosen
by configuration (SEARCH_BACKEND): SQLite FTS5 (`fts5`), PostgreSQL full text (`postgresql`,
tsvector + unaccent + pg_trgm), an in-memory index compiled by each process (`memory`), all
kept in the database in the same transaction as every product change, and Meilisearch (fed
from an outbox) when MEILISEARCH_URL is set.

    from marketplace import search
    result = await search.search(search.SearchQuery(text="buoi ngoc lu", min_stars=4))
    for hit in result.hits:
        print(hit.name, hit.price_vnd)

The catalogue calls `product_changed` inside its write transaction; `reindex` and
`sync_outbox` take a loader such as `marketplace.catalogue.queries.search_documents`.
"""

from marketplace.search.documents import SearchDocument
from marketplace.search.query import (
    FACET_NAMES,
    MAX_PAGE_SIZE,
    SORTS,
    FacetCount,
    SearchHit,
    SearchQuery,
    SearchResult,
)
from marketplace.search.service import (
    ReindexReport,
    SearchHealth,
    SyncReport,
    available_backends,
    backend_name,
    database_backend,
    health,
    meilisearch,
    product_changed,
    reindex,
    search,
    stop_background,
    sync_outbox,
    use_backend,
    use_meilisearch,
    warm_up,
)

__all__ = [
    "FACET_NAMES",
    "MAX_PAGE_SIZE",
    "SORTS",
    "FacetCount",
    "ReindexReport",
    "SearchDocument",
    "SearchHealth",
    "SearchHit",
    "SearchQuery",
    "SearchResult",
    "SyncReport",
    "available_backends",
    "backend_name",
    "database_backend",
    "health",
    "meilisearch",
    "product_changed",
    "reindex",
    "search",
    "stop_background",
    "sync_outbox",
    "use_backend",
    "use_meilisearch",
    "warm_up",
]
