"""The Meilisearch backend, through meilisearch-python-sdk's AsyncClient.

Index settings are applied by code (`SETTINGS`). Meilisearch folds Vietnamese (tones, vowel
marks and đ) by itself. Its typo tolerance starts at 4 letters here instead of 5, because
folded Vietnamese syllables are short: "gaoj" (gạo typed in Telex) or "mats" are one typo away
from the word. The "sort" ranking rule comes right after "words", so that a buyer who sorts
by price gets matches in price order, as with the embedded backends.

Highlights come back wrapped in control characters, are HTML-escaped here, and only then
become <mark> tags: Meilisearch itself does not escape the document text.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx2
from meilisearch_python_sdk import AsyncClient
from meilisearch_python_sdk.errors import MeilisearchError
from meilisearch_python_sdk.models.search import SearchParams
from meilisearch_python_sdk.models.settings import (
    Faceting,
    MeilisearchSettings,
    MinWordSizeForTypos,
    Pagination,
    TypoTolerance,
)

from marketplace.search.documents import SearchDocument
from marketplace.search.query import FacetCount, SearchHit, SearchQuery, SearchResult
from marketplace.search.tokens import Word, fold_text, words
from marketplace.search.wording import (
    MAX_WORDS,
    optional_words,
    within_limit,
    without_chatter,
    without_fillers,
)

PRIMARY_KEY = "product_id"
FACET_ATTRIBUTES = {
    "province": "province_code",
    "ocop_group": "ocop_group",
    "ocop_stars": "ocop_stars",
    "certification": "certifications",
}
SETTINGS = MeilisearchSettings(
    searchable_attributes=[
        "name",
        "extra_keywords",
        "producer_name",
        "commune_name",
        "province_name",
        "certifications",
        "description_vi",
        "description_en",
    ],
    filterable_attributes=[*FACET_ATTRIBUTES.values(), "price_vnd", "producer_id"],
    sortable_attributes=["price_vnd", "updated_at", "ocop_stars"],
    ranking_rules=[
        "words",
        "sort",
        "typo",
        "proximity",
        "attribute",
        "exactness",
        "ocop_stars:desc",
        "updated_at:desc",
    ],
    typo_tolerance=TypoTolerance(
        enabled=True,
        min_word_size_for_typos=MinWordSizeForTypos(one_typo=4, two_typos=9),
    ),
    faceting=Faceting(max_values_per_facet=100),
    pagination=Pagination(max_total_hits=10_000),
)
_PRE, _POST = "\x02", "\x03"
_SAFE_VALUE = re.compile(r"^[0-9A-Za-z_-]{1,40}$")
_SORTS = {"price_asc": "price_vnd:asc", "price_desc": "price_vnd:desc", "newest": "updated_at:desc"}
TASK_TIMEOUT_MS = 60_000
# A search answers in tens of milliseconds; a buyer must not wait longer than this for one
# (the database answers instead). Index writes keep the client's longer timeout.
SEARCH_TIMEOUT_SECONDS = 1.2


class MeiliUnavailable(Exception):
    """Meilisearch did not answer, answered with an error, or failed a task."""


@asynccontextmanager
async def _unavailable_on_error() -> AsyncIterator[None]:
    try:
        yield
    except (MeilisearchError, httpx2.HTTPError, OSError) as error:
        raise MeiliUnavailable(f"{type(error).__name__}: {error}") from error


def meili_document(document: SearchDocument) -> dict[str, Any]:
    """A SearchDocument as Meilisearch stores it (dates as Unix seconds, to sort on)."""
    return {
        "product_id": document.product_id,
        "slug": document.slug,
        "name": document.name,
        "description_vi": document.description_vi,
        "description_en": document.description_en,
        "extra_keywords": list(document.extra_keywords),
        "producer_id": document.producer_id,
        "producer_name": document.producer_name,
        "producer_slug": document.producer_slug,
        "province_code": document.province_code,
        "province_name": document.province_name,
        "commune_code": document.commune_code,
        "commune_name": document.commune_name,
        "ocop_group": document.ocop_group,
        "ocop_set": document.ocop_set,
        "ocop_stars": document.ocop_stars,
        "certifications": list(document.certifications),
        "price_vnd": document.price_vnd,
        "unit": document.unit,
        "photo_url": document.photo_url,
        "updated_at": int(document.updated_at.timestamp()),
    }


class MeiliSearch:
    """One Meilisearch index of products.

    `timeout_seconds` is the client's, for index writes and tasks (run in the background);
    `search_timeout_seconds` bounds a whole search, after which it is MeiliUnavailable.
    """

    name = "meilisearch"

    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        index_uid: str = "langso_products",
        timeout_seconds: int = 5,
        search_timeout_seconds: float = SEARCH_TIMEOUT_SECONDS,
    ) -> None:
        self.client = AsyncClient(url, api_key, timeout=timeout_seconds)
        self.index_uid = index_uid
        self.search_timeout_seconds = search_timeout_seconds
        self._settings_applied = False

    async def healthy(self, timeout_seconds: float = 1.5) -> bool:
        """Whether Meilisearch answers /health in time (a health check must not hang)."""
        try:
            async with _unavailable_on_error():
                health = await asyncio.wait_for(self.client.health(), timeout_seconds)
        except (MeiliUnavailable, TimeoutError):
            return False
        return health.status == "available"

    async def apply_settings(self, index_uid: str | None = None) -> None:
        """Create the index if needed and give it `SETTINGS` (idempotent)."""
        async with _unavailable_on_error():
            task = await self.client.index(index_uid or self.index_uid).update_settings(SETTINGS)
            await self._wait(task.task_uid)
        if index_uid is None:
            self._settings_applied = True

    async def put(self, documents: Sequence[SearchDocument], removed: Sequence[int]) -> None:
        """Add or replace `documents` and delete `removed`, waiting until Meilisearch has."""
        if not self._settings_applied:
            await self.apply_settings()
        index = self.client.index(self.index_uid)
        async with _unavailable_on_error():
            if documents:
                task = await index.add_documents(
                    [meili_document(d) for d in documents], primary_key=PRIMARY_KEY
                )
                await self._wait(task.task_uid)
            if removed:
                task = await index.delete_documents([str(product_id) for product_id in removed])
                await self._wait(task.task_uid)

    async def replace_all(
        self, documents: Sequence[SearchDocument], batch_size: int = 1000
    ) -> None:
        """Build a fresh index beside the live one and swap them: no empty results meanwhile."""
        fresh = f"{self.index_uid}_next"
        await self.apply_settings()
        await self.apply_settings(fresh)
        index = self.client.index(fresh)
        async with _unavailable_on_error():
            task = await index.delete_all_documents()
            await self._wait(task.task_uid)
            for start in range(0, len(documents), batch_size):
                batch = [meili_document(d) for d in documents[start : start + batch_size]]
                task = await index.add_documents(batch, primary_key=PRIMARY_KEY)
                await self._wait(task.task_uid)
            task = await self.client.swap_indexes([(self.index_uid, fresh)])
            await self._wait(task.task_uid)
            await self.client.delete_index_if_exists(fresh)

    async def _wait(self, task_uid: int) -> None:
        await self.client.wait_for_task(
            task_uid, timeout_in_ms=TASK_TIMEOUT_MS, interval_in_ms=50, raise_for_status=True
        )

    async def search(self, query: SearchQuery, took_ms: float = 0.0) -> SearchResult:
        """Hits from Meilisearch; facet counts of filtered facets from extra queries.

        The SDK takes a timeout only per client, so the search as a whole (its one or two
        requests) is given `search_timeout_seconds`: a Meilisearch that accepts connections
        but does not answer is unavailable, like one that refuses them.
        """
        try:
            async with asyncio.timeout(self.search_timeout_seconds):
                return await self._search(query, took_ms)
        except TimeoutError as error:
            raise MeiliUnavailable(
                f"no answer to a search within {self.search_timeout_seconds} s"
            ) from error

    async def _search(self, query: SearchQuery, took_ms: float) -> SearchResult:
        # Meilisearch reads ten words at most: the conversation and generic words go first
        open_ended = not query.text[-1:].isspace()
        typed, cut = within_limit(
            without_chatter(without_fillers(words(query.text), open_ended), open_ended), MAX_WORDS
        )
        if not typed and query.text.strip():  # symbols alone: nothing, as the other backends
            return SearchResult(
                hits=[],
                total=0,
                page=query.page,
                page_size=query.page_size,
                facets=_facets({}),
                suggestions=[],
                took_ms=took_ms,
                backend=self.name,
                ignored_words=[query.text.strip()],
            )
        generic = optional_words(typed)
        if generic:  # "đặc sản ninh bình": the generic words go last, where "last" drops first
            rest = [w for w in typed if not any(w is g for g in generic)]
            answers = await self._multi_search(query, "last", _text(rest + generic, query))
        else:
            answers = await self._multi_search(query, "all", _text(typed, query))
            if answers[0].total_hits == 0 and len(typed) > 1:  # drop words from the end
                answers = await self._multi_search(query, "last", _text(typed, query))
        main = answers[0]
        filtered = [facet for facet in FACET_ATTRIBUTES if _filter_of(query, facet)]
        distribution = dict(main.facet_distribution or {})
        for facet, answer in zip(filtered, answers[1:], strict=True):
            attribute = FACET_ATTRIBUTES[facet]
            distribution[attribute] = (answer.facet_distribution or {}).get(attribute, {})
        hits = [_hit(hit) for hit in main.hits]
        return SearchResult(
            hits=hits,
            total=main.total_hits if main.total_hits is not None else len(hits),
            page=query.page,
            page_size=query.page_size,
            facets=_facets(distribution),
            suggestions=_suggestions(query.text, [hit.name for hit in hits]),
            took_ms=took_ms,
            backend=self.name,
            ignored_words=list(dict.fromkeys(w.text for w in cut)),
        )

    async def _multi_search(self, query: SearchQuery, strategy: str, text: str) -> list[Any]:
        searches = [self._params(query, text, query.page_size, FACET_ATTRIBUTES.values(), None)]
        filtered = [facet for facet in FACET_ATTRIBUTES if _filter_of(query, facet)]
        searches += [self._params(query, text, 0, [FACET_ATTRIBUTES[f]], f) for f in filtered]
        for search in searches:
            search.matching_strategy = strategy  # type: ignore[assignment]
        async with _unavailable_on_error():
            answers = await self.client.multi_search(searches)
        assert isinstance(answers, list)
        return answers

    def _params(
        self, query: SearchQuery, text: str, limit: int, facets: Any, without: str | None
    ) -> SearchParams:
        return SearchParams(
            index_uid=self.index_uid,
            q=text,
            filter=_filters(query, without) or None,
            facets=list(facets),
            sort=[_SORTS[query.sort]] if query.sort in _SORTS else None,
            page=query.page,
            hits_per_page=limit,
            attributes_to_highlight=["name"] if limit else None,
            attributes_to_crop=[_description(query)] if limit else None,
            crop_length=28,
            crop_marker="…",
            highlight_pre_tag=_PRE,
            highlight_post_tag=_POST,
        )


def _description(query: SearchQuery) -> str:
    return "description_en" if query.language == "en" else "description_vi"


def _quoted(value: str) -> str | None:
    return f'"{value}"' if _SAFE_VALUE.match(value) else None


def _filter_of(query: SearchQuery, facet: str) -> list[str] | str | None:
    if facet == "province" and query.province_codes:
        return [f"province_code = {q}" for c in query.province_codes if (q := _quoted(c))]
    if facet == "ocop_group" and query.ocop_groups:
        return [f"ocop_group = {int(g)}" for g in query.ocop_groups]
    if facet == "ocop_stars" and query.min_stars is not None:
        return f"ocop_stars >= {int(query.min_stars)}"
    if facet == "certification" and query.certifications:
        return [f"certifications = {q}" for c in query.certifications if (q := _quoted(c))]
    return None


def _filters(query: SearchQuery, without: str | None) -> list[str | list[str]]:
    """Meilisearch's array filter syntax: inner lists are alternatives, the outer list ANDs."""
    parts: list[str | list[str]] = []
    for facet in FACET_ATTRIBUTES:
        condition = _filter_of(query, facet)
        if facet != without and condition:
            parts.append(condition)
    if query.price_min is not None:
        parts.append(f"price_vnd >= {int(query.price_min)}")
    if query.price_max is not None:
        parts.append(f"price_vnd <= {int(query.price_max)}")
    if query.producer_id is not None:
        parts.append(f"producer_id = {int(query.producer_id)}")
    return parts


