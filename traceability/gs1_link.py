"""GS1 Digital Link URIs: `https://<host>/01/<GTIN-14>/10/<lot>?17=<YYMMDD>`.

Only for products whose producer holds a real GTIN. The key qualifiers follow the GTIN in the
fixed order 22 (CPV) → 10 (lot) → 21 (serial); dates and the country of origin travel in the
query string. Values are percent-encoded as GS1's syntax engine does: every character but
`A–Z a–z 0–9 - . _ ~`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from marketplace.errors import ApplicationError, NotFound, invalid_field
from marketplace.gs1 import validate_gtin

GS1_CHARSET_82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
QUALIFIER_ORDER = ("22", "10", "21")
DATE_ATTRIBUTES = ("11", "13", "15", "17")  # production, packaging, best before, expiry
HARVEST_DATE = "7007"
COUNTRY_OF_ORIGIN = "422"
VIET_NAM = "704"
_YYMMDD = re.compile(r"\d{6}")
_COUNTRY = re.compile(r"\d{3}")


@dataclass(frozen=True)
class DigitalLink:
    """What a Digital Link URI names: the GTIN-14, its qualifiers and its data attributes.

    `attributes` maps an application identifier (`"17"`, `"7007"`…) to its raw value.
    """

    gtin14: str
    lot: str | None = None
    serial: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    cpv: str | None = None


def is_valid_lot(lot: str) -> bool:
    """Whether `lot` can be a GS1 lot or serial: 1–20 characters of GS1's 82-character set."""
    return 1 <= len(lot) <= 20 and all(ch in GS1_CHARSET_82 for ch in lot)


def digital_link(
    base_url: str,
    gtin14: str,
    lot: str | None = None,
    *,
    serial: str | None = None,
    cpv: str | None = None,
    production_date: date | None = None,
    packaging_date: date | None = None,
    best_before: date | None = None,
    expiry: date | None = None,
    harvest_date: date | tuple[date, date] | None = None,
    country_of_origin: str | None = None,
) -> str:
    """The Digital Link URI for a GTIN under `base_url` (any domain and path prefix).

    Dates become AIs 11, 13, 15, 17 and 7007 (a harvest range is `YYMMDDYYMMDD`);
    `country_of_origin` is the ISO 3166 numeric code (Viet Nam `"704"`) of AI 422.
    Raises `InvalidInput` for a GTIN with a wrong check digit or a lot GS1 does not allow.
    """
    path = f"{_base(base_url)}/01/{validate_gtin(gtin14)}"
    for ai, value in zip(QUALIFIER_ORDER, (cpv, lot, serial), strict=True):
        if value is not None:
            path += f"/{ai}/{_encode(_checked_qualifier(ai, value))}"
    query = _query(
        {
            "11": _yymmdd(production_date),
            "13": _yymmdd(packaging_date),
            "15": _yymmdd(best_before),
            "17": _yymmdd(expiry),
            HARVEST_DATE: _harvest(harvest_date),
            COUNTRY_OF_ORIGIN: _checked_country(country_of_origin),
        }
    )
    return f"{path}?{query}" if query else path


def parse_digital_link(path_and_query: str) -> DigitalLink:
    """Read a Digital Link path (with any prefix, or a whole URL) and its query string.

    Unknown query parameters (`linkType`…) are ignored. Raises `NotFound`
    (`digital_link_invalid`) when the path is not a well-formed GTIN link: a mistyped or
    damaged link names nothing we could show.
    """
    parts = urlsplit(path_and_query)
    segments = parts.path.split("/")
    start = _gtin_position(segments)
    try:
        gtin14 = validate_gtin(segments[start + 1])
    except ApplicationError as error:
        raise _link_error() from error
    qualifiers = _qualifiers(segments[start + 2 :])
    return DigitalLink(
        gtin14=gtin14,
        lot=qualifiers.get("10"),
        serial=qualifiers.get("21"),
        attributes=_attributes(parts.query),
        cpv=qualifiers.get("22"),
    )


