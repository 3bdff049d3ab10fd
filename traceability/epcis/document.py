"""EPCIS 2.0 JSON-LD: one ObjectEvent per journal entry, gathered in an EPCISDocument.

Every event's `eventID` is its CBV 2.0 hash, so anyone holding the export can recompute it and
see that the event was not altered.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from marketplace.errors import invalid_field
from traceability.epcis.events import (
    CBV_STEPS,
    AppliedInput,
    TraceEventData,
    TraceEventKind,
    unit_code,
)
from traceability.epcis.hashing import event_hash
from traceability.epcis.vocabulary import LANGSO_CONTEXT, LANGSO_VOCAB

JSONObject = dict[str, Any]


def epcis_document(
    events: Iterable[TraceEventData], *, sender: str, created_at: datetime
) -> JSONObject:
    """An EPCISDocument (schema version 2.0) holding `events` in the order given."""
    return {
        "@context": copy.deepcopy(LANGSO_CONTEXT),
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": _utc(created_at),
        "sender": sender,
        "epcisBody": {"eventList": [epcis_event(event) for event in events]},
    }


def epcis_event(event: TraceEventData) -> JSONObject:
    """One EPCIS 2.0 ObjectEvent for a journal entry, its hash as `eventID`."""
    body = _event_body(event)
    return {"type": "ObjectEvent", "eventID": event_hash({"type": "ObjectEvent", **body}), **body}


def _event_body(event: TraceEventData) -> JSONObject:
    step = CBV_STEPS[event.kind]
    body: JSONObject = {
        "eventTime": _local(event.event_time, event.time_zone_offset),
        "eventTimeZoneOffset": event.time_zone_offset,
        "quantityList": [_quantity_element(event)],
        "action": step.action,
        "bizStep": step.biz_step,
    }
    if disposition := _disposition(event, step.disposition):
        body["disposition"] = disposition
    body |= _where(event)
    if event.kind is TraceEventKind.HARVEST:
        body["ilmd"] = {"cbvmda:lotNumber": event.batch_code}
    if event.certificate_urls:
        body["certificationInfo"] = list(event.certificate_urls)
    return body | _extensions(event)


def _local(moment: datetime, offset: str) -> str:
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = (int(part) for part in offset[1:].split(":"))
    zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return moment.astimezone(zone).isoformat(timespec="milliseconds")


def _utc(moment: datetime) -> str:
    if moment.utcoffset() is None:
        raise ValueError("created_at must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").removesuffix("+00:00") + "Z"


def _quantity_element(event: TraceEventData) -> JSONObject:
    element: JSONObject = {"epcClass": event.epc_class}
    if event.quantity is not None:
        element["quantity"] = _json_number(event.quantity)
        if event.unit:
            element["uom"] = unit_code(event.unit)
    return element


def _json_number(quantity: int | float | Decimal) -> int | float:
    number = float(quantity)
    if not math.isfinite(number) or number < 0:
        raise invalid_field(
            "quantity",
            "quantity_invalid",
            "Số lượng phải là một số không âm.",
            "The quantity must be a number ≥ 0.",
        )
    if isinstance(quantity, int):
        return quantity
    return int(number) if number.is_integer() else number


def _disposition(event: TraceEventData, default: str | None) -> str | None:
    if event.kind is TraceEventKind.INSPECTION and event.inspection_passed is not None:
        return "conformant" if event.inspection_passed else "non_conformant"
    return default


def _where(event: TraceEventData) -> JSONObject:
    """readPoint: the coordinates if known, else the commune; bizLocation: the commune, except
    for a shipment (the goods leave it)."""
    place = event.place
    if place is None:
        return {}
    commune = f"{LANGSO_VOCAB}commune/{place.commune_code}" if place.commune_code else None
    where: JSONObject = {}
    if place.latitude is not None and place.longitude is not None:
        where["readPoint"] = {"id": f"geo:{place.latitude:.6f},{place.longitude:.6f}"}
    elif commune:
        where["readPoint"] = {"id": commune}
    if commune and event.kind is not TraceEventKind.SHIPPING:
        where["bizLocation"] = {"id": commune}
    return where


def _extensions(event: TraceEventData) -> JSONObject:
    extensions: JSONObject = {}
    if event.inputs:
        extensions["langso:inputs"] = [_input(used) for used in event.inputs]
    if event.notes:
        extensions["langso:notes"] = event.notes
    if event.previous_event_id:
        extensions["langso:previousEventID"] = event.previous_event_id
    return extensions


def _input(used: AppliedInput) -> JSONObject:
    described: JSONObject = {"langso:name": used.name, "langso:dose": used.dose}
    if used.pre_harvest_interval_days is not None:
        described["langso:preHarvestIntervalDays"] = used.pre_harvest_interval_days
    return described
