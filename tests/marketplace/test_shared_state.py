"""marketplace.shared in both modes: caches with invalidation, tallies with a locked flush.

"Workers" are `Shared` objects: in memory mode the caches and tallies are the process's; with
Redis each worker has its own caches and they talk only through the real Redis server.
"""

import asyncio
import contextlib
import dataclasses

import pytest

from marketplace.config import load_settings
from marketplace.shared import (
    CHANNEL,
    CacheSpec,
    Shared,
    Tally,
    TallyStream,
    flushing,
    make_shared,
    using,
)
from tests.conftest import REDIS_URL


@contextlib.asynccontextmanager
async def workers(mode, count=2):
    """`count` workers' shared state, in memory or through Redis."""
    url = REDIS_URL if mode == "redis" else None
    settings = dataclasses.replace(load_settings(), redis_url=url)
    made = [make_shared(settings) for _ in range(count)]
    for shared in made:
        shared.discard("test-stream")
        shared.caches.clear()
        await shared.ready()
    try:
        yield made
    finally:
        for shared in made:
            shared.discard("test-stream")
            await shared.close()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def mode(request):
    if request.param == "redis":
        import redis as sync_redis

        client = sync_redis.Redis.from_url(REDIS_URL)
        try:
            client.flushdb()
        except Exception as error:
            pytest.skip(f"Redis not reachable at {REDIS_URL}: {error}")
        finally:
            client.close()
    return request.param


class Source:
    """A slow-changing value and how many times it was read."""

    def __init__(self, value):
        self.value, self.reads = value, 0

    async def read(self):
        self.reads += 1
        return self.value


async def eventually(check, seconds=3.0):
    for _ in range(int(seconds / 0.02)):
        if await check():
            return True
        await asyncio.sleep(0.02)
    return await check()


SPEC = CacheSpec("test-pages", "test-group", ttl=60.0)


async def test_a_cached_value_is_served_until_a_write_invalidates_it(mode):
    async with workers(mode, 1) as (worker,):
        with using(worker):
            source = Source("v1")
            assert await SPEC.get_or_load("page-1", "vi", source.read) == "v1"
            source.value = "v2"
            assert await SPEC.get_or_load("page-1", "vi", source.read) == "v1"
            worker.invalidate("other-group", "page-1")
            assert await SPEC.get_or_load("page-1", "vi", source.read) == "v1"
            worker.invalidate("test-group", "page-2")  # another tag of the same group
            assert await SPEC.get_or_load("page-1", "vi", source.read) == "v1"
            worker.invalidate("test-group", "page-1")
            assert await SPEC.get_or_load("page-1", "vi", source.read) == "v2"
            assert source.reads == 2


async def test_concurrent_misses_share_one_load_and_a_load_overtaken_by_a_write_is_not_kept(
    mode,
):
    async with workers(mode, 1) as (worker,):
        with using(worker):
            started, release = asyncio.Event(), asyncio.Event()
            reads = []

            async def slow_read():
                reads.append(1)
                started.set()
                await release.wait()
                return f"read {len(reads)}"

            first = asyncio.ensure_future(SPEC.get_or_load("p", "vi", slow_read))
            second = asyncio.ensure_future(SPEC.get_or_load("p", "vi", slow_read))
            await started.wait()
            worker.invalidate("test-group", "p")  # a write lands while the read is under way
            release.set()
            assert await first == await second == "read 1"
            assert len(reads) == 1
            assert await SPEC.get_or_load("p", "vi", slow_read) == "read 2"


@pytest.mark.redis
async def test_a_write_in_one_redis_worker_invalidates_the_other_workers_cache(redis):
    async with workers("redis") as (writer, reader):
        source = Source("old title")
        with using(reader):
            assert await SPEC.get_or_load("site-1", "", source.read) == "old title"
        source.value = "new title"
        with using(writer):
            writer.invalidate("test-group", "site-1")
            await writer.drain()  # as the middleware does before the response starts

        async def reader_sees_new_title():
            with using(reader):
                return await SPEC.get_or_load("site-1", "", source.read) == "new title"

        assert await eventually(reader_sees_new_title)


@pytest.mark.redis
async def test_a_worker_that_missed_an_invalidation_forgets_everything(redis):
    async with workers("redis", 1) as (worker,):
        source = Source("cached")
        with using(worker):
            await SPEC.get_or_load("a", "", source.read)
        source.value = "fresh"
        # Generation 1000 after the worker's 0: messages were lost in between.
        await redis.publish(CHANNEL, "1000|someone|unrelated-group|x")

        async def refreshed():
            with using(worker):
                return await SPEC.get_or_load("a", "", source.read) == "fresh"

        assert await eventually(refreshed)


async def test_without_a_redis_connection_nothing_is_cached():
    settings = dataclasses.replace(load_settings(), redis_url="redis://127.0.0.1:9/0")
    worker = make_shared(settings)
    try:
        await worker.ready()
        source = Source("v")
        with using(worker):
            await SPEC.get_or_load("k", "", source.read)
            await SPEC.get_or_load("k", "", source.read)
        assert source.reads == 2  # invalidations could be missed: every read is fresh
    finally:
        await worker.close()


