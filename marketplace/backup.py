"""Backups: every row of every table plus the media files, in one portable archive.

`langso export -o backup.tar.gz` and `langso import backup.tar.gz`. The archive (a gzipped tar)
holds, in this order:

- `manifest.json`: format name and version, the app's version, when and from which engine it
  was made, the migrations applied per app, and per table (in restore order) its file, row
  count, SHA-256 and column types; then the media files with their sizes and SHA-256.
- `tables/<table>.jsonl`: one JSON object per row, keys sorted, rows ordered by primary key,
  values typed portably: datetimes as ISO 8601 in UTC (`2026-11-24T04:27:30.123456Z`), dates
  and times as ISO, decimals as strings, bytes as base64, JSON columns as their stored text,
  NULL as null. The same data gives the same bytes (and checksum) on SQLite and PostgreSQL.
- `media/<key>`: each stored photo and audio file, byte for byte.

Import goes into an empty, migrated database (or replaces everything with `--replace`): it
checks every checksum first, writes the media, then inserts all rows in dependency order in one
transaction, and on PostgreSQL moves every serial sequence past the restored ids.
"""

from __future__ import annotations

import base64
import datetime as dt
import errno
import hashlib
import io
import json
import os
import tarfile
import tempfile
import uuid
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from piccolo.columns import Column, ForeignKey
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

from marketplace import media
from marketplace.errors import Conflict, InvalidInput

FORMAT = "langso-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_MAX_PARAMETERS = 5000  # per INSERT statement, far below both engines' limits
_PAGE = 5000  # rows read per query when exporting

# Piccolo column class → the portable kind written in the manifest.
_KINDS: dict[str, str] = {
    "Serial": "integer",
    "BigSerial": "integer",
    "Integer": "integer",
    "BigInt": "integer",
    "SmallInt": "integer",
    "Varchar": "text",
    "Text": "text",
    "Email": "text",
    "Secret": "text",
    "Boolean": "boolean",
    "Real": "float",
    "Float": "float",
    "DoublePrecision": "float",
    "Numeric": "decimal",
    "Decimal": "decimal",
    "Timestamptz": "timestamptz",
    "Timestamp": "timestamp",
    "Date": "date",
    "Time": "time",
    "Interval": "interval",
    "JSON": "json",
    "JSONB": "json",
    "Bytea": "bytes",
    "Blob": "bytes",
    "UUID": "uuid",
    "Array": "array",
}


@dataclass(frozen=True)
class TableSpec:
    """One table as the backup sees it."""

    app: str
    name: str
    primary_key: str
    columns: dict[str, str]  # column → kind
    serials: tuple[str, ...]
    references: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ExportReport:
    path: Path
    rows: dict[str, int]
    media_files: int


@dataclass(frozen=True)
class ImportReport:
    rows: dict[str, int]
    media_files: int
    replaced: bool


# ---------------------------------------------------------------------------------------------
# What to back up


def _kind(column: Column) -> str:
    if isinstance(column, ForeignKey):
        target = column._foreign_key_meta.resolved_target_column
        return _kind(target)
    kind = _KINDS.get(type(column).__name__)
    if kind is None:
        raise TypeError(f"no backup encoding for column type {type(column).__name__}")
    return kind


def _spec(app: str, table: type[Table]) -> TableSpec:
    meta = table._meta
    references = {
        column._foreign_key_meta.resolved_references._meta.tablename
        for column in meta.foreign_key_columns
    }
    references.discard(meta.tablename)  # rows of a self-referencing table go in id order
    return TableSpec(
        app=app,
        name=meta.tablename,
        primary_key=meta.primary_key._meta.db_column_name,
        columns={c._meta.db_column_name: _kind(c) for c in meta.columns},
        serials=tuple(
            c._meta.db_column_name for c in meta.columns if type(c).__name__.endswith("Serial")
        ),
        references=frozenset(references),
    )


