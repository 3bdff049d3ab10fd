"""`langso export -o backup.tar.gz` and `langso import backup.tar.gz` (see README, "Backups")."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from marketplace.db import run_with_database


def register(commands: Any) -> None:
    export = commands.add_parser(
        "export", help="write all data and media to a backup archive (.tar.gz)"
    )
    export.add_argument(
        "-o", "--output", required=True, type=Path, help="the archive to write, e.g. backup.tar.gz"
    )
    export.set_defaults(handler=cmd_export)
    restore = commands.add_parser(
        "import", help="restore a backup archive into an empty, migrated database"
    )
    restore.add_argument("archive", type=Path, help="a file written by `langso export`")
    restore.add_argument(
        "--replace",
        action="store_true",
        help="delete all existing data and media first (the database may then be non-empty)",
    )
    restore.set_defaults(handler=cmd_import)


def cmd_export(args: argparse.Namespace) -> int:
    from marketplace import backup

    report = run_with_database(lambda: backup.export_archive(args.output))
    rows = sum(report.rows.values())
    print(
        f"Đã sao lưu {rows} dòng của {len(report.rows)} bảng và {report.media_files} tệp "
        f"vào {report.path}\n"
        f"Backed up {rows} rows of {len(report.rows)} tables and {report.media_files} files "
        f"to {report.path}"
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from marketplace import backup

    report = run_with_database(lambda: backup.import_archive(args.archive, replace=args.replace))
    rows = sum(report.rows.values())
    print(
        f"Đã khôi phục {rows} dòng của {len(report.rows)} bảng và {report.media_files} tệp "
        f"từ {args.archive}\n"
        f"Restored {rows} rows of {len(report.rows)} tables and {report.media_files} files "
        f"from {args.archive}"
    )
    return 0
