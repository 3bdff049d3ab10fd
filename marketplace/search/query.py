"""What a search asks and what it answers, the same for every backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from marketplace.errors import FieldError, InvalidInput

Sort = Literal["relevance", "price_asc", "price_desc", "newest"]
SORTS: tuple[str, ...] = get_args(Sort)
FACET_NAMES = ("province", "ocop_group", "ocop_stars", "certification")
MAX_PAGE_SIZE = 100
MAX_PAGE = 1000
MAX_QUERY_LENGTH = 200
# Far above any price (marketplace.catalogue caps one at 500 million) and within every
# engine's integers: a larger filter is refused alike on every backend.
MAX_PRICE_FILTER = 10**12


@dataclass(frozen=True)
class SearchQuery:
    """A search: text, filters, sort and page.

    Filters on the same facet are alternatives (province 37 or 38), filters on different
    facets all apply. `min_stars` keeps products with at least that many OCOP stars. An empty
    text lists every product that passes the filters. `language` picks the description the
    snippet is cut from.
    """

    text: str = ""
    province_codes: tuple[str, ...] = ()
    ocop_groups: tuple[int, ...] = ()
    min_stars: int | None = None
    certifications: tuple[str, ...] = ()
    price_min: int | None = None
    price_max: int | None = None
    producer_id: int | None = None
    sort: Sort = "relevance"
    page: int = 1
    page_size: int = 20
    language: str = "vi"

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def validate(self) -> None:
        """Raise InvalidInput naming every field that is out of range."""
        problems = [problem for problem in _problems(self) if problem is not None]
        if problems:
            raise InvalidInput(
                "search_query_invalid",
                "Yêu cầu tìm kiếm không hợp lệ.",
                "The search request is not valid.",
                fields=problems,
            )


def _problems(query: SearchQuery) -> list[FieldError | None]:
    return [
        _check(
            1 <= query.page_size <= MAX_PAGE_SIZE,
            "page_size",
            f"Mỗi trang có từ 1 đến {MAX_PAGE_SIZE} sản phẩm.",
            f"A page holds 1 to {MAX_PAGE_SIZE} products.",
        ),
        _check(
            1 <= query.page <= MAX_PAGE,
            "page",
            f"Số trang từ 1 đến {MAX_PAGE}.",
            f"The page number is between 1 and {MAX_PAGE}.",
        ),
        _check(
            query.sort in SORTS,
            "sort",
            "Cách sắp xếp không hợp lệ.",
            "Unknown sort order.",
        ),
        _check(
            query.min_stars is None or 1 <= query.min_stars <= 5,
            "stars",
            "Số sao OCOP từ 1 đến 5.",
            "OCOP stars are between 1 and 5.",
        ),
        _check(
            all(
                p is None or 0 <= p <= MAX_PRICE_FILTER for p in (query.price_min, query.price_max)
            ),
            "price",
            "Giá lọc từ 0 đến 1.000 tỷ đồng.",
            "A price filter is between 0 and 1,000 billion dong.",
        ),
        _check(
            len(query.text) <= MAX_QUERY_LENGTH,
            "q",
            f"Từ khóa tìm kiếm dài tối đa {MAX_QUERY_LENGTH} ký tự.",
            f"A search is at most {MAX_QUERY_LENGTH} characters long.",
        ),
    ]


def _check(ok: bool, name: str, message_vi: str, message_en: str) -> FieldError | None:
    return None if ok else FieldError(name, f"{name}_invalid", message_vi, message_en)


@dataclass(frozen=True)
class SearchHit:
    """One product found, with its name and a description snippet marked up for display.

    `name_html` and `snippet_html` are escaped HTML whose only tags are <mark>.
    """

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
    certifications: tuple[str, ...]
    photo_url: str | None


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, the facet counts of all matches, and suggestions to complete the text.

    Facet counts follow the other filters but not the facet's own, so that a buyer who picked
    one province still sees how many products the others have. `degraded` is True when the
    configured Meilisearch did not answer and the embedded index did. `ignored_words` are
    words of the text left out because no product has them (nor anything close).
    """

    hits: list[SearchHit]
    total: int
    page: int
    page_size: int
    facets: dict[str, list[FacetCount]]
    suggestions: list[str]
    took_ms: float
    backend: str
    degraded: bool = False
    ignored_words: list[str] = field(default_factory=list)
    # filters read from the words typed ("3 sao": min_stars 3, "dưới 100k": price_max 100000),
    # beyond those chosen, so that a page can say how it understood the text
    filters_from_text: dict[str, int] = field(default_factory=dict)
