"""The in-process cache of provenance data, per batch code and language.

Choice for several workers: a short time-to-live (`TTL_SECONDS`, 1 s) rather than a version
counter read from the database. A write through this process (append, recall, link, public
fields) drops the batch's entries at once; other workers see it within a second. A TTL also
catches what no write path announces — a row edited behind the application's back shows up
as a broken journal on the page within a second — and costs at most one rebuild per batch,
language and worker each second, while a version check would cost a query on every scan.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any, Generic, TypeVar

TTL_SECONDS = 1.0
MAX_ENTRIES = 4096
V = TypeVar("V")


class ProvenanceCache(Generic[V]):
    """Values by (batch code, language), fresh for `ttl` seconds, dropped by `invalidate`."""

    def __init__(self, ttl: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str], tuple[float, V]] = OrderedDict()
        self._loading: dict[tuple[str, str], asyncio.Future[V]] = {}
        self._version = 0
        self._in_flight: set[asyncio.Future[V]] = set()

    async def get_or_load(
        self, code: str, language: str, load: Callable[[], Coroutine[Any, Any, V]]
    ) -> V:
        """The fresh cached value, or the one `load` gives.

        Concurrent misses share one load, which runs as a task of its own and is shielded: a
        visitor who leaves mid-request must not cancel a database read half-way (on SQLite
        that can leave a connection thread open and keep the worker from exiting).
        """
        key = (code, language)
        entry = self._entries.get(key)
        if entry is not None and time.monotonic() - entry[0] < self.ttl:
            return entry[1]
        task = self._loading.get(key)
        if task is None:
            task = self._loading[key] = asyncio.ensure_future(self._load(key, load))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return await asyncio.shield(task)

    async def finish_loads(self) -> None:
        """Wait for every load in flight (at shutdown: a read left half-way on SQLite keeps a
        connection thread, and with it the worker process, alive)."""
        while self._in_flight:
            await asyncio.gather(*list(self._in_flight), return_exceptions=True)

    async def _load(self, key: tuple[str, str], load: Callable[[], Coroutine[Any, Any, V]]) -> V:
        started, version = time.monotonic(), self._version
        try:
            value = await load()
        finally:
            if self._loading.get(key) is asyncio.current_task():
                del self._loading[key]
        if version == self._version:  # no write since the load began: safe to keep
            self._entries[key] = (started, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def invalidate(self, code: str) -> None:
        self._version += 1
        for key in [key for key in self._entries if key[0] == code]:
            del self._entries[key]
        for key in [key for key in self._loading if key[0] == code]:
            del self._loading[key]  # a load begun before the write must not be shared after

    def clear(self) -> None:
        self._entries.clear()
        self._loading.clear()


_listeners: list[Callable[[str], None]] = []


def on_batch_changed(listener: Callable[[str], None]) -> None:
    """Call `listener(code)` whenever a service of this process changes a batch."""
    if listener not in _listeners:
        _listeners.append(listener)


def batch_changed(code: str) -> None:
    for listener in list(_listeners):
        listener(code)
