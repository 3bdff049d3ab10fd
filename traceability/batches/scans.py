"""Counting scans of batch codes without a database write per scan.

`record_scan` only adds to the "batch-scans" tally of the worker's shared state
(`marketplace.shared`): this process's memory, or Redis when REDIS_URL is set, where the
counts of every worker add up and survive a worker that dies. `flush_scans` writes what is
pending in one transaction (three upserts per batch), by whichever worker holds the stream's
flush lock; `scan_flushing()` runs it every `FLUSH_INTERVAL_SECONDS` in the background and
once more at shutdown. Counts may lag by that interval; in memory mode a crash loses at most
that much. Heritage scans (`traceability.heritage.scans`) are counted the same way.

Per batch the database keeps: total scans with first and last scan time; scans per hour; and
the networks seen per hour — an IPv4 /24 or IPv6 /48 as an HMAC-SHA-256 keyed with the
secret key and the day, so that no address is stored (not even in Redis) and hashes of
different days cannot be linked. Network hashes are kept `NETWORK_RETENTION_DAYS` days.

Warning thresholds (a label copied onto other goods is scanned far more, and from far more
places, than one batch's buyers scan it): within the current and the previous hour, at least
`SUSPICIOUS_SCANS` scans from at least `SCANS_NEED_NETWORKS` networks, or scans from at least
`SUSPICIOUS_NETWORKS` distinct networks.
A real batch of a few hundred bags sold over weeks stays far below both.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from marketplace.config import get_settings
from marketplace.db import write_transaction
from marketplace.shared import Tally, TallyStream, current, flushing
from traceability.batches.schemas import ScanStats
from traceability.batches.tables import Batch, ScanBucket, ScanNetwork, ScanTotal

FLUSH_INTERVAL_SECONDS = 3.0
BUCKET_SECONDS = 3600
RECENT_BUCKETS = 2  # the current hour and the one before
SUSPICIOUS_SCANS = 200
SUSPICIOUS_NETWORKS = 30
# Many scans count only from several networks: one phone reloading the page (or one script
# hammering it) is not a label copied onto other goods.
SCANS_NEED_NETWORKS = 3
NETWORK_RETENTION_DAYS = 14
MAX_REMEMBERED_HASHES = 50_000
STREAM = "batch-scans"
_ROWS_PER_STATEMENT = 200
log = logging.getLogger("langso.scans")


@dataclass
class _Pending:
    """One batch's share of a flushed tally."""

    scans: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    hours: dict[int, int] = field(default_factory=dict)
    networks: dict[int, set[str]] = field(default_factory=dict)


def _by_batch(tally: Tally) -> dict[str, _Pending]:
    """Decode a tally: counts "code|hour", extremes by code, members "code|hour|network"."""
    pending: dict[str, _Pending] = {}
    for name, count in tally.counts.items():
        code, hour = name.rsplit("|", 1)
        batch = pending.setdefault(code, _Pending())
        batch.scans += count
        batch.hours[int(hour)] = batch.hours.get(int(hour), 0) + count
    for code, moment in tally.smallest.items():
        pending.setdefault(code, _Pending()).first_at = datetime.fromtimestamp(moment, UTC)
    for code, moment in tally.largest.items():
        pending.setdefault(code, _Pending()).last_at = datetime.fromtimestamp(moment, UTC)
    for member in tally.members:
        code, hour, network = member.split("|", 2)
        pending.setdefault(code, _Pending()).networks.setdefault(int(hour), set()).add(network)
    return {code: batch for code, batch in pending.items() if batch.scans}


class ScanCounter:
    """Records scans of batch codes into the current worker's "batch-scans" tally."""

    def __init__(self) -> None:
        self._key: bytes | None = None
        self._hashes: dict[tuple[str, int], str] = {}

    def record(self, batch_code: str, client_address: str, at: datetime | None = None) -> None:
        moment = (at or datetime.now(UTC)).timestamp()
        hour = int(moment) // BUCKET_SECONDS
        bucket = f"{batch_code}|{hour}"
        current().tally(
            STREAM,
            counts=(bucket,),
            extremes=((batch_code, moment),),
            members=(f"{bucket}|{self.network_hash(client_address, hour)}",),
        )

    def network_hash(self, client_address: str, hour: int) -> str:
        """A day-salted keyed hash of the address's network: never the address itself.

        Remembered per address and day (the hot path scans the same phones again and again);
        the memo is dropped whole when it grows large.
        """
        day = hour * BUCKET_SECONDS // 86_400
        remembered = self._hashes.get((client_address, day))
        if remembered is not None:
            return remembered
        if self._key is None:
            self._key = get_settings().secret_key.encode()
        message = f"scan-network:{day}:{network_of(client_address)}".encode()
        hashed = hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]
        if len(self._hashes) >= MAX_REMEMBERED_HASHES:
            self._hashes.clear()
        self._hashes[(client_address, day)] = hashed
        return hashed

    def take(self) -> None:
        """Forget the scans this process has not written yet (tests start from nothing)."""
        current().discard(STREAM)

    def __len__(self) -> int:
        return current().pending(STREAM)


def network_of(client_address: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) a client address belongs to; other text as given."""
    try:
        address = ipaddress.ip_address(client_address)
    except ValueError:
        return client_address
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


BUFFER = ScanCounter()
_last_cleanup = 0.0


def record_scan(batch_code: str, client_address: str, at: datetime | None = None) -> None:
    """Count one scan of an existing batch's code (no database write here)."""
    BUFFER.record(batch_code, client_address, at)


