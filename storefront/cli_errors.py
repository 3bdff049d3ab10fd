"""What a `langso` command says when the database or a file it was given fails it.

`storefront.cli.main` turns these known failures into a message in Vietnamese and English
(exit 1) instead of a traceback; anything else is a bug and is raised as it is.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

import asyncpg  # type: ignore[import-untyped]  # no stubs; only its error classes are used

from marketplace.config import Settings
from marketplace.errors import ApplicationError

# SQLSTATE classes and codes of a server that refuses the connection itself: connection
# exception, invalid authorization, unknown database, starting up, too many connections.
_REFUSING_CLASSES = ("08", "28", "3D")
_REFUSING_CODES = ("57P03", "53300")
_UNDEFINED_TABLE = "42P01"
# errno → (Vietnamese, English) for the paths people give on the command line
_PATH_REASONS = {
    errno.EISDIR: ("đây là một thư mục, không phải tệp", "it is a folder, not a file"),
    errno.ENOTDIR: (
        "một phần của đường dẫn là tệp chứ không phải thư mục",
        "part of the path is a file, not a folder",
    ),
    errno.EEXIST: (
        "một phần của đường dẫn là tệp chứ không phải thư mục",
        "part of the path is a file, not a folder",
    ),
    errno.ENOENT: ("thư mục không tồn tại", "the folder does not exist"),
    errno.EACCES: ("không có quyền ghi hay đọc ở đó", "permission denied"),
    errno.EPERM: ("không có quyền ghi hay đọc ở đó", "permission denied"),
    errno.EROFS: ("ổ đĩa chỉ cho đọc", "the file system is read-only"),
    errno.ENOSPC: ("hết chỗ trống trên đĩa", "no space left on the disk"),
}


class CommandFailed(ApplicationError):
    """A command that could not do its work (exit 1), as opposed to wrong usage (exit 2)."""


def database_failure(error: BaseException, settings: Settings) -> CommandFailed | None:
    """The message for a database that cannot be reached or has no tables, if that is what
    `error` (or an error it was raised from or groups) says."""
    for found in _chain(error):
        if _is_missing_table(found):
            return CommandFailed(
                "database_not_migrated",
                "Cơ sở dữ liệu chưa được tạo bảng: hãy chạy `langso migrate` trước.",
                "The database has no tables yet: run `langso migrate` first.",
            )
        if _is_unreachable(found):
            return database_unreachable(settings, found)
    return None


def database_unreachable(settings: Settings, error: BaseException) -> CommandFailed:
    """Name the database (host, port and name, never the password) and the reason."""
    where = describe_database(settings)
    reason = str(error) or type(error).__name__
    password = urlsplit(settings.database_url).password if settings.is_postgres else None
    if password:
        reason = reason.replace(password, "***")
    return CommandFailed(
        "database_unreachable",
        f"Không kết nối được cơ sở dữ liệu {where}: {reason}. Hãy kiểm tra DATABASE_URL và máy "
        "chủ cơ sở dữ liệu có đang chạy không.",
        f"Cannot reach the database {where}: {reason}. Check DATABASE_URL and that the database "
        "server is running.",
    )


def describe_database(settings: Settings) -> str:
    """`PostgreSQL host:port/name` or `SQLite /path/file.sqlite3`."""
    if not settings.is_postgres:
        return f"SQLite {settings.sqlite_path}"
    parts = urlsplit(settings.database_url)
    try:
        port = parts.port or 5432
    except ValueError:  # a port that is not a number: asyncpg says so in the reason
        port = 5432
    return f"PostgreSQL {parts.hostname or 'localhost'}:{port}{parts.path}"


def path_failure(error: BaseException, given: list[Path]) -> CommandFailed | None:
    """The message for an OSError on one of the `given` paths (its folder, or a file written
    beside it then renamed to it)."""
    if not isinstance(error, OSError) or error.filename is None:
        return None
    for name in (error.filename, error.filename2):
        if name is None:
            continue
        failed = Path(os.fsdecode(name)).absolute()
        for path in given:
            target = path.absolute()
            if failed == target or failed in target.parents or failed.parent == target.parent:
                reason_vi, reason_en = _PATH_REASONS.get(
                    error.errno or 0, (error.strerror, error.strerror)
                )
                return CommandFailed(
                    "path_unusable",
                    f"Không dùng được đường dẫn {path}: {reason_vi}.",
                    f"Cannot use the path {path}: {reason_en}.",
                )
    return None


def _chain(error: BaseException) -> Iterator[BaseException]:
    """`error`, the errors it was raised from, and the members of exception groups."""
    pending = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        if current.__cause__ is not None:
            pending.append(current.__cause__)


def _is_missing_table(error: BaseException) -> bool:
    if isinstance(error, sqlite3.OperationalError):
        return str(error).startswith("no such table")
    return isinstance(error, asyncpg.PostgresError) and error.sqlstate == _UNDEFINED_TABLE


def _is_unreachable(error: BaseException) -> bool:
    if isinstance(error, sqlite3.OperationalError):
        return str(error).startswith("unable to open database file")
    if isinstance(error, asyncpg.PostgresError):
        code = str(error.sqlstate or "")
        return code[:2] in _REFUSING_CLASSES or code in _REFUSING_CODES
    # refused, unknown host, timed out… while asyncpg was connecting
    return (
        isinstance(error, OSError)
        and error.filename is None
        and _raised_through_asyncpg(error.__traceback__)
    )


def _raised_through_asyncpg(trace: TracebackType | None) -> bool:
    marker = f"{os.sep}asyncpg{os.sep}"
    while trace is not None:
        if marker in trace.tb_frame.f_code.co_filename:
            return True
        trace = trace.tb_next
    return False
