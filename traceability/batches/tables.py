"""Batch tables. Only `traceability.batches` services write them: events only through
`append_trace_event`, scan counters only through the scan buffer's flush."""

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from marketplace.catalogue.tables import Producer, Product
from marketplace.db import DB


class Batch(Table, db=DB, tablename="traceability_batch"):
    """A lô: one production batch of one product, named by its printed code.

    `event_count` and `head_hash` are the journal's length and last hash, written in the same
    transaction as each event, so that a deleted last event is noticed too.
    """

    id = Serial(primary_key=True)
    code = Varchar(length=20, unique=True, index=True)
    product = ForeignKey(references=Product, null=False, index=True)
    producer = ForeignKey(references=Producer, null=False, index=True)
    # Where the batch comes from (the producer's province when it was opened): officers of
    # that province oversee it, even if the producer later moves.
    province_code = Varchar(length=2, index=True)
    quantity = Varchar(length=24, null=True, default=None)  # exact decimal as text
    unit = Varchar(length=20, default="")
    harvested_on = Date(null=True, default=None)
    packed_on = Date(null=True, default=None)
    best_before = Date(null=True, default=None)
    growing_area_code = Varchar(length=60, default="")  # mã số vùng trồng
    status = Varchar(length=10, default="active", index=True)  # active | recalled | closed
    recall_reason = Text(default="")
    recalled_at = Timestamptz(null=True, default=None)
    public_fields = JSON(default=[])
    event_count = Integer(default=0)
    head_hash = Varchar(length=64, default="")
    created_by = Integer(null=True, default=None)  # account id
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class BatchLink(Table, db=DB, tablename="traceability_batch_link"):
    """One step of the chain: goods of `from_batch` went into `to_batch`."""

    id = Serial(primary_key=True)
    from_batch = ForeignKey(references=Batch, null=False, on_delete=OnDelete.cascade, index=True)
    to_batch = ForeignKey(references=Batch, null=False, on_delete=OnDelete.cascade, index=True)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class TraceEvent(Table, db=DB, tablename="traceability_event"):
    """One entry of a batch's append-only journal; `hash` covers every other column (see
    traceability.batches.chain) and `previous_hash` links it to the entry before."""

    id = Serial(primary_key=True)
    batch = ForeignKey(references=Batch, null=False, on_delete=OnDelete.cascade, index=True)
    sequence = Integer()  # 1, 2, 3… unique per batch (index in the migration)
    kind = Varchar(length=20)
    occurred_at = Timestamptz()
    recorded_at = Timestamptz()
    commune_code = Varchar(length=5, null=True, default=None)
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    actor = Varchar(length=200, default="")
    recorded_by = Integer(null=True, default=None)  # account id
    notes = Text(default="")
    inputs = JSON(default=[])  # [{"name", "dose", "phi_days"}]
    quantity = Varchar(length=24, null=True, default=None)
    unit = Varchar(length=20, default="")
    inspection_passed = Boolean(null=True, default=None)
    certificate_urls = JSON(default=[])
    public = Boolean(default=True)
    private_fields = JSON(default=[])
    corrects_sequence = Integer(null=True, default=None)
    warnings = JSON(default=[])
    previous_hash = Varchar(length=64)
    hash = Varchar(length=64)
    # The key a form or API client sent with the event, so that a repeated submission is
    # recorded once (unique with `batch`, index in the migration; not part of the hash).
    idempotency_key = Varchar(length=64, null=True, default=None)


class EventPhoto(Table, db=DB, tablename="traceability_event_photo"):
    """A photo of an event: JPEG renditions at `<media_key>-<bucket>.jpg`."""

    id = Serial(primary_key=True)
    event = ForeignKey(references=TraceEvent, null=False, on_delete=OnDelete.cascade, index=True)
    position = Integer(default=0)
    media_key = Varchar(length=200)
    width = Integer()
    height = Integer()
    alt = Varchar(length=200, default="")


class ScanTotal(Table, db=DB, tablename="traceability_scan_total"):
    """How often a batch's code has been scanned, and when first (written in batches)."""

    id = Serial(primary_key=True)
    batch = ForeignKey(references=Batch, null=False, on_delete=OnDelete.cascade, unique=True)
    scans = BigInt(default=0)
    first_scan_at = Timestamptz()
    last_scan_at = Timestamptz()


class ScanBucket(Table, db=DB, tablename="traceability_scan_bucket"):
    """Scans of one batch in one hour (`hour` = Unix time // 3600)."""

    id = Serial(primary_key=True)
    batch = ForeignKey(references=Batch, null=False, on_delete=OnDelete.cascade, index=True)
    hour = BigInt()  # unique with `batch` (index in the migration)
    scans = Integer(default=0)


class ScanNetwork(Table, db=DB, tablename="traceability_scan_network"):
    """One network seen scanning a batch in one hour, as a salted hash (never the address)."""

    id = Serial(primary_key=True)
    batch = ForeignKey(references=Batch, null=False, on_delete=OnDelete.cascade, index=True)
    hour = BigInt()  # unique with `batch` and `network` (index in the migration)
    network = Varchar(length=32)
