"""Label sheets for a batch: every sticker's QR code opens the batch's page, through its GS1
Digital Link `{base_url}/01/{gtin14}/10/{code}` when the product has a GTIN, else
`{base_url}/t/{code}`. A recalled batch gets no labels."""

from __future__ import annotations

from marketplace.catalogue.queries import get_product
from marketplace.db import reading
from marketplace.errors import Conflict, invalid_field
from traceability.batches import records
from traceability.batches.schemas import BatchStatus
from traceability.gs1_link import digital_link
from traceability.labels import DEFAULT_LAYOUT, LAYOUTS, LabelData, label_sheet_pdf

MAX_LABELS = 2000


def provenance_url(base_url: str, batch_code: str) -> str:
    return f"{base_url.rstrip('/')}/t/{batch_code}"


def label_url(base_url: str, batch_code: str, gtin: str | None) -> str:
    """What a batch's QR code carries: its GS1 Digital Link when the product has a GTIN (the
    resolver at `/01/…/10/…` opens the same page), else its provenance page."""
    if gtin:
        return digital_link(base_url.rstrip("/"), gtin, batch_code)
    return provenance_url(base_url, batch_code)


async def batch_label_url(batch_code: str, base_url: str) -> str:
    """`label_url` of a batch known by its code."""
    async with reading():
        batch = await records.batch_row(batch_code)
        product = await get_product(int(batch["product"]))
    return label_url(base_url, batch["code"], product.gtin)


async def batch_labels_pdf(
    batch_code: str, base_url: str, layout: str = DEFAULT_LAYOUT, count: int | None = None
) -> bytes:
    """A PDF of `count` identical labels (a full sheet by default) for the batch; `Conflict`
    (`batch_recalled`) for a recalled batch, whose goods must not be labelled for sale."""
    if layout not in LAYOUTS:
        label_sheet_pdf([], layout)  # raises the friendly "unknown layout" error
    count = LAYOUTS[layout].per_page if count is None else count
    if not 1 <= count <= MAX_LABELS:
        raise invalid_field(
            "count",
            "label_count_invalid",
            f"Số nhãn phải từ 1 đến {MAX_LABELS}.",
            f"The number of labels must be 1 to {MAX_LABELS}.",
        )
    async with reading():
        batch = await records.batch_row(batch_code)
        product = await get_product(int(batch["product"]))
    if batch["status"] == BatchStatus.RECALLED:
        raise labels_refused_for_recall(batch["code"])
    label = LabelData(
        url=label_url(base_url, batch["code"], product.gtin),
        product_name=product.name,
        batch_code=batch["code"],
        producer_name=product.producer_name,
        harvested_on=batch["harvested_on"],
        packed_on=batch["packed_on"],
        best_before=batch["best_before"],
    )
    return label_sheet_pdf([label] * count, layout)


def labels_refused_for_recall(batch_code: str) -> Conflict:
    return Conflict(
        "batch_recalled",
        f"Lô {batch_code} đã bị thu hồi: không in nhãn cho lô này.",
        f"Batch {batch_code} has been recalled: no labels are printed for it.",
    )
