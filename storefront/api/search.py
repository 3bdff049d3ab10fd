"""GET /api/v1/search: catalogue search for programs and for the page's suggestions."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import get
from litestar.params import QueryParameter

from marketplace import search
from marketplace.search import SearchQuery, SearchResult
from marketplace.search.query import MAX_PAGE, MAX_PAGE_SIZE, MAX_QUERY_LENGTH, Sort
from storefront.pages.search import ignored_words_notice


class SearchHitOut(msgspec.Struct):
    product_id: int
    slug: str
    name: str
    name_html: str
    snippet_html: str
    price_vnd: int
    unit: str
    producer_id: int
    producer_name: str
    producer_slug: str
    province_code: str
    province_name: str
    ocop_stars: int | None
    certifications: list[str]
    photo_url: str | None


class FacetCountOut(msgspec.Struct):
    value: str
    count: int


class SearchFacetsOut(msgspec.Struct):
    province: list[FacetCountOut]
    ocop_group: list[FacetCountOut]
    ocop_stars: list[FacetCountOut]
    certification: list[FacetCountOut]


class IgnoredWordsOut(msgspec.Struct):
    """Words of `q` the search left out because no product has them with the others:
    `kept_text` is what the results are for ("" when nothing was found), and the messages say so
    in Vietnamese and English, as the search page does."""

    words: list[str]
    kept_text: str
    message_vi: str
    message_en: str


class SearchResponse(msgspec.Struct):
    """A page of hits in the list envelope, with facet counts, suggestions and time taken.

    `name_html` and `snippet_html` are escaped HTML whose only tags are <mark>. When words of
    `q` were left out, `ignored_words` lists them and `ignored` explains it (else null).
    """

    items: list[SearchHitOut]
    total: int
    page: int
    page_size: int
    facets: SearchFacetsOut
    suggestions: list[str]
    took_ms: float
    backend: str
    degraded: bool
    ignored_words: list[str]
    ignored: IgnoredWordsOut | None = None
    # stars and prices read from the words of `q` ("3 sao", "dưới 100k"): min_stars,
    # price_min, price_max, beyond the filters given as parameters
    filters_from_text: dict[str, int] = msgspec.field(default_factory=dict)


def search_response(result: SearchResult, text: str = "") -> SearchResponse:
    facets = {
        name: [FacetCountOut(f.value, f.count) for f in counts]
        for name, counts in result.facets.items()
    }
    return SearchResponse(
        items=[_hit(hit) for hit in result.hits],
        total=result.total,
        page=result.page,
        page_size=result.page_size,
        facets=SearchFacetsOut(**facets),
        suggestions=result.suggestions,
        took_ms=result.took_ms,
        backend=result.backend,
        degraded=result.degraded,
        ignored_words=result.ignored_words,
        ignored=_ignored(text, result),
        filters_from_text=result.filters_from_text,
    )


def _ignored(text: str, result: SearchResult) -> IgnoredWordsOut | None:
    notice = ignored_words_notice(text, result)
    if notice is None:
        return None
    return IgnoredWordsOut(notice.words, notice.kept_text, notice.message_vi, notice.message_en)


def _hit(hit: search.SearchHit) -> SearchHitOut:
    return SearchHitOut(
        product_id=hit.product_id,
        slug=hit.slug,
        name=hit.name,
        name_html=hit.name_html,
        snippet_html=hit.snippet_html,
        price_vnd=hit.price_vnd,
        unit=hit.unit,
        producer_id=hit.producer_id,
        producer_name=hit.producer_name,
        producer_slug=hit.producer_slug,
        province_code=hit.province_code,
        province_name=hit.province_name,
        ocop_stars=hit.ocop_stars,
        certifications=list(hit.certifications),
        photo_url=hit.photo_url,
    )


@get("/api/v1/search", operation_id="SearchProducts", tags=["search"], cache=False)
async def search_products(
    q: Annotated[str, QueryParameter(max_length=MAX_QUERY_LENGTH)] = "",
    province: Annotated[list[str] | None, QueryParameter(description="province codes")] = None,
    group: Annotated[list[int] | None, QueryParameter(description="OCOP groups 1-6")] = None,
    stars: Annotated[int | None, QueryParameter(ge=1, le=5, description="at least")] = None,
    certification: Annotated[list[str] | None, QueryParameter(description="codes")] = None,
    price_min: Annotated[int | None, QueryParameter(ge=0)] = None,
    price_max: Annotated[int | None, QueryParameter(ge=0)] = None,
    producer: Annotated[int | None, QueryParameter(ge=1, description="producer id")] = None,
    sort: Annotated[Sort, QueryParameter()] = "relevance",
    page: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 1,
    page_size: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE)] = 20,
    lang: Annotated[str, QueryParameter(description="snippet language: vi or en")] = "vi",
) -> SearchResponse:
    """Products matching `q`, with or without diacritics, with typos, the last word completed.

    Values of one filter are alternatives (`province=37&province=38`); different filters all
    apply. Facet counts ignore their own filter, so that other choices show their counts.
    """
    query = SearchQuery(
        text=q,
        province_codes=tuple(province or ()),
        ocop_groups=tuple(group or ()),
        min_stars=stars,
        certifications=tuple(certification or ()),
        price_min=price_min,
        price_max=price_max,
        producer_id=producer,
        sort=sort,
        page=page,
        page_size=page_size,
        language="en" if lang == "en" else "vi",
    )
    return search_response(await search.search(query), q)
