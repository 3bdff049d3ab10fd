"""Folded place names -> every unit, old or new, that bears the name.

Built once, on the first resolution: about 14,000 names from the two vendored files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from marketplace.places._history import History, OldDistrict, OldWard, history
from marketplace.places.units import Commune, current_units
from marketplace.text import fold_words

NameKey = tuple[str, ...]

# Names people use that are not the official short name.
_PROVINCE_ALIASES: dict[NameKey, NameKey] = {
    ("hcm",): ("ho", "chi", "minh"),
    ("tphcm",): ("ho", "chi", "minh"),
    ("sai", "gon"): ("ho", "chi", "minh"),
    ("saigon",): ("ho", "chi", "minh"),
    ("thua", "thien", "hue"): ("hue",),
    ("daklak",): ("dak", "lak"),
    ("brvt",): ("ba", "ria", "vung", "tau"),
}


@dataclass(frozen=True, slots=True)
class ProvinceName:
    """What a province name means: current provinces of that name, old provinces of that name,
    and every current province the name now lies in (Hà Nam: none, {35}, {"37"})."""

    current_codes: frozenset[str]
    old_codes: frozenset[int]
    new_codes: frozenset[str]

    @property
    def is_old_only(self) -> bool:
        return not self.current_codes


Reading = ProvinceName | OldDistrict | Commune | OldWard


def name_key(words: Iterable[str]) -> NameKey:
    """Index key of folded words; numbers lose leading zeros so "Phường 01" finds "Phường 1"."""
    return tuple(str(int(word)) if word.isdigit() else word for word in words)


def key_of(name: str) -> NameKey:
    return name_key(fold_words(name))


@dataclass(frozen=True, slots=True)
class NameIndex:
    readings: dict[NameKey, list[Reading]]
    longest_name: int
    history: History


def _province_names(past: History) -> dict[NameKey, ProvinceName]:
    current: dict[NameKey, set[str]] = {}
    old: dict[NameKey, set[int]] = {}
    covered: dict[NameKey, set[str]] = {}
    for province in current_units().provinces.values():
        current.setdefault(key_of(province.name), set()).add(province.code)
        covered.setdefault(key_of(province.name), set()).add(province.code)
    for old_province in past.provinces.values():
        old.setdefault(key_of(old_province.name), set()).add(old_province.code)
        covered.setdefault(key_of(old_province.name), set()).update(old_province.new_province_codes)
    names = {
        key: ProvinceName(
            frozenset(current.get(key, ())), frozenset(old.get(key, ())), frozenset(codes)
        )
        for key, codes in covered.items()
    }
    for alias, official in _PROVINCE_ALIASES.items():
        names[alias] = names[official]
    return names


@cache
def name_index() -> NameIndex:
    """The index of every province, district and commune name, old and new."""
    past = history()
    readings: dict[NameKey, list[Reading]] = {}
    for key, province_name in _province_names(past).items():
        readings.setdefault(key, []).append(province_name)
    units: list[Commune | OldDistrict | OldWard] = [
        *current_units().communes.values(),
        *past.districts.values(),
        *past.wards.values(),
    ]
    for unit in units:
        readings.setdefault(key_of(unit.name), []).append(unit)
    return NameIndex(readings, max(map(len, readings)), past)
