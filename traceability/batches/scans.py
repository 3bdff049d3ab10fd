"""Counting scans of batch codes without a database write per scan.

`record_scan` only touches an in-process buffer; `flush_scans` writes everything buffered in
one transaction (three upserts per batch), and `scan_flushing()` runs it every
`FLUSH_INTERVAL_SECONDS` in the background and once more at shutdown. Counts may lag by that
interval, and a crash loses at most that much.

Per batch the database keeps: total scans with first and last scan time; scans per hour; and
the networks seen per hour — an IPv4 /24 or IPv6 /48 as an HMAC-SHA-256 keyed with the
secret key and the day, so that no address is stored and hashes of different days cannot be
linked. Network hashes are kept `NETWORK_RETENTION_DAYS` days.

Warning thresholds (a label copied onto other goods is scanned far more, and from far more
places, than one batch's buyers scan it): within the current and the previous hour, at least
`SUSPICIOUS_SCANS` scans, or scans from at least `SUSPICIOUS_NETWORKS` distinct networks.
A real batch of a few hundred bags sold over weeks stays far below both.
"""

from __future__ import annotations

import asyncio
import contextlib
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
from traceability.batches.schemas import ScanStats
from traceability.batches.tables import Batch, ScanBucket, ScanNetwork, ScanTotal

FLUSH_INTERVAL_SECONDS = 3.0
BUCKET_SECONDS = 3600
RECENT_BUCKETS = 2  # the current hour and the one before
SUSPICIOUS_SCANS = 200
SUSPICIOUS_NETWORKS = 30
NETWORK_RETENTION_DAYS = 14
MAX_BUFFERED_BATCHES = 20_000
MAX_NETWORKS_PER_HOUR = 1_000  # beyond this the warning already shows; keep memory bounded
MAX_REMEMBERED_HASHES = 50_000
_ROWS_PER_STATEMENT = 200
log = logging.getLogger("langso.scans")


@dataclass
class _Pending:
    scans: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    hours: dict[int, int] = field(default_factory=dict)
    networks: dict[int, set[str]] = field(default_factory=dict)

    def add(self, at: datetime, hour: int, network: str) -> None:
        self.scans += 1
        self.first_at = at if self.first_at is None else min(self.first_at, at)
        self.last_at = at if self.last_at is None else max(self.last_at, at)
        self.hours[hour] = self.hours.get(hour, 0) + 1
        seen = self.networks.setdefault(hour, set())
        if len(seen) < MAX_NETWORKS_PER_HOUR:
            seen.add(network)

    def merge(self, other: _Pending) -> None:
        self.scans += other.scans
        for at in (other.first_at, other.last_at):
            if at is not None:
                self.first_at = at if self.first_at is None else min(self.first_at, at)
                self.last_at = at if self.last_at is None else max(self.last_at, at)
        for hour, count in other.hours.items():
            self.hours[hour] = self.hours.get(hour, 0) + count
        for hour, networks in other.networks.items():
            self.networks.setdefault(hour, set()).update(networks)


class ScanBuffer:
    """Scans waiting to be written, by batch code."""

    def __init__(self) -> None:
        self._pending: dict[str, _Pending] = {}
        self._key: bytes | None = None
        self._hashes: dict[tuple[str, int], str] = {}

    def record(self, batch_code: str, client_address: str, at: datetime | None = None) -> None:
        moment = at or datetime.now(UTC)
        pending = self._pending.get(batch_code)
        if pending is None:
            if len(self._pending) >= MAX_BUFFERED_BATCHES:
                return
            pending = self._pending[batch_code] = _Pending()
        hour = int(moment.timestamp()) // BUCKET_SECONDS
        pending.add(moment, hour, self.network_hash(client_address, hour))

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

    def take(self) -> dict[str, _Pending]:
        taken, self._pending = self._pending, {}
        return taken

    def put_back(self, taken: dict[str, _Pending]) -> None:
        for code, pending in taken.items():
            self._pending.setdefault(code, _Pending()).merge(pending)

    def __len__(self) -> int:
        return sum(pending.scans for pending in self._pending.values())


def network_of(client_address: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) a client address belongs to; other text as given."""
    try:
        address = ipaddress.ip_address(client_address)
    except ValueError:
        return client_address
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


BUFFER = ScanBuffer()
_last_cleanup = 0.0


def record_scan(batch_code: str, client_address: str, at: datetime | None = None) -> None:
    """Count one scan of an existing batch's code (in memory; written by the next flush)."""
    BUFFER.record(batch_code, client_address, at)


async def flush_scans() -> int:
    """Write every buffered scan in one transaction; returns how many scans were written."""
    taken = BUFFER.take()
    if not taken:
        return 0
    try:
        async with write_transaction():
            written = await _write(taken)
            await _forget_old_networks()
    except BaseException:
        BUFFER.put_back(taken)
        raise
    return written


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
    total = await ScanTotal.select(ScanTotal.scans, ScanTotal.first_scan_at).where(
        ScanTotal.batch == batch_id
    )
    recent = await ScanBucket.select(ScanBucket.scans).where(
        (ScanBucket.batch == batch_id) & (ScanBucket.hour >= since)
    )
    networks = await ScanNetwork.raw(
        "SELECT COUNT(DISTINCT network) AS networks FROM traceability_scan_network "
        "WHERE batch = {} AND hour >= {}",
        batch_id,
        since,
    )
    recent_scans = sum(int(row["scans"]) for row in recent)
    recent_networks = int(networks[0]["networks"]) if networks else 0
    return ScanStats(
        total=int(total[0]["scans"]) if total else 0,
        first_scan_at=total[0]["first_scan_at"] if total else None,
        recent_scans=recent_scans,
        recent_networks=recent_networks,
        suspicious=recent_scans >= SUSPICIOUS_SCANS or recent_networks >= SUSPICIOUS_NETWORKS,
    )


async def _flush_until(stop: asyncio.Event, interval: float) -> None:
    """Flush every `interval` seconds until `stop` is set, then once more.

    The loop is stopped by the event, never cancelled: a flush cut off inside its transaction
    could leave the SQLite connection (and its thread) open and keep the worker from exiting.
    """
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
        try:
            await flush_scans()
        except Exception:  # the database may be briefly away: keep counting, retry later
            log.warning("scan flush failed; will retry", exc_info=True)


@asynccontextmanager
async def scan_flushing(interval: float = FLUSH_INTERVAL_SECONDS) -> AsyncIterator[None]:
    """Flush buffered scans every `interval` seconds while the block runs, and at its end."""
    stop = asyncio.Event()
    task = asyncio.create_task(_flush_until(stop, interval), name="langso-scan-flush")
    try:
        yield
    finally:
        stop.set()
        await task


def pending_scans() -> int:
    """How many scans wait in this process's buffer (for tests and health checks)."""
    return len(BUFFER)
