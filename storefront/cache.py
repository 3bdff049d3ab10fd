"""A short-lived cache of hot storefront reads (product lists, product pages).

The values live in each worker's memory for at most `ttl` seconds; a write request that goes
through (answered below 400) on any worker drops them in every worker before its response
starts (`SharedStateMiddleware`, through `marketplace.shared`'s invalidation, which goes
through Redis when REDIS_URL is set).
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from marketplace.shared import CacheSpec
from storefront.shared_state import CATALOGUE_GROUP

V = TypeVar("V")
_numbers = itertools.count(1)


class TTLCache(Generic[V]):
    def __init__(self, ttl: float = 1.0, max_entries: int = 2048) -> None:
        self.spec = CacheSpec(
            f"storefront-{next(_numbers)}", CATALOGUE_GROUP, ttl=ttl, max_entries=max_entries
        )

    async def get_or_load(self, key: str, load: Callable[[], Awaitable[V]]) -> V:
        async def loaded() -> V:
            return await load()

        return await self.spec.get_or_load(key, "", loaded)

    def clear(self) -> None:
        self.spec.clear()
