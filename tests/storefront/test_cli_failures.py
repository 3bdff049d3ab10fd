"""`langso` commands that cannot do their work say why in Vietnamese and English, never with a
traceback: a folder or a file in the way of an archive, a database that is not there or has no
tables, a DATABASE_URL of another engine, a bad VietQR input, `--workers 0`."""

import asyncio
import os
import re
import secrets
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

from marketplace.config import PROJECT_ROOT, ConfigurationError, load_settings
from marketplace.orders.queries import get_order
from marketplace.orders.schemas import PAID
from marketplace.payments import vietqr
from storefront.cli import main
from tests.shop import build_shop, checkout, connect
from tests.storefront.test_serve_command import Server
from traceability.codes import new_batch_code

ROOT = Path(__file__).resolve().parents[2]
ENGINE = os.environ.get("LANGSO_TEST_DATABASE", "sqlite")
ADMIN_URL = os.environ.get("LANGSO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
NOT_MIGRATED = (
    "Lỗi (database_not_migrated): Cơ sở dữ liệu chưa được tạo bảng: hãy chạy `langso migrate` "
    "trước.\nError: The database has no tables yet: run `langso migrate` first."
)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _langso(*args, seconds=60, **environment):
    env = {key: value for key, value in os.environ.items() if key != "BASE_URL"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "storefront.cli",
        *map(str, args),
        cwd=ROOT,
        env={**env, **environment},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), seconds)
    except TimeoutError:
        process.terminate()
        await process.wait()
        raise AssertionError(f"`langso {' '.join(map(str, args))}` did not exit") from None
    return process.returncode, out.decode(), err.decode()


async def _admin(statement):
    try:
        connection = await asyncpg.connect(ADMIN_URL, timeout=5)
    except Exception as error:
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}: {error}")
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


# --- files given on the command line -----------------------------------------------------------


