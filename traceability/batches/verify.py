"""Checking that a batch's stored journal is the one that was written.

Every hash is recomputed from the stored row; every `previous_hash` must be the hash of the
event before; sequence numbers run 1, 2, 3… without a gap (a gap is a deleted event); and the
batch's head (event count and last hash, written with each event) must match the last event,
so that deleting the newest events is caught as well.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from traceability.batches import records
from traceability.batches.chain import GENESIS_HASH, event_hash
from traceability.batches.schemas import VerifyResult

EDITED = "edited"
DELETED = "deleted"
REORDERED = "reordered"


async def verify_journal(batch_code: str) -> VerifyResult:
    """Recompute the whole chain of a batch; `ok` is False at the first problem found."""
    batch = await records.batch_row(batch_code)
    rows = await records.event_rows(batch["id"])
    photos = await records.photo_rows([row["id"] for row in rows])
    return check_rows(batch, rows, photos)


def check_rows(
    batch: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]],
    photos: Mapping[int, Sequence[Mapping[str, Any]]],
) -> VerifyResult:
    """The verification of already-read rows (the provenance page reads them anyway)."""
    stored_hashes = {row["hash"] for row in rows}
    missing_rows = int(batch["event_count"]) > len(rows)
    previous_hash = GENESIS_HASH
    for expected, row in enumerate(rows, start=1):
        sequence = int(row["sequence"])
        if sequence != expected:
            return VerifyResult(False, expected, DELETED, expected - 1)
        content_intact = event_hash(batch["code"], row, photos.get(row["id"], [])) == row["hash"]
        if row["previous_hash"] != previous_hash:
            return _broken_link(row, stored_hashes, missing_rows, content_intact)
        if not content_intact:
            return VerifyResult(False, sequence, EDITED, expected - 1)
        previous_hash = row["hash"]
    return _check_head(batch, rows, previous_hash)


def _broken_link(
    row: Mapping[str, Any], stored_hashes: set[str], missing_rows: bool, content_intact: bool
) -> VerifyResult:
    """What explains a row not chained to the row before it.

    Chained to another row of the journal: events were moved. Fewer rows than the batch
    recorded: one was deleted and the numbers closed up. Its own hash fails: this row was
    edited. Otherwise the row before was edited and its hash recomputed to hide it.
    """
    sequence = int(row["sequence"])
    if row["previous_hash"] in stored_hashes:
        return VerifyResult(False, sequence, REORDERED, sequence - 1)
    if missing_rows:
        return VerifyResult(False, sequence, DELETED, sequence - 1)
    if not content_intact:
        return VerifyResult(False, sequence, EDITED, sequence - 1)
    return VerifyResult(False, max(sequence - 1, 1), EDITED, sequence - 1)


def _check_head(
    batch: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], last_hash: str
) -> VerifyResult:
    count = len(rows)
    if int(batch["event_count"]) > count:
        return VerifyResult(False, count + 1, DELETED, count)
    if int(batch["event_count"]) < count or (count and batch["head_hash"] != last_hash):
        return VerifyResult(False, count, EDITED, count)
    return VerifyResult(True, None, None, count)
