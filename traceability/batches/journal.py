"""Appending to a batch's journal: `append_trace_event` is the only writer of events.

Each event gets the next sequence number and the hash of its predecessor, computed inside one
write transaction that also moves the batch's head (count and last hash). Corrections never
change an event: they are new events of kind `correction` naming the sequence they correct,
as EPCIS's errorDeclaration does. A recall cannot be corrected, and a recalled batch takes no
more production events.

An event may carry an idempotency key (the diary form sends one; API clients may): the same
key for the same batch records the event once, and a repeat answers with the recorded event.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from marketplace import media
from marketplace.accounts.service import Account
from marketplace.catalogue.members import require_member
from marketplace.db import claim, write_transaction
from marketplace.errors import Conflict, invalid_field
from marketplace.images import WIDTHS, process_photo
from traceability.batches import records, validation
from traceability.batches.cache import batch_changed
from traceability.batches.chain import GENESIS_HASH, event_hash
from traceability.batches.phi import phi_warnings
from traceability.batches.schemas import (
    AppendResult,
    BatchStatus,
    EventInput,
    EventKind,
    InputUsed,
    JournalEvent,
    PhotoUpload,
)
from traceability.batches.tables import Batch, EventPhoto, TraceEvent

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
Row = dict[str, Any]


async def append_trace_event(
    account: Account, batch_code: str, event_input: EventInput
) -> AppendResult:
    """Record what happened to a batch; returns the stored event and any pre-harvest-interval
    warnings (also stored with the event). The account must work for the batch's producer."""
    batch = await records.batch_row(batch_code)
    await require_member(account.id, int(batch["producer"]))
    key = validation.idempotency_key(event_input.idempotency_key)
    repeated = await _recorded_with_key(batch["id"], key)
    if repeated is not None:
        return repeated
    kind = validation.kind(event_input.kind)
    fields = {**_validated_fields(kind, event_input), "idempotency_key": key}
    photos = await _save_photos(batch["code"], event_input.photos, kind)
    try:
        async with write_transaction():
            result = await append_locked(batch["id"], account.id, {**fields, "photos": photos})
    except BaseException:
        await _delete_photos(photos)
        raise
    if result.repeated:
        await _delete_photos(photos)
    else:
        batch_changed(batch["code"])
    return result


async def _recorded_with_key(batch_id: int, key: str | None) -> AppendResult | None:
    """The event already recorded in the batch with this idempotency key, if any."""
    if key is None:
        return None
    row = (
        await TraceEvent.select()
        .where((TraceEvent.batch == batch_id) & (TraceEvent.idempotency_key == key))
        .output(load_json=True)
        .first()
    )
    if row is None:
        return None
    photos = await records.photo_rows([row["id"]])
    event = records.journal_event(row, photos.get(row["id"], []))
    return AppendResult(event=event, warnings=event.warnings, repeated=True)


def _validated_fields(kind: EventKind, given: EventInput) -> Row:
    """The stored columns an input becomes (sequence, hashes and warnings come later)."""
    now = datetime.now(UTC)
    is_correction = kind is EventKind.CORRECTION
    quantity, unit = validation.quantity(given.quantity, given.unit)
    latitude, longitude = validation.point(given.latitude, given.longitude)
    fields: Row = {
        "kind": kind.value,
        "occurred_at": validation.occurred_at(given.occurred_at, now),
        "recorded_at": now,
        "commune_code": validation.commune_code(given.commune_code),
        "latitude": latitude,
        "longitude": longitude,
        "actor": validation.line(given.actor, "actor", 200),
        "notes": validation.notes(given.notes, required=is_correction),
        "inputs": validation.inputs(kind, given.inputs),
        "quantity": quantity,
        "unit": unit,
        "inspection_passed": _inspection_result(kind, given.inspection_passed),
        "certificate_urls": validation.certificate_urls(given.certificate_urls),
        "public": given.public,
        "private_fields": validation.event_private_fields(given.private_fields),
        "corrects_sequence": given.corrects_sequence if is_correction else None,
        "photos": [],
    }
    if is_correction and given.corrects_sequence is None:
        raise _correction_target_missing()
    return fields


def _inspection_result(kind: EventKind, passed: bool | None) -> bool | None:
    if kind is not EventKind.INSPECTION:
        return None
    if passed is None:
        raise invalid_field(
            "inspection_passed",
            "inspection_result_required",
            "Hãy chọn kết quả kiểm tra: đạt hoặc không đạt.",
            "Please choose the inspection result: passed or failed.",
        )
    return passed


async def append_locked(batch_id: int, account_id: int | None, fields: Row) -> AppendResult:
    """Append inside the caller's write transaction (also used by `recall_batch`)."""
    key = fields.get("idempotency_key")
    if key is not None:
        # A repeat racing the first submission waits here (PostgreSQL), then finds its event.
        await claim(f"traceability-event:{batch_id}:{key}")
        repeated = await _recorded_with_key(batch_id, key)
        if repeated is not None:
            return repeated
    batch = await Batch.select(Batch.code, Batch.status).where(Batch.id == batch_id).first()
    assert batch is not None
    kind = EventKind(fields["kind"])
    _check_status(batch["status"], kind)
    sequence, previous_hash = await _advance_head(batch_id)
    history = await records.journal_of(batch_id)
    row = {**fields, "batch": batch_id, "sequence": sequence, "recorded_by": account_id}
    _check_correction(row, history)
    warnings = phi_warnings(kind, row["occurred_at"], _inputs_of(row), sequence, history)
    row["warnings"] = [records.warning_to_json(warning) for warning in warnings]
    row["previous_hash"] = previous_hash
    photos = [{**photo, "position": index} for index, photo in enumerate(row.pop("photos"))]
    row["hash"] = event_hash(batch["code"], row, photos)
    inserted = await TraceEvent.insert(TraceEvent(**row))
    event_id = int(inserted[0]["id"])
    for photo in photos:
        await EventPhoto.insert(EventPhoto(event=event_id, **photo))
    await _move_head(batch_id, row)
    event = records.journal_event(row, photos)
    return AppendResult(event=event, warnings=tuple(warnings))


