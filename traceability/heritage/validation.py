"""Cleaning what officers type about a site, with errors in Vietnamese and English."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from slugify import slugify

from marketplace.errors import invalid_field
from marketplace.places import validate_address
from marketplace.text import normalize, without_controls
from traceability.heritage.schemas import ContentInput, SiteInput
from traceability.heritage.vocabulary import CONTENT_LANGUAGES, KINDS, RANKINGS

MAX_TEXT_CHARS = 20_000
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(\s*\n)*")


def short_text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    text = normalize(value)
    if required and not text:
        raise invalid_field(
            field, f"{field}_required", "Vui lòng điền mục này.", "Please fill in this field."
        )
    if len(text) > limit:
        raise invalid_field(
            field,
            f"{field}_too_long",
            f"Tối đa {limit} ký tự.",
            f"At most {limit} characters.",
        )
    return text


def long_text(value: str, field: str) -> str:
    """NFC text with its paragraphs (blank-line separated) kept and stray spaces and control
    characters removed."""
    text = unicodedata.normalize("NFC", without_controls(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    if len(text) > MAX_TEXT_CHARS:
        raise invalid_field(
            field,
            f"{field}_too_long",
            f"Tối đa {MAX_TEXT_CHARS} ký tự.",
            f"At most {MAX_TEXT_CHARS} characters.",
        )
    return text


def clean_slug(value: str, fallback_name: str = "") -> str:
    slug = value.strip().lower() or slugify(fallback_name, max_length=80, word_boundary=True)
    if not (3 <= len(slug) <= 120 and _SLUG.match(slug)):
        raise invalid_field(
            "slug",
            "slug_invalid",
            "Đường dẫn chỉ gồm chữ thường không dấu, số và dấu gạch ngang (3–120 ký tự).",
            "The slug may hold lowercase letters, digits and hyphens only (3–120 characters).",
        )
    return slug


def clean_language(language: str) -> str:
    if language not in CONTENT_LANGUAGES:
        raise invalid_field(
            "language",
            "language_unsupported",
            "Ngôn ngữ này chưa được hỗ trợ.",
            "This language is not supported.",
        )
    return language


def _choice(value: str, allowed: Mapping[str, object], field: str) -> str:
    if value not in allowed:
        raise invalid_field(
            field,
            f"{field}_unknown",
            "Vui lòng chọn trong danh sách.",
            "Please pick from the list.",
        )
    return value


def _coordinates(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise invalid_field(
            "latitude",
            "map_point_incomplete",
            "Cần cả vĩ độ và kinh độ, hoặc để trống cả hai.",
            "Give both latitude and longitude, or neither.",
        )
    if latitude is None or longitude is None:
        return
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise invalid_field(
            "latitude",
            "map_point_invalid",
            "Vĩ độ từ -90 đến 90, kinh độ từ -180 đến 180.",
            "Latitude runs from -90 to 90, longitude from -180 to 180.",
        )


def clean_site(data: SiteInput) -> dict[str, Any]:
    """The site's columns from an officer's input; `InvalidInput` on the first bad field."""
    name = short_text(data.name, "name", 200, required=True)
    commune = validate_address(data.province_code, data.commune_code)
    _coordinates(data.latitude, data.longitude)
    return {
        "name": name,
        "kind": _choice(data.kind, KINDS, "kind"),
        "ranking": _choice(data.ranking, RANKINGS, "ranking"),
        "province_code": commune.province_code,
        "commune_code": commune.code,
        "address_line": short_text(data.address_line, "address_line", 200),
        "latitude": data.latitude,
        "longitude": data.longitude,
        "opening_hours": short_text(data.opening_hours, "opening_hours", 200),
    }


def clean_content(data: ContentInput) -> dict[str, Any]:
    return {
        "title": short_text(data.title, "title", 200, required=True),
        "plaque_line": short_text(data.plaque_line, "plaque_line", 200),
        "summary": long_text(data.summary, "summary"),
        "history": long_text(data.history, "history"),
        "architecture": long_text(data.architecture, "architecture"),
        "worshipped": long_text(data.worshipped, "worshipped"),
        "stele": long_text(data.stele, "stele"),
    }


def clean_texts(texts: dict[str, str], field: str, limit: int) -> dict[str, str]:
    """Per-language short texts (festival names, photo captions): known languages, no blanks."""
    cleaned = {
        clean_language(language): short_text(text, field, limit) for language, text in texts.items()
    }
    return {language: text for language, text in cleaned.items() if text}


def require_vietnamese(texts: dict[str, str], field: str) -> None:
    if not texts.get("vi"):
        raise invalid_field(
            field,
            f"{field}_vi_required",
            "Cần có nội dung tiếng Việt.",
            "The Vietnamese text is required.",
        )
