"""Uploaded photos: type sniffed from the bytes, size and pixel caps, EXIF stripped, resized.

A phone photo can carry the farm's GPS position in its EXIF data; re-encoding from pixels
drops every metadata block.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.errors import invalid_field

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# the ISO base media file "ftyp" box of HEIF/HEIC photos, at bytes 4–12
_HEIF_BRANDS = {b"ftypheic", b"ftypheix", b"ftyphevc", b"ftypmif1", b"ftypmsf1", b"ftypheim"}
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
WIDTHS = (240, 480, 960)


@dataclass(frozen=True)
class Rendition:
    """One size: stored as `<key>-<bucket>.jpg`; never wider than the original."""

    bucket: int
    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class ProcessedPhoto:
    width: int
    height: int
    renditions: tuple[Rendition, ...]


def _refuse(code: str, vi: str, en: str, field: str) -> Exception:
    return invalid_field(field, code, vi, en)


def process_photo(data: bytes, field: str = "photo") -> ProcessedPhoto:
    """JPEG renditions at WIDTHS (never upscaled) of an uploaded JPEG, PNG or WebP photo."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse(
            "photo_too_large",
            "Ảnh quá lớn (tối đa 10 MB).",
            "The photo is too large (10 MB at most).",
            field,
        )
    try:
        # Pillow only warns from its own limit (above MAX_PIXELS) to twice it, and refuses
        # beyond; the width × height check below refuses what it warns about.
        probe = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise _too_many_pixels(field) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        if data[4:12] in _HEIF_BRANDS:  # an iPhone's HEIC photo, which Pillow cannot read
            raise _refuse(
                "photo_type",
                "Ảnh HEIC (của iPhone) chưa được nhận: chỉ nhận ảnh JPEG, PNG hoặc WebP. Trên "
                "iPhone, chọn Cài đặt › Camera › Định dạng › Tương thích nhất để chụp ảnh JPEG.",
                "HEIC photos (from an iPhone) are not accepted: only JPEG, PNG or WebP. On an "
                "iPhone, choose Settings › Camera › Formats › Most Compatible to take JPEG photos.",
                field,
            ) from None
        raise _unreadable(field) from None
    try:
        with probe:
            image_format = probe.format
            if image_format not in ACCEPTED_FORMATS:
                raise _refuse(
                    "photo_type",
                    "Chỉ nhận ảnh JPEG, PNG hoặc WebP.",
                    "Only JPEG, PNG or WebP photos.",
                    field,
                )
            if probe.width * probe.height > MAX_PIXELS:
                raise _too_many_pixels(field)
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = _on_white(ImageOps.exif_transpose(image))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise _unreadable(field) from None
    renditions = tuple(_rendition(upright, bucket) for bucket in WIDTHS)
    return ProcessedPhoto(upright.width, upright.height, renditions)


def _on_white(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white (a product cut out of its background would
    otherwise stand on black, as JPEG has no transparency)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")


def _too_many_pixels(field: str) -> Exception:
    return _refuse(
        "photo_too_many_pixels",
        "Ảnh có quá nhiều điểm ảnh.",
        "The photo has too many pixels.",
        field,
    )


def _unreadable(field: str) -> Exception:
    return _refuse(
        "photo_unreadable", "Không đọc được ảnh này.", "This photo cannot be read.", field
    )


def _rendition(image: Image.Image, bucket: int) -> Rendition:
    width = min(bucket, image.width)
    height = max(1, round(image.height * width / image.width))
    resized = (
        image.resize((width, height), Image.Resampling.LANCZOS) if width != image.width else image
    )
    buffer = io.BytesIO()
    resized.save(buffer, "JPEG", quality=80, optimize=True, progressive=True)
    return Rendition(bucket, width, height, buffer.getvalue())
