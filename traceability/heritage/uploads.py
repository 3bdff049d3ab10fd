"""Photos and narrations of heritage sites: checked, stored in the media storage, recorded.

Files are named after a hash of their content (`heritage/<site id>/<hash>…`), so a file never
changes once written and browsers may keep it for a year.
"""

from __future__ import annotations

import asyncio
import hashlib

from marketplace import media
from marketplace.accounts.service import Account
from marketplace.db import write_transaction
from marketplace.errors import Conflict, NotFound
from marketplace.images import process_photo
from traceability.heritage import queries
from traceability.heritage.audio import sniff_audio
from traceability.heritage.service import site_for_officer, touch_site, utc_now
from traceability.heritage.tables import SiteContent, SitePhoto
from traceability.heritage.validation import clean_language, clean_texts

MAX_PHOTOS_PER_SITE = 40


def _content_key(site_id: int, data: bytes, suffix: str) -> str:
    """Named after the content: the same upload twice is the same file, cacheable forever."""
    return f"heritage/{site_id}/{hashlib.sha256(data).hexdigest()[:16]}{suffix}"


async def add_photo(
    officer: Account, site_id: int, data: bytes, alts: dict[str, str] | None = None
) -> int:
    """Check, re-encode and store a photo (JPEG renditions, EXIF dropped); returns its id."""
    await site_for_officer(officer, site_id)
    captions = clean_texts(alts or {}, "alt", 200)
    processed = await asyncio.to_thread(process_photo, data)
    base_key = _content_key(site_id, data, "")
    for rendition in processed.renditions:
        await media.storage().save(
            f"{base_key}-{rendition.bucket}.jpg", rendition.data, "image/jpeg"
        )
    async with write_transaction():
        count = await SitePhoto.count().where(SitePhoto.site == site_id)
        if count >= MAX_PHOTOS_PER_SITE:
            raise Conflict(
                "too_many_photos",
                f"Mỗi di tích có tối đa {MAX_PHOTOS_PER_SITE} ảnh.",
                f"A site has at most {MAX_PHOTOS_PER_SITE} photos.",
            )
        [row] = await SitePhoto.insert(
            SitePhoto(
                site=site_id,
                media_key=base_key,
                widths=",".join(str(r.bucket) for r in processed.renditions),
                width=processed.width,
                height=processed.height,
                alts=captions,
                position=count,
            )
        ).returning(SitePhoto.id)
        await touch_site(site_id)
    queries.invalidate()
    return int(row["id"])


async def remove_photo(officer: Account, site_id: int, photo_id: int) -> None:
    await site_for_officer(officer, site_id)
    async with write_transaction():
        await SitePhoto.delete().where((SitePhoto.id == photo_id) & (SitePhoto.site == site_id))
        await touch_site(site_id)
    queries.invalidate()


async def set_audio(officer: Account, site_id: int, language: str, data: bytes) -> None:
    """Attach a narration (OGG/Opus, MP3 or WAV, at most 10 MB) to the content in `language`."""
    await site_for_officer(officer, site_id)
    language = clean_language(language)
    kind = sniff_audio(data)
    key = _content_key(site_id, data, f".{kind.extension}")
    await media.storage().save(key, data, kind.media_type)
    async with write_transaction():
        updated = await (
            SiteContent.update(
                {
                    SiteContent.audio_key: key,
                    SiteContent.audio_type: kind.media_type,
                    SiteContent.audio_bytes: len(data),
                    SiteContent.updated_at: utc_now(),
                }
            )
            .where((SiteContent.site == site_id) & (SiteContent.language == language))
            .returning(SiteContent.id)
        )
        if not updated:
            raise _content_missing()
        await touch_site(site_id)
    queries.invalidate()


async def remove_audio(officer: Account, site_id: int, language: str) -> None:
    await site_for_officer(officer, site_id)
    async with write_transaction():
        await SiteContent.update(
            {SiteContent.audio_key: None, SiteContent.audio_type: None, SiteContent.audio_bytes: 0}
        ).where((SiteContent.site == site_id) & (SiteContent.language == language))
        await touch_site(site_id)
    queries.invalidate()


def _content_missing() -> NotFound:
    return NotFound(
        "content_missing",
        "Hãy viết nội dung bằng ngôn ngữ này trước khi thêm bài thuyết minh.",
        "Write the content in this language before adding its narration.",
    )
