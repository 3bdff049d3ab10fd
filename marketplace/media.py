"""Where uploaded photos and audio live: one interface, a local folder by default, an
S3-compatible bucket (AWS S3, MinIO, Garage, Cloudflare R2…) when `MEDIA_S3_BUCKET` is set.

Keys are relative paths such as `products/12/ab12cd-480.jpg`; pages link to `/media/<key>`
(or to `MEDIA_PUBLIC_BASE_URL/<key>` when a CDN serves the files).
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from marketplace.config import Settings, get_settings

if TYPE_CHECKING:  # pragma: no cover - types only
    from mypy_boto3_s3 import S3Client

_KEY = re.compile(r"^[a-z0-9][a-z0-9._/-]{0,199}$")
CACHE_FOREVER = "public, max-age=31536000, immutable"
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "png": "image/png",
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
}


def content_type(key: str) -> str | None:
    """The type a key's extension names, or None for a kind of file Langso never stores."""
    return CONTENT_TYPES.get(key.rpartition(".")[2].lower())


def check_key(key: str) -> str:
    if not _KEY.match(key) or ".." in key or "//" in key:
        raise ValueError(f"invalid media key {key!r}")
    return key


def is_key(key: str) -> bool:
    try:
        check_key(key)
    except ValueError:
        return False
    return True


class MediaStorage(Protocol):
    async def save(self, key: str, data: bytes, content_type: str) -> None: ...
    async def read(self, key: str) -> bytes | None: ...
    async def delete(self, key: str) -> None: ...

    async def size(self, key: str) -> int | None:
        """The file's length in bytes, or None when there is no such file."""
        ...

    async def read_range(self, key: str, first: int, last: int) -> bytes | None:
        """Bytes `first`…`last` (inclusive, within the file), or None when it is missing."""
        ...

    async def keys(self) -> list[str]:
        """Every stored key, sorted (backups walk them)."""
        ...


class LocalMediaStorage:
    """Files under one folder; writes are atomic (a temporary file renamed into place)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    async def save(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, self.path(key), data)

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=target.parent, prefix=".partial-", delete=False
        ) as handle:
            handle.write(data)
            temporary = handle.name
        os.replace(temporary, target)

    async def read(self, key: str) -> bytes | None:
        path = self.path(key)
        return await asyncio.to_thread(path.read_bytes) if path.is_file() else None

    async def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    async def size(self, key: str) -> int | None:
        path = self.path(key)
        return path.stat().st_size if path.is_file() else None

    async def read_range(self, key: str, first: int, last: int) -> bytes | None:
        path = self.path(key)
        if not path.is_file():
            return None
        return await asyncio.to_thread(self._read_span, path, first, last)

    @staticmethod
    def _read_span(path: Path, first: int, last: int) -> bytes:
        with path.open("rb") as handle:
            handle.seek(first)
            return handle.read(last - first + 1)

    async def keys(self) -> list[str]:
        return await asyncio.to_thread(lambda: sorted(self._walk()))

    def _walk(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in self.root.rglob("*"):
            key = path.relative_to(self.root).as_posix()
            if path.is_file() and is_key(key) and not path.name.startswith(".partial-"):
                yield key


class S3MediaStorage:
    """Objects in one bucket of an S3-compatible service, under an optional key prefix.

    boto3 is synchronous, so every call runs in a worker thread (`asyncio.to_thread`); one
    client is made lazily and shared, as boto3 clients are thread-safe. Credentials come from
    boto's standard chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, an instance role.
    """

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        prefix: str = "",
    ) -> None:
        self.bucket = bucket
        self.endpoint_url = endpoint_url
        self.region = region
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self._client: S3Client | None = None
        self._client_lock = threading.Lock()

    def client(self) -> S3Client:
        with self._client_lock:
            if self._client is None:
                import boto3
                from botocore.config import Config

                config = Config(
                    connect_timeout=5,
                    read_timeout=30,
                    retries={"max_attempts": 4, "mode": "standard"},
                )
                self._client = boto3.session.Session().client(
                    "s3",
                    endpoint_url=self.endpoint_url,
                    region_name=self.region,
                    config=config,
                )
            return self._client

    def object_key(self, key: str) -> str:
        return self.prefix + check_key(key)

    async def save(self, key: str, data: bytes, content_type: str) -> None:
        name = self.object_key(key)
        await asyncio.to_thread(
            lambda: self.client().put_object(
                Bucket=self.bucket,
                Key=name,
                Body=data,
                ContentType=content_type,
                CacheControl=CACHE_FOREVER,
            )
        )

    async def read(self, key: str) -> bytes | None:
        name = self.object_key(key)
        return await asyncio.to_thread(self._get, name, None)

    async def read_range(self, key: str, first: int, last: int) -> bytes | None:
        name = self.object_key(key)
        return await asyncio.to_thread(self._get, name, f"bytes={first}-{last}")

    def _get(self, name: str, byte_range: str | None) -> bytes | None:
        arguments: dict[str, Any] = {"Bucket": self.bucket, "Key": name}
        if byte_range:
            arguments["Range"] = byte_range
        try:
            answer = self.client().get_object(**arguments)
        except Exception as error:
            if _is_missing(error):
                return None
            raise
        body: bytes = answer["Body"].read()
        return body

    async def size(self, key: str) -> int | None:
        name = self.object_key(key)

        def head() -> int | None:
            try:
                return int(self.client().head_object(Bucket=self.bucket, Key=name)["ContentLength"])
            except Exception as error:
                if _is_missing(error):
                    return None
                raise

        return await asyncio.to_thread(head)

    async def delete(self, key: str) -> None:
        name = self.object_key(key)
        await asyncio.to_thread(lambda: self.client().delete_object(Bucket=self.bucket, Key=name))

    async def keys(self) -> list[str]:
        def walk() -> list[str]:
            found: list[str] = []
            pages = self.client().get_paginator("list_objects_v2")
            for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for item in page.get("Contents", []):
                    key = item.get("Key", "").removeprefix(self.prefix)
                    if is_key(key):
                        found.append(key)
            return sorted(found)

        return await asyncio.to_thread(walk)


def _is_missing(error: Exception) -> bool:
    """True for S3's "no such key" answers (404 on HEAD, NoSuchKey on GET)."""
    from botocore.exceptions import ClientError

    if not isinstance(error, ClientError):
        return False
    code = str(error.response.get("Error", {}).get("Code", ""))
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in {"NoSuchKey", "404", "NotFound"} or status == 404


def make_storage(settings: Settings) -> MediaStorage:
    """The storage the settings choose: S3 when MEDIA_S3_BUCKET is set, else MEDIA_DIR."""
    if settings.media_s3_bucket:
        return S3MediaStorage(
            settings.media_s3_bucket,
            endpoint_url=settings.media_s3_endpoint_url,
            region=settings.media_s3_region,
            prefix=settings.media_s3_prefix,
        )
    return LocalMediaStorage(settings.media_dir)


_storage: MediaStorage | None = None


def storage() -> MediaStorage:
    """The configured storage (S3 when MEDIA_S3_BUCKET is set, else a folder, MEDIA_DIR)."""
    global _storage
    if _storage is None:
        _storage = make_storage(get_settings())
    return _storage


def use_storage(chosen: MediaStorage | None) -> None:
    """Replace the process's storage (None: choose again from the settings on next use)."""
    global _storage
    _storage = chosen


def url(key: str) -> str:
    base = get_settings().media_public_base_url
    return f"{base}/{check_key(key)}" if base else f"/media/{check_key(key)}"
