"""Checks shared by producer and product writes: names, slugs, coordinates."""

from __future__ import annotations

import unicodedata

from slugify import slugify

from marketplace.errors import invalid_field
from marketplace.text import normalize, without_controls


def clean_name(raw: str, field: str = "name", max_length: int = 200) -> str:
    name = normalize(raw)
    if len(name) < 2 or len(name) > max_length:
        raise invalid_field(
            field,
            "name_invalid",
            f"Tên phải có từ 2 đến {max_length} ký tự.",
            f"The name must have 2 to {max_length} characters.",
        )
    return name


def base_slug(name: str) -> str:
    """ASCII slug of a Vietnamese name: 'Bưởi Ngọc Lũ' -> 'buoi-ngoc-lu'."""
    return slugify(name.replace("đ", "d").replace("Đ", "D"), max_length=200) or "san-pham"


def check_point(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise invalid_field(
            "latitude",
            "point_incomplete",
            "Cần cả vĩ độ và kinh độ.",
            "Both latitude and longitude are needed.",
        )
    if (
        latitude is not None
        and longitude is not None
        and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        raise invalid_field(
            "latitude",
            "point_invalid",
            "Tọa độ bản đồ không hợp lệ.",
            "The map point is not valid.",
        )


def check_text(value: str, field: str, max_length: int) -> str:
    """Free text (descriptions, stories, captions): NFC, line breaks kept, without control
    characters (a NUL is refused by PostgreSQL) or bidi overrides (they reorder a page)."""
    text = unicodedata.normalize("NFC", without_controls(value)).strip()
    if len(text) > max_length:
        raise invalid_field(
            field,
            "text_too_long",
            f"Nội dung quá dài (tối đa {max_length} ký tự).",
            f"The text is too long (at most {max_length} characters).",
        )
    return text
