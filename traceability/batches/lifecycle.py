"""What the batch services run beside a web server, started and stopped by its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from marketplace.shared import current
from traceability.batches.scans import FLUSH_INTERVAL_SECONDS, scan_flushing


@asynccontextmanager
async def batch_background_work(
    flush_interval: float = FLUSH_INTERVAL_SECONDS,
) -> AsyncIterator[None]:
    """Write buffered scan counts every few seconds while the server runs; when it stops, let
    the cached reads in flight finish (provenance, heritage and storefront pages), then write
    the last scans. An abandoned read would keep its SQLite connection thread, and so the
    worker process, alive after shutdown."""
    async with scan_flushing(flush_interval):
        try:
            yield
        finally:
            await current().caches.finish_loads()
