"""The home page: featured products, then browsing by province and by OCOP group."""

from __future__ import annotations

from litestar import get
from litestar.response import Template

from marketplace.catalogue import browse
from marketplace.catalogue.ocop import CERTIFICATIONS
from marketplace.catalogue.queries import list_products
from marketplace.catalogue.schemas import ProductFilters

FEATURED_COUNT = 8


@get("/", name="home", include_in_schema=False)
async def home_page() -> Template:
    featured = await list_products(ProductFilters(featured=True), page_size=FEATURED_COUNT)
    if not featured.items:
        featured = await list_products(ProductFilters(), page_size=FEATURED_COUNT)
    return Template(
        template_name="home.html",
        context={
            "featured": featured.items,
            "provinces": await browse.provinces_with_products(),
            "groups": await browse.groups_with_products(),
            "certifications": CERTIFICATIONS,
        },
    )
