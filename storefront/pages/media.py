"""Uploaded photos and audio, served from the media storage.

A key names its content for good (each upload gets a fresh random key), so browsers and
proxies may keep a file for a year without asking again.
"""

from __future__ import annotations

import re
from typing import Annotated

from litestar import Response, get
from litestar.params import FromPath, HeaderParameter

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
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _not_found() -> NotFound:
    return NotFound("media_not_found", "Không tìm thấy tệp này.", "File not found.")


@get("/media/{key:path}", name="media", include_in_schema=False)
async def media_file(
    key: FromPath[str],
    byte_range: Annotated[str | None, HeaderParameter(name="range", required=False)] = None,
) -> Response[bytes]:
    """The file, or the one byte range asked for (Safari on iPhone streams audio that way)."""
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
    headers = {"cache-control": CACHE_FOREVER, "accept-ranges": "bytes"}
    span = _span(byte_range, len(data)) if byte_range else None
    if span is None:
        return Response(content=data, media_type=content_type, headers=headers)
    start, end = span
    if start >= len(data) or start > end:
        headers["content-range"] = f"bytes */{len(data)}"
        return Response(content=b"", status_code=416, media_type=content_type, headers=headers)
    headers["content-range"] = f"bytes {start}-{end}/{len(data)}"
    return Response(
        content=data[start : end + 1], status_code=206, media_type=content_type, headers=headers
    )


def _span(header: str, size: int) -> tuple[int, int] | None:
    """First and last byte of a single `bytes=` range; None means "send the whole file"."""
    match = _RANGE.match(header.strip())
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        return max(size - int(last), 0), size - 1
    return int(first), min(int(last), size - 1) if last else size - 1
