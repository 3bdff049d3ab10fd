"""`langso search reindex` and `langso search sync`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from marketplace.db import run_with_database


def cmd_reindex(args: argparse.Namespace) -> int:
    """Rebuild the search index of the configured backend from the catalogue."""
    from marketplace import search
    from marketplace.catalogue.queries import search_documents

    report = run_with_database(lambda: search.reindex(search_documents))
    print(
        f"Đã lập lại chỉ mục tìm kiếm: {report.documents} sản phẩm ({report.backend})\n"
        f"Search index rebuilt: {report.documents} products ({report.backend})"
    )
    if report.error:
        print(
            "Không kết nối được Meilisearch: chỉ mục trong cơ sở dữ liệu đã được lập lại, chỉ "
            "mục của Meilisearch thì chưa. Chạy lại `langso search reindex` khi Meilisearch "
            "hoạt động.\nMeilisearch could not be reached: the database's search index was "
            "rebuilt, Meilisearch's was not. Run `langso search reindex` again once "
            "Meilisearch is up.",
            file=sys.stderr,
        )
        print(f"Lỗi / error: {report.error}", file=sys.stderr)
        return 1
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    """Send the changes waiting in the outbox to Meilisearch (exit 1 if it could not)."""
    from marketplace import search
    from marketplace.catalogue.queries import search_documents

    report = run_with_database(lambda: search.sync_outbox(search_documents, attempts=args.attempts))
    if report.error == "meilisearch_not_configured":
        print(
            "Chưa cấu hình Meilisearch (MEILISEARCH_URL): chỉ mục trong cơ sở dữ liệu luôn cập "
            "nhật.\nMeilisearch is not configured (MEILISEARCH_URL): the database's search index "
            "is always up to date."
        )
        return 0
    print(
        f"Đã gửi {report.sent}, đã xóa {report.removed}, còn chờ {report.remaining}\n"
        f"Sent {report.sent}, removed {report.removed}, still waiting {report.remaining}"
    )
    if report.error:
        print(f"Lỗi / error: {report.error}", file=sys.stderr)
        return 1
    return 0


def register(commands: Any) -> None:
    parser = commands.add_parser("search", help="search index: reindex, sync")
    actions = parser.add_subparsers(dest="search_command", required=True)
    actions.add_parser("reindex", help="rebuild the search index from the catalogue").set_defaults(
        handler=cmd_reindex
    )
    sync = actions.add_parser("sync", help="send pending product changes to Meilisearch")
    sync.add_argument(
        "--attempts", type=int, default=5, help="tries per batch (backoff 0.5 s, 1 s…)"
    )
    sync.set_defaults(handler=cmd_sync)
