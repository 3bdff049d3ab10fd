"""EPCIS 2.0 export of a batch's journal and the CBV 2.0 canonical event hash.

`epcis_document(events, sender=..., created_at=...)` turns `TraceEventData` entries into an
EPCISDocument (JSON-LD, GS1's schema); `event_hash(event_json)` fingerprints any EPCIS 2.0 JSON
event the way CBV 2.0 specifies (`ni:///sha-256;…?ver=CBV2.0`).
"""

from traceability.epcis.document import epcis_document, epcis_event
from traceability.epcis.events import (
    CBV_STEPS,
    VIET_NAM_OFFSET,
    AppliedInput,
    CbvStep,
    Place,
    TraceEventData,
    TraceEventKind,
    lot_class_uri,
    unit_code,
)
from traceability.epcis.hashing import event_hash, pre_hash_string
from traceability.epcis.vocabulary import EPCIS_CONTEXT_URL, LANGSO_CONTEXT, LANGSO_VOCAB

__all__ = [
    "CBV_STEPS",
    "EPCIS_CONTEXT_URL",
    "LANGSO_CONTEXT",
    "LANGSO_VOCAB",
    "VIET_NAM_OFFSET",
    "AppliedInput",
    "CbvStep",
    "Place",
    "TraceEventData",
    "TraceEventKind",
    "epcis_document",
    "epcis_event",
    "event_hash",
    "lot_class_uri",
    "pre_hash_string",
    "unit_code",
]
