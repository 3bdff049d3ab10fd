"""The closed lists a heritage site is described with, each entry labelled in vi and en."""

from __future__ import annotations

from typing import NamedTuple


class Label(NamedTuple):
    vi: str
    en: str

    def in_language(self, language: str) -> str:
        return self.en if language == "en" else self.vi


KINDS: dict[str, Label] = {
    "dinh": Label("Đình", "Communal house"),
    "den": Label("Đền", "Temple"),
    "chua": Label("Chùa", "Pagoda"),
    "mieu": Label("Miếu, phủ", "Shrine"),
    "di_tich": Label("Di tích lịch sử", "Historic site"),
    "lang_nghe": Label("Làng nghề", "Craft village"),
    "khac": Label("Khác", "Other"),
}

RANKINGS: dict[str, Label] = {
    "quoc_gia_dac_biet": Label("Di tích quốc gia đặc biệt", "Special national relic"),
    "quoc_gia": Label("Di tích quốc gia", "National relic"),
    "cap_tinh": Label("Di tích cấp tỉnh", "Provincial relic"),
    "chua_xep_hang": Label("Chưa xếp hạng", "Not ranked"),
}

# Vietnamese is required; the pages speak vi and en today, the data has room for more.
REQUIRED_LANGUAGE = "vi"
CONTENT_LANGUAGES: dict[str, Label] = {
    "vi": Label("Tiếng Việt", "Vietnamese"),
    "en": Label("Tiếng Anh", "English"),
    "fr": Label("Tiếng Pháp", "French"),
    "zh": Label("Tiếng Trung", "Chinese"),
    "ko": Label("Tiếng Hàn", "Korean"),
    "ja": Label("Tiếng Nhật", "Japanese"),
}
