"""Test harness.

Every test that uses the `db` fixture runs against a real database: `make test` runs the suite
once on SQLite and once more (the database tests) on PostgreSQL, each time in a fresh database
made for that run. Between tests every table is emptied. Browser tests (tests/e2e) run in their
own pytest process (`make e2e`) so that Playwright's loop cannot clash with pytest-asyncio.

With LANGSO_REQUIRE_ALL=1 (CI) no test may skip, except those marked `meilisearch` when no
MEILISEARCH_URL is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

E2E_PROCESS = os.environ.get("LANGSO_E2E") == "1"
ENGINE = os.environ.get("LANGSO_TEST_DATABASE", "sqlite")
ADMIN_URL = os.environ.get("LANGSO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_ALL = os.environ.get("LANGSO_REQUIRE_ALL") == "1"
_TMP = Path(tempfile.mkdtemp(prefix="langso-test-"))
_PG_DATABASE = f"langso_test_{os.getpid()}_{secrets.token_hex(3)}"
_POSTGRES_PROBLEM: str | None = None


def _postgres_url(database: str) -> str:
    base, _, _ = ADMIN_URL.rpartition("/")
    return f"{base}/{database}"


async def _admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(ADMIN_URL, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _configure_environment() -> None:
    global _POSTGRES_PROBLEM
    os.environ["LANGSO_VAR_DIR"] = str(_TMP / "var")
    os.environ["LANGSO_ARGON2_PROFILE"] = "test"
    os.environ["PICCOLO_CONF"] = "storefront.piccolo_conf"
    os.environ["SECRET_KEY"] = "test-secret-" + "x" * 40
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("MEILISEARCH_URL_FOR_APP", None)
    if ENGINE == "postgres":
        try:
            asyncio.run(_admin(f'CREATE DATABASE "{_PG_DATABASE}"'))
        except Exception as error:  # the server is not there: reported per test below
            _POSTGRES_PROBLEM = f"PostgreSQL not reachable at {ADMIN_URL}: {error}"
        os.environ["DATABASE_URL"] = _postgres_url(_PG_DATABASE)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'test.sqlite3'}"


if not E2E_PROCESS:
    _configure_environment()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)
        if item.get_closest_marker("meilisearch") and not os.environ.get("MEILISEARCH_URL"):
            item.add_marker(
                pytest.mark.skip(reason="MEILISEARCH_URL is not set (no Meilisearch server)")
            )
    if ENGINE == "postgres" and _POSTGRES_PROBLEM:
        for item in items:
            item.add_marker(pytest.mark.skip(reason=_POSTGRES_PROBLEM))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not item.get_closest_marker("meilisearch"):
        report.outcome = "failed"
        report.longrepr = f"LANGSO_REQUIRE_ALL=1 forbids skipping: {report.longrepr}"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if ENGINE == "postgres" and not _POSTGRES_PROBLEM and not E2E_PROCESS:
        # A leftover test database is harmless; never hide the real result behind it.
        with contextlib.suppress(Exception):
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{_PG_DATABASE}" WITH (FORCE)'))


@pytest.fixture(scope="session")
async def migrated_database() -> AsyncIterator[None]:
    from marketplace import db
    from storefront.migrations import migrate

    db.prepare_sqlite_file(__import__("marketplace.config", fromlist=["x"]).load_settings())
    await migrate()
    await db.start()
    yield
    await db.stop()


def _all_tables() -> list[type]:
    from storefront.piccolo_conf import APP_REGISTRY

    tables: list[type] = []
    for app in APP_REGISTRY.app_configs.values():
        tables.extend(app.table_classes)
    return tables


async def _empty_all_tables() -> None:
    from marketplace import db

    tables = _all_tables()
    names = [t._meta.tablename for t in tables]  # type: ignore[attr-defined]
    if db.is_sqlite():
        async with db.write_transaction():
            await db.DB.run_ddl("PRAGMA defer_foreign_keys = ON")
            for name in names:
                await db.DB.run_ddl(f'DELETE FROM "{name}"')
    else:
        await _empty_postgres(names)


_postgres_reset: str | None = None


async def _empty_postgres(names: list[str]) -> None:
    """Every table emptied and every sequence back at 1, as TRUNCATE … RESTART IDENTITY
    CASCADE leaves them, but in about a tenth of its time on tables this small (TRUNCATE of
    40 tables took 0.3 s, most of the PostgreSQL run): DELETEs with triggers and foreign keys
    off for the transaction (a superuser's right; otherwise TRUNCATE)."""
    global _postgres_reset
    from marketplace import db

    if _postgres_reset is None:
        rows = await db.DB.run_ddl(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) AS name "
            "FROM pg_sequences WHERE schemaname = 'public'"
        )
        sequences = [str(row["name"]) for row in rows or []]
        _postgres_reset = "".join(
            ["SET LOCAL session_replication_role = replica;"]
            + [f'DELETE FROM "{name}";' for name in names]
            + [f"SELECT setval('{name}', 1, false);" for name in sequences]
        )
    try:
        async with db.DB.pool.acquire() as connection, connection.transaction():
            await connection.execute(_postgres_reset)
    except Exception:  # not a superuser: the slower, always allowed way
        quoted = ", ".join(f'"{n}"' for n in names)
        await db.DB.run_ddl(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


@pytest.fixture
async def db(migrated_database: None) -> AsyncIterator[None]:
    """A migrated, empty database (SQLite or PostgreSQL, by the run)."""
    await _empty_all_tables()
    yield


@pytest.fixture
async def app(db: None):  # type: ignore[no-untyped-def]
    from marketplace.config import load_settings
    from storefront.app import create_app

    return create_app(load_settings())


REDIS_URL = os.environ.get("LANGSO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    """The test Redis database, emptied before and after (skipped when Redis is not running,
    which LANGSO_REQUIRE_ALL turns into a failure)."""
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as error:
        await client.aclose()
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {error}")
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


def make_client(app):  # type: ignore[no-untyped-def]
    """An HTTP client calling the app in this event loop (Litestar's test client would run it
    in a thread of its own, where PostgreSQL's pool, bound to this loop, cannot be used)."""
    import httpx

    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    return httpx.AsyncClient(
        transport=transport, base_url="http://testserver.local", follow_redirects=True
    )


@pytest.fixture
async def client(app):  # type: ignore[no-untyped-def]
    # The database is opened once for the session (migrated_database), so the app's lifespan
    # has nothing left to open; the real server's lifespan is exercised by the browser tests.
    from traceability.batches.scans import STREAM as BATCH_SCANS
    from traceability.heritage.scans import STREAM as SITE_SCANS

    async with make_client(app) as test_client:
        yield test_client
    for stream in (BATCH_SCANS, SITE_SCANS):  # scans a test left unwritten end with it
        app.state.shared.shared.discard(stream)
    await app.state.shared.close()
