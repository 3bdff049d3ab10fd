"""The real `langso serve` in a subprocess against the test database, and its sudden death.

The server runs in a session of its own so that SIGKILL reaches granian's worker processes
too, as when a machine loses power or the OOM killer strikes: no shutdown hook runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sqlite3
import sys
import time
from pathlib import Path

import httpx

from marketplace import db
from marketplace.catalogue.tables import Product
from marketplace.config import load_settings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """`python -m storefront.cli serve` on a free port, with the test run's environment."""

    def __init__(self, log: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.workers = workers
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self) -> None:
        env = {**os.environ, "LOG_LEVEL": "WARNING"}
        env.pop("MEILISEARCH_URL", None)
        env.pop("REDIS_URL", None)
        with self.log.open("ab") as output:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "storefront.cli",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        began = time.monotonic()
        await self._wait_until_healthy()
        print(f"server up in {time.monotonic() - began:.1f} s")

    async def _wait_until_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(timeout=2) as client:
            while time.monotonic() < deadline:
                if self.process.returncode is not None:
                    raise RuntimeError(f"server exited:\n{self.log.read_text()[-4000:]}")
                try:
                    response = await client.get(f"{self.url}/health")
                    if response.status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"server did not become healthy:\n{self.log.read_text()[-4000:]}")

    async def kill(self) -> None:
        """SIGKILL the server and every worker it started: no cleanup of any kind runs."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        await asyncio.wait_for(self.process.wait(), timeout=10)
        self.process = None

    async def stop(self) -> None:
        """End a server still running at the end of a test (the same way: no grace)."""
        if self.process is not None:
            await self.kill()


class Progress:
    """Acknowledged writes in the current round; the kill waits for a random number of them,
    so that it always lands under load however slow the machine is."""

    def __init__(self) -> None:
        self.count = 0
        self.kills_inside_a_write = 0
        self._target = 0
        self._reached = asyncio.Event()

    def expect(self, target: int) -> None:
        self.count = 0
        self._target = target
        self._reached.clear()

    def acknowledged(self) -> None:
        self.count += 1
        if self.count >= self._target:
            self._reached.set()

    async def kill_after(self, server: LiveServer, extra_seconds: float) -> None:
        """Kill `server` `extra_seconds` after the target is reached (at most a minute on).

        The kill then waits (up to 5 s) for a moment when one of the server's write
        transactions is open, so that kills land inside a write rather than between two.
        """
        await asyncio.wait_for(self._reached.wait(), timeout=60)
        await asyncio.sleep(extra_seconds)
        deadline = time.monotonic() + 5
        inside = await writes_in_progress()
        while not inside and time.monotonic() < deadline:
            inside = await writes_in_progress()
        await server.kill()
        self.kills_inside_a_write += inside


async def writes_in_progress() -> bool:
    """Whether another process is inside a write transaction right now.

    SQLite: the write lock is taken (a BEGIN IMMEDIATE that may not wait fails; when it
    succeeds it is rolled back at once). PostgreSQL: a session holds a transaction id, i.e. it
    has written and not committed yet.
    """
    if db.is_sqlite():
        probe = sqlite3.connect(load_settings().sqlite_path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    rows = await Product.raw(
        "SELECT count(*) AS writing FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
    )
    return bool(rows[0]["writing"])
