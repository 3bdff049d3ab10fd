"""Catalogue search that understands how Vietnamese people type.

Diacritic-free, typo-tolerant, as-you-type and faceted, with one interface and three backends:
SQLite and PostgreSQL (an index kept in the database in the same transaction as every product
change, compiled in memory by each process) and Meilisearch (fed from an outbox) when
MEILISEARCH_URL is set.

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
    backend_name,
    health,
    meilisearch,
    product_changed,
    reindex,
    search,
    sync_outbox,
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
    "backend_name",
    "health",
    "meilisearch",
    "product_changed",
    "reindex",
    "search",
    "sync_outbox",
    "use_meilisearch",
    "warm_up",
]
