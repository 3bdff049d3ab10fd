"""Provenance: what the public may know about a batch, read on one connection and cached.

Only public events and the fields the seller made public appear (see `PUBLIC_FIELDS`); the
producer's address and phone also need the producer's consent. Corrections are folded into
the event they correct. The journal is verified on every rebuild, so a history edited behind
the application's back shows on the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from marketplace import places
from marketplace.catalogue.ocop import CERTIFICATIONS
from marketplace.catalogue.queries import get_producer, get_product
from marketplace.catalogue.schemas import PRODUCER_KINDS, Producer, Product
from marketplace.db import reading
from marketplace.errors import ApplicationError
from traceability.batches import records
from traceability.batches.cache import PROVENANCE
from traceability.batches.queries import linked_codes, recalled_upstream
from traceability.batches.scans import scan_stats
from traceability.batches.schemas import (
    KIND_LABELS,
    BatchStatus,
    Certificate,
    EventKind,
    JournalEvent,
    LinkedBatch,
    PhiWarning,
    Provenance,
    PublicEvent,
    PublicInput,
    PublicProducer,
    PublicProduct,
    StoredPhoto,
)
from traceability.batches.tables import Batch
from traceability.batches.verify import check_rows
from traceability.codes import parse_batch_code

CACHE = PROVENANCE
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


async def provenance(batch_code: str, language: str = "vi") -> Provenance:
    """The public provenance of a batch, read afresh (every read on one connection)."""
    async with reading():
        batch = await records.batch_row(batch_code)
        product = await get_product(int(batch["product"]))
        producer = await get_producer(int(batch["producer"]))
        rows = await records.event_rows(batch["id"])
        photos = await records.photo_rows([row["id"] for row in rows])
        came_from, went_to = await _linked(batch)
        recalled_sources = await recalled_upstream(batch["id"])
        scans = await scan_stats(batch["id"])
    journal = [records.journal_event(row, photos.get(row["id"], [])) for row in rows]
    shown = set(batch["public_fields"])
    events = _public_events(journal, shown, language)
    return Provenance(
        code=batch["code"],
        language=language,
        status=batch["status"],
        recall_reason=batch["recall_reason"] or None,
        recalled_at=batch["recalled_at"],
        product=_product(product, batch, language),
        producer=_producer(producer, shown, language),
        quantity=records.decimal_or_none(batch["quantity"]) if "quantity" in shown else None,
        unit=batch["unit"] if "quantity" in shown else None,
        harvested_on=batch["harvested_on"] if "dates" in shown else None,
        packed_on=batch["packed_on"] if "dates" in shown else None,
        best_before=batch["best_before"] if "dates" in shown else None,
        growing_area_code=(batch["growing_area_code"] or None) if "growing_area" in shown else None,
        events=tuple(events),
        came_from=came_from,
        went_to=went_to,
        journal=check_rows(batch, rows, photos),
        head_hash=batch["head_hash"],
        scans=scans,
        generated_at=datetime.now(UTC),
        warnings=tuple(warning for event in events for warning in event.warnings),
        recalled_sources=recalled_sources,
        past_best_before=_past(batch["best_before"]),
    )


def _past(best_before: date | None) -> bool:
    """Whether the best-before day is over in Viet Nam."""
    return best_before is not None and best_before < datetime.now(VIETNAM).date()


async def cached_provenance(batch_code: str, language: str = "vi") -> Provenance:
    """`provenance`, kept by this worker for about a second (see traceability.batches.cache)."""
    code = parse_batch_code(batch_code)
    return await CACHE.get_or_load(code, language, lambda: provenance(code, language))


def clear_provenance_cache() -> None:
    CACHE.clear()


async def _linked(
    batch: Mapping[str, Any],
) -> tuple[tuple[LinkedBatch, ...], tuple[LinkedBatch, ...]]:
    if "links" not in batch["public_fields"]:
        return (), ()
    upstream, downstream = await linked_codes(batch["id"])
    return await _described(upstream), await _described(downstream)


async def _described(codes: Sequence[str]) -> tuple[LinkedBatch, ...]:
    linked = []
    for code in codes:
        row = await Batch.select(Batch.product, Batch.status).where(Batch.code == code).first()
        if row is None:
            continue
        product = await get_product(int(row["product"]))
        linked.append(LinkedBatch(code, product.name, product.producer_name, row["status"]))
    return tuple(linked)


def _product(product: Product, batch: Mapping[str, Any], language: str) -> PublicProduct:
    description = product.description_en if language == "en" else product.description_vi
    photo = product.photos[0] if product.photos else None
    return PublicProduct(
        name=product.name,
        slug=product.slug,
        description=description or product.description_vi,
        unit=product.unit,
        gtin=product.gtin,
        ocop_stars=product.ocop.stars,
        ocop_certified_stars=product.ocop.certified_stars,
        ocop_valid_until=product.ocop.valid_until,
        ocop_expired=product.ocop.expired,
        certificates=_certificates(product, language),
        photo=StoredPhoto(photo.media_key, photo.width, photo.height, photo.alt) if photo else None,
        buyable=product.status == "active"
        and batch["status"] != BatchStatus.RECALLED
        and not _past(batch["best_before"]),
    )


def _certificates(product: Product, language: str) -> tuple[Certificate, ...]:
    found = []
    if product.ocop.certified_stars is not None:
        stars = product.ocop.certified_stars
        found.append(
            Certificate(
                code="ocop",
                label=f"OCOP {stars} sao" if language == "vi" else f"OCOP {stars} stars",
                valid_until=product.ocop.valid_until,
                expired=product.ocop.expired,
                reference=product.ocop_decision_no,
            )
        )
    for code in product.certifications:
        vi, en = CERTIFICATIONS.get(code, (code, code))
        found.append(Certificate(code=code, label=en if language == "en" else vi))
    return tuple(found)


def _producer(producer: Producer, shown: set[str], language: str) -> PublicProducer:
    vi, en = PRODUCER_KINDS.get(producer.kind, (producer.kind, producer.kind))
    return PublicProducer(
        name=producer.name,
        slug=producer.slug,
        kind=en if language == "en" else vi,
        commune_name=producer.commune_name,
        province_name=producer.province_name,
        address_line=producer.address_line if "address" in shown else None,
        phone=producer.phone if "phone" in shown else None,
        latitude=producer.latitude,
        longitude=producer.longitude,
        verified=producer.verified,
    )


def _public_events(
    journal: Sequence[JournalEvent], shown: set[str], language: str
) -> list[PublicEvent]:
    corrections = {
        event.corrects_sequence: event.notes
        for event in journal
        if event.kind == EventKind.CORRECTION and event.public
    }
    # A warning names the input only when that input's own event shows its inputs.
    inputs_public = {
        event.sequence
        for event in journal
        if event.public and "inputs" in shown and "inputs" not in event.private_fields
    }
    return [
        _public_event(event, shown, language, corrections.get(event.sequence), inputs_public)
        for event in journal
        if event.public and event.kind != EventKind.CORRECTION
    ]


def _public_event(
    event: JournalEvent,
    shown: set[str],
    language: str,
    corrected_by: str | None,
    inputs_public: set[int],
) -> PublicEvent:
    def visible(field: str) -> bool:
        return field in shown and field not in event.private_fields

    commune, province = _place_names(event.commune_code) if visible("places") else (None, None)
    vi, en = KIND_LABELS[event.kind]
    return PublicEvent(
        sequence=event.sequence,
        kind=event.kind,
        kind_label=en if language == "en" else vi,
        occurred_at=event.occurred_at,
        commune_name=commune,
        province_name=province,
        latitude=event.latitude if visible("map") else None,
        longitude=event.longitude if visible("map") else None,
        actor=(event.actor or None) if visible("actors") else None,
        notes=(event.notes or None) if visible("notes") or event.kind == EventKind.RECALL else None,
        inputs=tuple(PublicInput(i.name, i.dose, i.phi_days) for i in event.inputs)
        if visible("inputs")
        else (),
        quantity=event.quantity if visible("quantity") else None,
        unit=(event.unit or None) if visible("quantity") and event.quantity is not None else None,
        inspection_passed=event.inspection_passed,
        certificate_urls=event.certificate_urls if visible("certificates") else (),
        photos=event.photos if visible("photos") else (),
        corrected_by=corrected_by,
        corrects_sequence=None,
        warnings=tuple(
            _warning_text(warning, warning.input_sequence in inputs_public, language)
            for warning in event.warnings
        ),
        hash=event.hash,
    )


def _warning_text(warning: PhiWarning, inputs_shown: bool, language: str) -> str:
    if inputs_shown:
        return warning.message(language)
    if language == "en":
        return "Harvested before the pre-harvest interval of an input used had passed."
    return "Thu hoạch khi chưa hết thời gian cách ly của phân bón hoặc thuốc đã dùng."


def _place_names(commune_code: str | None) -> tuple[str | None, str | None]:
    if not commune_code:
        return None, None
    try:
        commune = places.commune(commune_code)
        return commune.full_name, places.province(commune.province_code).name
    except ApplicationError:
        return commune_code, None
