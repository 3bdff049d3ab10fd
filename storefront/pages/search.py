"""The search page: a plain GET form with facet checkboxes and pagination, so it works without
JavaScript; `static/search.js` adds suggestions as you type and submits filters on change.

Values in the URL that make no sense are dropped rather than refused: a buyer who edits the
address by hand still gets a page (a price that cannot be used is named beside its field).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.response import Template

from marketplace import places, search
from marketplace.catalogue.ocop import CERTIFICATIONS, GROUPS
from marketplace.errors import ApplicationError, FieldError
from marketplace.search import SearchQuery, SearchResult
from marketplace.search.query import MAX_PAGE, MAX_QUERY_LENGTH, SORTS
from marketplace.search.tokens import words
from storefront.i18n import gettext
from storefront.middleware import language_of
from storefront.pages.catalogue import price_filter, problem_messages

PAGE_SIZE = 24
STAR_CHOICES = (3, 4, 5)


@dataclass(frozen=True)
class SearchForm:
    """The page's query string, cleaned, as pairs for links and as a SearchQuery."""

    query: SearchQuery
    pairs: list[tuple[str, str]]
    typed_prices: dict[str, str]
    problems: list[FieldError]


def _ints(values: list[str], allowed: range) -> tuple[int, ...]:
    return tuple(int(v) for v in values if v.isdigit() and int(v) in allowed)


def _province_codes(values: list[str]) -> tuple[str, ...]:
    codes = []
    for value in values:
        try:
            codes.append(places.province(value).code)
        except ApplicationError:
            continue
    return tuple(dict.fromkeys(codes))


def parse_search_form(request: Request[Any, Any, Any]) -> SearchForm:
    params = request.query_params
    text = str(params.get("q", ""))[:MAX_QUERY_LENGTH]
    stars = _ints(params.getall("stars", []), range(3, 6))
    sort = str(params.get("sort", "relevance"))
    pages = _ints([str(params.get("page", "1"))], range(1, MAX_PAGE + 1))
    typed_prices = {name: str(params.get(name, "")).strip() for name in ("price_min", "price_max")}
    problems: list[FieldError] = []
    query = SearchQuery(
        text=text,
        province_codes=_province_codes(params.getall("province", [])),
        ocop_groups=_ints(params.getall("group", []), range(1, len(GROUPS) + 1)),
        min_stars=stars[0] if stars else None,
        certifications=tuple(c for c in params.getall("certification", []) if c in CERTIFICATIONS),
        price_min=price_filter(typed_prices["price_min"], "price_min", problems),
        price_max=price_filter(typed_prices["price_max"], "price_max", problems),
        sort=sort if sort in SORTS else "relevance",  # type: ignore[arg-type]
        page=(pages or (1,))[0],
        page_size=PAGE_SIZE,
        language=language_of(request.scope),
    )
    return SearchForm(query, _pairs(query), typed_prices, problems)


def _pairs(query: SearchQuery) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = [("q", query.text)] if query.text else []
    pairs += [("province", code) for code in query.province_codes]
    pairs += [("group", str(group)) for group in query.ocop_groups]
    pairs += [("stars", str(query.min_stars))] if query.min_stars else []
    pairs += [("certification", code) for code in query.certifications]
    pairs += [("price_min", str(query.price_min))] if query.price_min is not None else []
    pairs += [("price_max", str(query.price_max))] if query.price_max is not None else []
    pairs += [("sort", query.sort)] if query.sort != "relevance" else []
    return pairs


def page_url(pairs: list[tuple[str, str]], page: int) -> str:
    query = [*pairs, ("page", str(page))] if page > 1 else pairs
    return "/search" + (f"?{urlencode(query)}" if query else "")


@dataclass(frozen=True)
class FacetOption:
    """One checkbox: what it sends, what it says, how many products it has."""

    value: str
    label: str
    count: int
    checked: bool


