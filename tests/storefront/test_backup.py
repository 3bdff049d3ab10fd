"""`langso export` / `langso import`: a backup moves between SQLite and PostgreSQL unchanged.

The test database of this run is one engine; the test makes a fresh database of the other
(a new PostgreSQL database in the SQLite run, a new SQLite file in the PostgreSQL run), restores
the archive there with the real CLI in a separate process, exports it again, and brings that
archive back over this run's database: every table's bytes and checksums must be identical.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import os
import secrets
import subprocess
import sys
import tarfile
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from marketplace import backup, media
from marketplace.accounts.tables import User
from marketplace.catalogue import photos
from marketplace.errors import Conflict, InvalidInput
from seeds import heritage as seed_heritage
from seeds import people as seed_people
from tests.batch_support import full_journal, opened_batch, seller_with_product
from tests.catalogue_factories import new_seller, png_bytes
from tests.shop import build_shop, checkout
from traceability.batches import append_trace_event, verify_journal

ROOT = Path(__file__).resolve().parents[2]
ENGINE = os.environ.get("LANGSO_TEST_DATABASE", "sqlite")
ADMIN_URL = os.environ.get("LANGSO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

# The other engine's side, in one process: migrate, import, export, then import again (refused).
CLI_SCRIPT = """
import sys
from storefront.cli import main
source, target = sys.argv[1:3]
assert main(["migrate"]) == 0
assert main(["import", source]) == 0
assert main(["export", "-o", target]) == 0
sys.exit(10 + main(["import", source]))
"""


async def _admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(ADMIN_URL, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture
async def other_database(tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database of the engine this run does not use."""
    if ENGINE == "postgres":
        yield f"sqlite:///{tmp_path / 'other.sqlite3'}"
        return
    name = f"langso_backup_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        await _admin(f'CREATE DATABASE "{name}"')
    except Exception as error:
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}: {error}")
    base, _, _ = ADMIN_URL.rpartition("/")
    yield f"{base}/{name}"
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def read_archive(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and every other member's bytes."""
    with tarfile.open(path, "r:gz") as archive:
        members = {
            m.name: archive.extractfile(m).read()  # type: ignore[union-attr]
            for m in archive.getmembers()
            if m.isfile()
        }
    return json.loads(members.pop("manifest.json")), members


def write_archive(path: Path, manifest: dict[str, Any], members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def same_content(first: Path, second: Path) -> None:
    manifest_1, members_1 = read_archive(first)
    manifest_2, members_2 = read_archive(second)
    assert manifest_1["tables"] == manifest_2["tables"]  # names, row counts, checksums, types
    assert manifest_1["media"] == manifest_2["media"]
    assert manifest_1["migrations"] == manifest_2["migrations"]
    assert members_1 == members_2


async def test_a_backup_goes_to_the_other_engine_and_back_unchanged(db, other_database, tmp_path):
    # The demo people and heritage sites of `langso seed` (with their audio), a batch with a
    # full journal, a product photo, and two orders of a guest's checkout.
    await seed_people.load()
    await seed_heritage.load()
    seller, _, product_id = await seller_with_product()
    await photos.add_product_photo(seller, product_id, png_bytes(320, 240), "Bưởi chín")
    batch = await opened_batch(seller, product_id)
    for event in full_journal():
        await append_trace_event(seller, batch.code, event)
    shop = await build_shop()
    await checkout({shop.product_ids["buoi"]: 2, shop.product_ids["mat_ong"]: 1})
    # Small pages and INSERT batches in this process (the CLI uses the real sizes), so that
    # reading and writing in several pages is exercised by this small data set.
    first = tmp_path / "first.tar.gz"
    exported = await backup.export_archive(first, page_size=3)
    assert exported.rows["account_user"] == 14 + 1 + 2
    assert exported.rows["orders_order"] == 2
    assert exported.rows["traceability_event"] == len(full_journal())
    assert exported.rows["heritage_site"] == 4
    assert exported.media_files >= 3 + 4  # the photo in three sizes, heritage narrations

    second = tmp_path / "second.tar.gz"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MEDIA_")},
        "DATABASE_URL": other_database,
        "LANGSO_VAR_DIR": str(tmp_path / "other-var"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CLI_SCRIPT,
        str(first),
        str(second),
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=180)
    stdout, stderr = out.decode(), err.decode()
    assert process.returncode == 12, stdout + stderr
    assert "Đã khôi phục" in stdout
    assert "Cơ sở dữ liệu đích đã có dữ liệu" in stderr
    assert "--replace" in stderr
    same_content(first, second)
    assert read_archive(second)[0]["source_engine"] != read_archive(first)[0]["source_engine"]
    other_media = tmp_path / "other-var" / "media"
    assert sum(1 for p in other_media.rglob("*") if p.is_file()) == exported.media_files

    # Back from the other engine over this run's database (which still holds the data).
    restored = await backup.import_archive(second, replace=True, max_parameters=40)
    assert restored.replaced and restored.rows == exported.rows
    third = tmp_path / "third.tar.gz"
    await backup.export_archive(third, page_size=3)
    same_content(first, third)
    assert (await verify_journal(batch.code)).ok  # the journal's hash chain still holds
    newest = await User.select(User.id).order_by(User.id, ascending=False).first()
    newcomer = await new_seller(phone="0912999999")  # ids carry on after the restored ones
    assert newcomer.id > newest["id"]


async def test_import_refuses_a_non_empty_database_and_a_damaged_archive(db, tmp_path):
    await new_seller(phone="0912888001")
    await media.storage().save("heritage/1/loi-chao.mp3", b"ID3 xin chao", "audio/mpeg")
    archive = tmp_path / "one.tar.gz"
    await backup.export_archive(archive)

    with pytest.raises(Conflict) as refused:
        await backup.import_archive(archive)
    assert refused.value.code == "backup_target_not_empty"
    assert "Cơ sở dữ liệu đích đã có dữ liệu (1 dòng" in refused.value.message_vi
    assert await User.count() == 1

    manifest, members = read_archive(archive)
    members["tables/account_user.jsonl"] = members["tables/account_user.jsonl"].replace(
        b"Nguy", b"Ngu"
    )
    damaged = tmp_path / "damaged.tar.gz"
    write_archive(damaged, manifest, members)
    with pytest.raises(InvalidInput) as broken:
        await backup.import_archive(damaged, replace=True)
    assert broken.value.code == "backup_invalid"
    assert "account_user" in broken.value.message_vi

    not_a_backup = tmp_path / "photo.tar.gz"
    not_a_backup.write_bytes(b"\xff\xd8\xff not a tar")
    with pytest.raises(InvalidInput) as garbage:
        await backup.import_archive(not_a_backup)
    assert garbage.value.code == "backup_invalid"

    manifest, members = read_archive(archive)
    manifest["migrations"]["accounts"].append("2099-01-01T00:00:00:000000")
    newer = tmp_path / "newer.tar.gz"
    write_archive(newer, manifest, members)
    with pytest.raises(Conflict) as unmigrated:
        await backup.import_archive(newer, replace=True)
    assert unmigrated.value.code == "backup_needs_migrations"
    assert "langso migrate" in unmigrated.value.message_vi

    # Nothing above changed anything; --replace restores the archive over the data.
    await new_seller(phone="0912888002")
    await media.storage().save("heritage/1/stray.mp3", b"ID3 stray", "audio/mpeg")
    report = await backup.import_archive(archive, replace=True)
    assert report.rows["account_user"] == 1
    assert [u["phone"] for u in await User.select(User.phone)] == ["+84912888001"]
    assert await media.storage().read("heritage/1/loi-chao.mp3") == b"ID3 xin chao"
    assert await media.storage().read("heritage/1/stray.mp3") is None


def test_values_are_written_portably_and_read_back_exactly():
    hanoi = dt.timezone(dt.timedelta(hours=7))
    cases: list[tuple[str, Any, Any]] = [
        (
            "timestamptz",
            dt.datetime(2026, 2, 17, 7, 30, 0, 5, tzinfo=hanoi),
            "2026-02-17T00:30:00.000005Z",
        ),
        ("timestamp", dt.datetime(2026, 2, 17, 7, 30), "2026-02-17T07:30:00.000000"),
        ("date", dt.date(2026, 2, 17), "2026-02-17"),
        ("decimal", Decimal("45000.50"), "45000.50"),
        ("bytes", b"\x00\xffQR", "AP9RUg=="),
        ("interval", dt.timedelta(hours=1, microseconds=5), 3600.000005),
        ("json", '{"vi": "Đình làng"}', '{"vi": "Đình làng"}'),
        ("boolean", 1, True),
        ("float", 20.25, 20.25),
        ("text", "Bưởi\nNgọc Lũ", "Bưởi\nNgọc Lũ"),
    ]
    for kind, value, portable in cases:
        assert backup.encode(kind, value) == portable, kind
        assert backup.encode(kind, backup.decode(kind, portable)) == portable, kind
        assert backup.encode(kind, None) is None
    assert backup.decode("timestamptz", "2026-02-17T00:30:00.000005Z") == dt.datetime(
        2026, 2, 17, 0, 30, 0, 5, tzinfo=dt.UTC
    )


def test_tables_are_restored_parents_first():
    order = [spec.name for spec in backup.table_specs()]
    for spec in backup.table_specs():
        for parent in spec.references:
            assert order.index(parent) < order.index(spec.name), (parent, spec.name)
    assert order[0] == "account_user"
