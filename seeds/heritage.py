"""Seed heritage sites through the heritage services; a second run changes nothing.

Each site is created by an officer of its province, with its Vietnamese and English text,
festivals, two drawn illustrations and the committed narrations (media/heritage/*.mp3).
"""

from __future__ import annotations

from pathlib import Path

from marketplace.accounts.service import Account, account_by_phone
from seeds.heritage_data import SITES, SeedSite
from seeds.heritage_pictures import site_picture
from seeds.people import OFFICERS
from traceability.heritage import queries, service, uploads
from traceability.heritage.schemas import ContentInput, FestivalInput, SiteInput
from traceability.heritage.tables import Site

NARRATIONS = Path(__file__).parent / "media" / "heritage"
VIEWS = {"day": ("Toàn cảnh", "Overall view"), "dusk": ("Lúc hoàng hôn", "At dusk")}


async def _officer_for(province_code: str) -> Account:
    phone = next(p for p, _, province in OFFICERS if province == province_code)
    return await account_by_phone(phone)


async def _create(seed: SeedSite, officer: Account) -> int:
    site = await service.create_site(
        officer,
        SiteInput(
            name=seed.name,
            slug=seed.slug,
            kind=seed.kind,
            ranking=seed.ranking,
            province_code=seed.province_code,
            commune_code=seed.commune_code,
            address_line=seed.address_line,
            latitude=seed.latitude,
            longitude=seed.longitude,
        ),
    )
    for language, text in seed.texts.items():
        content = ContentInput(
            title=text.title,
            plaque_line=text.plaque_line,
            summary=text.summary,
            history=text.history,
            architecture=text.architecture,
            worshipped=text.worshipped,
        )
        await service.set_content(officer, site.id, language, content)
        audio = NARRATIONS / f"{seed.slug}-{language}.mp3"
        await uploads.set_audio(officer, site.id, language, audio.read_bytes())
    for festival in seed.festivals:
        await service.add_festival(
            officer,
            site.id,
            FestivalInput(
                festival.names,
                festival.lunar_month,
                festival.lunar_day,
                False,
                festival.descriptions,
            ),
        )
    for view, (caption_vi, caption_en) in VIEWS.items():
        picture = site_picture(seed.name, seed.picture, view)
        alts = {
            "vi": f"Tranh minh hoạ {seed.texts['vi'].title}: {caption_vi.lower()}",
            "en": f"Illustration of {seed.texts['en'].title}: {caption_en.lower()}",
        }
        await uploads.add_photo(officer, site.id, picture, alts)
    return site.id


async def load() -> dict[str, int]:
    created = 0
    for seed in SITES:
        if await Site.exists().where(Site.slug == seed.slug):
            continue
        await _create(seed, await _officer_for(seed.province_code))
        created += 1
    queries.invalidate()
    return {"heritage_sites": created}