async def _write_tally(tally: Tally) -> int:
    taken = _by_batch(tally)
    if not taken:
        return 0
    async with write_transaction():
        written = await _write(taken)
        await _forget_old_networks()
    return written


SCANS = TallyStream(STREAM, _write_tally)


async def flush_scans() -> int:
    """Write every pending scan in one transaction; returns how many scans were written."""
    return await SCANS.flush()


async def _write(taken: dict[str, _Pending]) -> int:
    rows = await Batch.select(Batch.id, Batch.code).where(Batch.code.is_in(list(taken)))
    written = 0
    for row in rows:
        pending = taken[row["code"]]
        await _upsert_total(int(row["id"]), pending)
        await _upsert_hours(int(row["id"]), pending)
        await _insert_networks(int(row["id"]), pending)
        written += pending.scans
    return written


async def _upsert_total(batch_id: int, pending: _Pending) -> None:
    await ScanTotal.raw(
        "INSERT INTO traceability_scan_total (batch, scans, first_scan_at, last_scan_at) "
        "VALUES ({}, {}, {}, {}) ON CONFLICT (batch) DO UPDATE SET "
        "scans = traceability_scan_total.scans + excluded.scans, "
        "first_scan_at = CASE WHEN excluded.first_scan_at < traceability_scan_total.first_scan_at"
        " THEN excluded.first_scan_at ELSE traceability_scan_total.first_scan_at END, "
        "last_scan_at = CASE WHEN excluded.last_scan_at > traceability_scan_total.last_scan_at"
        " THEN excluded.last_scan_at ELSE traceability_scan_total.last_scan_at END",
        batch_id,
        pending.scans,
        pending.first_at,
        pending.last_at,
    )


async def _upsert_hours(batch_id: int, pending: _Pending) -> None:
    for hour, count in pending.hours.items():
        await ScanBucket.raw(
            "INSERT INTO traceability_scan_bucket (batch, hour, scans) VALUES ({}, {}, {}) "
            "ON CONFLICT (batch, hour) DO UPDATE SET "
            "scans = traceability_scan_bucket.scans + excluded.scans",
            batch_id,
            hour,
            count,
        )


async def _insert_networks(batch_id: int, pending: _Pending) -> None:
    values = [
        (batch_id, hour, network)
        for hour, networks in pending.networks.items()
        for network in sorted(networks)
    ]
    for start in range(0, len(values), _ROWS_PER_STATEMENT):
        chunk = values[start : start + _ROWS_PER_STATEMENT]
        # Only "{}" placeholders are joined into the statement; values travel as parameters.
        statement = "".join(
            [
                "INSERT INTO traceability_scan_network (batch, hour, network) VALUES ",
                ", ".join("({}, {}, {})" for _ in chunk),
                " ON CONFLICT (batch, hour, network) DO NOTHING",
            ]
        )
        await ScanNetwork.raw(
            statement,
            *[value for row in chunk for value in row],
        )


async def _forget_old_networks() -> None:
    global _last_cleanup
    if time.monotonic() - _last_cleanup < BUCKET_SECONDS:
        return
    _last_cleanup = time.monotonic()
    oldest = int(time.time()) // BUCKET_SECONDS - NETWORK_RETENTION_DAYS * 24
    await ScanNetwork.delete().where(ScanNetwork.hour < oldest)


async def scan_stats(batch_id: int, now: datetime | None = None) -> ScanStats:
    """What the database knows of a batch's scans (run inside `reading()` on a hot path)."""
    current_hour = int((now or datetime.now(UTC)).timestamp()) // BUCKET_SECONDS
    since = current_hour - RECENT_BUCKETS + 1
    # Recent counts first, the total last: a flush landing between the reads (PostgreSQL
    # reads here are not one snapshot) then only raises the total, so the page never says
    # "scanned 31 times" beside "33 scans in the last 2 hours".
    recent = await ScanBucket.select(ScanBucket.scans).where(
        (ScanBucket.batch == batch_id) & (ScanBucket.hour >= since)
    )
    networks = await ScanNetwork.raw(
        "SELECT COUNT(DISTINCT network) AS networks FROM traceability_scan_network "
        "WHERE batch = {} AND hour >= {}",
        batch_id,
        since,
    )
    total = await ScanTotal.select(ScanTotal.scans, ScanTotal.first_scan_at).where(
        ScanTotal.batch == batch_id
    )
    recent_scans = sum(int(row["scans"]) for row in recent)
    recent_networks = int(networks[0]["networks"]) if networks else 0
    return ScanStats(
        total=int(total[0]["scans"]) if total else 0,
        first_scan_at=total[0]["first_scan_at"] if total else None,
        recent_scans=recent_scans,
        recent_networks=recent_networks,
        suspicious=recent_networks >= SUSPICIOUS_NETWORKS
        or (recent_scans >= SUSPICIOUS_SCANS and recent_networks >= SCANS_NEED_NETWORKS),
    )


@asynccontextmanager
async def scan_flushing(interval: float = FLUSH_INTERVAL_SECONDS) -> AsyncIterator[None]:
    """Flush pending scans every `interval` seconds while the block runs, and at its end."""
    async with flushing([SCANS], interval):
        yield


def pending_scans() -> int:
    """How many scans wait in this process (memory mode; with Redis, those not yet sent)."""
    return len(BUFFER)
