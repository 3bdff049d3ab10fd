"""Serving Langso for a benchmark and loading it from the same machine, bounded in time.

`served()` runs the real server (`langso serve`, granian) on a fresh migrated and seeded SQLite
database on a free loopback port; `requests_per_second()` loads one URL with wrk (Debian's
`wrk`) for a few seconds, or with a small asyncio client when wrk is missing (slower: compare
only ratios measured with the same tool in the same run).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_env(workdir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "LANGSO_VAR_DIR": str(workdir / "var"),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "SECRET_KEY": "bench-" + "z" * 40,
        "PICCOLO_CONF": "storefront.piccolo_conf",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    env.pop("MEILISEARCH_URL", None)
    return env


@contextmanager
def served(workers: int = 1) -> Iterator[str]:
    """A seeded server on 127.0.0.1; yields its base URL and stops it afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix="langso-bench-"))
    env = bench_env(workdir)
    cli = [sys.executable, "-m", "storefront.cli"]
    for command in ("migrate", "seed"):
        subprocess.run([*cli, command], env=env, cwd=ROOT, check=True, capture_output=True)
    port = _free_port()
    log = (workdir / "server.log").open("wb")
    process = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            with urllib.request.urlopen(f"{url}/health/live", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def requests_per_second(url: str, seconds: int = 5, connections: int = 32) -> float:
    """Requests per second that `url` sustains (wrk, 2 threads; or the asyncio fallback)."""
    if shutil.which("wrk"):
        result = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 30,
        )
        match = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
        if not match or "Non-2xx" in result.stdout:
            raise RuntimeError(f"wrk run failed on {url}:\n{result.stdout}")
        return float(match.group(1))
    return asyncio.run(_python_load(url, seconds, connections))


async def _python_load(url: str, seconds: int, connections: int) -> float:
    import httpx

    count = 0
    deadline = time.monotonic() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal count
        while time.monotonic() < deadline:
            response = await client.get(url)
            response.raise_for_status()
            count += 1

    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        started = time.monotonic()
        await asyncio.gather(*(worker(client) for _ in range(connections)))
        return count / (time.monotonic() - started)


def load_tool() -> str:
    return "wrk" if shutil.which("wrk") else "python-asyncio (wrk not installed)"
