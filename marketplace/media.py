"""Where uploaded photos and audio live: one interface, a local folder by default.

Keys are relative paths such as `products/12/ab12cd-480.jpg`; pages link to `/media/<key>`.
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from marketplace.config import get_settings

_KEY = re.compile(r"^[a-z0-9][a-z0-9._/-]{0,199}$")


def check_key(key: str) -> str:
    if not _KEY.match(key) or ".." in key or "//" in key:
        raise ValueError(f"invalid media key {key!r}")
    return key


class MediaStorage(Protocol):
    async def save(self, key: str, data: bytes, content_type: str) -> None: ...
    async def read(self, key: str) -> bytes | None: ...
    async def delete(self, key: str) -> None: ...


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
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            handle.write(data)
            temporary = handle.name
        os.replace(temporary, target)

    async def read(self, key: str) -> bytes | None:
        path = self.path(key)
        return await asyncio.to_thread(path.read_bytes) if path.is_file() else None

    async def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


_storage: MediaStorage | None = None


def storage() -> MediaStorage:
    """The configured storage (a local folder under MEDIA_DIR)."""
    global _storage
    if _storage is None:
        _storage = LocalMediaStorage(get_settings().media_dir)
    return _storage


def url(key: str) -> str:
    return f"/media/{check_key(key)}"
