"""Media on S3-compatible storage, against moto's S3 server on a local port (a real HTTP API).

A seller's photo goes through the real upload page into the bucket, comes back through
`/media/…` (whole and by byte ranges, as phones ask for audio), and leaves the bucket when the
seller deletes it.
"""

from __future__ import annotations

import io
import os
import socket
from collections.abc import AsyncIterator, Iterator

import boto3
import pytest
from PIL import Image

from marketplace import media
from marketplace.catalogue import queries
from marketplace.config import load_settings
from tests.catalogue_factories import PASSWORD, jpeg_with_gps, new_producer, new_product, new_seller
from tests.support import csrf_token, submit

BUCKET = "langso-media"
PREFIX = "prod"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    os.environ["AWS_ACCESS_KEY_ID"] = "langso-test"
    os.environ["AWS_SECRET_ACCESS_KEY"] = "langso-test-secret"
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="module")
def s3_storage(s3_endpoint: str) -> media.S3MediaStorage:
    return media.S3MediaStorage(BUCKET, endpoint_url=s3_endpoint, region="us-east-1", prefix=PREFIX)


@pytest.fixture
async def s3(s3_storage: media.S3MediaStorage) -> AsyncIterator[media.S3MediaStorage]:
    chosen = s3_storage
    media.use_storage(chosen)
    yield chosen
    media.use_storage(None)
    for key in await chosen.keys():
        await chosen.delete(key)


def bucket_keys(endpoint: str) -> list[str]:
    listing = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").list_objects_v2(
        Bucket=BUCKET
    )
    return sorted(item["Key"] for item in listing.get("Contents", []))


async def test_settings_choose_s3_when_a_bucket_is_set(monkeypatch):
    monkeypatch.setenv("MEDIA_S3_BUCKET", "anh-san-pham")
    monkeypatch.setenv("MEDIA_S3_ENDPOINT_URL", "http://minio.local:9000")
    monkeypatch.setenv("MEDIA_S3_REGION", "ap-southeast-1")
    monkeypatch.setenv("MEDIA_S3_PREFIX", "/langso/")
    chosen = media.make_storage(load_settings())
    assert isinstance(chosen, media.S3MediaStorage)
    assert (chosen.bucket, chosen.endpoint_url, chosen.region) == (
        "anh-san-pham",
        "http://minio.local:9000",
        "ap-southeast-1",
    )
    assert chosen.object_key("products/1/a-240.jpg") == "langso/products/1/a-240.jpg"
    monkeypatch.delenv("MEDIA_S3_BUCKET")
    assert isinstance(media.make_storage(load_settings()), media.LocalMediaStorage)


async def test_a_photo_uploaded_by_a_seller_lives_in_the_bucket_and_is_served(client, s3):
    seller = await new_seller()
    producer_id = await new_producer(seller)
    product = await new_product(seller, producer_id)
    login = await submit(client, "/login", {"phone": seller.phone, "password": PASSWORD})
    assert login.status_code == 200
    path = f"/seller/{producer_id}/products/{product.id}"
    token = await csrf_token(client, path)
    uploaded = await client.post(
        f"{path}/photos",
        data={"_csrf_token": token, "alt": "Bưởi trên cành"},
        files={"photo": ("IMG_0001.jpg", jpeg_with_gps(800, 600), "image/jpeg")},
    )
    assert uploaded.status_code == 200
    assert "Đã thêm ảnh." in uploaded.text
    photo = (await queries.get_product(product.id)).photos[0]
    assert bucket_keys(s3.endpoint_url or "") == [
        f"{PREFIX}/{photo.media_key}-{bucket}.jpg" for bucket in (240, 480, 960)
    ]

    served = await client.get(photo.url(480))
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert "immutable" in served.headers["cache-control"]
    assert Image.open(io.BytesIO(served.content)).size == (480, 360)
    assert served.content == await s3.read(f"{photo.media_key}-480.jpg")
    head = await client.get(photo.url(480), headers={"range": "bytes=0-9"})
    assert head.status_code == 206
    assert head.content == served.content[:10]
    assert head.headers["content-range"] == f"bytes 0-9/{len(served.content)}"

    deleted = await submit(client, f"{path}/photos/delete", {"media_key": photo.media_key}, path)
    assert deleted.status_code == 200
    assert bucket_keys(s3.endpoint_url or "") == []
    assert (await client.get(photo.url(480))).status_code == 404


async def test_audio_ranges_are_proxied_to_the_bucket(client, s3):
    await s3.save("heritage/1/range.mp3", b"0123456789", "audio/mpeg")
    url = "/media/heritage/1/range.mp3"
    first = await client.get(url, headers={"range": "bytes=0-3"})
    assert (first.status_code, first.content) == (206, b"0123")
    assert first.headers["content-range"] == "bytes 0-3/10"
    assert first.headers["content-type"] == "audio/mpeg"
    rest = await client.get(url, headers={"range": "bytes=6-"})
    assert (rest.status_code, rest.content) == (206, b"6789")
    tail = await client.get(url, headers={"range": "bytes=-2"})
    assert (tail.status_code, tail.content) == (206, b"89")
    beyond = await client.get(url, headers={"range": "bytes=20-30"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == "bytes */10"
    whole = await client.get(url)
    assert (whole.status_code, whole.content) == (200, b"0123456789")
    assert whole.headers["accept-ranges"] == "bytes"


async def test_a_missing_object_is_404_whole_or_by_range(client, s3):
    await s3.save("products/1/there-240.jpg", b"\xff\xd8\xff jpeg", "image/jpeg")
    for url, headers in (
        ("/media/products/1/nothing-240.jpg", {}),
        ("/media/products/1/nothing-240.jpg", {"range": "bytes=0-3"}),
        ("/media/heritage/9/gone.mp3", {"range": "bytes=-2"}),
        ("/media/products/1/../../secret.jpg", {}),
    ):
        response = await client.get(url, headers=headers)
        assert response.status_code == 404, url
    assert await s3.read("products/1/nothing-240.jpg") is None
    assert await s3.size("products/1/nothing-240.jpg") is None
    assert await s3.size("products/1/there-240.jpg") == 8
    assert await s3.keys() == ["products/1/there-240.jpg"]
    await s3.delete("products/1/there-240.jpg")
    await s3.delete("products/1/there-240.jpg")  # deleting twice is fine
    assert await s3.keys() == []


async def test_a_backup_carries_the_bucket_s_files_to_a_local_folder(db, s3, tmp_path):
    from marketplace import backup

    await s3.save("heritage/2/loi-chao.mp3", b"ID3 xin chao", "audio/mpeg")
    await s3.save("products/3/anh-960.jpg", b"\xff\xd8\xff jpeg", "image/jpeg")
    archive = tmp_path / "backup.tar.gz"
    report = await backup.export_archive(archive, storage=s3)
    assert report.media_files == 2
    folder = media.LocalMediaStorage(tmp_path / "media")
    restored = await backup.import_archive(archive, storage=folder)
    assert restored.media_files == 2
    assert await folder.keys() == ["heritage/2/loi-chao.mp3", "products/3/anh-960.jpg"]
    assert await folder.read("heritage/2/loi-chao.mp3") == b"ID3 xin chao"
    # and back into an emptied bucket
    for key in await s3.keys():
        await s3.delete(key)
    await backup.import_archive(archive, replace=True, storage=s3)
    assert await s3.read_range("products/3/anh-960.jpg", 0, 2) == b"\xff\xd8\xff"
