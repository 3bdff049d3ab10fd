"""The journal's hash chain: SHA-256 over an event's whole stored content, predecessor included.

Canonical form (version 1): a JSON object of every stored column except the row id, the
idempotency key (how the event was sent, not what happened) and the hash itself — the batch
named by its public code rather than its row id, timestamps in UTC as
`YYYY-MM-DDTHH:MM:SS.ffffffZ`, quantities as exact decimal text, lists in stored order
(`private_fields` sorted), the photos in position order — written with sorted keys, no
whitespace, UTF-8 (`json.dumps(..., sort_keys=True, separators=(",", ":"),
ensure_ascii=False)`). Changing any stored value, the order of events or the link to the
predecessor changes the hash. It is a tamper-evidence fingerprint, not a signature: whoever can
write the database can also rewrite the chain, which `verify_journal` still notices when the
batch's head hash (written with each event) was left alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
CANONICAL_VERSION = 1


def utc_text(moment: datetime) -> str:
    """`2026-03-01T01:30:15.250000Z`: one spelling per instant, whatever the engine returns."""
    if moment.utcoffset() is None:
        raise ValueError("journal times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_event(
    batch_code: str, row: Mapping[str, Any], photos: Sequence[Mapping[str, Any]]
) -> bytes:
    """The bytes that are hashed for one stored event row and its photo rows."""
    content = {
        "v": CANONICAL_VERSION,
        "batch": batch_code,
        "sequence": int(row["sequence"]),
        "kind": row["kind"],
        "occurred_at": utc_text(row["occurred_at"]),
        "recorded_at": utc_text(row["recorded_at"]),
        "commune_code": row["commune_code"],
        "latitude": row["latitude"],
        "longitude": row["longitude"],
        "actor": row["actor"],
        "recorded_by": row["recorded_by"],
        "notes": row["notes"],
        "inputs": list(row["inputs"]),
        "quantity": row["quantity"],
        "unit": row["unit"],
        "inspection_passed": row["inspection_passed"],
        "certificate_urls": list(row["certificate_urls"]),
        "public": bool(row["public"]),
        "private_fields": sorted(row["private_fields"]),
        "corrects_sequence": row["corrects_sequence"],
        "warnings": list(row["warnings"]),
        "photos": [
            {
                "media_key": photo["media_key"],
                "width": int(photo["width"]),
                "height": int(photo["height"]),
                "alt": photo["alt"],
                "position": int(photo["position"]),
            }
            for photo in sorted(photos, key=lambda photo: int(photo["position"]))
        ],
        "previous_hash": row["previous_hash"],
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def event_hash(batch_code: str, row: Mapping[str, Any], photos: Sequence[Mapping[str, Any]]) -> str:
    """The SHA-256 (hex) of the event's canonical form."""
    return hashlib.sha256(canonical_event(batch_code, row, photos)).hexdigest()
