"""Reading batch rows and turning them into the dataclasses of `schemas` (no writes here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from marketplace.catalogue.queries import get_product
from marketplace.catalogue.schemas import Product
from marketplace.errors import NotFound
from traceability.batches.schemas import (
    BatchSummary,
    InputUsed,
    JournalEvent,
    PhiWarning,
    StoredPhoto,
)
from traceability.batches.tables import Batch, EventPhoto, TraceEvent
from traceability.codes import parse_batch_code

Row = dict[str, Any]


def batch_not_found() -> NotFound:
    return NotFound(
        "batch_not_found",
        "Không tìm thấy lô hàng mang mã này.",
        "No batch has this code.",
    )


async def batch_row(raw_code: str) -> Row:
    """The batch row for a code as typed or scanned; NotFound if there is none."""
    code = parse_batch_code(raw_code)
    row = await Batch.select().where(Batch.code == code).output(load_json=True).first()
    if row is None:
        raise batch_not_found()
    return dict(row)


async def event_rows(batch_id: int) -> list[Row]:
    rows = (
        await TraceEvent.select()
        .where(TraceEvent.batch == batch_id)
        .order_by(TraceEvent.sequence)
        .output(load_json=True)
    )
    return [dict(row) for row in rows]


async def photo_rows(event_ids: Sequence[int]) -> dict[int, list[Row]]:
    """Photo rows by event id, in position order."""
    if not event_ids:
        return {}
    rows = (
        await EventPhoto.select()
        .where(EventPhoto.event.is_in(list(event_ids)))
        .order_by(EventPhoto.position)
        .order_by(EventPhoto.id)
    )
    photos: dict[int, list[Row]] = {}
    for row in rows:
        photos.setdefault(int(row["event"]), []).append(dict(row))
    return photos


def decimal_or_none(text: str | None) -> Decimal | None:
    return Decimal(text) if text else None


def stored_photo(row: Mapping[str, Any]) -> StoredPhoto:
    return StoredPhoto(row["media_key"], int(row["width"]), int(row["height"]), row["alt"])


def warning_from_json(stored: Mapping[str, Any]) -> PhiWarning:
    harvest_sequence = stored.get("harvest_sequence")
    return PhiWarning(
        input_name=str(stored["input_name"]),
        input_sequence=int(stored["input_sequence"]),
        applied_at=datetime.fromisoformat(stored["applied_at"]),
        phi_days=int(stored["phi_days"]),
        harvest_sequence=None if harvest_sequence is None else int(harvest_sequence),
        harvested_at=datetime.fromisoformat(stored["harvested_at"]),
        safe_from=datetime.fromisoformat(stored["safe_from"]),
    )


def warning_to_json(warning: PhiWarning) -> dict[str, Any]:
    return {
        "code": warning.code,
        "input_name": warning.input_name,
        "input_sequence": warning.input_sequence,
        "applied_at": warning.applied_at.isoformat(),
        "phi_days": warning.phi_days,
        "harvest_sequence": warning.harvest_sequence,
        "harvested_at": warning.harvested_at.isoformat(),
        "safe_from": warning.safe_from.isoformat(),
    }


def journal_event(row: Mapping[str, Any], photos: Sequence[Mapping[str, Any]]) -> JournalEvent:
    return JournalEvent(
        sequence=int(row["sequence"]),
        kind=row["kind"],
        occurred_at=row["occurred_at"],
        recorded_at=row["recorded_at"],
        commune_code=row["commune_code"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        actor=row["actor"],
        notes=row["notes"],
        inputs=tuple(
            InputUsed(item["name"], item["dose"], item.get("phi_days")) for item in row["inputs"]
        ),
        quantity=decimal_or_none(row["quantity"]),
        unit=row["unit"],
        inspection_passed=row["inspection_passed"],
        certificate_urls=tuple(row["certificate_urls"]),
        photos=tuple(stored_photo(photo) for photo in photos),
        public=bool(row["public"]),
        private_fields=frozenset(row["private_fields"]),
        corrects_sequence=row["corrects_sequence"],
        warnings=tuple(warning_from_json(item) for item in row["warnings"]),
        previous_hash=row["previous_hash"],
        hash=row["hash"],
    )


async def journal_of(batch_id: int) -> list[JournalEvent]:
    """Every event of a batch in sequence order, photos included."""
    rows = await event_rows(batch_id)
    photos = await photo_rows([row["id"] for row in rows])
    return [journal_event(row, photos.get(row["id"], [])) for row in rows]


def batch_summary(row: Mapping[str, Any], product: Product) -> BatchSummary:
    return BatchSummary(
        code=row["code"],
        product_id=product.id,
        product_name=product.name,
        product_slug=product.slug,
        producer_id=int(row["producer"]),
        producer_name=product.producer_name,
        province_code=row["province_code"],
        status=row["status"],
        quantity=decimal_or_none(row["quantity"]),
        unit=row["unit"],
        harvested_on=row["harvested_on"],
        packed_on=row["packed_on"],
        best_before=row["best_before"],
        growing_area_code=row["growing_area_code"],
        recall_reason=row["recall_reason"],
        recalled_at=row["recalled_at"],
        public_fields=tuple(row["public_fields"]),
        event_count=int(row["event_count"]),
        head_hash=row["head_hash"],
        created_at=row["created_at"],
    )


async def summaries(rows: Sequence[Mapping[str, Any]]) -> list[BatchSummary]:
    """Summaries of batch rows, each distinct product read once through the catalogue."""
    products: dict[int, Product] = {}
    for row in rows:
        product_id = int(row["product"])
        if product_id not in products:
            products[product_id] = await get_product(product_id)
    return [batch_summary(row, products[int(row["product"])]) for row in rows]
