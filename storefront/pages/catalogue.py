"""Buyer pages of the catalogue: home, product list with filters, product, producer.

The list is a plain GET form, so filters work without JavaScript and every result page has a
URL that can be shared. Query values that make no sense are ignored rather than refused: a
buyer who mistypes a price still gets a page, with a message beside the price saying why it
was not applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from marketplace import places
from marketplace.catalogue import lots, members
from marketplace.catalogue.ocop import CERTIFICATIONS, GROUPS, PRODUCT_SETS
from marketplace.catalogue.products import MAX_PRICE_VND
from marketplace.catalogue.queries import (
    get_producer_by_slug,
    get_product_by_slug,
    list_products,
)
from marketplace.catalogue.schemas import PRODUCER_KINDS, SORTS, Product, ProductFilters
from marketplace.catalogue.typed_values import parse_whole_number
from marketplace.errors import ApplicationError, FieldError, NotFound
from storefront.auth import current_account
from storefront.cache import TTLCache
from storefront.formatting import money
from storefront.middleware import language_of

PAGE_SIZE = 24
FILTER_NAMES = (
    "province",
    "commune",
    "group",
    "set",
    "stars",
    "certification",
    "producer",
    "price_min",
    "price_max",
    "sort",
)


@dataclass(frozen=True)
class ListQuery:
    """The product list as the URL asks for it, cleaned; `form` holds what to show back."""

    filters: ProductFilters
    sort: str
    page: int
    form: dict[str, str]
    problems: list[FieldError]


def _whole(raw: str) -> int | None:
    """A short whole number typed in ASCII digits; None for anything else ("²", "٣", 5,000
    digits: each would make int() raise)."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


def _small_int(raw: str, allowed: range) -> int | None:
    number = _whole(raw)
    return number if number in allowed else None


_NOT_APPLIED_VI = "Bộ lọc giá này chưa được áp dụng."
_NOT_APPLIED_EN = "This price filter was not applied."


def price_filter(raw: str, field: str, problems: list[FieldError]) -> int | None:
    """A price typed in a filter (`120000`, `120.000`, `120.000 ₫`); one that cannot be read or
    that no product can cost is left out, and `problems` says why beside its field."""
    if not raw.strip():
        return None
    try:
        value = parse_whole_number(raw, field)
    except ApplicationError as error:
        problems.extend(
            FieldError(
                field,
                f.code,
                f"{f.message_vi} {_NOT_APPLIED_VI}",
                f"{f.message_en} {_NOT_APPLIED_EN}",
            )
            for f in error.fields
        )
        return None
    except ValueError:  # more digits than Python turns into a number: far too large
        value = MAX_PRICE_VND + 1
    if value > MAX_PRICE_VND:
        highest = money(MAX_PRICE_VND)
        problems.append(
            FieldError(
                field,
                "price_out_of_range",
                f"Giá lọc phải từ 0 đến {highest}. {_NOT_APPLIED_VI}",
                f"A price filter must be between 0 and {highest}. {_NOT_APPLIED_EN}",
            )
        )
        return None
    return value


def problem_messages(problems: list[FieldError], language: str) -> dict[str, str]:
    """Messages by field, in the page's language."""
    return {p.field: (p.message_en if language == "en" else p.message_vi) for p in problems}


def _province_code(raw: str) -> str | None:
    try:
        return places.province(raw).code if raw else None
    except ApplicationError:
        return None


def parse_list_query(params: Any) -> ListQuery:
    """Turn the list page's query string into filters, ignoring values that make no sense."""
    raw = {name: str(params.get(name, "")).strip() for name in FILTER_NAMES}
    problems: list[FieldError] = []
    province_code = _province_code(raw["province"])
    commune_code = raw["commune"] if _whole(raw["commune"]) is not None and province_code else None
    stars = _small_int(raw["stars"], range(3, 6))
    certification = raw["certification"] if raw["certification"] in CERTIFICATIONS else None
    filters = ProductFilters(
        province_code=province_code,
        commune_code=commune_code,
        ocop_group=_small_int(raw["group"], range(1, len(GROUPS) + 1)),
        ocop_set=_small_int(raw["set"], range(1, len(PRODUCT_SETS) + 1)),
        min_stars=stars,
        certification=certification,
        producer_slug=raw["producer"] or None,
        price_min=price_filter(raw["price_min"], "price_min", problems),
        price_max=price_filter(raw["price_max"], "price_max", problems),
    )
    sort = raw["sort"] if raw["sort"] in SORTS else "newest"
    page_text = str(params.get("page", "1"))
    page = number if (number := _whole(page_text)) is not None and 0 < number < 10_000 else 1
    return ListQuery(filters, sort, page, raw, problems)


