"""Counting scans of heritage pages per site, day (Viet Nam time) and language, in batches.

A scanned plaque is the hot path: a page view only adds one to a counter in memory. The
counts are written every few seconds by a background task, one transaction per batch, with
an additive upsert so that several worker processes can each write their own batch. At
shutdown, `flush_scans()` (or `scan_lifespan`) writes what is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from marketplace.db import reading, write_transaction
from traceability.heritage.tables import ScanDay, Site

FLUSH_INTERVAL_SECONDS = 5.0
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_UPSERT = (
    "INSERT INTO heritage_scan_day (site, day, language, scans) VALUES ({}, {}, {}, {}) "
    "ON CONFLICT (site, day, language) "
    "DO UPDATE SET scans = heritage_scan_day.scans + excluded.scans"
)
log = logging.getLogger("langso.heritage.scans")

ScanKey = tuple[int, date, str]


def vietnam_day(moment: datetime | None = None) -> date:
    return (moment or datetime.now(UTC)).astimezone(VIETNAM).date()


class ScanBuffer:
    """Scan counts not yet written, and the task that writes them."""

    def __init__(self, interval: float = FLUSH_INTERVAL_SECONDS) -> None:
        self.interval = interval
        self._counts: Counter[ScanKey] = Counter()
        self._task: asyncio.Task[None] | None = None

    @property
    def pending(self) -> int:
        return sum(self._counts.values())

    def add(self, site_id: int, language: str, moment: datetime | None = None) -> None:
        self._counts[(site_id, vietnam_day(moment), language)] += 1
        if self._task is None:
            with contextlib.suppress(RuntimeError):  # no running loop: flushed by hand
                self._task = asyncio.get_running_loop().create_task(self._flush_regularly())

    async def _flush_regularly(self) -> None:
        try:
            while self._counts:
                await asyncio.sleep(self.interval)
                try:
                    await self.flush()
                except Exception:  # kept in the buffer and tried again
                    log.exception("writing heritage scan counts failed")
        finally:
            self._task = None

    async def flush(self) -> int:
        """Write the pending counts in one transaction; returns how many rows it touched."""
        batch, self._counts = self._counts, Counter()
        if not batch:
            return 0
        try:
            return await _write(batch)
        except BaseException:
            self._counts.update(batch)
            raise

    async def close(self) -> None:
        """Stop the background task and write what is left."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.flush()

    def discard(self) -> None:
        """Forget unwritten counts (tests start from nothing)."""
        self._counts.clear()


async def _write(batch: Counter[ScanKey]) -> int:
    site_ids = sorted({site_id for site_id, _, _ in batch})
    async with write_transaction():
        # A site deleted since its scan has nothing to count against.
        rows = await Site.select(Site.id).where(Site.id.is_in(site_ids))
        alive = {row["id"] for row in rows}
        written = 0
        for (site_id, day, language), scans in sorted(batch.items()):
            if site_id in alive:
                await ScanDay.raw(_UPSERT, site_id, day, language, scans)
                written += 1
    return written


_buffer = ScanBuffer()


def record_scan(site_id: int, language: str, moment: datetime | None = None) -> None:
    """Count one view of the site's page in `language` (no database write here)."""
    _buffer.add(site_id, language, moment)


async def flush_scans() -> int:
    """Write the buffered counts now (officers' statistics, shutdown, tests)."""
    return await _buffer.flush()


async def close_scans() -> None:
    await _buffer.close()


def discard_pending_scans() -> None:
    _buffer.discard()


@contextlib.asynccontextmanager
async def scan_lifespan(_: Any = None) -> AsyncIterator[None]:
    """For the app's `lifespan` list, after the database's: the last counts are written
    before the database closes."""
    try:
        yield
    finally:
        await close_scans()


@dataclass(frozen=True)
class DayScans:
    day: date
    by_language: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_language.values())


@dataclass(frozen=True)
class SiteScans:
    """A site's scans over the last days: per language, and per day (newest first)."""

    site_id: int
    since: date
    by_language: dict[str, int] = field(default_factory=dict)
    days: tuple[DayScans, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.by_language.values())


async def scan_stats(
    site_ids: list[int], days: int = 30, today: date | None = None
) -> dict[int, SiteScans]:
    """Scans of each site over `days` days ending today (Viet Nam time), already flushed."""
    since = (today or vietnam_day()) - timedelta(days=days - 1)
    if not site_ids:
        return {}
    async with reading():
        rows = await ScanDay.select().where(ScanDay.site.is_in(site_ids) & (ScanDay.day >= since))
    per_site: dict[int, dict[date, dict[str, int]]] = {site_id: {} for site_id in site_ids}
    for row in rows:
        per_day = per_site[row["site"]].setdefault(row["day"], {})
        per_day[row["language"]] = per_day.get(row["language"], 0) + row["scans"]
    return {site_id: _site_scans(site_id, since, by_day) for site_id, by_day in per_site.items()}


def _site_scans(site_id: int, since: date, by_day: dict[date, dict[str, int]]) -> SiteScans:
    by_language: Counter[str] = Counter()
    for counts in by_day.values():
        by_language.update(counts)
    ordered = tuple(
        DayScans(day, dict(sorted(by_day[day].items()))) for day in sorted(by_day, reverse=True)
    )
    return SiteScans(site_id, since, dict(sorted(by_language.items())), ordered)
