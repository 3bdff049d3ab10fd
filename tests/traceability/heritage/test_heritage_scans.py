import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.heritage_sites import new_officer, new_site
from traceability.heritage import scans
from traceability.heritage.scans import (
    flush_scans,
    pending_scans,
    record_scan,
    scan_lifespan,
    scan_stats,
)

# 23:30 in Hanoi on 1 March is still 16:30 UTC the same day; 00:30 on 2 March is 17:30 UTC.
LATE_ON_1_MARCH = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
EARLY_ON_2_MARCH = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def nothing_pending():
    scans.discard_pending_scans()
    yield
    scans.discard_pending_scans()


async def test_scans_are_counted_by_vietnam_day_and_language_once_flushed(db):
    site = await new_site(await new_officer())
    for _ in range(3):
        record_scan(site.id, "vi", LATE_ON_1_MARCH)
    record_scan(site.id, "en", LATE_ON_1_MARCH)
    record_scan(site.id, "en", EARLY_ON_2_MARCH)
    before = await scan_stats([site.id], today=date(2026, 3, 2))
    assert before[site.id].total == 0
    assert await flush_scans() == 3
    stats = (await scan_stats([site.id], today=date(2026, 3, 2)))[site.id]
    assert stats.by_language == {"en": 2, "vi": 3}
    assert [(d.day, d.by_language) for d in stats.days] == [
        (date(2026, 3, 2), {"en": 1}),
        (date(2026, 3, 1), {"en": 1, "vi": 3}),
    ]


async def test_later_batches_add_to_the_same_day(db):
    site = await new_site(await new_officer())
    record_scan(site.id, "vi", LATE_ON_1_MARCH)
    await flush_scans()
    record_scan(site.id, "vi", LATE_ON_1_MARCH)
    record_scan(site.id, "vi", LATE_ON_1_MARCH)
    await flush_scans()
    stats = (await scan_stats([site.id], today=date(2026, 3, 1)))[site.id]
    assert stats.by_language == {"vi": 3}
    assert len(stats.days) == 1


async def test_statistics_cover_the_last_thirty_days_only(db):
    site = await new_site(await new_officer())
    record_scan(site.id, "vi", LATE_ON_1_MARCH - timedelta(days=30))
    record_scan(site.id, "vi", LATE_ON_1_MARCH - timedelta(days=29))
    await flush_scans()
    stats = (await scan_stats([site.id], today=date(2026, 3, 1)))[site.id]
    assert stats.total == 1
    assert stats.since == date(2026, 1, 31)


async def test_the_background_flush_writes_by_itself_every_interval(db):
    site = await new_site(await new_officer())
    async with scan_lifespan(interval=0.05):
        record_scan(site.id, "en", LATE_ON_1_MARCH)
        assert pending_scans() == 1
        for _ in range(40):
            await asyncio.sleep(0.05)
            if pending_scans() == 0:
                break
        stats = (await scan_stats([site.id], today=date(2026, 3, 1)))[site.id]
        assert stats.by_language == {"en": 1}


async def test_stopping_the_background_flush_writes_what_is_left(db):
    site = await new_site(await new_officer())
    async with scan_lifespan(interval=60):
        record_scan(site.id, "vi", LATE_ON_1_MARCH)
        record_scan(site.id, "vi", LATE_ON_1_MARCH)
    assert pending_scans() == 0
    stats = (await scan_stats([site.id], today=date(2026, 3, 1)))[site.id]
    assert stats.by_language == {"vi": 2}
