"""Uploads: product photos, batch event photos, heritage photos and narrations.

Whatever arrives, only re-encoded images are stored and served: text or HTML named .jpg,
SVG, truncated files, decompression bombs and oversized files are refused with a clear 4xx and
leave nothing behind; a JPEG with a script appended (a polyglot) or a PNG with a script in a
text chunk is re-encoded, so the payload is gone; EXIF (GPS position, camera) is stripped from
every stored and served rendition.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image, PngImagePlugin

from marketplace import media
from marketplace.config import load_settings
from marketplace.images import MAX_UPLOAD_BYTES
from storefront.app import create_app
from tests.heritage_sites import jpeg_with_gps
from tests.security.snapshots import database_snapshot
from tests.security.world import PHONES, World, build_world, logged_in

PAYLOAD = b"<script>alert('langso')</script>"
EXIF_MARKERS = (b"PhoneMaker", b"GPS")


def _media_files() -> set[Path]:
    store = media.storage()
    assert isinstance(store, media.LocalMediaStorage), "these tests read the local media folder"
    return {path for path in store.root.rglob("*") if path.is_file()}


def _png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", PAYLOAD.decode())
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 90, 30)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def _bomb(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` one-bit pixels (the data is short)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * 4096, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def _too_big() -> bytes:
    photo = jpeg_with_gps((64, 64))
    return photo + b"\0" * (MAX_UPLOAD_BYTES + 1 - len(photo))


REFUSED: dict[str, Callable[[], tuple[str, bytes, str]]] = {
    "text named .jpg": lambda: ("anh.jpg", b"just some text, not a photo", "image/jpeg"),
    "html named .jpg": lambda: ("anh.jpg", b"<!doctype html><html>" + PAYLOAD, "image/jpeg"),
    "svg with a script": lambda: (
        "anh.jpg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
        "image/jpeg",
    ),
    "truncated jpeg": lambda: ("anh.jpg", jpeg_with_gps((400, 300))[:300], "image/jpeg"),
    # Above our 40-megapixel limit but below Pillow's own warning (89 MP) …
    "60-megapixel claim": lambda: ("anh.png", _bomb(8_000, 7_500), "image/png"),
    # … and far above Pillow's error threshold (a classic decompression bomb).
    "decompression bomb": lambda: ("anh.png", _bomb(100_000, 100_000), "image/png"),
    "too big": lambda: ("anh.jpg", _too_big(), "image/jpeg"),
}
ACCEPTED: dict[str, Callable[[], tuple[str, bytes, str]]] = {
    "jpeg with GPS and a script appended": lambda: (
        "IMG_0001.jpg",
        jpeg_with_gps((900, 600)) + PAYLOAD,
        "image/jpeg",
    ),
    "png with a script in a text chunk": lambda: ("anh.png", _png_with_text(), "image/png"),
}

NOW = "2026-01-09T08:00"


def _targets(world: World) -> dict[str, tuple[str, str, dict[str, str], str]]:
    """Upload form -> (actor, path, other fields, file field)."""
    seller = f"/seller/{world.producer}"
    return {
        "product photo": (
            "seller",
            f"{seller}/products/{world.product}/photos",
            {"alt": "Bưởi"},
            "photo",
        ),
        "batch event photo": (
            "seller",
            f"{seller}/batches/{world.batch}/events",
            {"kind": "harvest", "occurred_at": NOW, "quantity": "5", "unit": "kg"},
            "photo",
        ),
        "heritage photo": ("officer", f"/officer/sites/{world.site}/photos", {}, "photo"),
    }


async def _clients(app: Any) -> dict[str, tuple[Any, str]]:
    return {actor: await logged_in(app, PHONES[actor]) for actor in ("seller", "officer")}


async def test_bad_files_are_refused_and_leave_nothing_behind(db: None) -> None:
    world = await build_world()
    app = create_app(load_settings())
    clients = await _clients(app)
    failures: list[str] = []
    try:
        files_before = _media_files()
        rows_before = await database_snapshot()
        for target, (actor, path, fields, field) in _targets(world).items():
            client, token = clients[actor]
            for name, make in REFUSED.items():
                response = await client.post(
                    path, data={**fields, "_csrf_token": token}, files={field: make()}
                )
                if response.status_code not in (413, 422):
                    failures.append(f"{target}, {name}: {response.status_code}")
                elif response.status_code == 422 and not any(
                    message in response.text
                    for message in (
                        "Tệp quá lớn",
                        "Ảnh quá lớn",
                        "Chỉ nhận ảnh",
                        "quá nhiều điểm ảnh",
                        "Không đọc được ảnh",
                    )
                ):
                    failures.append(f"{target}, {name}: no explanation in Vietnamese")
        # A narration that is not audio.
        client, token = clients["officer"]
        fake_audio = await client.post(
            f"/officer/sites/{world.site}/audio/en",
            data={"_csrf_token": token},
            files={"audio": ("loi.mp3", b"<html>" + PAYLOAD, "audio/mpeg")},
        )
        if fake_audio.status_code != 422:
            failures.append(f"heritage audio, html named .mp3: {fake_audio.status_code}")
        assert _media_files() == files_before, "a refused upload left files behind"
        assert await database_snapshot() == rows_before, "a refused upload changed the database"
    finally:
        for client, _ in clients.values():
            await client.aclose()
        await app.state.shared.close()
    assert not failures, "\n".join(failures)


async def test_what_is_stored_and_served_is_re_encoded_without_exif(db: None) -> None:
    world = await build_world()
    app = create_app(load_settings())
    clients = await _clients(app)
    try:
        for target, (actor, path, fields, field) in _targets(world).items():
            client, token = clients[actor]
            for name, make in ACCEPTED.items():
                before = _media_files()
                response = await client.post(
                    path, data={**fields, "_csrf_token": token}, files={field: make()}
                )
                assert response.status_code in (200, 302, 303), (target, name, response.text)
                stored = _media_files() - before
                assert stored, (target, name, "nothing stored")
                root = media.storage().root  # type: ignore[attr-defined]
                for file in stored:
                    data = file.read_bytes()
                    assert PAYLOAD not in data, (target, name, file)
                    for marker in EXIF_MARKERS:
                        assert marker not in data, (target, name, file, marker)
                    key = file.relative_to(root).as_posix()
                    served = await client.get(f"/media/{key}")
                    assert served.status_code == 200, (target, key)
                    assert served.content == data
                    assert served.headers["content-type"].startswith("image/")
                    assert served.headers["x-content-type-options"] == "nosniff"
                    with Image.open(io.BytesIO(served.content)) as image:
                        assert image.format in ("JPEG", "WEBP", "PNG")
                        exif = image.getexif()
                        assert 0x8825 not in exif and 0x010F not in exif, (target, key)
                        assert not image.info.get("exif"), (target, key)
                        assert "Comment" not in image.info
    finally:
        for client, _ in clients.values():
            await client.aclose()
        await app.state.shared.close()


async def test_media_keys_cannot_escape_the_media_folder(db: None) -> None:
    app = create_app(load_settings())
    client, _ = await logged_in(app, None)
    try:
        for key in (
            "../../etc/passwd",
            "..%2F..%2Fetc%2Fpasswd",
            "products/%2e%2e/%2e%2e/secret.jpg",
            "products//x.jpg",
            "products/x.html",
            "products/x.svg",
        ):
            response = await client.get(f"/media/{key}")
            assert response.status_code in (400, 404), (key, response.status_code)
            assert "root:" not in response.text
    finally:
        await client.aclose()
        await app.state.shared.close()