def _labels(facet: str, value: str, language: str) -> str:
    english = language == "en"
    if facet == "province":
        try:
            return places.province(value).name
        except ApplicationError:
            return value
    if facet == "ocop_group" and value.isdigit() and int(value) in GROUPS:
        return GROUPS[int(value)][1 if english else 0]
    if facet == "certification" and value in CERTIFICATIONS:
        return CERTIFICATIONS[value][1 if english else 0]
    return value


def facet_options(
    result: SearchResult, query: SearchQuery, language: str
) -> dict[str, list[FacetOption]]:
    chosen = {
        "province": set(query.province_codes),
        "ocop_group": {str(g) for g in query.ocop_groups},
        "certification": set(query.certifications),
    }
    options: dict[str, list[FacetOption]] = {}
    for facet, selected in chosen.items():
        counts = {f.value: f.count for f in result.facets.get(facet, [])}
        values = list(counts) + [v for v in selected if v not in counts]
        options[facet] = [
            FacetOption(v, _labels(facet, v, language), counts.get(v, 0), v in selected)
            for v in values
        ]
    return options


def star_options(result: SearchResult, query: SearchQuery) -> list[FacetOption]:
    """'At least N stars' choices, each with the number of products it would show."""
    counts = {f.value: f.count for f in result.facets.get("ocop_stars", [])}
    return [
        FacetOption(
            str(stars),
            str(stars),
            sum(c for v, c in counts.items() if v.isdigit() and int(v) >= stars),
            query.min_stars == stars,
        )
        for stars in STAR_CHOICES
    ]


def _(message: str) -> str:
    """Marks a message for `make messages`; it is translated where it is shown."""
    return message


_PARTLY = _("Không sản phẩm nào khớp “{text}”; đang hiện kết quả cho “{kept}” (bỏ qua {words}).")
_NONE_KEPT = _("Không sản phẩm nào có từ: {words}")


def kept_words(text: str, ignored: list[str]) -> str:
    """The words of `text` the result was found with: those the search did not leave out."""
    left_out = set(ignored)
    return " ".join(dict.fromkeys(w.text for w in words(text) if w.text not in left_out))


@dataclass(frozen=True)
class IgnoredWords:
    """What the page and the API say when the search left words of the text out."""

    words: list[str]
    kept_text: str
    message_vi: str
    message_en: str

    def message(self, language: str) -> str:
        return self.message_en if language == "en" else self.message_vi


def ignored_words_notice(text: str, result: SearchResult) -> IgnoredWords | None:
    """Which words were left out, and what the results are for (None when none was)."""
    if not result.ignored_words:
        return None
    kept = kept_words(text, result.ignored_words) if result.total else ""
    message = _PARTLY if kept else _NONE_KEPT
    left_out = ", ".join(f"“{word}”" for word in result.ignored_words)
    vi, en = (
        gettext(language, message).format(text=text, kept=kept, words=left_out)
        for language in ("vi", "en")
    )
    return IgnoredWords(list(result.ignored_words), kept, vi, en)


@get("/search", name="search", include_in_schema=False)
async def search_page(request: Request[Any, Any, Any]) -> Template:
    form = parse_search_form(request)
    query = form.query
    result = await search.search(query)
    last_page = max(1, -(-result.total // PAGE_SIZE))
    language = language_of(request.scope)
    past_the_end = result.total > 0 and not result.hits and query.page > last_page
    return Template(
        template_name="search/search.html",
        context={
            "query": query,
            "result": result,
            "facets": facet_options(result, query, language),
            "stars": star_options(result, query),
            "sorts": SORTS,
            "filtered": any(name != "q" for name, _ in form.pairs),
            "previous_url": page_url(form.pairs, query.page - 1) if query.page > 1 else None,
            "next_url": page_url(form.pairs, query.page + 1) if query.page < last_page else None,
            "last_page": last_page,
            "last_page_url": page_url(form.pairs, last_page) if past_the_end else None,
            "ignored": ignored_words_notice(query.text, result),
            "typed_prices": form.typed_prices,
            "errors": problem_messages(form.problems, language),
            "suggestion_urls": [(s, page_url([("q", s)], 1)) for s in result.suggestions],
        },
    )
