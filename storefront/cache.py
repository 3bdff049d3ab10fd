"""A tiny in-process cache for hot read paths, with a short time-to-live.

Each worker keeps its own copy for at most `ttl` seconds, so a change made through any worker
shows on every worker within that time without any shared invalidation traffic; a write in
this worker also clears its copy at once.
"""

from __future__ import annotations

import time
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

V = TypeVar("V")


_ALL: weakref.WeakSet[TTLCache[object]] = weakref.WeakSet()


def clear_all() -> None:
    """Forget every cached entry of this worker (after a write made through it)."""
    for cache in list(_ALL):
        cache.clear()


class TTLCache(Generic[V]):
    def __init__(self, ttl: float = 1.0, max_entries: int = 2048) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, V]] = OrderedDict()
        _ALL.add(self)  # type: ignore[arg-type]

    async def get_or_load(self, key: str, load: Callable[[], Awaitable[V]]) -> V:
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and now - entry[0] < self.ttl:
            return entry[1]
        value = await load()
        self._entries[key] = (now, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self._entries.clear()
