"""Batches (lô) and their tamper-evident journal: the traceability service functions.

    from traceability.batches import open_batch, append_trace_event, EventInput
    batch = await open_batch(account, product_id)
    result = await append_trace_event(account, batch.code, EventInput("harvest", when))
    result.warnings          # pre-harvest-interval warnings, also stored with the event
    await verify_journal(batch.code)          # VerifyResult(ok=True, ...)
    await provenance(batch.code, "en")        # only what the seller made public
    await epcis_for_batch(batch.code)         # EPCIS 2.0 JSON-LD, public events only

`append_trace_event` is the only writer of events; `recall_batch` makes the product
unbuyable from that batch (`is_batch_recalled`, `recalled_batches_of_product`).
"""

from traceability.batches.batches import (
    close_batch,
    link_batches,
    open_batch,
    recall_batch,
    set_public_fields,
)
from traceability.batches.export import epcis_for_batch
from traceability.batches.journal import append_trace_event
from traceability.batches.labels import (
    batch_label_url,
    batch_labels_pdf,
    label_url,
    provenance_url,
)
from traceability.batches.provenance import cached_provenance, provenance
from traceability.batches.queries import (
    BatchJournal,
    OfficerBatch,
    batch_journal,
    is_batch_recalled,
    producer_batches,
    province_batches,
    recalled_batches_of_product,
)
from traceability.batches.resolver import linkset, resolve_digital_link
from traceability.batches.scans import flush_scans, record_scan, scan_flushing
from traceability.batches.schemas import (
    DEFAULT_PUBLIC_FIELDS,
    EVENT_FIELDS,
    KIND_LABELS,
    PUBLIC_FIELDS,
    RECORDABLE_KINDS,
    AppendResult,
    BatchDetails,
    BatchStatus,
    BatchSummary,
    EventInput,
    EventKind,
    InputUsed,
    JournalEvent,
    PhiWarning,
    PhotoUpload,
    Provenance,
    RecalledBatch,
    ScanStats,
    VerifyResult,
)
from traceability.batches.verify import verify_journal

__all__ = [
    "DEFAULT_PUBLIC_FIELDS",
    "EVENT_FIELDS",
    "KIND_LABELS",
    "PUBLIC_FIELDS",
    "RECORDABLE_KINDS",
    "AppendResult",
    "BatchDetails",
    "BatchJournal",
    "BatchStatus",
    "BatchSummary",
    "EventInput",
    "EventKind",
    "InputUsed",
    "JournalEvent",
    "OfficerBatch",
    "PhiWarning",
    "PhotoUpload",
    "Provenance",
    "RecalledBatch",
    "ScanStats",
    "VerifyResult",
    "append_trace_event",
    "batch_journal",
    "batch_label_url",
    "batch_labels_pdf",
    "cached_provenance",
    "close_batch",
    "epcis_for_batch",
    "flush_scans",
    "is_batch_recalled",
    "label_url",
    "link_batches",
    "linkset",
    "open_batch",
    "producer_batches",
    "provenance",
    "provenance_url",
    "province_batches",
    "recall_batch",
    "recalled_batches_of_product",
    "record_scan",
    "resolve_digital_link",
    "scan_flushing",
    "set_public_fields",
    "verify_journal",
]
