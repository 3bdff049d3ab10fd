"""State shared by every worker of a deployment — in Redis when REDIS_URL is set, else in memory.

Three kinds of state, one object (`Shared`) per worker, reached through `current()`:

- **Counters**: fixed-window hit counts (rate limits), `INCR` + `EXPIRE` in Redis.
- **Caches of hot pages**: the values stay in each worker's memory (`LocalCache`: a time to
  live, one load shared by concurrent misses, a write in between never cached); what is
  shared is their *invalidation*. `invalidate(group, tag)` drops the local entries at once
  and, with Redis, publishes `generation|origin|group|tag` on one channel after bumping a
  generation counter (one Lua call). Every worker listens on that channel in a background
  task and drops the same entries within milliseconds, so a hit costs no round trip at all —
  the provenance page stays as fast as with memory. A worker that misses messages (its
  listener lost the connection, or it sees a gap in the generations, or the counter moved
  without a message for a whole poll interval) forgets every cached entry, and caches
  nothing while it is not subscribed. Invalidations queued during a request are published
  before its response starts (`drain()`), so the next request of the same visitor, on any
  worker, sees the write.
- **Tallies** (scan counts): per stream, counters, smallest/largest values per key and a set
  of distinct members. In memory they wait in this process; with Redis the adds of every
  `SEND_DELAY_SECONDS` (50 ms) go to Redis in one pipeline (`HINCRBY`, `ZADD LT/GT`, `SADD`),
  off the request's path — awaiting a round trip per scan would halve the provenance page's
  throughput. `flush()` is run by whichever worker holds the stream's Redis lock (short, and
  renewed while it is held): it renames the pending keys to "flushing" in one Lua call, writes
  them to the database, then deletes them. Counts from every worker are combined; a worker
  that dies before a flush loses nothing that it had sent (at most its last 50 ms if it is
  killed, none when it is stopped); a failed database write leaves the "flushing" keys for the
  next attempt. A worker killed between the commit and the delete leaves counts that the next
  flush writes again (at-least-once, in that one window).

In memory mode every `Shared` of a process shares the same caches and tallies (they *are* the
process's state); with Redis each `Shared` has its own caches, as separate workers do.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from marketplace.config import Settings

V = TypeVar("V")
log = logging.getLogger("langso.shared")

PREFIX = "langso:"
CHANNEL = PREFIX + "invalidate"
GENERATION_KEY = PREFIX + "cache-generation"
POLL_SECONDS = 1.0
RECONNECT_SECONDS = 0.5
FLUSH_LOCK_SECONDS = 30.0
MAX_TALLY_KEYS = 100_000
MAX_TALLY_MEMBERS = 200_000
MAX_QUEUED = 100_000
SEND_DELAY_SECONDS = 0.05

_INVALIDATE = """
local generation = redis.call('INCR', KEYS[1])
for i = 1, #ARGV - 1 do
    redis.call('PUBLISH', ARGV[#ARGV], generation .. '|' .. ARGV[i])
end
return generation
"""
# Moves a stream's pending keys to its "flushing" keys unless a failed flush left some there.
_TAKE = """
local half = #KEYS / 2
for i = 1, half do
    if redis.call('EXISTS', KEYS[half + i]) == 1 then return 0 end
end
for i = 1, half do
    if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('RENAME', KEYS[i], KEYS[half + i]) end
end
return 1
"""
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_TAKE_BACK = """
if redis.call('EXISTS', KEYS[1]) == 1 and tonumber(redis.call('GET', KEYS[1])) > 0 then
    return redis.call('DECR', KEYS[1])
end
return 0
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


# ---------------------------------------------------------------------------------------------
# Counters


class Counters:
    """Fixed-window counters: how many times `key` was hit in the current window."""

    async def hit(self, key: str, window_seconds: int) -> int:
        raise NotImplementedError

    async def reset(self, key: str) -> None:
        raise NotImplementedError

    async def take_back(self, key: str) -> None:
        """Uncount one hit of the current window (an attempt that turned out legitimate)."""
        raise NotImplementedError


@dataclass
class MemoryCounters(Counters):
    _windows: dict[str, tuple[float, int]] = field(default_factory=dict)

    async def hit(self, key: str, window_seconds: int) -> int:
        now = time.monotonic()
        started, count = self._windows.get(key, (now, 0))
        if now - started >= window_seconds:
            started, count = now, 0
        self._windows[key] = (started, count + 1)
        if len(self._windows) > 100_000:
            self._forget_expired(now, window_seconds)
        return count + 1

    async def reset(self, key: str) -> None:
        self._windows.pop(key, None)

    async def take_back(self, key: str) -> None:
        if key in self._windows:
            started, count = self._windows[key]
            self._windows[key] = (started, max(0, count - 1))

    def _forget_expired(self, now: float, window_seconds: int) -> None:
        for key in [k for k, (t, _) in self._windows.items() if now - t >= window_seconds]:
            del self._windows[key]


@dataclass
class RedisCounters(Counters):
    redis: Redis
    namespace: str = PREFIX + "counter:"

    async def hit(self, key: str, window_seconds: int) -> int:
        name = self.namespace + key
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, window_seconds, nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def reset(self, key: str) -> None:
        await self.redis.delete(self.namespace + key)

    async def take_back(self, key: str) -> None:
        # only an existing window: DECR on a missing key would make one without an expiry
        await self.redis.eval(_TAKE_BACK, 1, self.namespace + key)


# ---------------------------------------------------------------------------------------------
# Caches


@dataclass(eq=False)
class CacheSpec:
    """A named cache of hot data: its invalidation `group`, time to live and size.

    Declared once at module level; each `Shared` keeps its own `LocalCache` for it. `ttl` may
    be changed at run time (tests lengthen it so that only invalidation can explain a change).
    """

    name: str
    group: str
    ttl: float = 1.0
    max_entries: int = 2048

    async def get_or_load(
        self, tag: str, key: str, load: Callable[[], Coroutine[Any, Any, V]]
    ) -> V:
        """The value for (`tag`, `key`) from the current worker's cache, or what `load` gives."""
        cache: LocalCache[V] = current().caches.cache(self)
        return await cache.get_or_load(tag, key, load)

    def clear(self) -> None:
        """Forget this cache's entries in the current worker (tests, manual repair)."""
        current().caches.cache(self).clear()


class LocalCache(Generic[V]):
    """Values by (tag, key), fresh for `spec.ttl` seconds, dropped by `invalidate(tag)`.

    Concurrent misses share one load, which runs as a task of its own and is shielded: a
    visitor who leaves mid-request must not cancel a database read half-way (on SQLite that
    can leave a connection thread open and keep the worker from exiting). A value whose load
    began before an invalidation is returned to its callers but not kept.
    """

    def __init__(self, spec: CacheSpec, registry: CacheRegistry) -> None:
        self.spec = spec
        self._registry = registry
        self._entries: OrderedDict[tuple[str, str], tuple[float, V]] = OrderedDict()
        self._loading: dict[tuple[str, str], asyncio.Future[V]] = {}
        self._version = 0
        self._in_flight: set[asyncio.Future[V]] = set()

    async def get_or_load(
        self, tag: str, key: str, load: Callable[[], Coroutine[Any, Any, V]]
    ) -> V:
        if not self._registry.trusted:  # invalidations may be missed: cache nothing
            return await load()
        entry_key = (tag, key)
        entry = self._entries.get(entry_key)
        if entry is not None and time.monotonic() - entry[0] < self.spec.ttl:
            return entry[1]
        task = self._loading.get(entry_key)
        if task is None:
            task = self._loading[entry_key] = asyncio.ensure_future(self._load(entry_key, load))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return await asyncio.shield(task)

    async def _load(
        self, entry_key: tuple[str, str], load: Callable[[], Coroutine[Any, Any, V]]
    ) -> V:
        started, version = time.monotonic(), self._version
        try:
            value = await load()
        finally:
            if self._loading.get(entry_key) is asyncio.current_task():
                del self._loading[entry_key]
        if version == self._version and self._registry.trusted:
            self._entries[entry_key] = (started, value)
            self._entries.move_to_end(entry_key)
            while len(self._entries) > self.spec.max_entries:
                self._entries.popitem(last=False)
        return value

    def invalidate(self, tag: str | None = None) -> None:
        """Drop the entries of `tag` (every entry when None), and loads begun before now."""
        self._version += 1
        if tag is None:
            self._entries.clear()
            self._loading.clear()
            return
        for entry_key in [k for k in self._entries if k[0] == tag]:
            del self._entries[entry_key]
        for entry_key in [k for k in self._loading if k[0] == tag]:
            del self._loading[entry_key]  # a load begun before the write must not be shared

    def clear(self) -> None:
        self.invalidate(None)

    async def finish_loads(self) -> None:
        while self._in_flight:
            await asyncio.gather(*list(self._in_flight), return_exceptions=True)


class CacheRegistry:
    """The caches of one worker (or, in memory mode, of the process)."""

    def __init__(self) -> None:
        self._caches: dict[int, LocalCache[Any]] = {}
        self.trusted = True

    def cache(self, spec: CacheSpec) -> LocalCache[Any]:
        cache = self._caches.get(id(spec))
        if cache is None or cache.spec is not spec:
            cache = self._caches[id(spec)] = LocalCache(spec, self)
        return cache

    def invalidate(self, group: str, tag: str | None = None) -> None:
        for cache in list(self._caches.values()):
            if cache.spec.group == group:
                cache.invalidate(tag)

    def clear(self) -> None:
        for cache in list(self._caches.values()):
            cache.clear()

    async def finish_loads(self) -> None:
        for cache in list(self._caches.values()):
            await cache.finish_loads()


# ---------------------------------------------------------------------------------------------
# Tallies


@dataclass
class Tally:
    """Counts waiting to be written: counters, smallest and largest values, distinct members."""

    counts: dict[str, int] = field(default_factory=dict)
    smallest: dict[str, float] = field(default_factory=dict)
    largest: dict[str, float] = field(default_factory=dict)
    members: set[str] = field(default_factory=set)

    def add(
        self,
        counts: Sequence[str] = (),
        extremes: Sequence[tuple[str, float]] = (),
        members: Sequence[str] = (),
    ) -> None:
        for name in counts:
            if name in self.counts:
                self.counts[name] += 1
            elif len(self.counts) < MAX_TALLY_KEYS:
                self.counts[name] = 1
        for name, value in extremes:
            low = self.smallest.get(name)
            if low is None or value < low:
                self.smallest[name] = value
            high = self.largest.get(name)
            if high is None or value > high:
                self.largest[name] = value
        for member in members:
            if len(self.members) < MAX_TALLY_MEMBERS:
                self.members.add(member)

    def merge(self, other: Tally) -> None:
        for name, count in other.counts.items():
            self.counts[name] = self.counts.get(name, 0) + count
        for name, value in other.smallest.items():
            self.smallest[name] = min(value, self.smallest.get(name, value))
        for name, value in other.largest.items():
            self.largest[name] = max(value, self.largest.get(name, value))
        self.members |= other.members

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __bool__(self) -> bool:
        return bool(self.counts or self.smallest or self.members)


def _tally_keys(stream: str, state: str) -> list[str]:
    base = f"{PREFIX}tally:{stream}:{state}:"
    return [base + "counts", base + "smallest", base + "largest", base + "members"]


# ---------------------------------------------------------------------------------------------
# The shared state of one worker


class Shared:
    """Counters, caches and tallies of one worker: in memory, or through `redis`."""

    def __init__(
        self,
        counters: Counters,
        caches: CacheRegistry,
        tallies: dict[str, Tally],
        redis: Redis | None = None,
    ) -> None:
        self.counters = counters
        self.caches = caches
        self.redis = redis
        self.origin = secrets.token_hex(6)
        self._tallies = tallies  # memory mode only
        self._outbox: list[tuple[str, Sequence[str], Sequence[tuple[str, float]], Sequence[str]]]
        self._outbox = []
        self._messages: list[str] = []
        self._send_lock = asyncio.Lock()
        self._sending: asyncio.Task[None] | None = None
        self._locks: dict[tuple[str, int], asyncio.Lock] = {}
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event() if redis is not None else None
        self._tried = asyncio.Event()  # the listener's first attempt is over, either way
        self._generation = 0
        self._suspect: int | None = None
        self._closed = False

    # -- lifecycle

    async def ready(self) -> None:
        """With Redis, make sure this worker listens for invalidations before it caches."""
        if self._subscribed is None or self._listener is not None or self._closed:
            return
        self.caches.trusted = False
        self._listener = asyncio.create_task(self._listen(), name="langso-invalidations")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._tried.wait(), timeout=2.0)

    async def close(self) -> None:
        """Send what is queued, stop listening and close the Redis connection."""
        if self._closed:
            return
        with contextlib.suppress(Exception):
            await self.drain()
        self._closed = True
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        if self.redis is not None:
            await self.redis.aclose()

    # -- caches

    def invalidate(self, group: str, tag: str | None = None) -> None:
        """Drop cached entries of `group` (only `tag`'s when given) here and in every worker."""
        self.caches.invalidate(group, tag)
        if self.redis is not None and not self._closed:
            self._messages.append(f"{self.origin}|{group}|{tag or ''}")
            self._send_soon()

    async def _listen(self) -> None:
        assert self.redis is not None and self._subscribed is not None
        while True:
            pubsub: PubSub | None = None
            try:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                await pubsub.subscribe(CHANNEL)
                self._generation = int(await self.redis.get(GENERATION_KEY) or 0)
                self._suspect = None
                self.caches.clear()  # whatever happened while not listening is unknown
                self.caches.trusted = True
                self._subscribed.set()
                self._tried.set()
                while True:
                    message = await pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=POLL_SECONDS
                    )
                    if message is None:
                        await self._poll()
                    elif message.get("type") == "message":
                        self._receive(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("lost the invalidation channel; caching off until it is back")
                self.caches.trusted = False
                self._subscribed.clear()
                self._tried.set()
                self.caches.clear()
                await asyncio.sleep(RECONNECT_SECONDS)
            finally:
                if pubsub is not None:
                    with contextlib.suppress(Exception):
                        await pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py

    def _receive(self, data: bytes | str) -> None:
        text = data.decode() if isinstance(data, bytes) else data
        generation_text, origin, group, tag = text.split("|", 3)
        generation = int(generation_text)
        if generation > self._generation + 1:
            self.caches.clear()  # a message went missing
        self._generation = max(self._generation, generation)
        if origin != self.origin:
            self.caches.invalidate(group, tag or None)

    async def _poll(self) -> None:
        """The counter moved and no message said so within a poll interval: forget all."""
        assert self.redis is not None
        latest = int(await self.redis.get(GENERATION_KEY) or 0)
        if self._suspect is not None and self._generation < self._suspect:
            self.caches.clear()
            self._generation = max(self._generation, self._suspect)
        self._suspect = latest if latest > self._generation else None

    # -- tallies

    def tally(
        self,
        stream: str,
        counts: Sequence[str] = (),
        extremes: Sequence[tuple[str, float]] = (),
        members: Sequence[str] = (),
    ) -> None:
        """Add one observation to `stream`: +1 to each of `counts`, a value to the extremes of
        each name, each of `members` to the distinct set."""
        if self.redis is None:
            tally = self._tallies.get(stream)
            if tally is None:
                tally = self._tallies[stream] = Tally()
            tally.add(counts, extremes, members)
            return
        self._outbox.append((stream, counts, extremes, members))
        if self._sending is None or self._sending.done():
            # Scans are sent together every SEND_DELAY_SECONDS, off the request's path.
            with contextlib.suppress(RuntimeError):  # no running loop: sent by `drain()`
                loop = asyncio.get_running_loop()
                self._sending = loop.create_task(self._send(delay=SEND_DELAY_SECONDS))
                self._sending.add_done_callback(_report_failure)

    def pending(self, stream: str) -> int:
        """Counts not yet written that this process knows of (memory mode: all of them)."""
        tally = self._tallies.get(stream)
        queued = sum(len(item[1]) for item in self._outbox if item[0] == stream)
        return (tally.total if tally is not None else 0) + queued

    def discard(self, stream: str) -> None:
        """Forget this process's unwritten counts of `stream` (tests start from nothing)."""
        self._tallies.pop(stream, None)
        self._outbox = [item for item in self._outbox if item[0] != stream]

    async def flush(
        self, stream: str, write: Callable[[Tally], Awaitable[int]], wait: bool = True
    ) -> int:
        """Write the stream's counts with `write` if this worker gets the stream's flush lock
        (waiting for it when `wait`); returns what `write` returned, 0 if nothing was done."""
        await self.drain()
        async with self.lock(f"flush:{stream}", wait=wait) as held:
            if not held:
                return 0
            tally = await self._take(stream)
            if not tally:
                return 0
            try:
                written = await write(tally)
            except BaseException:
                self._give_back(stream, tally)
                raise
            if self.redis is not None:
                await self.redis.delete(*_tally_keys(stream, "flushing"))
            return written

    async def _take(self, stream: str) -> Tally:
        if self.redis is None:
            return self._tallies.pop(stream, None) or Tally()
        flushing = _tally_keys(stream, "flushing")
        await self.redis.eval(_TAKE, 8, *_tally_keys(stream, "pending"), *flushing)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(flushing[0])
            pipe.zrange(flushing[1], 0, -1, withscores=True)
            pipe.zrange(flushing[2], 0, -1, withscores=True)
            pipe.smembers(flushing[3])
            counts, smallest, largest, members = await pipe.execute()
        return Tally(
            counts={_text(k): int(v) for k, v in counts.items()},
            smallest={_text(k): float(v) for k, v in smallest},
            largest={_text(k): float(v) for k, v in largest},
            members={_text(m) for m in members},
        )

    def _give_back(self, stream: str, tally: Tally) -> None:
        if self.redis is None:  # with Redis the "flushing" keys stay for the next attempt
            self._tallies.setdefault(stream, Tally()).merge(tally)

    # -- locks

    @contextlib.asynccontextmanager
    async def lock(
        self, name: str, wait: bool = True, seconds: float = FLUSH_LOCK_SECONDS
    ) -> AsyncIterator[bool]:
        """Hold `name` among all workers (Redis) or in this process; yields whether it is
        held. Without `wait`, gives up at once when another holds it."""
        # One local lock per event loop (a test suite runs many loops in one process).
        local = self._locks.setdefault((name, id(asyncio.get_running_loop())), asyncio.Lock())
        if not wait and local.locked():
            yield False
            return
        async with local:
            if self.redis is None:
                yield True
                return
            key, token = f"{PREFIX}lock:{name}", secrets.token_hex(8)
            deadline = time.monotonic() + seconds
            held = bool(await self.redis.set(key, token, nx=True, px=int(seconds * 1000)))
            while not held and wait and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
                held = bool(await self.redis.set(key, token, nx=True, px=int(seconds * 1000)))
            if not held:
                yield False
                return
            # Renewed while held: a flush whose database write outlasts `seconds` must not let
            # another worker take the same counts and write them a second time.
            renewing = asyncio.ensure_future(self._renew(key, token, seconds))
            try:
                yield True
            finally:
                renewing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewing
                await self.redis.eval(_UNLOCK, 1, key, token)

    async def _renew(self, key: str, token: str, seconds: float) -> None:
        assert self.redis is not None
        while True:
            await asyncio.sleep(seconds / 3)
            try:
                renewed = await self.redis.eval(_RENEW, 1, key, token, int(seconds * 1000))
            except Exception:  # Redis gone for a moment: try again, the lock may still hold
                log.warning("could not renew the lock %s", key, exc_info=True)
                continue
            if not renewed:
                log.error("lost the lock %s while holding it", key)
                return

    # -- sending to Redis

    def _send_soon(self) -> None:
        """Send the queued invalidations now (in a task of their own: writes are rare)."""
        with contextlib.suppress(RuntimeError):  # no running loop: sent by `drain()`
            task = asyncio.get_running_loop().create_task(self._send())
            task.add_done_callback(_report_failure)

    async def _send(self, delay: float = 0.0) -> None:
        if delay:
            await asyncio.sleep(delay)
        async with self._send_lock:
            await self._send_queued()

    async def _send_queued(self) -> None:
        """Send what is queued, in one pipeline per round (scans pre-added per stream)."""
        assert self.redis is not None
        while self._outbox or self._messages:
            outbox, self._outbox = self._outbox, []
            messages, self._messages = self._messages, []
            tallies: dict[str, Tally] = {}
            for stream, counts, extremes, members in outbox:
                tallies.setdefault(stream, Tally()).add(counts, extremes, members)
            try:
                async with self.redis.pipeline(transaction=False) as pipe:
                    for stream, tally in tallies.items():
                        keys = _tally_keys(stream, "pending")
                        for name, count in tally.counts.items():
                            pipe.hincrby(keys[0], name, count)
                        if tally.smallest:
                            pipe.zadd(keys[1], tally.smallest, lt=True)
                        if tally.largest:
                            pipe.zadd(keys[2], tally.largest, gt=True)
                        if tally.members:
                            pipe.sadd(keys[3], *tally.members)
                    if messages:
                        pipe.eval(_INVALIDATE, 1, GENERATION_KEY, *messages, CHANNEL)
                    await pipe.execute()
            except Exception:
                # Kept for the next attempt, within bounds: Redis may be away for long.
                self._outbox[:0] = outbox[-MAX_QUEUED:]
                self._messages[:0] = messages[-MAX_QUEUED:]
                raise

    async def drain(self) -> None:
        """Send everything queued so far to Redis (before a write's response starts, before a
        flush, at shutdown); sends are serialised, so earlier ones have finished too."""
        if self.redis is None:
            return
        try:
            async with self._send_lock:
                await self._send_queued()
        except Exception:
            log.warning("could not send shared state to Redis", exc_info=True)


def _report_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("could not send shared state to Redis; will retry: %s", task.exception())


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


# ---------------------------------------------------------------------------------------------
# Choosing and reaching the current worker's shared state

_MEMORY_CACHES = CacheRegistry()
_MEMORY_TALLIES: dict[str, Tally] = {}
_PROCESS = Shared(MemoryCounters(), _MEMORY_CACHES, _MEMORY_TALLIES)
_CURRENT: ContextVar[Shared | None] = ContextVar("langso_shared", default=None)


def make_shared(settings: Settings) -> Shared:
    """Redis-backed when `settings.redis_url` is set, else this process's memory."""
    if settings.redis_url:
        redis = Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=5)
        return Shared(RedisCounters(redis), CacheRegistry(), {}, redis)
    return Shared(MemoryCounters(), _MEMORY_CACHES, _MEMORY_TALLIES)


