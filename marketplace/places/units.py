"""The 34 provinces and 3,321 communes in force since 1 July 2025, looked up by GSO code.

Codes are the General Statistics Office's, as strings: two digits for a province ("37"), five for
a commune ("13540"). Unpadded codes ("1", "4") are accepted on input, since forms and CSV files
often drop the leading zeros.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Literal, cast

from marketplace.errors import NotFound, invalid_field

CommuneKind = Literal["xã", "phường", "đặc khu"]
_COMMUNE_KINDS: frozenset[str] = frozenset({"xã", "phường", "đặc khu"})


@dataclass(frozen=True, slots=True)
class Province:
    """A provincial unit: `name` "Ninh Bình", `full_name` "Tỉnh Ninh Bình"."""

    code: str
    name: str
    full_name: str


@dataclass(frozen=True, slots=True)
class Commune:
    """A commune-level unit (xã, phường or đặc khu) and the province it belongs to."""

    code: str
    name: str
    full_name: str
    kind: CommuneKind
    province_code: str


@dataclass(frozen=True, slots=True)
class _Units:
    provinces: dict[str, Province]
    communes: dict[str, Commune]
    communes_by_province: dict[str, list[Commune]]


def read_data_file(name: str) -> dict[str, list[list[Any]]]:
    """One of the vendored JSON files in `data/` (see its README.md for source and licence)."""
    text = files("marketplace.places").joinpath("data", name).read_text(encoding="utf-8")
    return cast(dict[str, list[list[Any]]], json.loads(text))


def province_code_text(code: int | str) -> str:
    """A province code as stored: two digits, "1" -> "01"."""
    return str(code).strip().zfill(2)


def commune_code_text(code: int | str) -> str:
    """A commune code as stored: five digits, "118" -> "00118"."""
    return str(code).strip().zfill(5)


def _commune_from_row(row: list[Any]) -> Commune:
    code, name, kind, province_code = row
    if kind not in _COMMUNE_KINDS:
        raise ValueError(f"unknown commune kind {kind!r} in vendored data")
    return Commune(
        code=commune_code_text(code),
        name=name,
        full_name=f"{kind.capitalize()} {name}",
        kind=kind,
        province_code=province_code_text(province_code),
    )


@cache
def current_units() -> _Units:
    """The current units, read from the vendored file on first use and kept."""
    data = read_data_file("units_2025.json")
    provinces = {
        province_code_text(code): Province(province_code_text(code), name, full_name)
        for code, name, full_name in data["provinces"]
    }
    communes = {commune.code: commune for commune in map(_commune_from_row, data["communes"])}
    by_province: dict[str, list[Commune]] = {code: [] for code in provinces}
    for commune in communes.values():
        by_province[commune.province_code].append(commune)
    return _Units(provinces, communes, by_province)


def provinces() -> list[Province]:
    """All 34 provinces and centrally-run cities, in GSO code order."""
    return list(current_units().provinces.values())


def _unknown_province_message(code: str) -> tuple[str, str]:
    return (
        f"Không có tỉnh/thành phố nào mang mã {code!r}.",
        f"There is no province or city with code {code!r}.",
    )


def _unknown_commune_message(code: str) -> tuple[str, str]:
    return (
        f"Không có xã/phường nào mang mã {code!r}.",
        f"There is no commune or ward with code {code!r}.",
    )


def province(code: str) -> Province:
    """The province with GSO code `code`; `NotFound` (`province_unknown`) if there is none."""
    found = current_units().provinces.get(province_code_text(code))
    if found is None:
        raise NotFound("province_unknown", *_unknown_province_message(code))
    return found


def communes(province_code: str) -> list[Commune]:
    """The communes of one province in GSO code order; `NotFound` for an unknown province."""
    return list(current_units().communes_by_province[province(province_code).code])


def commune(code: str) -> Commune:
    """The commune with GSO code `code`; `NotFound` (`commune_unknown`) if there is none."""
    found = current_units().communes.get(commune_code_text(code))
    if found is None:
        raise NotFound("commune_unknown", *_unknown_commune_message(code))
    return found


def validate_address(province_code: str, commune_code: str) -> Commune:
    """Check the two codes of an address form and return the commune.

    Raises `InvalidInput` with `province_unknown`, `commune_unknown` or, when the commune lies
    in another province, `commune_not_in_province`.
    """
    units = current_units()
    chosen_province = units.provinces.get(province_code_text(province_code))
    if chosen_province is None:
        message_vi, message_en = _unknown_province_message(province_code)
        raise invalid_field("province_code", "province_unknown", message_vi, message_en)
    chosen_commune = units.communes.get(commune_code_text(commune_code))
    if chosen_commune is None:
        message_vi, message_en = _unknown_commune_message(commune_code)
        raise invalid_field("commune_code", "commune_unknown", message_vi, message_en)
    if chosen_commune.province_code != chosen_province.code:
        raise invalid_field(
            "commune_code",
            "commune_not_in_province",
            f"{chosen_commune.full_name} không thuộc {chosen_province.full_name}.",
            f"{chosen_commune.full_name} is not in {chosen_province.full_name}.",
        )
    return chosen_commune
