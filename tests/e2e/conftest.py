"""Browser tests: the real server in a subprocess, Debian's chromium at a phone's size.

Run by `make e2e` in a pytest process of their own (Playwright's sync API and pytest-asyncio
must not share a process, microsoft/playwright-pytest#167).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")


def _chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _chromium() is None:
        reason = "Debian's chromium is not installed (apt-get install -y chromium)"
        for item in items:
            item.add_marker(pytest.mark.skip(reason=reason))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not become healthy:\n{log.read_text()}")


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """A migrated, seeded Langso served by the real `langso serve` on a free port."""
    workdir = Path(tempfile.mkdtemp(prefix="langso-e2e-"))
    env = {
        **os.environ,
        "LANGSO_VAR_DIR": str(workdir / "var"),
        "DATABASE_URL": f"sqlite:///{workdir / 'e2e.sqlite3'}",
        "LANGSO_ARGON2_PROFILE": "test",
        "SECRET_KEY": "e2e-secret-" + "y" * 40,
        "PICCOLO_CONF": "storefront.piccolo_conf",
    }
    for name in ("REDIS_URL", "MEILISEARCH_URL"):
        env.pop(name, None)
    langso = [sys.executable, "-m", "storefront.cli"]
    subprocess.run([*langso, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*langso, "seed"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = _free_port()
    log = workdir / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*langso, "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": _chromium()}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": {"width": 360, "height": 800},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
    }


def assert_accessible(page) -> None:  # type: ignore[no-untyped-def]
    """No serious or critical axe-core violation on the page as it is now."""
    page.evaluate(AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"accessibility violations on {page.url}:\n" + "\n".join(bad)


@pytest.fixture
def check_a11y():  # type: ignore[no-untyped-def]
    return assert_accessible
