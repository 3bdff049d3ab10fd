"""EPCIS 2.0 JSON-LD export of a batch's journal.

Each exported event's `eventID` is its CBV 2.0 hash and `langso:previousEventID` chains it to
the event exported before it, so a recipient can check the export without our database. A
correction is not exported as an event of its own: the event it corrects carries an
`errorDeclaration` (reason `incorrect_data`), as EPCIS prescribes. The public export holds only
public events and public fields; the producer's members may export everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from marketplace.accounts.service import Account
from marketplace.catalogue.members import require_member
from marketplace.catalogue.queries import get_product
from marketplace.config import get_settings
from marketplace.db import reading
from marketplace.errors import PermissionDenied
from traceability.batches import records
from traceability.batches.schemas import EventKind, JournalEvent
from traceability.epcis import (
    AppliedInput,
    Place,
    TraceEventData,
    TraceEventKind,
    epcis_document,
    epcis_event,
    lot_class_uri,
)
from traceability.epcis.document import JSONObject


async def epcis_for_batch(
    batch_code: str, *, public_only: bool = True, account: Account | None = None
) -> JSONObject:
    """The batch's journal as an EPCISDocument. With `public_only=False` the account must work
    for the batch's producer, and every event and field is exported."""
    async with reading():
        batch = await records.batch_row(batch_code)
        if not public_only:
            await _require_member(account, int(batch["producer"]))
        product = await get_product(int(batch["product"]))
        journal = await records.journal_of(batch["id"])
    shown = None if not public_only else set(batch["public_fields"])
    events = _export_events(batch["code"], product.gtin, journal, shown)
    document = epcis_document([], sender=get_settings().base_url, created_at=datetime.now(UTC))
    document["epcisBody"]["eventList"] = events
    return document


async def _require_member(account: Account | None, producer_id: int) -> None:
    if account is None:
        raise PermissionDenied(
            "login_required_for_full_export",
            "Cần mã truy cập của cơ sở sản xuất để xuất toàn bộ nhật ký.",
            "Exporting the whole journal needs an API token of the producer.",
        )
    await require_member(account.id, producer_id)


def _export_events(
    code: str, gtin: str | None, journal: Sequence[JournalEvent], shown: set[str] | None
) -> list[JSONObject]:
    corrections = {
        event.corrects_sequence: event
        for event in journal
        if event.kind == EventKind.CORRECTION and (shown is None or event.public)
    }
    exported: list[JSONObject] = []
    previous_id: str | None = None
    for event in journal:
        if event.kind == EventKind.CORRECTION or (shown is not None and not event.public):
            continue
        data = _event_data(code, gtin, event, shown, previous_id)
        json_event = epcis_event(data)
        if correction := corrections.get(event.sequence):
            json_event["errorDeclaration"] = _error_declaration(correction)
        previous_id = json_event["eventID"]
        exported.append(json_event)
    return exported


def _event_data(
    code: str,
    gtin: str | None,
    event: JournalEvent,
    shown: set[str] | None,
    previous_id: str | None,
) -> TraceEventData:
    def visible(field: str) -> bool:
        return shown is None or (field in shown and field not in event.private_fields)

    return TraceEventData(
        kind=TraceEventKind(event.kind),
        event_time=event.occurred_at,
        epc_class=lot_class_uri(code, gtin),
        batch_code=code,
        place=_place(event, visible("places"), visible("map")),
        quantity=event.quantity if visible("quantity") else None,
        unit=(event.unit or None) if visible("quantity") else None,
        inputs=tuple(AppliedInput(i.name, i.dose, i.phi_days) for i in event.inputs)
        if visible("inputs")
        else (),
        inspection_passed=event.inspection_passed,
        certificate_urls=event.certificate_urls if visible("certificates") else (),
        notes=(event.notes or None) if visible("notes") or event.kind == EventKind.RECALL else None,
        previous_event_id=previous_id,
    )


def _place(event: JournalEvent, commune_shown: bool, map_shown: bool) -> Place | None:
    commune = event.commune_code if commune_shown else None
    has_point = map_shown and event.latitude is not None and event.longitude is not None
    if commune is None and not has_point:
        return None
    return Place(
        commune_code=commune,
        latitude=event.latitude if has_point else None,
        longitude=event.longitude if has_point else None,
    )


def _error_declaration(correction: JournalEvent) -> dict[str, Any]:
    declaration: dict[str, Any] = {
        "declarationTime": correction.occurred_at.astimezone(UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z"),
        "reason": "incorrect_data",
    }
    if correction.notes:
        declaration["langso:reason"] = correction.notes
    return declaration
