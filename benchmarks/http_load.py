"""Serving Langso for a benchmark and loading it from the same machine, bounded in time.

`served()` runs the real server (`langso serve`, granian) on a fresh migrated and seeded
database (SQLite by default, or the PostgreSQL database given) on a free loopback port;
`requests_per_second()` loads one URL, or a list of paths in turn, with wrk (Debian's `wrk`)
for a few seconds, or with a small asyncio client when wrk is missing (slower: compare only
ratios measured with the same tool in the same run; the report names the tool).

The baselines served by the same server in the same run: `TRIVIAL_PATH` (a constant JSON
answer) and `STATIC_PATH` (a stylesheet from the static files router).
"""

from __future__ import annotations

import asyncio
import atexit
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TRIVIAL_PATH = "/health/live"
STATIC_PATH = "/static/app.css"
POSTGRES_ADMIN_URL = os.environ.get(
    "LANGSO_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
_warned_about_wrk = False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_env(workdir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "LANGSO_VAR_DIR": str(workdir / "var"),
        "DATABASE_URL": database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
        "SECRET_KEY": "bench-" + "z" * 40,
        "PICCOLO_CONF": "storefront.piccolo_conf",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    env.pop("MEILISEARCH_URL", None)
    return env


@contextmanager
def served(
    workers: int = 1,
    database_url: str | None = None,
    prepare: Callable[[str], None] | None = None,
) -> Iterator[str]:
    """A seeded server on 127.0.0.1; yields its base URL and stops it afterwards.

    `database_url` (an empty PostgreSQL database, say) replaces the temporary SQLite file;
    `prepare(database_url)` runs after the seed and before the server starts."""
    workdir = Path(tempfile.mkdtemp(prefix="langso-bench-"))
    env = bench_env(workdir, database_url)
    cli = [sys.executable, "-m", "storefront.cli"]
    if database_url is None:
        _copy_seeded_sqlite(workdir)
    else:
        _migrate_and_seed(env)
    if prepare is not None:
        prepare(env["DATABASE_URL"])
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


def _migrate_and_seed(env: dict[str, str]) -> None:
    cli = [sys.executable, "-m", "storefront.cli"]
    for command in ("migrate", "seed"):
        done = subprocess.run([*cli, command], env=env, cwd=ROOT, capture_output=True)
        if done.returncode:
            raise RuntimeError(f"langso {command} failed:\n{done.stderr.decode()[-3000:]}")


_seeded_template: Path | None = None


def _copy_seeded_sqlite(workdir: Path) -> None:
    """Give `workdir` a copy of a migrated, seeded SQLite database and its media folder.

    The seed (photos in three sizes, journals, narrations) takes half a minute on a busy
    machine, so it runs once per process, into a template that every server then copies."""
    global _seeded_template
    if _seeded_template is None:
        template = Path(tempfile.mkdtemp(prefix="langso-bench-template-"))
        atexit.register(shutil.rmtree, template, ignore_errors=True)
        _migrate_and_seed(bench_env(template))
        _seeded_template = template
    for path in _seeded_template.iterdir():
        if path.is_dir():
            shutil.copytree(path, workdir / path.name)
        else:
            shutil.copy2(path, workdir / path.name)


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


def requests_per_second(
    url: str, seconds: int = 5, connections: int = 32, paths: Sequence[str] = ()
) -> float:
    """Requests per second that `url` sustains (wrk, 2 threads; or the asyncio fallback).

    With `paths` (each starting with "/", already URL-encoded), the requests go to `url`'s host
    and cycle through those paths, one after the other, on every connection."""
    if not shutil.which("wrk"):
        _warn_no_wrk()
        targets = [_origin(url) + path for path in paths] if paths else [url]
        return asyncio.run(_python_load(targets, seconds, connections))
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    with tempfile.TemporaryDirectory(prefix="langso-wrk-") as scratch:
        if paths:
            script = Path(scratch) / "paths.lua"
            script.write_text(_lua_cycling(paths))
            command += ["-s", str(script)]
        result = subprocess.run(
            [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
        )
    match = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    if not match or "Non-2xx" in result.stdout:
        raise RuntimeError(f"wrk run failed on {url}:\n{result.stdout}")
    return float(match.group(1))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _lua_cycling(paths: Sequence[str]) -> str:
    quoted = ",\n".join(f'  "{path}"' for path in paths)
    return (
        f"local paths = {{\n{quoted}\n}}\n"
        "local counter = 0\n"
        "request = function()\n"
        "  counter = counter + 1\n"
        '  return wrk.format("GET", paths[(counter % #paths) + 1])\n'
        "end\n"
    )


def _warn_no_wrk() -> None:
    global _warned_about_wrk
    if not _warned_about_wrk:
        print(
            "benchmarks: wrk is not installed (apt-get install -y wrk); loading with a slower "
            "Python asyncio client instead. Ratios stay comparable within this run only.",
            file=sys.stderr,
            flush=True,
        )
        _warned_about_wrk = True


async def _python_load(urls: list[str], seconds: int, connections: int) -> float:
    import httpx

    count = 0
    deadline = time.monotonic() + seconds

    async def worker(client: httpx.AsyncClient, first: int) -> None:
        nonlocal count
        turn = first
        while time.monotonic() < deadline:
            response = await client.get(urls[turn % len(urls)])
            response.raise_for_status()
            count += 1
            turn += 1

    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        started = time.monotonic()
        await asyncio.gather(*(worker(client, number) for number in range(connections)))
        return count / (time.monotonic() - started)


def load_tool() -> str:
    return "wrk" if shutil.which("wrk") else "python-asyncio (wrk not installed)"


def postgres_reachable() -> bool:
    """True when the PostgreSQL server of `LANGSO_BENCH_POSTGRES_URL` answers."""
    try:
        asyncio.run(_admin("SELECT 1"))
    except Exception as error:  # refused, timed out, login refused: run without it
        print(f"benchmarks: PostgreSQL not used: {error}", file=sys.stderr)
        return False
    return True


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new empty database on the bench's PostgreSQL server, dropped afterwards."""
    import secrets

    name = f"langso_bench_{secrets.token_hex(4)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rpartition("/")[0] + f"/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(statement: str) -> None:
    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def best_rates(
    url: str, targets: dict[str, str | Sequence[str]], rounds: int, seconds: int
) -> dict[str, float]:
    """The best requests per second of each target over `rounds` interleaved runs, so that
    machine noise (other processes on the same cores) hits baselines and pages alike.

    A target is one path, or a list of paths loaded in turn (a mixed query list). Each is
    loaded for a second first, unmeasured, so that every worker has warmed its caches (and the
    search index) before the rounds."""

    def load(target: str | Sequence[str], duration: int) -> float:
        if isinstance(target, str):
            return requests_per_second(url + target, duration)
        return requests_per_second(url + "/", duration, paths=target)

    for target in targets.values():
        load(target, 1)
    best = dict.fromkeys(targets, 0.0)
    for _ in range(rounds):
        for name, target in targets.items():
            best[name] = max(best[name], load(target, seconds))
    return best


class Connection:
    """One kept-alive HTTP/1.1 connection with almost no client-side cost: a crowd of these
    measures the server, where httpx's pool would itself be the bottleneck at 20–50
    concurrent requests on a 2-core machine. Answers with Content-Length or chunked bodies."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        """(status, body) of one request; reconnects when the server closed the connection."""
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Length: {len(body)}\r\n"
            + ("Content-Type: application/json\r\n" if body else "")
            + "\r\n"
        )
        writer.write(head.encode("ascii") + body)
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            content = b""
            while size := int((await reader.readline()).strip(), 16):
                content += await reader.readexactly(size)
                await reader.readline()
            await reader.readline()
        else:
            content = await reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, content

    async def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None
