"""Pages scanned from print: `/t/{code}` (provenance), its QR images, and GS1 Digital Link
paths `/01/{gtin14}/10/{lot}` for batches whose product has a GTIN.

The provenance page is the hottest path of the site. Its data comes from
`cached_provenance` (one connection per rebuild, about a second in this worker, dropped in
every worker by a write); the rendered HTML is kept beside it and reused while the same data
object is current, for the plain URL a label carries (with or without `?lang=`). Each view
counts a scan in the worker's shared state (memory, or Redis when configured), never in the
database directly.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import segno
from litestar import MediaType, Request, Response, get
from litestar.params import FromPath
from litestar.response import Redirect

from marketplace.images import WIDTHS
from storefront.clients import client_address
from storefront.middleware import language_of
from traceability.batches import (
    Provenance,
    cached_provenance,
    label_url,
    linkset,
    record_scan,
    resolve_digital_link,
)
from traceability.batches.resolver import LINKSET_MEDIA_TYPE, LINKSET_REQUESTS
from traceability.batches.scans import SUSPICIOUS_NETWORKS, SUSPICIOUS_SCANS
from traceability.batches.schemas import StoredPhoto

TEMPLATE = "traceability/provenance.html"
_PAGE_HEADERS = {"cache-control": "no-cache"}
_MAX_PAGES = 2048
# (path, language, signed in) → (the provenance object it was rendered from, the HTML)
_pages: OrderedDict[tuple[str, str, bool], tuple[Provenance, bytes]] = OrderedDict()


@get("/t/{batch_code:str}", name="provenance", include_in_schema=False, cache=False)
async def provenance_page(
    request: Request[Any, Any, Any], batch_code: FromPath[str]
) -> Response[bytes]:
    """The provenance page of a batch, in the visitor's language; counts one scan."""
    return await _page(request, batch_code)


async def _page(request: Request[Any, Any, Any], batch_code: str) -> Response[bytes]:
    language = language_of(request.scope)
    data = await cached_provenance(batch_code, language)
    record_scan(data.code, client_address(request))
    signed_in = bool(request.scope.get("state", {}).get("langso_session", {}).get("uid"))
    key = (request.scope["path"], language, signed_in)
    cacheable = _plain_query(request.scope.get("query_string", b""))
    cached = _pages.get(key) if cacheable else None
    if cached is not None and cached[0] is data:
        body = cached[1]
    else:
        body = _render(request, data).encode()
        if cacheable:
            _remember(key, data, body)
    return Response(body, media_type=MediaType.HTML, headers=_PAGE_HEADERS)


def _plain_query(query: bytes) -> bool:
    """Whether the URL is the one a label carries, with at most a `lang=` choice."""
    return all(part.startswith(b"lang=") for part in query.split(b"&") if part)


def _remember(key: tuple[str, str, bool], data: Provenance, body: bytes) -> None:
    _pages[key] = (data, body)
    _pages.move_to_end(key)
    while len(_pages) > _MAX_PAGES:
        _pages.popitem(last=False)


def _render(request: Request[Any, Any, Any], data: Provenance) -> str:
    engine = request.app.template_engine
    assert engine is not None
    template = engine.get_template(TEMPLATE)
    return str(
        template.render(
            request=request,
            csrf_input="",
            p=data,
            srcset=srcset,
            size=rendition_size,
            map_url=map_url,
            scan_thresholds={"scans": SUSPICIOUS_SCANS, "networks": SUSPICIOUS_NETWORKS},
        )
    )


def rendition_size(photo: StoredPhoto, bucket: int) -> tuple[int, int]:
    """Width and height of the `bucket` rendition (never upscaled), for width/height."""
    width = min(bucket, photo.width)
    return width, max(1, round(photo.height * width / photo.width))


def srcset(photo: StoredPhoto) -> str:
    return ", ".join(
        f"{photo.url(bucket)} {rendition_size(photo, bucket)[0]}w" for bucket in WIDTHS
    )


def map_url(data: Provenance) -> str:
    """A map search for the producer: its point when it gave one, else its commune."""
    producer = data.producer
    if producer.latitude is not None and producer.longitude is not None:
        query = f"{producer.latitude},{producer.longitude}"
    else:
        query = f"{producer.commune_name}, {producer.province_name}"
    return "https://www.google.com/maps/search/?api=1&query=" + quote(query)


@get("/t/{batch_code:str}/qr.svg", name="provenance_qr_svg", include_in_schema=False)
async def provenance_qr_svg(
    request: Request[Any, Any, Any], batch_code: FromPath[str]
) -> Response[bytes]:
    """The batch's QR code as SVG (what labels print)."""
    data = await cached_provenance(batch_code)
    return Response(_qr_svg(_url(request, data)), media_type="image/svg+xml", headers=_QR_HEADERS)


@get("/t/{batch_code:str}/qr.png", name="provenance_qr_png", include_in_schema=False)
async def provenance_qr_png(
    request: Request[Any, Any, Any], batch_code: FromPath[str]
) -> Response[bytes]:
    """The batch's QR code as PNG, to save or send."""
    data = await cached_provenance(batch_code)
    return Response(_qr_png(_url(request, data)), media_type="image/png", headers=_QR_HEADERS)


_QR_HEADERS = {"cache-control": "public, max-age=86400"}


def _url(request: Request[Any, Any, Any], data: Provenance) -> str:
    """What the batch's labels carry: its GS1 Digital Link when the product has a GTIN."""
    return label_url(request.app.state.settings.base_url, data.code, data.product.gtin)


@lru_cache(maxsize=512)
def _qr_svg(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=4, xmldecl=False)
    return buffer.getvalue()


@lru_cache(maxsize=512)
def _qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


@get("/01/{gtin:str}/10/{lot:str}", name="digital_link", include_in_schema=False, cache=False)
async def digital_link_page(
    request: Request[Any, Any, Any], gtin: FromPath[str], lot: FromPath[str]
) -> Response[Any]:
    """A GS1 Digital Link, answered as GS1 Resolver CE does (see traceability.batches.resolver).

    The same URL gives HTML, a redirect or linkset JSON depending on `Accept`, so every answer
    varies on it; the HTML page and the redirects point to the linkset in a `Link` header, and
    a redirect's `Location` is absolute (BASE_URL), as a resolver's links are.
    """
    resolved = await resolve_digital_link(gtin, lot)
    base_url = request.app.state.settings.base_url
    link_type = request.query_params.get("linkType", "")
    wants_linkset = LINKSET_MEDIA_TYPE in request.headers.get("accept", "")
    headers = {"vary": _DIGITAL_LINK_VARY}
    if link_type in LINKSET_REQUESTS or (wants_linkset and not link_type):
        return Response(linkset(base_url, resolved), media_type=LINKSET_MEDIA_TYPE, headers=headers)
    headers["link"] = (
        f"<{base_url}/01/{resolved.gtin14}/10/{quote(resolved.code, safe='')}?linkType=linkset>; "
        f'rel="linkset"; type="{LINKSET_MEDIA_TYPE}"'
    )
    if link_type in resolved.links and link_type != "gs1:defaultLink":
        path, _ = resolved.links[link_type]
        return Redirect(base_url + path, status_code=307, headers=headers)
    page = await _page(request, resolved.code)
    page.headers.update(headers)
    return page


_DIGITAL_LINK_VARY = "Accept, Accept-Language, Cookie"
