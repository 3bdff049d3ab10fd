"""A site's printed QR: the plaque PDF and the bare QR code as SVG or PNG.

The URL inside is `settings.base_url + /h/<slug>`; since old slugs redirect forever, a plaque
printed before a rename keeps working.
"""

from __future__ import annotations

from marketplace.config import get_settings
from marketplace.payments.qrimage import qr_png, qr_svg
from traceability.heritage import queries
from traceability.labels import plaque_pdf

PNG_SCALE = 16


def site_url(slug: str) -> str:
    return f"{get_settings().base_url}/h/{slug}"


async def plaque_for_site(slug: str, size: str = "A4") -> bytes:
    """The plaque PDF (A4 or A5 portrait) of the site whose current or old slug is `slug`."""
    try:
        site_id = await queries.site_id_for_slug(slug)
    except queries.SiteMoved as moved:
        site_id = await queries.site_id_for_slug(moved.slug)
    detail = await queries.site_detail(site_id)
    vietnamese = detail.contents["vi"]
    english = detail.contents.get("en")
    line_vi = vietnamese.plaque_line or "Quét mã để đọc và nghe giới thiệu di tích."
    line_en = (english.plaque_line if english else "") or "Scan to read and hear about this site."
    return plaque_pdf(site_url(detail.site.slug), detail.site.name, line_vi, line_en, size)


def site_qr_svg(slug: str, title: str) -> str:
    """An SVG of the site's QR code (cached per URL and title)."""
    return qr_svg(site_url(slug), title=title)


def site_qr_png(slug: str) -> bytes:
    """A PNG of the site's QR code, large enough to print (cached per URL)."""
    return qr_png(site_url(slug), scale=PNG_SCALE)