def table_specs() -> list[TableSpec]:
    """Every table of every app in `storefront.piccolo_conf`, parents before children."""
    from storefront.piccolo_conf import APP_REGISTRY

    specs = [
        _spec(app.app_name, table)
        for app in APP_REGISTRY.app_configs.values()
        for table in app.table_classes
    ]
    ordered: list[TableSpec] = []
    placed: set[str] = set()
    pending = list(specs)
    while pending:
        ready = [s for s in pending if s.references <= placed]
        if not ready:  # a cycle between tables: keep the registry's order for the rest
            ready = pending[:1]
        for spec in ready:
            ordered.append(spec)
            placed.add(spec.name)
            pending.remove(spec)
    return ordered


# ---------------------------------------------------------------------------------------------
# Values, both ways


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def encode(kind: str, value: Any) -> Any:
    """A database value as portable JSON (see the module's documentation)."""
    if value is None:
        return None
    if kind == "integer":
        return int(value)
    if kind == "text":
        return str(value)
    if kind == "boolean":
        return bool(value)
    if kind == "float":
        return float(value)
    if kind == "decimal":
        return str(Decimal(str(value)))
    if kind == "timestamptz":
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        text = _utc(moment).isoformat(timespec="microseconds")
        return text.replace("+00:00", "Z")
    if kind == "timestamp":
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.replace(tzinfo=None).isoformat(timespec="microseconds")
    if kind in {"date", "time"}:
        return value if isinstance(value, str) else value.isoformat()
    if kind == "interval":
        return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
    if kind == "json":
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "uuid":
        return str(value)
    if kind == "array":
        return json.loads(value) if isinstance(value, str) else list(value)
    raise TypeError(f"unknown kind {kind}")


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "integer": int,
    "text": str,
    "boolean": bool,
    "float": float,
    "decimal": lambda v: Decimal(str(v)),
    "timestamptz": lambda v: _utc(dt.datetime.fromisoformat(v)),
    "timestamp": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "time": dt.time.fromisoformat,
    "interval": lambda v: dt.timedelta(seconds=float(v)),
    "json": str,
    "bytes": base64.b64decode,
    "uuid": uuid.UUID,
    "array": list,
}


def decode(kind: str, value: Any) -> Any:
    """The Python value to insert for a portable JSON value."""
    return None if value is None else _DECODERS[kind](value)


def _line(row: dict[str, Any]) -> bytes:
    text = json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8") + b"\n"


# ---------------------------------------------------------------------------------------------
# Talking to an engine (the process's own, or another one: the tests copy between engines)


def _engine(engine: Engine[Any] | None) -> Engine[Any]:
    from marketplace import db

    return engine if engine is not None else db.DB


def _engine_name(engine: Engine[Any]) -> str:
    return "postgresql" if isinstance(engine, PostgresEngine) else "sqlite"


async def _query(engine: Engine[Any], sql: str, *args: Any) -> list[dict[str, Any]]:
    rows = await engine.run_querystring(QueryString(sql, *args))
    return [dict(row) for row in rows or []]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@asynccontextmanager
async def _writing(engine: Engine[Any]) -> AsyncIterator[None]:
    """One write transaction: `db.write_transaction()` for the process's own engine."""
    from marketplace import db

    if engine is db.DB:
        async with db.write_transaction():
            yield
    elif isinstance(engine, SQLiteEngine):
        async with engine.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with engine.transaction():
            yield


