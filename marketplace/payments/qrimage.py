"""QR images of payment payloads: inline SVG for pages, PNG for download.

A QR symbol is deterministic per payload, so images are cached. The mask is fixed instead of
chosen by scoring all eight (which is most of segno's encoding time): every mask is a valid
ISO/IEC 18004 symbol that any reader decodes, and mask 3 is the one automatic selection
picks most often for VietQR-sized payloads.
"""

from __future__ import annotations

import functools
import io
from html import escape

import segno

ERROR_LEVEL = "m"
FIXED_MASK = 3
QUIET_ZONE_MODULES = 4
MAX_PNG_SCALE = 40
DEFAULT_SVG_TITLE = "Mã VietQR"
_CACHE_SIZE = 1024


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _symbol(payload: str) -> segno.QRCode:
    return segno.make(payload, error=ERROR_LEVEL, mask=FIXED_MASK, micro=False, boost_error=False)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def qr_svg(payload: str, *, title: str = DEFAULT_SVG_TITLE) -> str:
    """An inline `<svg role="img">` of `payload` that scales with CSS (viewBox, no fixed size).

    It has no XML declaration, so it can go straight into HTML; `title` is its accessible name
    (pass it translated). Modules are black on an opaque white quiet zone so that it still
    scans on a page in dark mode.
    """
    buffer = io.BytesIO()
    _symbol(payload).save(
        buffer,
        kind="svg",
        xmldecl=False,
        svgns=True,
        nl=False,
        omitsize=True,
        border=QUIET_ZONE_MODULES,
        dark="#000",
        light="#fff",
        title=title,
        svgclass="vietqr",
        lineclass=None,
    )
    svg = buffer.getvalue().decode("utf-8")
    # crispEdges keeps browsers from antialiasing seams between module rows when scaled.
    attributes = f'role="img" aria-label="{escape(title, quote=True)}" shape-rendering="crispEdges"'
    return svg.replace("<svg ", f"<svg {attributes} ", 1)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def qr_png(payload: str, scale: int = 8) -> bytes:
    """A PNG of `payload`, `scale` pixels per module, with the standard 4-module quiet zone."""
    if isinstance(scale, bool) or not 1 <= scale <= MAX_PNG_SCALE:
        raise ValueError(f"scale must be between 1 and {MAX_PNG_SCALE}, got {scale!r}")
    buffer = io.BytesIO()
    _symbol(payload).save(buffer, kind="png", scale=scale, border=QUIET_ZONE_MODULES)
    return buffer.getvalue()
