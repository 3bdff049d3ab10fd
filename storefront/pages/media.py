"""Uploaded photos and audio, served from the media storage.

A key names its content for good (each upload gets a fresh random key), so browsers and
proxies may keep a file for a year without asking again.

With S3 storage the app still serves the files itself, proxying byte ranges to the bucket
(HEAD for the size, then GET with `Range`), rather than redirecting to a presigned URL: one
round trip to this origin instead of a redirect plus a new TLS connection to another host on a
slow phone link, a stable URL that browsers and a CDN in front of `/media/` may cache for good
(presigned URLs change and expire, which also breaks resuming audio), the page's CSP stays
`'self'`, and the bucket stays private.
"""

from __future__ import annotations

import re
from typing import Annotated

from litestar import Response, get
from litestar.params import FromPath, HeaderParameter

from marketplace import media
from marketplace.errors import NotFound

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
    content_type = media.content_type(relative)
    try:
        media.check_key(relative)
    except ValueError:
        raise _not_found() from None
    if content_type is None:
        raise _not_found()
    store = media.storage()
    headers = {"cache-control": media.CACHE_FOREVER, "accept-ranges": "bytes"}
    wanted = _RANGE.match(byte_range.strip()) if byte_range else None
    if wanted is not None and wanted.groups() != ("", ""):
        # A range: the size first (a stat, or a HEAD on S3), then only the bytes asked for.
        size = await store.size(relative)
        if size is None:
            raise _not_found()
        start, end = _span(wanted, size)
        if start >= size or start > end:
            headers["content-range"] = f"bytes */{size}"
            return Response(content=b"", status_code=416, media_type=content_type, headers=headers)
        part = await store.read_range(relative, start, end)
        if part is None:
            raise _not_found()
        headers["content-range"] = f"bytes {start}-{end}/{size}"
        return Response(content=part, status_code=206, media_type=content_type, headers=headers)
    data = await store.read(relative)
    if data is None:
        raise _not_found()
    return Response(content=data, media_type=content_type, headers=headers)


def _span(wanted: re.Match[str], size: int) -> tuple[int, int]:
    """First and last byte of a single `bytes=` range."""
    first, last = wanted.groups()
    if first == "":  # the last N bytes
        return max(size - int(last), 0), size - 1
    return int(first), min(int(last), size - 1) if last else size - 1