def current() -> Shared:
    """The shared state of the worker running this code (the process's memory by default)."""
    shared = _CURRENT.get()
    return _PROCESS if shared is None else shared


@contextlib.contextmanager
def using(shared: Shared) -> Iterator[Shared]:
    """Run the block (and the tasks it starts) with `shared` as `current()`."""
    token = _CURRENT.set(shared)
    try:
        yield shared
    finally:
        _CURRENT.reset(token)


# ---------------------------------------------------------------------------------------------
# Tally streams and their periodic flush


@dataclass(eq=False)
class TallyStream:
    """A named stream of counts and the function that adds a `Tally` of it to the database."""

    name: str
    write: Callable[[Tally], Awaitable[int]]

    async def flush(self, wait: bool = True) -> int:
        return await current().flush(self.name, self.write, wait=wait)


async def _flush_until(
    streams: Sequence[TallyStream], stop: asyncio.Event, interval: float
) -> None:
    """Flush every `interval` seconds until `stop` is set, then once more.

    The loop is stopped by the event, never cancelled: a flush cut off inside its transaction
    could leave the SQLite connection (and its thread) open and keep the worker from exiting.
    """
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
        if not stop.is_set():
            await _flush_all(streams, wait=False)
    await _flush_all(streams, wait=True)


async def _flush_all(streams: Sequence[TallyStream], wait: bool) -> None:
    for stream in streams:
        try:
            await stream.flush(wait=wait)
        except Exception:  # the database may be briefly away: keep counting, retry later
            log.warning("flushing %s failed; will retry", stream.name, exc_info=True)


@contextlib.asynccontextmanager
async def flushing(streams: Sequence[TallyStream], interval: float) -> AsyncIterator[None]:
    """Flush `streams` every `interval` seconds while the block runs, and once more at its end."""
    stop = asyncio.Event()
    task = asyncio.create_task(_flush_until(streams, stop, interval), name="langso-tally-flush")
    try:
        yield
    finally:
        stop.set()
        await task
