"""The units in force before 1 July 2025 (63 provinces, 696 districts, ~10,000 communes) and
the new communes each one became, read from the vendored conversion table.

Old codes stay integers: they never leave this package.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from marketplace.places.units import commune_code_text, current_units, read_data_file


@dataclass(frozen=True, slots=True)
class OldProvince:
    code: int
    name: str
    new_province_codes: frozenset[str]


@dataclass(frozen=True, slots=True)
class OldDistrict:
    code: int
    name: str
    kind: str
    province_code: int
    new_commune_codes: frozenset[str]
    new_province_codes: frozenset[str]


@dataclass(frozen=True, slots=True)
class OldWard:
    """A commune, ward or township (thị trấn) before 1 July 2025; `kind` is in Vietnamese."""

    code: int
    name: str
    kind: str
    district_code: int
    province_code: int
    new_commune_codes: frozenset[str]
    new_province_codes: frozenset[str]


@dataclass(frozen=True, slots=True)
class History:
    provinces: dict[int, OldProvince]
    districts: dict[int, OldDistrict]
    wards: dict[int, OldWard]
    districts_of_commune: dict[str, frozenset[int]]

    def old_provinces_of_commune(self, commune_code: str) -> frozenset[int]:
        districts = self.districts_of_commune.get(commune_code, frozenset())
        return frozenset(self.districts[code].province_code for code in districts)


def _provinces_of(commune_codes: frozenset[str]) -> frozenset[str]:
    communes = current_units().communes
    return frozenset(communes[code].province_code for code in commune_codes)


def _commune_codes(codes: list[int]) -> frozenset[str]:
    return frozenset(commune_code_text(code) for code in codes)


@cache
def history() -> History:
    """The old units and where they went, read from the vendored file on first use and kept."""
    data = read_data_file("units_before_2025.json")
    provinces = {
        code: OldProvince(code, name, frozenset(f"{new:02d}" for new in new_codes))
        for code, name, _full_name, new_codes in data["provinces"]
    }
    districts = {}
    for code, name, kind, province_code, new_codes in data["districts"]:
        targets = _commune_codes(new_codes)
        districts[code] = OldDistrict(
            code, name, kind, province_code, targets, _provinces_of(targets)
        )
    wards = {}
    for code, name, kind, district_code, new_codes in data["wards"]:
        targets = _commune_codes(new_codes)
        province_code = districts[district_code].province_code
        wards[code] = OldWard(
            code, name, kind, district_code, province_code, targets, _provinces_of(targets)
        )
    return History(provinces, districts, wards, _districts_of_communes(districts))


def _districts_of_communes(districts: dict[int, OldDistrict]) -> dict[str, frozenset[int]]:
    found: dict[str, set[int]] = {}
    for district in districts.values():
        for commune_code in district.new_commune_codes:
            found.setdefault(commune_code, set()).add(district.code)
    return {code: frozenset(codes) for code, codes in found.items()}


def former_names(commune_code: str) -> tuple[str, ...]:
    """The names of the districts and provinces a current commune was part of before 1 July
    2025 that it no longer bears ("Bình Lục", "Hà Nam" for a commune now in Ninh Bình): how
    people still name where things come from. Unknown codes have none."""
    units = current_units()
    current = units.communes.get(commune_code)
    if current is None:
        return ()
    now = {current.name, units.provinces[current.province_code].name}
    past = history()
    districts = [past.districts[code] for code in past.districts_of_commune.get(commune_code, ())]
    names = {d.name for d in districts} | {past.provinces[d.province_code].name for d in districts}
    return tuple(sorted(names - now))
