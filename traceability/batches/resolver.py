"""GS1 Digital Link resolution for batches whose product has a GTIN: `/01/{gtin14}/10/{lot}`.

As GS1 Resolver CE v3 answers: `?linkType=gs1:pip|gs1:traceability|gs1:epcis` selects one link
(a 307 redirect), `?linkType=linkset` or `Accept: application/linkset+json` gives every link
(RFC 9264 linkset JSON), and no link type — or one we do not have, as the standard's
fallback — gives the default link, the provenance page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marketplace.catalogue.queries import get_product
from marketplace.errors import ApplicationError, NotFound
from marketplace.gs1 import validate_gtin
from traceability.batches import records

GS1_VOCAB = "https://gs1.org/voc/"
LINKSET_MEDIA_TYPE = "application/linkset+json"
LINKSET_REQUESTS = frozenset({"linkset", "all"})


@dataclass(frozen=True)
class ResolvedBatch:
    """A batch found from its Digital Link, with where each link type leads (site paths)."""

    code: str
    gtin14: str
    product_name: str
    links: dict[str, tuple[str, str]]  # link type → (path, media type)


async def resolve_digital_link(gtin: str, lot: str) -> ResolvedBatch:
    """The batch named by a GTIN and lot; NotFound unless the lot is a batch of that GTIN."""
    try:
        gtin14 = validate_gtin(gtin)
        batch = await records.batch_row(lot)
    except ApplicationError:
        raise _unknown() from None
    product = await get_product(int(batch["product"]))
    if product.gtin is None or validate_gtin(product.gtin) != gtin14:
        raise _unknown()
    code = batch["code"]
    return ResolvedBatch(
        code=code,
        gtin14=gtin14,
        product_name=product.name,
        links={
            "gs1:defaultLink": (f"/t/{code}", "text/html"),
            "gs1:traceability": (f"/t/{code}", "text/html"),
            "gs1:pip": (f"/products/{product.slug}", "text/html"),
            "gs1:epcis": (f"/api/v1/batches/{code}/epcis", "application/ld+json"),
        },
    )


def linkset(base_url: str, resolved: ResolvedBatch) -> dict[str, Any]:
    """Every link of the batch as an RFC 9264 linkset, the way GS1 Resolver CE writes it."""
    anchor = f"{base_url}/01/{resolved.gtin14}/10/{resolved.code}"
    entry: dict[str, Any] = {"anchor": anchor}
    for link_type, (path, media_type) in resolved.links.items():
        entry[GS1_VOCAB + link_type.removeprefix("gs1:")] = [
            {
                "href": base_url + path,
                "title": resolved.product_name,
                "type": media_type,
                "hreflang": ["vi", "en"],
            }
        ]
    return {"linkset": [entry]}


def _unknown() -> NotFound:
    return NotFound(
        "digital_link_unknown",
        "Không có lô hàng nào ứng với mã GTIN và số lô này.",
        "No batch matches this GTIN and lot.",
    )
