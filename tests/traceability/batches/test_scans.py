"""Scan counting: many scans, one transaction; networks as salted hashes; the warning."""

import asyncio
from datetime import UTC, datetime, timedelta

from tests.batch_support import opened_batch, seller_with_product
from traceability.batches import (
    cached_provenance,
    flush_scans,
    provenance,
    record_scan,
    scan_flushing,
)
from traceability.batches.lifecycle import batch_background_work
from traceability.batches.provenance import clear_provenance_cache
from traceability.batches.scans import (
    BUFFER,
    SUSPICIOUS_NETWORKS,
    SUSPICIOUS_SCANS,
    pending_scans,
    scan_stats,
)
from traceability.batches.tables import Batch, ScanNetwork

NOW = datetime.now(UTC)


async def batch_code_and_id():
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    row = await Batch.select(Batch.id).where(Batch.code == batch.code).first()
    return batch.code, row["id"]


async def test_scans_wait_in_memory_until_one_flush_writes_them_all(db):
    code, batch_id = await batch_code_and_id()
    BUFFER.take()
    for second in range(50):
        record_scan(code, "203.0.113.7", NOW + timedelta(seconds=second))
    assert pending_scans() == 50
    assert (await scan_stats(batch_id)).total == 0  # nothing written per scan
    assert await flush_scans() == 50
    assert pending_scans() == 0
    stats = await scan_stats(batch_id)
    assert stats.total == 50
    assert abs(stats.first_scan_at - NOW) < timedelta(milliseconds=1)
    assert not stats.suspicious


async def test_later_flushes_add_up_and_keep_the_first_scan_time(db):
    code, batch_id = await batch_code_and_id()
    BUFFER.take()
    record_scan(code, "203.0.113.7", NOW)
    await flush_scans()
    record_scan(code, "198.51.100.20", NOW + timedelta(minutes=5))
    record_scan(code, "198.51.100.21", NOW - timedelta(seconds=30))  # another worker's, earlier
    await flush_scans()
    stats = await scan_stats(batch_id)
    assert stats.total == 3
    assert abs(stats.first_scan_at - (NOW - timedelta(seconds=30))) < timedelta(milliseconds=1)


async def test_networks_are_counted_per_slash_24_and_never_stored_as_addresses(db):
    code, batch_id = await batch_code_and_id()
    BUFFER.take()
    for address in (
        "203.0.113.7",
        "203.0.113.200",
        "198.51.100.1",
        "2001:db8:1::5",
        "2001:db8:1::9",
    ):
        record_scan(code, address, NOW)
    await flush_scans()
    assert (await scan_stats(batch_id)).recent_networks == 3
    stored = [row["network"] for row in await ScanNetwork.select(ScanNetwork.network)]
    assert len(stored) == 3
    assert not any("203.0" in value or "2001" in value or "198." in value for value in stored)


async def test_the_same_network_hashes_differently_on_another_day():
    hour = int(NOW.timestamp()) // 3600
    assert BUFFER.network_hash("203.0.113.7", hour) == BUFFER.network_hash("203.0.113.9", hour)
    assert BUFFER.network_hash("203.0.113.7", hour) != BUFFER.network_hash("203.0.113.7", hour + 24)


async def test_many_distinct_networks_in_a_short_time_raise_the_warning(db):
    code, batch_id = await batch_code_and_id()
    BUFFER.take()
    for network in range(SUSPICIOUS_NETWORKS - 1):
        record_scan(code, f"10.{network}.0.1", NOW)
    await flush_scans()
    assert not (await scan_stats(batch_id)).suspicious
    record_scan(code, "10.250.0.1", NOW)
    await flush_scans()
    stats = await scan_stats(batch_id)
    assert stats.suspicious and stats.recent_networks == SUSPICIOUS_NETWORKS
    assert (await provenance(code)).scans.suspicious


async def test_one_code_scanned_unusually_often_raises_the_warning(db):
    code, batch_id = await batch_code_and_id()
    BUFFER.take()
    for i in range(SUSPICIOUS_SCANS):
        record_scan(code, f"203.0.{113 + i % 3}.7", NOW)  # from three networks
    await flush_scans()
    assert (await scan_stats(batch_id)).suspicious


async def test_one_visitor_reloading_the_page_raises_no_warning(db):
    # 210 loads from one network (QA): a reload loop or a script, not a copied label
    code, batch_id = await batch_code_and_id()
    BUFFER.take()
    for _ in range(SUSPICIOUS_SCANS + 10):
        record_scan(code, "203.0.113.7", NOW)
    await flush_scans()
    stats = await scan_stats(batch_id)
    assert stats.recent_scans == SUSPICIOUS_SCANS + 10 and not stats.suspicious


async def test_old_scans_do_not_count_towards_the_warning(db):
    code, batch_id = await batch_code_and_id()
    BUFFER.take()
    for _ in range(SUSPICIOUS_SCANS):
        record_scan(code, "203.0.113.7", NOW - timedelta(hours=5))
    await flush_scans()
    stats = await scan_stats(batch_id)
    assert stats.total == SUSPICIOUS_SCANS and not stats.suspicious


async def test_scans_of_unknown_codes_are_dropped_at_the_flush(db):
    BUFFER.take()
    record_scan("7K3M9QX2A8T", "203.0.113.7", NOW)
    assert await flush_scans() == 0


async def test_the_background_flusher_writes_on_its_own_and_at_the_end(db):
    code, batch_id = await batch_code_and_id()
    BUFFER.take()
    async with scan_flushing(interval=0.05):
        record_scan(code, "203.0.113.7", NOW)
        for _ in range(100):  # written within a few intervals, however busy the machine
            await asyncio.sleep(0.05)
            if (await scan_stats(batch_id)).total:
                break
        assert (await scan_stats(batch_id)).total == 1
        record_scan(code, "203.0.113.7", NOW)
    assert (await scan_stats(batch_id)).total == 2


async def test_stopping_the_background_work_lets_reads_in_flight_finish_and_flushes(db):
    code, batch_id = await batch_code_and_id()
    BUFFER.take()
    clear_provenance_cache()
    async with batch_background_work(flush_interval=60):
        record_scan(code, "203.0.113.7", NOW)
        reading = asyncio.ensure_future(cached_provenance(code))
        await asyncio.sleep(0)  # the read has begun
    await asyncio.sleep(0)
    assert reading.done() and reading.result().code == code
    assert (await scan_stats(batch_id)).total == 1