class Database:
    """Stands for the tables a flush writes to."""

    def __init__(self):
        self.written = Tally()
        self.fail = False
        self.writes = 0

    async def write(self, tally):
        if self.fail:
            raise ConnectionError("database away")
        await asyncio.sleep(0)
        self.writes += 1
        self.written.merge(tally)
        return tally.total


def scan(worker, site, moment, network):
    worker.tally(
        "test-stream",
        counts=(f"{site}|day",),
        extremes=((site, moment),),
        members=(f"{site}|{network}",),
    )


async def test_counts_from_two_workers_add_up_in_one_flush(mode):
    database = Database()
    stream = TallyStream("test-stream", database.write)
    async with workers(mode) as (first, second):
        scan(first, "site-1", 100.0, "net-a")
        scan(first, "site-1", 300.0, "net-a")
        scan(second, "site-1", 50.0, "net-b")
        scan(second, "site-2", 200.0, "net-a")
        await first.drain()
        await second.drain()
        with using(second):
            assert await stream.flush() == 4
            assert await stream.flush() == 0  # nothing left anywhere
        with using(first):
            assert await stream.flush() == 0
    assert database.written.counts == {"site-1|day": 3, "site-2|day": 1}
    assert database.written.smallest == {"site-1": 50.0, "site-2": 200.0}
    assert database.written.largest == {"site-1": 300.0, "site-2": 200.0}
    assert database.written.members == {"site-1|net-a", "site-1|net-b", "site-2|net-a"}


@pytest.mark.redis
async def test_counts_of_a_worker_that_dies_before_flushing_are_not_lost(redis):
    database = Database()
    stream = TallyStream("test-stream", database.write)
    async with workers("redis") as (survivor, doomed):
        for _ in range(5):
            scan(doomed, "site-1", 1.0, "net-a")
        await doomed.drain()  # sent before its responses started; then it is killed
        assert await redis.hget("langso:tally:test-stream:pending:counts", "site-1|day") == b"5"
        with using(survivor):
            assert await stream.flush() == 5


async def test_a_failed_write_keeps_the_counts_for_the_next_flush(mode):
    database = Database()
    stream = TallyStream("test-stream", database.write)
    async with workers(mode, 1) as (worker,):
        with using(worker):
            scan(worker, "site-1", 10.0, "net-a")
            database.fail = True
            with pytest.raises(ConnectionError):
                await stream.flush()
            scan(worker, "site-1", 20.0, "net-b")  # arrives while the database is away
            database.fail = False
            await stream.flush()
            await stream.flush()
    assert database.written.counts == {"site-1|day": 2}
    assert database.written.members == {"site-1|net-a", "site-1|net-b"}


async def test_only_the_worker_holding_the_flush_lock_flushes(mode):
    database = Database()
    stream = TallyStream("test-stream", database.write)
    async with workers(mode) as (first, second):
        scan(first, "site-1", 1.0, "net-a")
        await first.drain()
        async with first.lock("flush:test-stream") as held:
            assert held
            with using(second if mode == "redis" else first):
                # A periodic flush gives up at once; the counts wait for the next one.
                assert await stream.flush(wait=False) == 0
        with using(second):
            assert await stream.flush(wait=False) == 1
    assert database.writes == 1


@pytest.mark.redis
async def test_an_explicit_flush_waits_for_the_lock_holder(redis):
    database = Database()
    stream = TallyStream("test-stream", database.write)
    async with workers("redis") as (first, second):
        scan(first, "site-1", 1.0, "net-a")
        await first.drain()
        with using(second):
            async with first.lock("flush:test-stream"):
                waiting = asyncio.ensure_future(stream.flush())
                await asyncio.sleep(0.2)
                assert not waiting.done()
            assert await waiting == 1


@pytest.mark.redis
async def test_a_flush_lock_outlasting_its_expiry_stays_held_until_released(redis):
    # A database write slower than the lock's lifetime must not let another worker take the
    # same counts: the holder renews the lock until it lets go.
    async with workers("redis") as (first, second):
        async with first.lock("flush:test-stream", seconds=0.3) as held:
            assert held
            await asyncio.sleep(1.0)
            async with second.lock("flush:test-stream", wait=False, seconds=0.3) as taken:
                assert not taken
        async with second.lock("flush:test-stream", wait=False, seconds=0.3) as taken:
            assert taken


async def test_the_background_flush_writes_every_interval_and_at_the_end(mode):
    database = Database()
    stream = TallyStream("test-stream", database.write)
    async with workers(mode, 1) as (worker,):
        with using(worker):
            async with flushing([stream], interval=0.05):
                scan(worker, "site-1", 1.0, "net-a")

                async def written():
                    return database.written.total == 1

                assert await eventually(written)
                scan(worker, "site-1", 2.0, "net-a")
            assert database.written.total == 2


def test_memory_workers_of_one_process_share_caches_and_tallies():
    settings = dataclasses.replace(load_settings(), redis_url=None)
    first, second = make_shared(settings), make_shared(settings)
    assert isinstance(first, Shared) and first.caches is second.caches
    first.tally("test-stream", counts=("x",))
    assert second.pending("test-stream") == 1
    second.discard("test-stream")