def page_url(form: dict[str, str], page: int) -> str:
    query = {name: value for name, value in form.items() if value}
    if page > 1:
        query["page"] = str(page)
    return "/products" + (f"?{urlencode(query)}" if query else "")


def _communes_of(province_code: str | None) -> list[places.Commune]:
    return places.communes(province_code) if province_code else []


@get("/products", name="products", include_in_schema=False)
async def product_list_page(request: Request[Any, Any, Any]) -> Template:
    query = parse_list_query(request.query_params)
    found = await list_products(query.filters, query.sort, query.page, PAGE_SIZE)
    last_page = max(1, -(-found.total // PAGE_SIZE))
    past_the_end = found.total > 0 and not found.items and found.page > last_page
    return Template(
        template_name="catalogue/products.html",
        context={
            "products": found.items,
            "total": found.total,
            "page": found.page,
            "form": query.form,
            "filtered": any(query.form[name] for name in FILTER_NAMES if name != "sort"),
            "previous_url": page_url(query.form, found.page - 1) if found.page > 1 else None,
            "next_url": page_url(query.form, found.page + 1) if found.page < last_page else None,
            "last_page": last_page,
            "last_page_url": page_url(query.form, last_page) if past_the_end else None,
            "errors": problem_messages(query.problems, language_of(request.scope)),
            "provinces": places.provinces(),
            "communes": _communes_of(query.filters.province_code),
            "groups": GROUPS,
            "product_sets": PRODUCT_SETS,
            "certifications": CERTIFICATIONS,
        },
    )


# Product pages are the buyers' hot path: each worker reuses a product for one second, so a
# seller's change shows everywhere within a second without a query per page view.
_recent_products: TTLCache[Product] = TTLCache(ttl=1.0)


async def _visible_product(request: Request[Any, Any, Any], slug: str) -> Product:
    """The product, unless it is a draft that only its producer's members may preview."""
    product = await _recent_products.get_or_load(slug, lambda: get_product_by_slug(slug))
    if product.status == "draft":
        account = await current_account(request)
        if account is None or await members.role_in(account.id, product.producer_id) is None:
            raise NotFound("product_not_found", "Không tìm thấy sản phẩm.", "Product not found.")
    return product


async def _asked_lot(product_id: int, raw_code: str | None) -> lots.Lot | None:
    """The batch a buyer came from (`?lot=` on the batch page's buy link), if it is this
    product's; an unknown code is ignored and the product is sold from any batch."""
    if not raw_code:
        return None
    try:
        return await lots.lot_of_product(product_id, raw_code)
    except NotFound:
        return None


@get("/products/{slug:str}", name="product", include_in_schema=False)
async def product_page(request: Request[Any, Any, Any], slug: FromPath[str]) -> Template:
    product = await _visible_product(request, slug)
    return Template(
        template_name="catalogue/product.html",
        context={
            "product": product,
            "lot": await _asked_lot(product.id, request.query_params.get("lot")),
            "groups": GROUPS,
            "product_sets": PRODUCT_SETS,
            "certifications": CERTIFICATIONS,
        },
    )


@get("/producers/{slug:str}", name="producer", include_in_schema=False)
async def producer_page(request: Request[Any, Any, Any], slug: FromPath[str]) -> Template:
    producer = await get_producer_by_slug(slug)
    page_text = str(request.query_params.get("page", "1"))
    page = number if (number := _whole(page_text)) is not None and 0 < number < 10_000 else 1
    found = await list_products(ProductFilters(producer_id=producer.id), "name", page, PAGE_SIZE)
    last_page = max(1, -(-found.total // PAGE_SIZE))
    base = f"/producers/{producer.slug}"
    return Template(
        template_name="catalogue/producer.html",
        context={
            "producer": producer,
            "kinds": PRODUCER_KINDS,
            "products": found.items,
            "total": found.total,
            "previous_url": f"{base}?page={page - 1}" if page > 1 else None,
            "next_url": f"{base}?page={page + 1}" if page < last_page else None,
            "certifications": CERTIFICATIONS,
        },
    )