@asynccontextmanager
async def _snapshot(engine: Engine[Any]) -> AsyncIterator[None]:
    """One read transaction, so the archive is a consistent picture of one moment."""
    async with engine.transaction():
        if isinstance(engine, PostgresEngine):
            await engine.run_ddl("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


async def applied_migrations(engine: Engine[Any] | None = None) -> dict[str, list[str]]:
    """The migrations Piccolo recorded, per app (empty if the database was never migrated)."""
    engine = _engine(engine)
    try:
        rows = await _query(engine, 'SELECT app_name, name FROM "migration"')
    except Exception:  # no migration table: a database that was never migrated
        return {}
    applied: dict[str, list[str]] = {}
    for row in rows:
        applied.setdefault(str(row["app_name"]), []).append(str(row["name"]))
    return {app: sorted(names) for app, names in sorted(applied.items())}


async def row_counts(engine: Engine[Any] | None = None) -> dict[str, int]:
    engine = _engine(engine)
    counts: dict[str, int] = {}
    for spec in table_specs():
        rows = await _query(engine, f"SELECT COUNT(*) AS n FROM {_quote(spec.name)}")  # noqa: S608
        counts[spec.name] = int(rows[0]["n"])
    return counts


def _app_version() -> str:
    try:
        return metadata.version("langso")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------
# Export


async def export_archive(
    target: Path,
    *,
    engine: Engine[Any] | None = None,
    storage: media.MediaStorage | None = None,
    page_size: int = _PAGE,
) -> ExportReport:
    """Write every table and media file to `target` (a .tar.gz), atomically, reading tables
    `page_size` rows at a time."""
    engine = _engine(engine)
    storage = storage if storage is not None else media.storage()
    specs = table_specs()
    _check_target(target)
    with tempfile.TemporaryDirectory(prefix="langso-export-") as work:
        folder = Path(work)
        (folder / "tables").mkdir()
        tables: list[dict[str, Any]] = []
        async with _snapshot(engine):
            migrations = await applied_migrations(engine)
            for spec in specs:
                tables.append(await _export_table(engine, spec, folder, page_size))
        media_files: list[dict[str, Any]] = []
        for key in await storage.keys():
            data = await storage.read(key)
            if data is None:  # deleted meanwhile
                continue
            path = folder / "media" / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            media_files.append({"key": key, "size": len(data), "sha256": _sha256(data)})
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": _app_version(),
            "created_at": encode("timestamptz", dt.datetime.now(dt.UTC)),
            "source_engine": _engine_name(engine),
            "migrations": migrations,
            "tables": tables,
            "media": media_files,
        }
        _write_tar(target, folder, manifest)
    return ExportReport(
        path=target,
        rows={t["name"]: t["rows"] for t in tables},
        media_files=len(media_files),
    )


async def _export_table(
    engine: Engine[Any], spec: TableSpec, folder: Path, page_size: int
) -> dict[str, Any]:
    """One table to JSON lines, read in primary-key pages so memory stays flat."""
    names = ", ".join(_quote(c) for c in spec.columns)
    table, key = _quote(spec.name), _quote(spec.primary_key)
    first_page = f"SELECT {names} FROM {table} ORDER BY {key} LIMIT {page_size}"  # noqa: S608
    next_page = f"SELECT {names} FROM {table} WHERE {key} > {{}} ORDER BY {key} LIMIT {page_size}"  # noqa: S608
    digest = hashlib.sha256()
    count = 0
    relative = f"tables/{spec.name}.jsonl"
    with (folder / relative).open("wb") as handle:
        rows = await _query(engine, first_page)
        while rows:
            for row in rows:
                line = _line({c: encode(kind, row[c]) for c, kind in spec.columns.items()})
                handle.write(line)
                digest.update(line)
            count += len(rows)
            if len(rows) < page_size:
                break
            rows = await _query(engine, next_page, rows[-1][spec.primary_key])
    return {
        "name": spec.name,
        "app": spec.app,
        "file": relative,
        "rows": count,
        "sha256": digest.hexdigest(),
        "primary_key": spec.primary_key,
        "columns": spec.columns,
    }


def _check_target(target: Path) -> None:
    """Raise the OSError writing `target` would meet, before reading the whole database."""
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    target.parent.mkdir(parents=True, exist_ok=True)