def _base(base_url: str) -> str:
    if not base_url.startswith(("https://", "http://")):
        raise ValueError(f"a Digital Link needs an http(s) base URL, not {base_url!r}")
    return base_url.rstrip("/")


def _encode(value: str) -> str:
    return quote(value, safe="")


def _checked_qualifier(ai: str, value: str) -> str:
    if is_valid_lot(value):
        return value
    name = {"22": "cpv", "10": "lot", "21": "serial"}[ai]
    raise invalid_field(
        name,
        f"{name}_invalid",
        "Mã lô/số sê-ri chỉ gồm 1–20 ký tự không dấu (chữ, số, một số dấu), không có khoảng trắng.",
        "A lot or serial number has 1–20 characters from GS1's set: no spaces, no accents.",
    )


def _checked_country(country: str | None) -> str | None:
    if country is None or _is_country(country):
        return country
    raise invalid_field(
        "country_of_origin",
        "country_of_origin_invalid",
        "Mã nước xuất xứ phải là mã số ISO gồm 3 chữ số (Việt Nam là 704).",
        "The country of origin is a 3-digit ISO numeric code (Viet Nam is 704).",
    )


def _yymmdd(day: date | None) -> str | None:
    return day.strftime("%y%m%d") if day else None


def _harvest(harvest: date | tuple[date, date] | None) -> str | None:
    if isinstance(harvest, tuple):
        first, last = harvest
        return f"{_yymmdd(first)}{_yymmdd(last)}" if first != last else _yymmdd(first)
    return _yymmdd(harvest)


def _query(values: Mapping[str, str | None]) -> str:
    return "&".join(f"{ai}={_encode(value)}" for ai, value in values.items() if value)


def _gtin_position(segments: list[str]) -> int:
    for position, segment in enumerate(segments[:-1]):
        following = segments[position + 1]
        if (
            segment == "01"
            and following.isascii()
            and following.isdigit()
            and len(following) in (8, 12, 13, 14)
        ):
            return position
    raise _link_error()


def _qualifiers(segments: list[str]) -> dict[str, str]:
    if segments and segments[-1] == "":
        segments = segments[:-1]  # a trailing slash
    if len(segments) % 2:
        raise _link_error()
    found: dict[str, str] = {}
    remaining = list(QUALIFIER_ORDER)
    for ai, encoded in zip(segments[::2], segments[1::2], strict=True):
        value = unquote(encoded)
        if ai not in remaining or not is_valid_lot(value):
            raise _link_error()
        remaining = remaining[remaining.index(ai) + 1 :]
        found[ai] = value
    return found


def _attributes(query: str) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        is_valid = _ATTRIBUTE_CHECKS.get(key)
        if is_valid is None:
            continue
        if not is_valid(value):
            raise _link_error()
        attributes[key] = value
    return attributes


def _is_dated_attribute(value: str) -> bool:
    # Production, packaging, best-before and expiry dates may give day 00 (end of month).
    if _YYMMDD.fullmatch(value) and value.endswith("00"):
        return 1 <= int(value[2:4]) <= 12
    return _is_day(value)


def _is_harvest_date(value: str) -> bool:
    if len(value) == 12:
        return _is_day(value[:6]) and _is_day(value[6:])
    return _is_day(value)


def _is_day(value: str) -> bool:
    if not _YYMMDD.fullmatch(value):
        return False
    try:
        date(2000 + int(value[:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        return False
    return True


def _is_country(value: str) -> bool:
    return _COUNTRY.fullmatch(value) is not None


_ATTRIBUTE_CHECKS: dict[str, Callable[[str], bool]] = {
    **dict.fromkeys(DATE_ATTRIBUTES, _is_dated_attribute),
    HARVEST_DATE: _is_harvest_date,
    COUNTRY_OF_ORIGIN: _is_country,
}


def _link_error() -> NotFound:
    return NotFound(
        "digital_link_invalid",
        "Đường dẫn mã GS1 này không đúng định dạng nên không tìm thấy sản phẩm.",
        "This GS1 Digital Link is malformed, so no product could be found.",
    )
