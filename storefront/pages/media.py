"""Uploaded photos and audio, served from the media storage.

A key names its content for good (each upload gets a fresh random key), so browsers and
proxies may keep a file for a year without asking again.
"""

from __future__ import annotations

from litestar import Response, get
from litestar.params import FromPath

from marketplace import media
from marketplace.errors import NotFound

CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "png": "image/png",
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
}
CACHE_FOREVER = "public, max-age=31536000, immutable"


def _not_found() -> NotFound:
    return NotFound("media_not_found", "Không tìm thấy tệp này.", "File not found.")


@get("/media/{key:path}", name="media", include_in_schema=False)
async def media_file(key: FromPath[str]) -> Response[bytes]:
    relative = key.lstrip("/")
    content_type = CONTENT_TYPES.get(relative.rpartition(".")[2].lower())
    try:
        media.check_key(relative)
    except ValueError:
        raise _not_found() from None
    if content_type is None:
        raise _not_found()
    data = await media.storage().read(relative)
    if data is None:
        raise _not_found()
    return Response(content=data, media_type=content_type, headers={"cache-control": CACHE_FOREVER})
