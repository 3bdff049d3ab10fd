"""The `langso` command line: serve, migrate, seed and the operational commands."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Coroutine
from typing import Any

PICCOLO_CONF = "storefront.piccolo_conf"
Handler = Callable[[argparse.Namespace], int]


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coroutine)


def cmd_migrate(args: argparse.Namespace) -> int:
    """Apply every committed migration (both engines), then switch SQLite to WAL."""
    os.environ["PICCOLO_CONF"] = PICCOLO_CONF
    from marketplace.config import get_settings
    from marketplace.db import prepare_sqlite_file

    settings = get_settings()
    prepare_sqlite_file(settings)
    from storefront.migrations import migrate

    _run(migrate())
    print("Đã cập nhật cơ sở dữ liệu / database migrated")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    """Load the demo data; running it again changes nothing."""
    from seeds.loader import load_seeds

    summary = _run(load_seeds())
    print(f"Đã nạp dữ liệu mẫu / seeds loaded: {summary}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the storefront with granian (Rust HTTP server, uvloop-class speed)."""
    argv = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--factory",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--workers",
        str(args.workers),
        "--loop",
        "auto",
        "--no-ws",
        "storefront.app:create_app",
    ]
    print(f"Langso: http://{args.host}:{args.port}", flush=True)
    os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with the server
    return 0  # pragma: no cover - execv does not return


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="langso", description="Làng số — OCOP, VietQR, truy xuất nguồn gốc."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the storefront")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "1")))
    serve.set_defaults(handler=cmd_serve)

    commands.add_parser("migrate", help="apply database migrations").set_defaults(
        handler=cmd_migrate
    )
    commands.add_parser("seed", help="load demo data (idempotent)").set_defaults(handler=cmd_seed)
    for register in _extensions():
        register(commands)
    return parser


def _extensions() -> list[Callable[[Any], None]]:
    """Sub-commands contributed by the features (search, payments, labels…)."""
    from storefront.commands import registrations

    return registrations()


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PICCOLO_CONF", PICCOLO_CONF)
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except Exception as error:
        from marketplace.errors import ApplicationError

        if isinstance(error, ApplicationError):
            print(
                f"Lỗi ({error.code}): {error.message_vi}\nError: {error.message_en}",
                file=sys.stderr,
            )
            return 2
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