def _write_tar(target: Path, folder: Path, manifest: dict[str, Any]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    body = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    try:
        with tarfile.open(partial, "w:gz") as archive:
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
            archive.addfile(info, io.BytesIO(body))
            for table in manifest["tables"]:
                archive.add(folder / table["file"], arcname=table["file"], recursive=False)
            for item in manifest["media"]:
                name = f"media/{item['key']}"
                archive.add(folder / name, arcname=name, recursive=False)
        partial.replace(target)
    except BaseException:  # a full disk, a folder put at `target` meanwhile: leave nothing
        partial.unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------------------
# Import


def _broken(detail: str) -> InvalidInput:
    return InvalidInput(
        "backup_invalid",
        f"Tệp sao lưu không hợp lệ hoặc đã bị hỏng: {detail}",
        f"The backup file is invalid or damaged: {detail}",
    )


# what reading a truncated or corrupted gzip tar raises
_DAMAGED = (EOFError, zlib.error, tarfile.TarError, OSError)


class _Archive:
    """A backup archive opened for reading, every checksum verified up front."""

    def __init__(self, path: Path) -> None:
        try:
            self.tar = tarfile.open(path, "r:gz")  # noqa: SIM115 - closed by close()
        except FileNotFoundError:
            raise InvalidInput(
                "backup_missing",
                f"Không có tệp sao lưu {path}.",
                f"There is no backup file {path}.",
            ) from None
        except (OSError, EOFError, tarfile.TarError) as error:
            raise _broken(str(error)) from None
        try:
            self.manifest = self._manifest()
        except _DAMAGED as error:  # a truncated archive ends before its manifest
            self.tar.close()
            raise _broken(str(error) or type(error).__name__) from None

    def close(self) -> None:
        self.tar.close()

    def open(self, name: str) -> IO[bytes]:
        try:
            handle = self.tar.extractfile(name)
        except KeyError:
            handle = None
        if handle is None:
            raise _broken(f"thiếu {name} / {name} is missing")
        return handle

    def member(self, name: str) -> bytes:
        with self.open(name) as handle:
            return handle.read()

    def _digest(self, name: str) -> tuple[str, int]:
        """SHA-256 and line count of a member, read in blocks."""
        digest, lines = hashlib.sha256(), 0
        with self.open(name) as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
                lines += block.count(b"\n")
        return digest.hexdigest(), lines

    def _manifest(self) -> dict[str, Any]:
        try:
            manifest = json.loads(self.member(MANIFEST))
        except ValueError:
            raise _broken("manifest.json") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _broken("không phải bản sao lưu Langso / not a Langso backup")
        if manifest.get("format_version") != FORMAT_VERSION:
            version = manifest.get("format_version")
            raise InvalidInput(
                "backup_version_unsupported",
                f"Phiên bản định dạng sao lưu {version} chưa được hỗ trợ.",
                f"Backup format version {version} is not supported.",
            )
        return manifest

    def rows(self, table: dict[str, Any], size: int) -> Iterator[list[dict[str, Any]]]:
        """A table's rows, `size` at a time."""
        batch: list[dict[str, Any]] = []
        with self.open(table["file"]) as handle:
            for line in handle:
                batch.append(json.loads(line))
                if len(batch) == size:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def verify(self) -> None:
        for table in self.manifest["tables"]:
            if self._digest(table["file"]) != (table["sha256"], table["rows"]):
                raise _broken(f"bảng {table['name']} / table {table['name']}")
        for item in self.manifest["media"]:
            if not media.is_key(str(item["key"])):
                raise _broken(f"tên tệp {item['key']!r} / file name {item['key']!r}")
            if self._digest(f"media/{item['key']}")[0] != item["sha256"]:
                raise _broken(f"tệp {item['key']} / file {item['key']}")


async def import_archive(
    source: Path,
    *,
    replace: bool = False,
    engine: Engine[Any] | None = None,
    storage: media.MediaStorage | None = None,
    max_parameters: int = _MAX_PARAMETERS,
) -> ImportReport:
    """Restore `source` into an empty, migrated database (or over everything with `replace`),
    inserting as many rows per statement as `max_parameters` values allow."""
    engine = _engine(engine)
    storage = storage if storage is not None else media.storage()
    archive = _Archive(source)
    try:
        try:
            archive.verify()
        except _DAMAGED as error:  # truncated or corrupted past the manifest
            raise _broken(str(error) or type(error).__name__) from None
        specs = {spec.name: spec for spec in table_specs()}
        await _check_schema(engine, archive.manifest, specs)
        await _check_empty(engine, replace)
        wanted = {item["key"] for item in archive.manifest["media"]}
        for item in archive.manifest["media"]:
            key = item["key"]
            content_type = _content_type(key)
            await storage.save(key, archive.member(f"media/{key}"), content_type)
        rows: dict[str, int] = {}
        async with _writing(engine):
            if replace:
                await _empty(engine, list(specs.values()))
            else:
                await _check_empty(engine, replace=False)
            if isinstance(engine, SQLiteEngine):
                await engine.run_ddl("PRAGMA defer_foreign_keys = ON")
            for table in archive.manifest["tables"]:
                spec = specs[table["name"]]
                kinds: dict[str, str] = table["columns"]
                rows[spec.name] = 0
                for records in archive.rows(table, max(1, max_parameters // len(kinds))):
                    await _insert(engine, spec, kinds, records)
                    rows[spec.name] += len(records)
            if isinstance(engine, PostgresEngine):
                await _reset_sequences(engine, list(specs.values()))
        if replace:
            for key in await storage.keys():
                if key not in wanted:
                    await storage.delete(key)
        return ImportReport(rows=rows, media_files=len(wanted), replaced=replace)
    finally:
        archive.close()


def _content_type(key: str) -> str:
    return media.content_type(key) or "application/octet-stream"


async def _check_schema(
    engine: Engine[Any], manifest: dict[str, Any], specs: dict[str, TableSpec]
) -> None:
    applied = await applied_migrations(engine)
    missing = [
        f"{app}/{name}"
        for app, names in manifest.get("migrations", {}).items()
        for name in names
        if name not in applied.get(app, [])
    ]
    if missing:
        raise Conflict(
            "backup_needs_migrations",
            "Cơ sở dữ liệu đích chưa có đủ các bước cập nhật cấu trúc của bản sao lưu "
            f"({len(missing)} bước, ví dụ {missing[0]}). Hãy chạy `langso migrate` trước "
            "(bằng phiên bản Langso cùng hoặc mới hơn).",
            f"The target database lacks {len(missing)} of the backup's migrations "
            f"(e.g. {missing[0]}). Run `langso migrate` first, with the same or a newer Langso.",
        )
    for table in manifest["tables"]:
        spec = specs.get(table["name"])
        unknown = sorted(set(table["columns"]) - set(spec.columns)) if spec else []
        if spec is None or unknown:
            raise _broken(f"bảng hoặc cột không có ở đây / unknown table or column {table['name']}")


async def _check_empty(engine: Engine[Any], replace: bool) -> None:
    if replace:
        return
    filled = {name: n for name, n in (await row_counts(engine)).items() if n}
    if filled:
        total = sum(filled.values())
        example = ", ".join(sorted(filled)[:3])
        raise Conflict(
            "backup_target_not_empty",
            f"Cơ sở dữ liệu đích đã có dữ liệu ({total} dòng, ví dụ trong bảng {example}). "
            "Chỉ nhập vào một cơ sở dữ liệu trống; muốn xóa hết dữ liệu hiện có và thay bằng "
            "bản sao lưu thì thêm --replace.",
            f"The target database already holds data ({total} rows, e.g. in {example}). "
            "Import only into an empty database, or add --replace to delete everything in it "
            "and restore the backup instead.",
        )


async def _empty(engine: Engine[Any], specs: list[TableSpec]) -> None:
    if isinstance(engine, PostgresEngine):
        names = ", ".join(_quote(s.name) for s in specs)
        await engine.run_ddl(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        return
    await engine.run_ddl("PRAGMA defer_foreign_keys = ON")
    for spec in reversed(specs):
        await engine.run_ddl(f"DELETE FROM {_quote(spec.name)}")  # noqa: S608


async def _insert(
    engine: Engine[Any], spec: TableSpec, kinds: dict[str, str], records: list[dict[str, Any]]
) -> None:
    """One multi-row INSERT of `records` (the caller keeps it under the parameter limit)."""
    columns = list(kinds)
    per_row = "(" + ", ".join("{}" for _ in columns) + ")"
    names = ", ".join(_quote(c) for c in columns)
    values = [decode(kinds[c], record.get(c)) for record in records for c in columns]
    sql = f"INSERT INTO {_quote(spec.name)} ({names}) VALUES " + ", ".join(  # noqa: S608
        per_row for _ in records
    )
    await engine.run_querystring(QueryString(sql, *values))


async def _reset_sequences(engine: Engine[Any], specs: list[TableSpec]) -> None:
    """Move each serial sequence past the largest restored id (next insert gets max + 1)."""
    for spec in specs:
        for column in spec.serials:
            table, name = _quote(spec.name), _quote(column)
            await engine.run_querystring(
                QueryString(
                    f"SELECT setval(pg_get_serial_sequence({{}}, {{}}), "  # noqa: S608
                    f"COALESCE((SELECT MAX({name}) FROM {table}), 0) + 1, false)",
                    table,
                    column,
                )
            )
