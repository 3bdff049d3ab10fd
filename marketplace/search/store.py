"""Reading and writing search's tables, in SQL that means the same on SQLite and PostgreSQL.

Every statement is raw SQL through Piccolo's `QueryString` ({} placeholders become `?` or
`$n`), so the upserts (`INSERT … ON CONFLICT … DO UPDATE`) and `RETURNING` are written once.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec
from piccolo.querystring import QueryString

from marketplace.config import get_settings
from marketplace.db import DB, is_sqlite
from marketplace.search.documents import SearchDocument

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(SearchDocument)


def encode(document: SearchDocument) -> str:
    return _encoder.encode(document).decode()


def decode(data: str | bytes) -> SearchDocument:
    return _decoder.decode(data)


async def _run(template: str, *args: Any) -> list[dict[str, Any]]:
    rows = await DB.run_querystring(QueryString(template, *args))
    return list(rows or [])


@dataclass(frozen=True)
class State:
    version: int
    generation: str


@dataclass(frozen=True)
class Change:
    product_id: int
    version: int
    document: SearchDocument | None


# -- versions -----------------------------------------------------------------------------

_BUMP = (
    "INSERT INTO search_state (id, version, generation) VALUES (1, 1, {}) "
    "ON CONFLICT (id) DO UPDATE SET version = search_state.version + 1{} "
    "RETURNING version, generation"
)


async def next_version() -> State:
    """The next change number. Its row lock, held until commit, orders changes by commit."""
    rows = await _run(_BUMP.format("{}", ""), secrets.token_hex(8))
    return State(int(rows[0]["version"]), str(rows[0]["generation"]))


async def next_generation() -> State:
    """A new version and a new generation: every process recompiles its index."""
    rows = await _run(
        _BUMP.format("{}", ", generation = excluded.generation"), secrets.token_hex(8)
    )
    return State(int(rows[0]["version"]), str(rows[0]["generation"]))


_STATE = "SELECT version, generation FROM search_state WHERE id = 1"


async def read_state() -> State | None:
    if _hot_path():
        row = _reader().execute(_STATE).fetchone()
        return State(int(row[0]), str(row[1])) if row else None
    rows = await _run(_STATE)
    return State(int(rows[0]["version"]), str(rows[0]["generation"])) if rows else None


# On SQLite, Piccolo opens a connection (and a thread) per query or transaction, about a
# millisecond each: the two reads every search makes go through one persistent read-only
# connection instead (WAL lets it read while others write; each statement sees what is
# committed). Inside a transaction the transaction's own connection is used, as ever.
_read_connection: sqlite3.Connection | None = None


def _hot_path() -> bool:
    return is_sqlite() and DB.current_transaction.get() is None


def _reader() -> sqlite3.Connection:
    global _read_connection
    if _read_connection is None:
        path = get_settings().sqlite_path
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA query_only = ON")
        connection.execute("PRAGMA busy_timeout = 5000")
        _read_connection = connection
    return _read_connection


# -- documents ----------------------------------------------------------------------------


async def save_document(product_id: int, version: int, document: SearchDocument | None) -> None:
    await _run(
        "INSERT INTO search_document (product_id, version, active, document) "
        "VALUES ({}, {}, {}, {}) ON CONFLICT (product_id) DO UPDATE SET "
        "version = excluded.version, active = excluded.active, document = excluded.document",
        product_id,
        version,
        document is not None,
        "" if document is None else encode(document),
    )


async def document_of(product_id: int) -> SearchDocument | None:
    """The product's active document, read in the current transaction (None if none)."""
    rows = await _run(
        "SELECT document FROM search_document WHERE product_id = {} AND active", product_id
    )
    return decode(rows[0]["document"]) if rows else None


async def changes_since(version: int) -> list[Change]:
    rows = await _run(
        "SELECT product_id, version, active, document FROM search_document "
        "WHERE version > {} ORDER BY version",
        version,
    )
    return [
        Change(
            int(row["product_id"]),
            int(row["version"]),
            decode(row["document"]) if row["active"] else None,
        )
        for row in rows
    ]


async def active_documents_after(product_id: int, limit: int) -> list[str]:
    """The JSON of up to `limit` active documents with a larger product id, in id order."""
    rows = await _run(
        "SELECT product_id, document FROM search_document WHERE active AND product_id > {} "
        "ORDER BY product_id LIMIT {}",
        product_id,
        limit,
    )
    return [str(row["document"]) for row in rows]


