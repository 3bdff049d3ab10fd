"""State shared by every worker: sessions, counters, caches — Redis when configured, else memory.

With several workers behind a load balancer, set REDIS_URL so that all of them see the same
sessions, rate-limit counters, cache invalidations and scan counts; a single `make run` process
is fine with memory. Sessions are Litestar stores; everything else is `marketplace.shared`
(usable by the library layers below the storefront), which `SharedStateMiddleware` makes
current for each request.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.enums import ScopeType
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from redis.asyncio import Redis

from marketplace.config import Settings
from marketplace.shared import (
    Counters,
    Shared,
    make_shared,
    using,
)

__all__ = [
    "CATALOGUE_GROUP",
    "Counters",
    "SharedState",
    "SharedStateMiddleware",
    "make_shared_state",
]

# The storefront's own caches (product lists, product pages): any write request may change
# what they show, so every non-GET request that is not refused drops them in every worker.
CATALOGUE_GROUP = "catalogue"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class SharedState:
    sessions: Store
    shared: Shared

    @property
    def counters(self) -> Counters:
        return self.shared.counters

    @property
    def redis(self) -> Redis | None:
        return self.shared.redis

    async def close(self) -> None:
        await self.shared.close()


def make_shared_state(settings: Settings) -> SharedState:
    shared = make_shared(settings)
    if shared.redis is not None:
        sessions: Store = RedisStore(
            shared.redis, namespace="langso:session", handle_client_shutdown=False
        )
    else:
        sessions = MemoryStore()
    return SharedState(sessions=sessions, shared=shared)


class SharedStateMiddleware:
    """Makes the app's shared state current for the request. Before a write request's
    response starts, drops the storefront caches and sends what is queued for Redis (the
    invalidations), so that the visitor's next request, on any worker, sees the write. A
    read request waits for nothing: its scan is sent with others a few milliseconds later."""

    def __init__(self, app: ASGIApp, shared: SharedState) -> None:
        self.app = app
        self.shared = shared.shared

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        shared = self.shared
        await shared.ready()
        writes = scope.get("method", "GET") not in _SAFE_METHODS

        async def send_after_sharing(message: Message) -> None:
            # a refused write (4xx) changed nothing: the other workers keep their caches
            if message["type"] == "http.response.start" and writes and message["status"] < 400:
                shared.invalidate(CATALOGUE_GROUP)
                await shared.drain()
            await send(message)

        with using(shared):
            await self.app(scope, receive, send_after_sharing)
