"""Search work the server does in the background while it runs.

- When Meilisearch is configured, a small task drains the outbox every few seconds (backing
  off up to a minute while Meilisearch is down), so changes reach it without `langso search
  sync`. Several workers may drain at once: deliveries are idempotent.
- Without Meilisearch, the database backend is warmed up at start-up (the `memory` backend
  compiles its index), so that the first buyer does not wait for it: until it is ready, the
  database's own full text answers (with Meilisearch it is warmed only if Meilisearch fails).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from marketplace import search
from marketplace.config import Settings

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 2.0
MAX_BACKOFF_SECONDS = 60.0


async def run_outbox_worker(
    stop: asyncio.Event, interval_seconds: float = INTERVAL_SECONDS
) -> None:
    """Drain the search outbox into Meilisearch until `stop` is set."""
    from marketplace.catalogue.queries import search_documents

    delay = interval_seconds
    while not stop.is_set():
        try:
            report = await search.sync_outbox(search_documents, attempts=1)
            failed = report.error is not None
        except Exception:  # keep draining whatever went wrong once
            log.exception("search outbox drain failed")
            failed = True
        delay = min(MAX_BACKOFF_SECONDS, delay * 2) if failed else interval_seconds
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)


async def _warm_up() -> None:
    try:
        await search.warm_up()
    except Exception:  # a missing table before the first migration: the first search retries
        log.warning("search index not compiled at start-up", exc_info=True)


@contextlib.asynccontextmanager
async def search_background(settings: Settings) -> AsyncIterator[None]:
    """Run the background search work for the life of the app (for its lifespan)."""
    stop = asyncio.Event()
    if settings.meilisearch_url:
        tasks = [asyncio.create_task(run_outbox_worker(stop))]
    else:
        tasks = [asyncio.create_task(_warm_up())]
    try:
        yield
    finally:
        stop.set()
        search.stop_background()
        for task in tasks:
            task.cancel()  # safe mid-delivery: outbox rows go only after Meilisearch has them
        await asyncio.gather(*tasks, return_exceptions=True)
