"""Counting scans of heritage pages per site, day (Viet Nam time) and language, in batches.

A scanned plaque is the hot path: a page view only adds one to the "heritage-scans" tally of
the worker's shared state (`marketplace.shared`: memory, or Redis when REDIS_URL is set, where
all workers' counts add up). The counts are written every few seconds by `scan_lifespan`'s
background flush, by whichever worker holds the stream's flush lock, one transaction per
flush, with an additive upsert. The same design counts batch scans
(`traceability.batches.scans`).
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from marketplace.db import reading, write_transaction
from marketplace.shared import Tally, TallyStream, current, flushing
from traceability.heritage.tables import ScanDay, Site

FLUSH_INTERVAL_SECONDS = 3.0
STREAM = "heritage-scans"
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


def _decoded(tally: Tally) -> Counter[ScanKey]:
    """The tally's counts "site|day|language" as (site id, day, language) keys."""
    counts: Counter[ScanKey] = Counter()
    for name, scans in tally.counts.items():
        site_id, day, language = name.split("|", 2)
        counts[(int(site_id), date.fromisoformat(day), language)] += scans
    return counts


async def _write(tally: Tally) -> int:
    """Add a flushed tally to the database in one transaction; returns how many rows it
    touched."""
    batch = _decoded(tally)
    if not batch:
        return 0
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


SCANS = TallyStream(STREAM, _write)


def record_scan(site_id: int, language: str, moment: datetime | None = None) -> None:
    """Count one view of the site's page in `language` (no database write here)."""
    current().tally(STREAM, counts=(f"{site_id}|{vietnam_day(moment).isoformat()}|{language}",))


async def flush_scans() -> int:
    """Write the pending counts now (officers' statistics, shutdown, tests)."""
    return await SCANS.flush()


def pending_scans() -> int:
    """How many scans wait in this process (memory mode; with Redis, those not yet sent)."""
    return current().pending(STREAM)


def discard_pending_scans() -> None:
    """Forget this process's unwritten counts (tests start from nothing)."""
    current().discard(STREAM)


@contextlib.asynccontextmanager
async def scan_lifespan(
    _: Any = None, interval: float = FLUSH_INTERVAL_SECONDS
) -> AsyncIterator[None]:
    """For the app's `lifespan` list, after the database's: counts are written every
    `interval` seconds, and the last ones before the database closes."""
    async with flushing([SCANS], interval):
        yield


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