def _check_status(status: str, kind: EventKind) -> None:
    """A recalled batch takes no more production events, a closed one neither; corrections
    are still written (and the recall itself, by `recall_batch`)."""
    if kind in (EventKind.CORRECTION, EventKind.RECALL):
        return
    if status == BatchStatus.RECALLED:
        raise Conflict(
            "batch_recalled",
            "Lô hàng đã bị thu hồi: không thể ghi thêm sự kiện sản xuất, chỉ có thể ghi đính "
            "chính.",
            "This batch has been recalled: no more production events can be recorded, only "
            "corrections.",
        )
    if status == BatchStatus.CLOSED:
        raise Conflict(
            "batch_closed",
            "Lô hàng đã đóng, chỉ có thể ghi đính chính.",
            "This batch is closed: only corrections can be recorded.",
        )


async def _advance_head(batch_id: int) -> tuple[int, str]:
    """Take the next sequence number; on PostgreSQL the row lock serialises writers."""
    rows = (
        await Batch.update({Batch.event_count: Batch.event_count + 1})
        .where(Batch.id == batch_id)
        .returning(Batch.event_count, Batch.head_hash)
    )
    head = rows[0]
    return int(head["event_count"]), head["head_hash"] or GENESIS_HASH


async def _move_head(batch_id: int, row: Row) -> None:
    changes: dict[Any, Any] = {Batch.head_hash: row["hash"], Batch.updated_at: row["recorded_at"]}
    local_day = row["occurred_at"].astimezone(VIETNAM).date()
    current = await Batch.select(Batch.harvested_on, Batch.packed_on).where(Batch.id == batch_id)
    if row["kind"] == EventKind.HARVEST and current[0]["harvested_on"] is None:
        changes[Batch.harvested_on] = local_day
    if row["kind"] == EventKind.PACKING and current[0]["packed_on"] is None:
        changes[Batch.packed_on] = local_day
    await Batch.update(changes).where(Batch.id == batch_id)


def _inputs_of(row: Row) -> tuple[InputUsed, ...]:
    return tuple(InputUsed(i["name"], i["dose"], i["phi_days"]) for i in row["inputs"])


def _check_correction(row: Row, history: list[JournalEvent]) -> None:
    """A correction names an earlier event that is not itself a correction nor a recall, and
    is as public as that event: a published entry cannot be withdrawn in secret, and a recall
    (perhaps an officer's) cannot be withdrawn by a correction at all."""
    target_sequence = row["corrects_sequence"]
    if row["kind"] != EventKind.CORRECTION:
        return
    target = next((event for event in history if event.sequence == target_sequence), None)
    if target is None or target.kind == EventKind.CORRECTION:
        raise _correction_target_missing()
    if target.kind == EventKind.RECALL:
        raise Conflict(
            "recall_not_correctable",
            "Không thể đính chính lệnh thu hồi: lô hàng vẫn bị thu hồi.",
            "A recall cannot be corrected: the batch stays recalled.",
        )
    row["public"] = target.public
    row["private_fields"] = []


def _correction_target_missing() -> Exception:
    return invalid_field(
        "corrects_sequence",
        "correction_target_invalid",
        "Hãy chọn sự kiện cần đính chính (một sự kiện đã ghi, không phải một đính chính).",
        "Please choose the event to correct (a recorded event, not a correction).",
    )


async def _save_photos(
    batch_code: str, uploads: tuple[PhotoUpload, ...], kind: EventKind
) -> list[Row]:
    if not uploads:
        return []
    if len(uploads) > validation.MAX_PHOTOS or kind is EventKind.CORRECTION:
        raise invalid_field(
            "photos",
            "photo_limit",
            f"Mỗi sự kiện có tối đa {validation.MAX_PHOTOS} ảnh.",
            f"An event has at most {validation.MAX_PHOTOS} photos.",
        )
    saved: list[Row] = []
    try:
        for upload in uploads:
            alt = validation.line(upload.alt, "alt", 200)
            processed = await asyncio.to_thread(process_photo, upload.data, "photos")
            key = f"batches/{batch_code.lower()}/{secrets.token_hex(8)}"
            for rendition in processed.renditions:
                await media.storage().save(
                    f"{key}-{rendition.bucket}.jpg", rendition.data, "image/jpeg"
                )
            saved.append(
                {"media_key": key, "width": processed.width, "height": processed.height, "alt": alt}
            )
    except BaseException:
        await _delete_photos(saved)
        raise
    return saved


async def _delete_photos(photos: list[Row]) -> None:
    for photo in photos:
        for bucket in WIDTHS:
            await media.storage().delete(f"{photo['media_key']}-{bucket}.jpg")
