"""Reliability tests: the real server killed under load, webhook storms, search outages."""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.reliability.server import LiveServer


@pytest.fixture
def chaos() -> random.Random:
    """A seeded random source; LANGSO_CHAOS_SEED replays a failing run."""
    seed = int(os.environ.get("LANGSO_CHAOS_SEED") or random.SystemRandom().randrange(10**6))
    print(f"LANGSO_CHAOS_SEED={seed}")
    return random.Random(seed)


@pytest.fixture
async def live_server(db: None, tmp_path: Path) -> AsyncIterator[LiveServer]:
    """A `langso serve` of the test database (not started yet), killed at the end."""
    server = LiveServer(tmp_path / "server.log")
    try:
        yield server
    finally:
        await server.stop()
