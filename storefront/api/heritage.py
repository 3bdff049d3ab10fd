"""Heritage sites in the JSON API: the list, and one site told in the requested language."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect

from marketplace.catalogue.nearby import NearbyProduct
from storefront.middleware import language_of
from traceability.heritage import queries
from traceability.heritage.lunar import dates_in_solar_year
from traceability.heritage.plaque import site_url
from traceability.heritage.scans import vietnam_day
from traceability.heritage.schemas import Festival, Photo, SitePage, SiteRecord, SiteSummary
from traceability.heritage.vocabulary import KINDS, RANKINGS


class PlaceOut(msgspec.Struct):
    code: str
    name: str


class SiteOut(msgspec.Struct):
    slug: str
    url: str
    name: str
    kind: str
    kind_label: str
    ranking: str
    ranking_label: str
    province: PlaceOut
    commune: PlaceOut
    languages: list[str]


class SiteList(msgspec.Struct):
    items: list[SiteOut]
    total: int
    page: int
    page_size: int


class AudioOut(msgspec.Struct):
    url: str
    media_type: str
    size_bytes: int


class ContentOut(msgspec.Struct):
    language: str
    title: str
    plaque_line: str
    summary: str
    history: str
    architecture: str
    worshipped: str
    stele: str
    audio: AudioOut | None


class FestivalOut(msgspec.Struct):
    name: str
    description: str
    lunar_month: int
    lunar_day: int
    leap_month: bool
    solar_dates_this_year: list[str]


class PhotoOut(msgspec.Struct):
    srcset: str
    url: str
    width: int
    height: int
    alt: str


class NearbyOut(msgspec.Struct):
    slug: str
    url: str
    name: str
    price_vnd: int
    unit: str
    producer_name: str
    producer_slug: str
    commune_name: str
    province_name: str
    same_commune: bool
    distance_km: float | None
    photo_url: str | None


class SiteDetailOut(msgspec.Struct):
    slug: str
    url: str
    qr_png_url: str
    qr_svg_url: str
    name: str
    kind: str
    kind_label: str
    ranking: str
    ranking_label: str
    province: PlaceOut
    commune: PlaceOut
    address_line: str
    latitude: float | None
    longitude: float | None
    opening_hours: str
    requested_language: str
    languages: list[str]
    content: ContentOut
    festivals: list[FestivalOut]
    photos: list[PhotoOut]
    nearby_products: list[NearbyOut]


def _summary_out(site: SiteSummary, language: str) -> SiteOut:
    return SiteOut(
        slug=site.slug,
        url=site_url(site.slug),
        name=site.name,
        kind=site.kind,
        kind_label=KINDS[site.kind].in_language(language),
        ranking=site.ranking,
        ranking_label=RANKINGS[site.ranking].in_language(language),
        province=PlaceOut(site.province_code, site.province_name),
        commune=PlaceOut(site.commune_code, site.commune_name),
        languages=list(site.languages),
    )


def _festival_out(festival: Festival, language: str, year: int) -> FestivalOut:
    dates = dates_in_solar_year(year, festival.lunar_month, festival.lunar_day, festival.leap_month)
    return FestivalOut(
        name=festival.name(language),
        description=festival.description(language),
        lunar_month=festival.lunar_month,
        lunar_day=festival.lunar_day,
        leap_month=festival.leap_month,
        solar_dates_this_year=[day.isoformat() for day in dates],
    )


def _photo_out(photo: Photo, language: str) -> PhotoOut:
    return PhotoOut(
        srcset=photo.srcset,
        url=photo.url(photo.buckets[-1]),
        width=photo.width,
        height=photo.height,
        alt=photo.alt(language),
    )


def _nearby_out(product: NearbyProduct) -> NearbyOut:
    fields = {name: getattr(product, name) for name in NearbyOut.__struct_fields__}
    return NearbyOut(**fields)


def _site_fields(site: SiteRecord, language: str) -> dict[str, Any]:
    return {
        "slug": site.slug,
        "url": site_url(site.slug),
        "qr_png_url": f"/h/{site.slug}/qr.png",
        "qr_svg_url": f"/h/{site.slug}/qr.svg",
        "name": site.name,
        "kind": site.kind,
        "kind_label": KINDS[site.kind].in_language(language),
        "ranking": site.ranking,
        "ranking_label": RANKINGS[site.ranking].in_language(language),
        "province": PlaceOut(site.province_code, site.province_name),
        "commune": PlaceOut(site.commune_code, site.commune_name),
        "address_line": site.address_line,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "opening_hours": site.opening_hours,
    }


def site_detail_out(page: SitePage, language: str) -> SiteDetailOut:
    detail = page.detail
    content = detail.content_for(language)
    audio = content.audio
    year = vietnam_day().year
    return SiteDetailOut(
        **_site_fields(detail.site, language),
        requested_language=language,
        languages=sorted(detail.contents, key=lambda code: (code != "vi", code)),
        content=ContentOut(
            language=content.language,
            title=content.title,
            plaque_line=content.plaque_line,
            summary=content.summary,
            history=content.history,
            architecture=content.architecture,
            worshipped=content.worshipped,
            stele=content.stele,
            audio=AudioOut(audio.url, audio.media_type, audio.size_bytes) if audio else None,
        ),
        festivals=[_festival_out(f, language, year) for f in detail.festivals],
        photos=[_photo_out(p, content.language) for p in detail.photos],
        nearby_products=[_nearby_out(p) for p in page.nearby],
    )


class HeritageApi(Controller):
    path = "/api/v1/sites"
    tags = ["heritage"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @get("/", operation_id="ListSites")
    async def list_sites(
        self,
        request: Request[Any, Any, Any],
        province: Annotated[str | None, QueryParameter(max_length=2)] = None,
        page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> SiteList:
        """Heritage sites by name, optionally of one province (GSO code)."""
        sites, total = await queries.list_sites(province, page, page_size)
        language = language_of(request.scope)
        return SiteList([_summary_out(s, language) for s in sites], total, page, page_size)

    @get(
        "/{slug:str}",
        operation_id="GetSite",
        responses={301: ResponseSpec(None, description="An old slug; `Location` is the new one.")},
    )
    async def get_site(
        self, request: Request[Any, Any, Any], slug: FromPath[str]
    ) -> Response[SiteDetailOut]:
        """One site in the requested language (`?lang=` or Accept-Language), Vietnamese when
        it has no text in that language; an old slug answers 301 to the current one."""
        try:
            page = await queries.site_page(slug)
        except queries.SiteMoved as moved:
            return Redirect(f"/api/v1/sites/{moved.slug}", status_code=301)
        return Response(site_detail_out(page, language_of(request.scope)))
