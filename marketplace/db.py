"""The database engine every Langso table is bound to, and the transaction helpers.

SQLite (the default) and PostgreSQL are chosen by `DATABASE_URL`. On SQLite, Piccolo opens a
connection per query and concurrent read-then-write transactions fail unless they begin
IMMEDIATE, so every write goes through `write_transaction()`: one IMMEDIATE transaction behind
one lock per process (see the README, "Databases").
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from marketplace.config import Settings, get_settings

T = TypeVar("T")


def make_engine(settings: Settings) -> Engine[Any]:
    """The Piccolo engine for the configured database."""
    if settings.is_postgres:
        return PostgresEngine(config={"dsn": settings.database_url}, extensions=())
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    return SQLiteEngine(path=str(path), timeout=30)


DB: Engine[Any] = make_engine(get_settings())

_write_lock: asyncio.Lock | None = None


def is_sqlite() -> bool:
    return isinstance(DB, SQLiteEngine)


def _lock() -> asyncio.Lock:
    global _write_lock
    if _write_lock is None:
        _write_lock = asyncio.Lock()
    return _write_lock


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """Run the block as one atomic write; nested calls join the outer transaction."""
    if DB.current_transaction.get() is not None:
        yield
        return
    if isinstance(DB, SQLiteEngine):
        async with _lock(), DB.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with DB.transaction():
            yield


async def claim(*keys: str) -> None:
    """Make a check-then-insert on unique `keys` safe against a concurrent one (call it inside
    `write_transaction()`, before the check).

    On PostgreSQL two transactions can both find a phone, slug or GTIN free and both insert it:
    the unique index then fails the second with an error the user would see as a 500. A
    transaction-scoped advisory lock per key makes the second wait and find the first's row, so
    it answers the same 409 as a later request would. On SQLite, writes are already one at a
    time (IMMEDIATE, behind the write lock).
    """
    if DB.current_transaction.get() is None:
        raise RuntimeError("claim() belongs inside write_transaction()")
    if isinstance(DB, SQLiteEngine):
        return
    from piccolo.querystring import QueryString

    for key in sorted(set(keys)):  # one order everywhere: no deadlock between two claims
        await DB.run_querystring(QueryString("SELECT pg_advisory_xact_lock(hashtext({}))", key))


@asynccontextmanager
async def reading() -> AsyncIterator[None]:
    """Run several reads on one connection (on SQLite each query would open its own)."""
    if DB.current_transaction.get() is not None or not isinstance(DB, SQLiteEngine):
        yield
        return
    async with DB.transaction():
        yield


def prepare_sqlite_file(settings: Settings) -> None:
    """Switch a SQLite database to WAL, which persists in the file (3× faster writes)."""
    if settings.is_postgres:
        return
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


async def start(settings: Settings | None = None) -> bool:
    """Open what the engine keeps open (PostgreSQL's pool); True if this call opened it."""
    settings = settings or get_settings()
    prepare_sqlite_file(settings)
    if isinstance(DB, PostgresEngine) and DB.pool is None:
        await DB.start_connection_pool(min_size=1, max_size=10)
        return True
    return False


async def stop() -> None:
    if isinstance(DB, PostgresEngine) and DB.pool is not None:
        await DB.close_connection_pool()


def run_with_database(work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` to completion from synchronous code (a CLI command), the database open."""

    async def run() -> T:
        await start()
        try:
            return await work()
        finally:
            await stop()

    return asyncio.run(run())


async def check() -> None:
    """Raise if the database does not answer a trivial query."""
    await DB.run_ddl("SELECT 1")
