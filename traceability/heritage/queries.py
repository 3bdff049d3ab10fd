"""Reading heritage sites: records for officers and the API, cached pages for visitors.

The page of a site is read on one connection (`reading()`) and kept by each worker for a short
time (`marketplace.shared`); every heritage write drops the cached pages in every worker (through
Redis when it is configured), and the time limit bounds how stale the nearby products (written
by the catalogue) may be.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from marketplace.catalogue.nearby import products_near
from marketplace.db import reading
from marketplace.errors import NotFound
from marketplace.places import commune, province
from marketplace.shared import CacheSpec, current
from marketplace.text import fold
from traceability.heritage.schemas import (
    Audio,
    Content,
    Festival,
    Photo,
    SiteDetail,
    SitePage,
    SiteRecord,
    SiteSummary,
)
from traceability.heritage.tables import Festival as FestivalRow
from traceability.heritage.tables import OldSlug, Site, SiteContent, SitePhoto

PAGE_CACHE_SECONDS = 30.0
NEARBY_LIMIT = 8
GROUP = "heritage"
PAGES = CacheSpec("heritage-pages", GROUP, ttl=PAGE_CACHE_SECONDS, max_entries=2048)


class SiteMoved(Exception):
    """The slug is one the site had before a rename; `slug` is the current one."""

    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


def site_not_found() -> NotFound:
    return NotFound(
        "site_not_found", "Không tìm thấy di tích này.", "This heritage site does not exist."
    )


def invalidate() -> None:
    """Forget every cached page, in every worker (called after each heritage write)."""
    current().invalidate(GROUP)


def _site(row: dict[str, Any]) -> SiteRecord:
    return SiteRecord(
        id=row["id"],
        name=row["name"],
        slug=row["slug"],
        kind=row["kind"],
        ranking=row["ranking"],
        province_code=row["province_code"],
        province_name=province(row["province_code"]).name,
        commune_code=row["commune_code"],
        commune_name=commune(row["commune_code"]).name,
        address_line=row["address_line"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        opening_hours=row["opening_hours"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _content(row: dict[str, Any]) -> Content:
    audio = None
    if row["audio_key"]:
        audio = Audio(row["audio_key"], row["audio_type"], row["audio_bytes"])
    return Content(
        language=row["language"],
        title=row["title"],
        plaque_line=row["plaque_line"],
        summary=row["summary"],
        history=row["history"],
        architecture=row["architecture"],
        worshipped=row["worshipped"],
        stele=row["stele"],
        audio=audio,
        updated_at=row["updated_at"],
    )


def _festival(row: dict[str, Any]) -> Festival:
    return Festival(
        id=row["id"],
        names=dict(row["names"] or {}),
        descriptions=dict(row["descriptions"] or {}),
        lunar_month=row["lunar_month"],
        lunar_day=row["lunar_day"],
        leap_month=bool(row["leap_month"]),
    )


def _photo(row: dict[str, Any]) -> Photo:
    return Photo(
        id=row["id"],
        media_key=row["media_key"],
        buckets=tuple(int(w) for w in row["widths"].split(",")),
        width=row["width"],
        height=row["height"],
        alts=dict(row["alts"] or {}),
    )


async def site_record(site_id: int) -> SiteRecord:
    row = await Site.select().where(Site.id == site_id).first()
    if row is None:
        raise site_not_found()
    return _site(row)


async def site_detail(site_id: int) -> SiteDetail:
    """Everything about one site (for officers; visitors go through `site_page`)."""
    async with reading():
        site = await site_record(site_id)
        contents = await SiteContent.select().where(SiteContent.site == site_id)
        festivals = await (
            FestivalRow.select()
            .where(FestivalRow.site == site_id)
            .order_by(FestivalRow.lunar_month)
            .order_by(FestivalRow.lunar_day)
            .order_by(FestivalRow.id)
            .output(load_json=True)
        )
        photos = await (
            SitePhoto.select()
            .where(SitePhoto.site == site_id)
            .order_by(SitePhoto.position)
            .order_by(SitePhoto.id)
            .output(load_json=True)
        )
        old = await OldSlug.select(OldSlug.slug).where(OldSlug.site == site_id)
    return SiteDetail(
        site=site,
        contents={row["language"]: _content(row) for row in contents},
        festivals=tuple(_festival(row) for row in festivals),
        photos=tuple(_photo(row) for row in photos),
        old_slugs=tuple(sorted(row["slug"] for row in old)),
    )


async def site_id_for_slug(slug: str) -> int:
    """The id of the site whose current slug is `slug`; `SiteMoved` for an old slug."""
    row = await Site.select(Site.id).where(Site.slug == slug).first()
    if row is not None:
        return int(row["id"])
    old = await OldSlug.select(OldSlug.site.slug).where(OldSlug.slug == slug).first()
    if old is not None:
        raise SiteMoved(str(old["site.slug"]))
    raise site_not_found()


async def site_page(slug: str) -> SitePage:
    """What a visitor's scan shows, from the cache when it is fresh."""
    return await PAGES.get_or_load(slug, "", lambda: _site_page(slug))


async def _site_page(slug: str) -> SitePage:
    async with reading():
        detail = await site_detail(await site_id_for_slug(slug))
        site = detail.site
        nearby = await products_near(
            site.province_code, site.commune_code, site.latitude, site.longitude, NEARBY_LIMIT
        )
    return SitePage(detail=detail, nearby=tuple(nearby))


async def list_sites(
    province_code: str | None = None, page: int = 1, page_size: int = 20
) -> tuple[list[SiteSummary], int]:
    """Sites in Vietnamese alphabetical order (Đ after D, not after Z), optionally of one
    province, one page at a time, with the total. Sorted in Python: sites number in the
    hundreds, and neither engine collates Vietnamese by default."""
    query = Site.select()
    if province_code:
        query = query.where(Site.province_code == province_code)
    async with reading():
        rows = sorted(await query, key=lambda row: (fold(row["name"]), row["name"], row["id"]))
        shown = rows[(page - 1) * page_size : page * page_size]
        languages = await _languages_of(row["id"] for row in shown)
    return [_summary(row, languages.get(row["id"], ())) for row in shown], len(rows)


async def _languages_of(site_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    ids = list(site_ids)
    if not ids:
        return {}
    rows = await SiteContent.select(SiteContent.site, SiteContent.language).where(
        SiteContent.site.is_in(ids)
    )
    found: dict[int, list[str]] = {}
    for row in rows:
        found.setdefault(row["site"], []).append(row["language"])
    return {
        site: tuple(sorted(langs, key=lambda lang: (lang != "vi", lang)))
        for site, langs in found.items()
    }


def _summary(row: dict[str, Any], languages: tuple[str, ...]) -> SiteSummary:
    return SiteSummary(
        id=row["id"],
        name=row["name"],
        slug=row["slug"],
        kind=row["kind"],
        ranking=row["ranking"],
        province_code=row["province_code"],
        province_name=province(row["province_code"]).name,
        commune_code=row["commune_code"],
        commune_name=commune(row["commune_code"]).name,
        languages=languages,
        updated_at=row["updated_at"],
    )
