"""Label sheets for a batch: every sticker's QR code opens `{base_url}/t/{code}`."""

from __future__ import annotations

from marketplace.catalogue.queries import get_product
from marketplace.db import reading
from marketplace.errors import invalid_field
from traceability.batches import records
from traceability.labels import DEFAULT_LAYOUT, LAYOUTS, LabelData, label_sheet_pdf

MAX_LABELS = 2000


def provenance_url(base_url: str, batch_code: str) -> str:
    return f"{base_url.rstrip('/')}/t/{batch_code}"


async def batch_labels_pdf(
    batch_code: str, base_url: str, layout: str = DEFAULT_LAYOUT, count: int | None = None
) -> bytes:
    """A PDF of `count` identical labels (a full sheet by default) for the batch."""
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
    label = LabelData(
        url=provenance_url(base_url, batch["code"]),
        product_name=product.name,
        batch_code=batch["code"],
        producer_name=product.producer_name,
        harvested_on=batch["harvested_on"],
        packed_on=batch["packed_on"],
        best_before=batch["best_before"],
    )
    return label_sheet_pdf([label] * count, layout)