async def test_export_into_an_existing_folder_is_refused_and_leaves_nothing(db, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    code, out, err = await _langso("export", "-o", folder)
    assert (code, out) == (1, ""), err
    assert (
        f"Lỗi (path_unusable): Không dùng được đường dẫn {folder}: đây là một thư mục, không "
        f"phải tệp.\nError: Cannot use the path {folder}: it is a folder, not a file." in err
    )
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == [folder]
    assert list(folder.iterdir()) == []


async def test_export_below_a_file_is_refused_and_the_file_is_untouched(db, tmp_path):
    document = tmp_path / "file.pdf"
    document.write_bytes(b"%PDF-1.7 a document")
    target = document / "b.tar.gz"
    code, _, err = await _langso("export", "-o", target)
    assert code == 1, err
    assert f"Không dùng được đường dẫn {target}: một phần của đường dẫn là tệp" in err
    assert "part of the path is a file, not a folder" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == [document]
    assert document.read_bytes() == b"%PDF-1.7 a document"


# --- the database --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["migrate"], ["seed"], ["payments", "expire"]])
async def test_a_database_nobody_listens_for_is_named_without_its_password(command):
    port = _free_port()
    url = f"postgres://langso:s3cret-pass@127.0.0.1:{port}/langso"
    code, _, err = await _langso(*command, DATABASE_URL=url)
    assert code == 1, err
    where = f"PostgreSQL 127.0.0.1:{port}/langso"
    assert f"Lỗi (database_unreachable): Không kết nối được cơ sở dữ liệu {where}" in err
    assert f"Error: Cannot reach the database PostgreSQL 127.0.0.1:{port}/langso" in err
    assert "s3cret-pass" not in err and "Traceback" not in err


async def test_a_postgres_database_that_does_not_exist_is_named():
    await _admin("SELECT 1")
    name = f"langso_missing_{secrets.token_hex(4)}"
    url = f"{ADMIN_URL.rpartition('/')[0]}/{name}"
    code, _, err = await _langso("migrate", DATABASE_URL=url)
    assert code == 1, err
    server = urlsplit(ADMIN_URL)
    where = f"PostgreSQL {server.hostname}:{server.port or 5432}/{name}"
    assert f"Không kết nối được cơ sở dữ liệu {where}" in err
    assert f'database "{name}" does not exist' in err and "Traceback" not in err


async def test_serve_refuses_to_start_when_the_database_is_unreachable():
    database_port, port = _free_port(), _free_port()
    code, out, err = await _langso(
        "serve",
        "--port",
        port,
        DATABASE_URL=f"postgres://langso@127.0.0.1:{database_port}/langso",
        seconds=30,
    )
    assert code == 1, out + err
    assert f"Không kết nối được cơ sở dữ liệu PostgreSQL 127.0.0.1:{database_port}/langso" in err
    assert "Traceback" not in err and "ExceptionGroup" not in err
    with socket.socket() as probe:  # no worker was started
        assert probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture
async def empty_database(tmp_path):
    """A database of the run's engine that exists but was never migrated."""
    if ENGINE != "postgres":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"langso_empty_{secrets.token_hex(4)}"
    await _admin(f'CREATE DATABASE "{name}"')
    yield f"{ADMIN_URL.rpartition('/')[0]}/{name}"
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_an_unmigrated_database_asks_for_migrate_first(empty_database, tmp_path):
    code, out, err = await _langso("seed", DATABASE_URL=empty_database)
    assert code == 1, out + err
    assert NOT_MIGRATED in err and "Traceback" not in err
    labels = tmp_path / "labels.pdf"
    code, _, err = await _langso(
        "labels", new_batch_code(), "-o", labels, DATABASE_URL=empty_database
    )
    assert code == 1, err
    assert NOT_MIGRATED in err and "Traceback" not in err
    assert not labels.exists()


# --- DATABASE_URL --------------------------------------------------------------------------------


async def test_a_database_url_of_another_engine_is_refused_and_creates_nothing():
    marker = f"langso-{secrets.token_hex(4)}"
    code, out, err = await _langso("migrate", DATABASE_URL=f"mysql://{marker}:pw@host/db")
    assert code == 2, out + err
    assert (
        "Lỗi (database_url_invalid): DATABASE_URL phải bắt đầu bằng sqlite:/// hoặc postgres://"
        in err
    )
    assert "Error: DATABASE_URL must start with sqlite:/// or postgres://" in err
    assert "pw@" not in err and "Traceback" not in err
    assert not (PROJECT_ROOT / "mysql:").exists()


@pytest.mark.parametrize(
    "url", ["mysql://x@h/db", "var/langso.sqlite3", "sqlite://x.db", "sqlite:///"]
)
def test_only_sqlite_and_postgres_urls_are_accepted(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigurationError) as refused:
        load_settings()
    assert refused.value.code == "database_url_invalid"


def test_the_documented_database_urls_still_work(monkeypatch):
    forms = {
        "sqlite:///var/langso.sqlite3": PROJECT_ROOT / "var" / "langso.sqlite3",
        "sqlite:////srv/langso/db.sqlite3": Path("/srv/langso/db.sqlite3"),
    }
    for url, path in forms.items():
        monkeypatch.setenv("DATABASE_URL", url)
        assert load_settings().sqlite_path == path
    for url in ("postgres://langso@db:5432/langso", "postgresql://langso:pw@db/langso"):
        monkeypatch.setenv("DATABASE_URL", url)
        assert load_settings().is_postgres


# --- vietqr ---------------------------------------------------------------------------------------


def test_a_bad_vietqr_input_is_explained_in_both_languages(capsys):
    assert main(["vietqr", "encode", "970422", "0123456789", "--amount", "0"]) == 2
    err = capsys.readouterr().err
    assert "Lỗi (amount_invalid): Số tiền phải là số nguyên dương tính bằng đồng" in err
    assert "Error: amount must be a positive whole number of dong" in err
    payload = vietqr.encode("970436", "0011001234567", amount=150000)
    assert main(["vietqr", "decode", payload[:-4] + "0000"]) == 2
    err = capsys.readouterr().err
    assert "Lỗi (crc_mismatch): Mã kiểm tra CRC không khớp với nội dung" in err
    assert "Error: the CRC is 0000 but the payload's CRC-16 is" in err


def test_every_vietqr_refusal_has_a_vietnamese_message():
    from storefront.cli_payments import VIETQR_REASONS_VI

    source = Path(vietqr.__file__).read_text(encoding="utf-8")
    reasons = set(re.findall(r'VietQRError\(\s*"([a-z_]+)"', source)) | {"length_overrun"}
    assert reasons - set(VIETQR_REASONS_VI) == set()


def test_a_payload_for_a_bin_no_bank_holds_is_printed_with_a_warning(capsys):
    assert main(["vietqr", "encode", "999999", "113366668888"]) == 0
    captured = capsys.readouterr()
    assert vietqr.decode(captured.out.strip()).bank_bin == "999999"
    assert "Cảnh báo: không có ngân hàng nào trong danh sách mang mã BIN 999999" in captured.err
    assert "Warning: no bank in the list has the BIN 999999" in captured.err
    assert main(["vietqr", "decode", captured.out.strip()]) == 0
    decoded = capsys.readouterr()
    assert '"bank_bin": "999999"' in decoded.out
    assert "Warning: no bank in the list has the BIN 999999" in decoded.err
    assert main(["vietqr", "encode", "970422", "0123456789"]) == 0
    assert capsys.readouterr().err == ""


# --- serve and payments simulate -----------------------------------------------------------------


async def test_serve_with_no_workers_is_refused_by_langso():
    code, out, err = await _langso("serve", "--workers", "0", "--port", _free_port(), seconds=30)
    assert code == 2, out + err
    assert "langso serve: error: argument --workers: số tiến trình phải là số nguyên từ 1" in err
    assert "the number of workers must be a whole number, at least 1: '0'" in err


async def test_payments_simulate_sends_to_the_configured_base_url(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    await connect(shop, "ngoc_lu", "sepay")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    async with Server(port, {**os.environ, "BASE_URL": base_url}):
        code, out, err = await _langso("payments", "simulate", order.reference, BASE_URL=base_url)
    assert code == 0, out + err
    assert out.startswith("200 ")
    assert (await get_order(order.id)).state == PAID


def test_payments_simulate_help_names_base_url(capsys):
    with pytest.raises(SystemExit):
        main(["payments", "simulate", "--help"])
    assert "default: BASE_URL" in capsys.readouterr().out
