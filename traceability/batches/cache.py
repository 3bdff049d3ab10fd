"""The cache of provenance data, per batch code and language, and its invalidation.

Each worker keeps the values in its own memory (`marketplace.shared`), for at most
`TTL_SECONDS` (1 s). A write through any service of any worker (append, recall, link, public
fields) calls `batch_changed(code)`, which drops the batch's entries here at once and, with
Redis, in every other worker within milliseconds (published before the write's response
starts). A cache hit costs no round trip. The short TTL also catches what no write path
announces — a row edited behind the application's back shows as a broken journal within a
second — and brings fresh scan counts (flushed every few seconds) to the page.
"""

from __future__ import annotations

from collections.abc import Callable

from marketplace.shared import CacheSpec, current

TTL_SECONDS = 1.0
MAX_ENTRIES = 4096
GROUP = "provenance"
PROVENANCE = CacheSpec("provenance", GROUP, ttl=TTL_SECONDS, max_entries=MAX_ENTRIES)

_listeners: list[Callable[[str], None]] = []


def on_batch_changed(listener: Callable[[str], None]) -> None:
    """Also call `listener(code)` whenever a service of this process changes a batch."""
    if listener not in _listeners:
        _listeners.append(listener)


def batch_changed(code: str) -> None:
    """A batch changed: drop its cached provenance in every worker."""
    current().invalidate(GROUP, code)
    for listener in list(_listeners):
        listener(code)