def _text(typed: list[Word], query: SearchQuery) -> str:
    """The words to send, as typed; the last still a prefix unless the buyer typed a space."""
    if not typed:
        return query.text
    return " ".join(w.text for w in typed) + (" " if query.text[-1:].isspace() else "")


def _marked(text: str) -> str:
    """Meilisearch's highlighted text, escaped, its markers turned into <mark> tags."""
    escaped = html.escape(text)
    return escaped.replace(_PRE, "<mark>").replace(_POST, "</mark>")


def _hit(hit: dict[str, Any]) -> SearchHit:
    formatted = hit.get("_formatted") or {}
    description = formatted.get("description_vi") or formatted.get("description_en") or ""
    return SearchHit(
        product_id=int(hit["product_id"]),
        slug=hit["slug"],
        name=hit["name"],
        name_html=_marked(formatted.get("name") or hit["name"]),
        snippet_html=_marked(description),
        price_vnd=int(hit["price_vnd"]),
        unit=hit.get("unit") or "",
        producer_id=int(hit["producer_id"]),
        producer_name=hit.get("producer_name") or "",
        producer_slug=hit.get("producer_slug") or "",
        province_code=hit.get("province_code") or "",
        province_name=hit.get("province_name") or "",
        ocop_stars=hit.get("ocop_stars"),
        certifications=tuple(hit.get("certifications") or ()),
        photo_url=hit.get("photo_url"),
    )


def _facets(distribution: dict[str, Any]) -> dict[str, list[FacetCount]]:
    facets: dict[str, list[FacetCount]] = {}
    for facet, attribute in FACET_ATTRIBUTES.items():
        counts = distribution.get(attribute) or {}
        ordered = sorted(counts.items(), key=lambda item: (-int(item[1]), str(item[0])))
        facets[facet] = [FacetCount(str(value), int(count)) for value, count in ordered if count]
    return facets


def _suggestions(text: str, names: list[str], limit: int = 6) -> list[str]:
    """Completions of the last word taken from the names found, most frequent first."""
    typed = words(text)
    if not typed or text[-1:].isspace():
        return []
    prefix = typed[-1].folded
    lead = " ".join(w.text for w in typed[:-1])
    counts: dict[str, int] = {}
    for name in names:
        for word in words(name):
            if word.folded.startswith(prefix) and word.folded != prefix:
                counts[word.text] = counts.get(word.text, 0) + 1
    best = sorted(counts.items(), key=lambda item: (-item[1], fold_text(item[0])))[:limit]
    return [f"{lead} {completion}".strip() for completion, _ in best]
