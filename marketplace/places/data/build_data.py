"""Regenerate the vendored JSON files from an unpacked `vietnam-provinces` wheel.

Not used at run time. Usage (the wheel needs Python 3.12+ to install, but its data modules import
on 3.11, which is all this script does):

    pip download --no-deps --python-version 3.13 --only-binary=:all: -d /tmp/vp vietnam-provinces
    unzip -q /tmp/vp/vietnam_provinces-*.whl -d /tmp/vp/unpacked
    .venv/bin/python marketplace/places/data/build_data.py /tmp/vp/unpacked
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

DATA_DIR = Path(__file__).parent


def _load(unpacked_wheel: Path) -> dict[str, ModuleType]:
    sys.path.insert(0, str(unpacked_wheel))
    names = {
        "package": "vietnam_provinces",
        "legacy": "vietnam_provinces.legacy._lookup",
        "wards": "vietnam_provinces._ward_conversion_2025",
        "provinces": "vietnam_provinces._province_conversion_2025",
    }
    return {key: importlib.import_module(name) for key, name in names.items()}


def _strip_kind(full_name: str, kind: str) -> str:
    prefix = kind.split(" trung ương")[0]
    if not full_name.lower().startswith(prefix.lower() + " "):
        raise ValueError(f"{full_name!r} does not start with its kind {kind!r}")
    return full_name[len(prefix) + 1 :]


def _new_units(package: ModuleType) -> dict[str, Any]:
    nested = json.loads(Path(package.NESTED_DIVISIONS_JSON_PATH).read_text(encoding="utf-8"))
    provinces = []
    communes = []
    for province in nested:
        full_name = province["name"]
        provinces.append(
            [province["code"], _strip_kind(full_name, province["division_type"]), full_name]
        )
        for ward in province["wards"]:
            kind = ward["division_type"]
            communes.append([ward["code"], _strip_kind(ward["name"], kind), kind, province["code"]])
    communes.sort()
    return {"provinces": provinces, "communes": communes}


def _old_wards(legacy: ModuleType, conversion: ModuleType) -> list[list[Any]]:
    wards = []
    for code, ward in sorted(legacy.WARD_MAPPING.items()):
        entry = conversion.OLD_TO_NEW.get(code)
        if entry is None:
            continue
        kind = ward.division_type.value
        new_codes = sorted(new.code for new in entry.new_wards)
        wards.append([code, _strip_kind(ward.name, kind), kind, int(ward.district_code), new_codes])
    return wards


def _old_districts(
    legacy: ModuleType, wards: list[list[Any]], new_units: dict[str, Any], provinces: ModuleType
) -> list[list[Any]]:
    targets: dict[int, set[int]] = {}
    for _code, _name, _kind, district_code, new_codes in wards:
        targets.setdefault(district_code, set()).update(new_codes)
    districts = []
    for code, district in sorted(legacy.DISTRICT_MAPPING.items()):
        kind = district.division_type.value
        name = _strip_kind(district.name, kind)
        province_code = int(district.province_code)
        new_codes = targets.get(code) or _island_commune(name, province_code, new_units, provinces)
        districts.append([code, name, kind, province_code, sorted(new_codes)])
    return districts


def _island_commune(
    name: str, old_province_code: int, new_units: dict[str, Any], provinces: ModuleType
) -> set[int]:
    """Island districts had no communes: each became the special zone (đặc khu) of its name."""
    new_provinces = {new.code for new in provinces.OLD_TO_NEW[old_province_code].new_provinces}
    return {
        code
        for code, commune_name, kind, province_code in new_units["communes"]
        if kind == "đặc khu" and commune_name == name and province_code in new_provinces
    }


def _old_provinces(legacy: ModuleType, provinces: ModuleType) -> list[list[Any]]:
    rows = []
    for code, province in sorted(legacy.PROVINCE_MAPPING.items()):
        kind = province.division_type.value
        new_codes = sorted(new.code for new in provinces.OLD_TO_NEW[code].new_provinces)
        rows.append([code, _strip_kind(province.name, kind), province.name, new_codes])
    return rows


def _write(name: str, content: dict[str, Any]) -> None:
    lines = [
        f'"{key}":[\n'
        + ",\n".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows)
        + "\n]"
        for key, rows in content.items()
    ]
    (DATA_DIR / name).write_text("{" + ",\n".join(lines) + "}\n", encoding="utf-8")


def main(unpacked_wheel: Path) -> None:
    modules = _load(unpacked_wheel)
    new_units = _new_units(modules["package"])
    wards = _old_wards(modules["legacy"], modules["wards"])
    old_units = {
        "provinces": _old_provinces(modules["legacy"], modules["provinces"]),
        "districts": _old_districts(modules["legacy"], wards, new_units, modules["provinces"]),
        "wards": wards,
    }
    _write("units_2025.json", new_units)
    _write("units_before_2025.json", old_units)
    print(modules["package"].__version__, modules["package"].__data_version__)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
