"""State shared by every worker: sessions, counters, caches — Redis when configured, else memory.

With several workers behind a load balancer, set REDIS_URL so that all of them see the same
sessions and rate-limit counters; a single `make run` process is fine with memory.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis

from marketplace.config import Settings


class Counters:
    """Fixed-window counters: how many times `key` was hit in the current window."""

    async def hit(self, key: str, window_seconds: int) -> int:
        raise NotImplementedError

    async def reset(self, key: str) -> None:
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

    def _forget_expired(self, now: float, window_seconds: int) -> None:
        for key in [k for k, (t, _) in self._windows.items() if now - t >= window_seconds]:
            del self._windows[key]


@dataclass
class RedisCounters(Counters):
    redis: Redis
    namespace: str = "langso:counter:"

    async def hit(self, key: str, window_seconds: int) -> int:
        name = self.namespace + key
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, window_seconds, nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def reset(self, key: str) -> None:
        await self.redis.delete(self.namespace + key)


@dataclass
class SharedState:
    sessions: Store
    counters: Counters
    redis: Redis | None = None

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()


def make_shared_state(settings: Settings) -> SharedState:
    if settings.redis_url:
        redis = Redis.from_url(settings.redis_url)
        return SharedState(
            sessions=RedisStore(redis, namespace="langso:session", handle_client_shutdown=False),
            counters=RedisCounters(redis),
            redis=redis,
        )
    return SharedState(sessions=MemoryStore(), counters=MemoryCounters())
