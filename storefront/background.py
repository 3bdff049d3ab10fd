"""Periodic work each server process does in the background while it runs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from storefront.logs import log


async def _repeat(name: str, interval: float, work: Callable[[], Awaitable[object]]) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await work()
        except Exception:  # keep the loop alive; the next round retries
            log.exception("background task failed", extra={"code": name})


@asynccontextmanager
async def periodically(
    name: str, interval: float, work: Callable[[], Awaitable[object]]
) -> AsyncIterator[None]:
    """Run `work` every `interval` seconds while the block runs."""
    task = asyncio.create_task(_repeat(name, interval, work), name=f"langso-{name}")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
