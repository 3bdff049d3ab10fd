"""Heritage services: the only code that writes the heritage tables.

Officers create and edit sites; an officer tied to a province (`officer_province_code`) may
only touch that province's sites, a national officer (None) every site. Every write clears
the page cache.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from piccolo.columns import Column

from marketplace.accounts.service import Account, require_officer_for
from marketplace.db import claim, write_transaction
from marketplace.errors import Conflict
from traceability.heritage import queries
from traceability.heritage.lunar import check_lunar_date
from traceability.heritage.schemas import (
    Content,
    ContentInput,
    FestivalInput,
    SiteDetail,
    SiteInput,
    SiteRecord,
)
from traceability.heritage.tables import Festival, OldSlug, Site, SiteContent
from traceability.heritage.validation import (
    clean_content,
    clean_language,
    clean_site,
    clean_slug,
    clean_texts,
    require_vietnamese,
)
from traceability.heritage.vocabulary import REQUIRED_LANGUAGE


async def site_for_officer(officer: Account, site_id: int) -> SiteRecord:
    site = await queries.site_record(site_id)
    require_officer_for(officer, site.province_code)
    return site


async def _check_slug_free(slug: str, site_id: int | None = None) -> None:
    """A slug printed once must keep pointing at its site: no reuse of anyone's old slug."""
    await claim(f"site-slug:{slug}")
    taken = await Site.exists().where(Site.slug == slug)
    retired = await OldSlug.select(OldSlug.site).where(OldSlug.slug == slug).first()
    if taken or (retired is not None and retired["site"] != site_id):
        raise Conflict(
            "slug_taken",
            "Đường dẫn này đã được dùng cho một di tích khác.",
            "This slug is already used by another site.",
        )


def utc_now() -> datetime:
    return datetime.now(UTC)


async def create_site(officer: Account, data: SiteInput) -> SiteRecord:
    """A new site, with a Vietnamese content row titled by its name (filled in later)."""
    fields = clean_site(data)
    require_officer_for(officer, str(fields["province_code"]))
    slug = clean_slug(data.slug, str(fields["name"]))
    async with write_transaction():
        await _check_slug_free(slug)
        [row] = await Site.insert(Site(**fields, slug=slug)).returning(Site.id)
        site_id = int(row["id"])
        await SiteContent.insert(
            SiteContent(site=site_id, language=REQUIRED_LANGUAGE, title=fields["name"])
        )
    queries.invalidate()
    return await queries.site_record(site_id)


async def update_site(officer: Account, site_id: int, data: SiteInput) -> SiteRecord:
    """Change a site's description; its slug only changes through `rename_site`."""
    await site_for_officer(officer, site_id)
    fields = clean_site(data)
    require_officer_for(officer, str(fields["province_code"]))
    async with write_transaction():
        await Site.update(**fields, updated_at=utc_now()).where(Site.id == site_id)
    queries.invalidate()
    return await queries.site_record(site_id)


async def rename_site(
    officer: Account, site_id: int, new_slug: str, new_name: str | None = None
) -> SiteRecord:
    """Give the site a new slug (and name); the old slug keeps resolving to it forever."""
    site = await site_for_officer(officer, site_id)
    slug = clean_slug(new_slug, new_name or site.name)
    changes: dict[str | Column, Any] = {"slug": slug, "updated_at": utc_now()}
    if new_name is not None:
        changes["name"] = clean_site(_with_name(site, new_name))["name"]
    async with write_transaction():
        if slug != site.slug:
            await _check_slug_free(slug, site_id)
            await OldSlug.delete().where(OldSlug.slug == slug)  # taking an own old slug back
            await OldSlug.insert(OldSlug(slug=site.slug, site=site_id))
        await Site.update(changes).where(Site.id == site_id)
    queries.invalidate()
    return await queries.site_record(site_id)


def _with_name(site: SiteRecord, name: str) -> SiteInput:
    return SiteInput(
        name=name,
        kind=site.kind,
        ranking=site.ranking,
        province_code=site.province_code,
        commune_code=site.commune_code,
    )


async def set_content(officer: Account, site_id: int, language: str, data: ContentInput) -> None:
    """Write the site's text in one language (replacing what was there; audio is kept)."""
    await site_for_officer(officer, site_id)
    language = clean_language(language)
    fields = clean_content(data)
    async with write_transaction():
        exists = await SiteContent.exists().where(
            (SiteContent.site == site_id) & (SiteContent.language == language)
        )
        if exists:
            await SiteContent.update(**fields, updated_at=utc_now()).where(
                (SiteContent.site == site_id) & (SiteContent.language == language)
            )
        else:
            await SiteContent.insert(SiteContent(site=site_id, language=language, **fields))
        await touch_site(site_id)
    queries.invalidate()


async def remove_content(officer: Account, site_id: int, language: str) -> None:
    """Drop one translation; the Vietnamese text cannot be removed."""
    await site_for_officer(officer, site_id)
    if clean_language(language) == REQUIRED_LANGUAGE:
        raise Conflict(
            "vietnamese_required",
            "Không thể xóa nội dung tiếng Việt.",
            "The Vietnamese content cannot be removed.",
        )
    async with write_transaction():
        await SiteContent.delete().where(
            (SiteContent.site == site_id) & (SiteContent.language == language)
        )
        await touch_site(site_id)
    queries.invalidate()


async def touch_site(site_id: int) -> None:
    await Site.update({Site.updated_at: utc_now()}).where(Site.id == site_id)


async def add_festival(officer: Account, site_id: int, data: FestivalInput) -> int:
    """Add a festival day (a lunar date); returns its id."""
    await site_for_officer(officer, site_id)
    names = clean_texts(data.names, "festival_name", 200)
    require_vietnamese(names, "festival_name")
    descriptions = clean_texts(data.descriptions, "festival_description", 1000)
    check_lunar_date(data.lunar_month, data.lunar_day)
    async with write_transaction():
        [row] = await Festival.insert(
            Festival(
                site=site_id,
                names=names,
                descriptions=descriptions,
                lunar_month=data.lunar_month,
                lunar_day=data.lunar_day,
                leap_month=data.leap_month,
            )
        ).returning(Festival.id)
        await touch_site(site_id)
    queries.invalidate()
    return int(row["id"])


async def remove_festival(officer: Account, site_id: int, festival_id: int) -> None:
    await site_for_officer(officer, site_id)
    async with write_transaction():
        await Festival.delete().where((Festival.id == festival_id) & (Festival.site == site_id))
        await touch_site(site_id)
    queries.invalidate()


def preview_content(detail: SiteDetail, language: str, data: ContentInput) -> SiteDetail:
    """The site as it would read with `data` saved in `language` (nothing is written)."""
    language = clean_language(language)
    fields = clean_content(data)
    saved = detail.contents.get(language)
    draft = Content(
        language=language,
        audio=saved.audio if saved else None,
        updated_at=utc_now(),
        **fields,
    )
    return replace(detail, contents={**detail.contents, language: draft})