async def active_in_change_order() -> list[int]:
    """The active products' ids, least recently changed first (then by id): the order the
    in-memory index files them in, so that its last tie-break is the most recently changed."""
    updated = (
        "json_extract(document, '$.updated_at')"
        if is_sqlite()
        else "(document::json ->> 'updated_at')"
    )
    rows = await _run(
        f"SELECT product_id, {updated} AS updated FROM search_document WHERE active"  # noqa: S608
    )
    keyed = [(datetime.fromisoformat(str(row["updated"])), int(row["product_id"])) for row in rows]
    keyed.sort()
    return [product_id for _, product_id in keyed]


async def documents_json(product_ids: Sequence[int]) -> dict[int, str]:
    """The JSON of the active documents among `product_ids`."""
    if not product_ids:
        return {}
    marks = ", ".join("{}" for _ in product_ids)
    rows = await _run(
        "SELECT product_id, document FROM search_document "  # noqa: S608 - placeholders only
        f"WHERE active AND product_id IN ({marks})",
        *product_ids,
    )
    return {int(row["product_id"]): str(row["document"]) for row in rows}


async def more_active_than(count: int) -> bool:
    """Whether more than `count` documents are active (reads at most `count + 1` rows)."""
    rows = await _run(
        "SELECT COUNT(*) AS found FROM "
        "(SELECT 1 FROM search_document WHERE active LIMIT {}) AS found_rows",
        count + 1,
    )
    return bool(rows) and int(rows[0]["found"]) > count


async def documents(product_ids: Sequence[int]) -> dict[int, SearchDocument]:
    """The active documents among `product_ids`."""
    if not product_ids:
        return {}
    marks = ", ".join("{}" for _ in product_ids)
    sql = (
        "SELECT product_id, document FROM search_document "  # noqa: S608 - placeholders only
        f"WHERE active AND product_id IN ({marks})"
    )
    if _hot_path():
        found = _reader().execute(sql.replace("{}", "?"), list(product_ids)).fetchall()
        return {int(product_id): decode(data) for product_id, data in found}
    rows = await _run(sql, *product_ids)
    return {int(row["product_id"]): decode(row["document"]) for row in rows}


async def replace_all(documents_to_index: Sequence[SearchDocument], version: int) -> None:
    """Make `documents_to_index` the whole index (inside the caller's write transaction)."""
    await _run("DELETE FROM search_document")
    rows = [(d.product_id, version, True, encode(d)) for d in documents_to_index]
    await _execute_many(
        "INSERT INTO search_document (product_id, version, active, document) "
        "VALUES ({}, {}, {}, {})",
        rows,
    )


async def _execute_many(template: str, rows: list[tuple[Any, ...]]) -> None:
    """One statement for many rows, on the connection of the current transaction."""
    transaction = DB.current_transaction.get()
    assert transaction is not None, "bulk writes run inside write_transaction()"
    connection = transaction.connection
    if is_sqlite():
        await connection.executemany(template.format(*["?"] * template.count("{}")), rows)
    else:
        numbered = template.format(*[f"${i}" for i in range(1, template.count("{}") + 1)])
        await connection.executemany(numbered, rows)


# -- outbox -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    product_id: int
    version: int
    attempts: int


async def queue(product_id: int, version: int) -> None:
    await _run(
        "INSERT INTO search_outbox (product_id, version, queued_at, attempts, last_error) "
        "VALUES ({}, {}, {}, 0, '') ON CONFLICT (product_id) DO UPDATE SET "
        "version = excluded.version, queued_at = excluded.queued_at, attempts = 0, "
        "last_error = ''",
        product_id,
        version,
        datetime.now(UTC),
    )


async def pending(limit: int) -> list[Pending]:
    rows = await _run(
        "SELECT product_id, version, attempts FROM search_outbox ORDER BY version LIMIT {}",
        limit,
    )
    return [Pending(int(r["product_id"]), int(r["version"]), int(r["attempts"])) for r in rows]


async def delivered(items: Sequence[Pending]) -> None:
    """Forget delivered changes, unless the product changed again meanwhile."""
    for item in items:
        await _run(
            "DELETE FROM search_outbox WHERE product_id = {} AND version = {}",
            item.product_id,
            item.version,
        )


async def failed(items: Sequence[Pending], error: str) -> None:
    for item in items:
        await _run(
            "UPDATE search_outbox SET attempts = attempts + 1, last_error = {} "
            "WHERE product_id = {} AND version = {}",
            error[:500],
            item.product_id,
            item.version,
        )


async def forget_up_to(version: int) -> None:
    """Drop outbox rows a full reindex has made redundant."""
    await _run("DELETE FROM search_outbox WHERE version <= {}", version)


async def backlog() -> int:
    rows = await _run("SELECT COUNT(*) AS pending FROM search_outbox")
    return int(rows[0]["pending"]) if rows else 0
