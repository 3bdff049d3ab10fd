"""The heritage page a plaque's QR opens, and its QR images.

`/h/{slug}` is the hot path: the site comes from a short per-worker cache (read on one
connection when it is missed, dropped in every worker by a heritage write), and the scan is
counted in the worker's shared state (memory or Redis), written in batches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from storefront.middleware import language_of
from traceability.heritage import plaque, queries
from traceability.heritage.lunar import dates_in_solar_year
from traceability.heritage.scans import record_scan, vietnam_day
from traceability.heritage.schemas import Content, Festival, SitePage, SiteRecord
from traceability.heritage.vocabulary import KINDS, RANKINGS

QR_CACHE = "public, max-age=86400"


@dataclass(frozen=True)
class FestivalView:
    festival: Festival
    name: str
    description: str
    this_year: list[date]
    next_year: list[date]


def _festival_view(festival: Festival, language: str, today: date) -> FestivalView:
    """This year's solar date(s); next year's too when this year's have passed."""
    lunar = (festival.lunar_month, festival.lunar_day, festival.leap_month)
    this_year = dates_in_solar_year(today.year, *lunar)
    passed = all(day < today for day in this_year)
    next_year = dates_in_solar_year(today.year + 1, *lunar)[:1] if passed else []
    return FestivalView(
        festival, festival.name(language), festival.description(language), this_year, next_year
    )


def _map_links(site: SiteRecord) -> dict[str, str]:
    if site.latitude is None or site.longitude is None:
        return {}
    lat, lon = f"{site.latitude:.6f}", f"{site.longitude:.6f}"
    return {
        "geo": f"geo:{lat},{lon}",
        "osm": f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}",
    }


def site_context(page: SitePage, language: str, today: date) -> dict[str, Any]:
    """What the page template needs; content falls back to Vietnamese with a note."""
    detail = page.detail
    content: Content = detail.content_for(language)
    return {
        "site": detail.site,
        "content": content,
        "translation_missing": content.language != language,
        "kind": KINDS[detail.site.kind].in_language(language),
        "ranking": RANKINGS[detail.site.ranking].in_language(language),
        "photos": detail.photos,
        "festivals": [_festival_view(f, language, today) for f in detail.festivals],
        "year": today.year,
        "map": _map_links(detail.site),
        "nearby": page.nearby,
        "language": language,
    }


def _moved(request: Request[Any, Any, Any], path: str) -> Redirect:
    query = request.scope.get("query_string", b"").decode("latin-1")
    return Redirect(f"{path}?{query}" if query else path, status_code=301)


@get("/h/{slug:str}", name="heritage_site", include_in_schema=False)
async def heritage_page(
    request: Request[Any, Any, Any], slug: FromPath[str]
) -> Template | Redirect:
    """A site's guide page in the visitor's language; an old slug answers 301 to the new one,
    and so does a slug typed from the plaque in capitals."""
    if slug != slug.lower():
        return _moved(request, f"/h/{slug.lower()}")
    try:
        page = await queries.site_page(slug)
    except queries.SiteMoved as moved:
        return _moved(request, f"/h/{moved.slug}")
    language = language_of(request.scope)
    record_scan(page.detail.site.id, language)
    return Template(
        template_name="heritage/site.html",
        context=site_context(page, language, vietnam_day()),
    )


async def _current_slug(slug: str) -> str:
    try:
        await queries.site_id_for_slug(slug)
    except queries.SiteMoved as moved:
        return moved.slug
    return slug


@get("/h/{slug:str}/qr.svg", name="heritage_qr_svg", include_in_schema=False)
async def heritage_qr_svg(slug: FromPath[str]) -> Response[str]:
    current = await _current_slug(slug)
    svg = plaque.site_qr_svg(current, title=f"QR /h/{current}")
    return Response(svg, media_type="image/svg+xml", headers={"cache-control": QR_CACHE})


@get("/h/{slug:str}/qr.png", name="heritage_qr_png", include_in_schema=False)
async def heritage_qr_png(slug: FromPath[str]) -> Response[bytes]:
    png = plaque.site_qr_png(await _current_slug(slug))
    return Response(png, media_type="image/png", headers={"cache-control": QR_CACHE})
