"""The `langso` command line: serve, migrate, seed and the operational commands."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import warnings
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from marketplace.errors import ApplicationError

PICCOLO_CONF = "storefront.piccolo_conf"
Handler = Callable[[argparse.Namespace], int]
# Hosts that mean "every address": the printed address names this machine instead.
WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}  # noqa: S104


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


def _check_port_free(host: str, port: int) -> None:
    """Refuse a host:port something already listens on.

    granian binds every worker's socket with SO_REUSEPORT (on Linux each worker has its own
    listener and the kernel spreads connections over them) and has no option to turn it off, so
    a second server on a busy port would start without error and share the port's connections
    with the first. A probe socket without SO_REUSEPORT cannot bind next to a listener, whatever
    options that listener has; SO_REUSEADDR lets it ignore connections in TIME_WAIT left by a
    server just stopped.
    """
    import errno
    import socket

    from marketplace.errors import Conflict

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise Conflict(
                "port_in_use",
                f"Cổng {port} trên {host} đang có chương trình khác dùng (có thể là một "
                f"“langso serve” đang chạy). Hãy dừng chương trình đó, hoặc chọn cổng khác: "
                f"langso serve --port {port + 1}.",
                f"Port {port} on {host} is already in use (perhaps by a running “langso "
                f"serve”). Stop that program, or choose another port: langso serve --port "
                f"{port + 1}.",
            ) from error
        raise Conflict(
            "address_unavailable",
            f"Không mở được địa chỉ {host}:{port} để phục vụ: {error.strerror or error}.",
            f"Cannot serve on {host}:{port}: {error.strerror or error}.",
        ) from error


def _default_base_url(host: str, port: int) -> str | None:
    """BASE_URL for a server started on host:port, unless the environment or `.env` sets one
    (QR codes, labels, plaques and linksets print it, so it must name the port served)."""
    from dotenv import dotenv_values

    from marketplace.config import PROJECT_ROOT

    if os.environ.get("BASE_URL") or dotenv_values(PROJECT_ROOT / ".env").get("BASE_URL"):
        return None
    shown = WILDCARD_HOSTS.get(host, host)
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _check_database_answers() -> None:
    """Fail here, with one message, rather than in every worker when the database is down."""
    from marketplace import db

    async def probe() -> None:
        await db.start()
        try:
            await db.check()
        finally:
            await db.stop()

    _run(probe())


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the storefront with granian (Rust HTTP server, uvloop-class speed)."""
    _check_port_free(args.host, args.port)
    _check_database_answers()
    base_url = _default_base_url(args.host, args.port)
    if base_url is not None:
        os.environ["BASE_URL"] = base_url  # the workers inherit it through execv
        if args.host in WILDCARD_HOSTS:
            print(
                f"BASE_URL={base_url}: đặt BASE_URL=http://<địa chỉ của máy>:{args.port} để "
                "mã QR mở được từ điện thoại / set BASE_URL to this machine's address for QR "
                "codes that phones can open",
                flush=True,
            )
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


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"cổng phải là số từ 1 đến 65535 / the port must be a number from 1 to 65535: {text!r}"
        )
    return port


def _workers(text: str) -> int:
    try:
        workers = int(text)
    except ValueError:
        workers = 0
    if workers < 1:
        raise argparse.ArgumentTypeError(
            f"số tiến trình phải là số nguyên từ 1 trở lên / the number of workers must be a "
            f"whole number, at least 1: {text!r}"
        )
    return workers


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="langso", description="Làng số — OCOP, VietQR, truy xuất nguồn gốc."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the storefront")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    # string defaults go through `type` too: PORT=abc or WORKERS=0 are refused the same way
    serve.add_argument("--port", type=_port, default=os.environ.get("PORT", "8000"))
    serve.add_argument("--workers", type=_workers, default=os.environ.get("WORKERS", "1"))
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


def _explained(error: Exception, args: argparse.Namespace) -> ApplicationError | None:
    """What to tell the user about `error`; None for a bug (raised as it is)."""
    if isinstance(error, ApplicationError):
        return error
    from marketplace.config import get_settings
    from storefront.cli_errors import database_failure, path_failure

    given = [value for value in vars(args).values() if isinstance(value, Path)]
    return path_failure(error, given) or database_failure(error, get_settings())


def _report(error: ApplicationError) -> int:
    """Print the error in both languages: exit 1 when the work failed, 2 for wrong usage."""
    from storefront.cli_errors import CommandFailed

    print(f"Lỗi ({error.code}): {error.message_vi}\nError: {error.message_en}", file=sys.stderr)
    return 1 if isinstance(error, CommandFailed) else 2


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PICCOLO_CONF", PICCOLO_CONF)
    # Piccolo warns (in colour) when it cannot connect; the command's own message says so.
    warnings.filterwarnings(
        "ignore", message=r".*Unable to (connect to database|fetch server version)"
    )
    try:
        parser = build_parser()  # reads the settings: a DATABASE_URL that cannot work stops here
    except ApplicationError as error:
        return _report(error)
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except Exception as error:
        explained = _explained(error, args)
        if explained is None:
            raise
        return _report(explained)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
