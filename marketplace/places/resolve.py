"""Turn a place typed by a person into current communes, old names included.

"Ngọc Lũ, Bình Lục, Hà Nam", "xa ngoc lu binh luc ha nam" and "xã Bình An, Ninh Bình" all name
xã Bình An (13540). The text is read right to left, largest unit first (province, then an old
district, then a commune or old ward), trying every split of the words, with or without commas
and diacritics, and every unit a name can mean. The readings that explain the most words win;
between equals, in turn: one that names a province; one whose kind words (xã, huyện...) and
diacritics agree with the units' own; one that speaks a single era (current communes in a
current province, old units under Hà Nam or under an old district). Every commune the winners
lead to is returned: an old district or a split commune gives choices, never a silent guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Literal

from marketplace.places._history import OldDistrict, OldWard
from marketplace.places._names import (
    NameIndex,
    NameKey,
    ProvinceName,
    Reading,
    name_index,
    name_key,
)
from marketplace.places._typed_text import TypedText, spelled_as, split_typed_text
from marketplace.places.units import Commune, Province, current_units

Level = Literal["province", "district", "commune", "ward"]
_ANY: frozenset[Level] = frozenset({"province", "district", "commune", "ward"})
_COMMUNE_OR_WARD: frozenset[Level] = frozenset({"commune", "ward"})


@dataclass(frozen=True, slots=True)
class _Prefix:
    """Unit-type words written before a name (folded), the levels the name may then be, and
    the kind of unit they spell out ("" when none)."""

    words: NameKey
    levels: frozenset[Level]
    kind: str = ""


_PREFIXES: tuple[_Prefix, ...] = (
    _Prefix((), _ANY),
    *(_Prefix(words, _COMMUNE_OR_WARD, "xã") for words in (("xa",), ("x",))),
    *(_Prefix(words, _COMMUNE_OR_WARD, "phường") for words in (("phuong",), ("p",))),
    _Prefix(("dac", "khu"), frozenset({"commune"}), "đặc khu"),
    *(_Prefix(words, frozenset({"ward"}), "thị trấn") for words in (("thi", "tran"), ("tt",))),
    *(_Prefix(words, frozenset({"district"}), "huyện") for words in (("huyen",), ("h",))),
    *(_Prefix(words, frozenset({"district"}), "quận") for words in (("quan",), ("q",))),
    *(_Prefix(words, frozenset({"district"}), "thị xã") for words in (("thi", "xa"), ("tx",))),
    _Prefix(("tinh",), frozenset({"province"})),
    *(
        _Prefix(words, frozenset({"province", "district"}), "thành phố")
        for words in (("thanh", "pho"), ("tp",))
    ),
)
_OLD_MARKER: NameKey = ("cu",)
_LONGEST_AFFIXES = max(len(prefix.words) for prefix in _PREFIXES) + len(_OLD_MARKER)


@dataclass(frozen=True)
class PlaceResolution:
    """What a typed place means now.

    `choices` lists every current commune the text can mean (one, several, or none when the
    text names no known place); `commune` is set only when there is exactly one. `province` is
    set when all choices (or, with no choices, the province named) lie in one province.
    `from_old_names` says the text was read with names in use before 1 July 2025.
    """

    commune: Commune | None = None
    choices: list[Commune] = field(default_factory=list)
    province: Province | None = None
    from_old_names: bool = False


@dataclass(frozen=True, slots=True)
class _Reading:
    """One way to read the end of the text: its units from largest to smallest, how many words
    they explain, and how many of them were written with their own kind word or diacritics."""

    province: ProvinceName | None = None
    district: OldDistrict | None = None
    place: Commune | OldWard | None = None
    explained_words: int = 0
    agreements: int = 0


def _level(unit: Reading) -> Level:
    if isinstance(unit, ProvinceName):
        return "province"
    if isinstance(unit, OldDistrict):
        return "district"
    return "commune" if isinstance(unit, Commune) else "ward"


def _levels_after(reading: _Reading) -> frozenset[Level]:
    if reading.place is not None:
        return frozenset()
    if reading.district is not None:
        return _COMMUNE_OR_WARD
    return _ANY - {"province"} if reading.province is not None else _ANY


def _agreement(unit: Reading, prefix: _Prefix, text: TypedText, name_start: int, end: int) -> int:
    """How far the writing confirms this unit: its kind word, and its diacritics."""
    if isinstance(unit, ProvinceName):
        return 0
    kind_written = prefix.kind == unit.kind
    spelled = text.with_diacritics and spelled_as(text.written[name_start:end], unit.name)
    return int(kind_written) + int(spelled)


def _candidates(
    index: NameIndex, text: TypedText, start: int, end: int, allowed: frozenset[Level]
) -> Iterator[tuple[Reading, int]]:
    """Units the words start..end can name, each with its agreement with the writing. A name
    may carry a unit-type prefix, and a trailing "cũ" (old) that rules out current communes."""
    span = tuple(text.folded[start:end])
    for prefix in _PREFIXES:
        for suffix, suffix_levels in (((), _ANY), (_OLD_MARKER, _ANY - {"commune"})):
            usable = prefix.levels & suffix_levels & allowed
            name_start, name_end = start + len(prefix.words), end - len(suffix)
            if not usable or name_start >= name_end:
                continue
            if (
                span[: len(prefix.words)] != prefix.words
                or span[len(span) - len(suffix) :] != suffix
            ):
                continue
            for unit in index.readings.get(name_key(text.folded[name_start:name_end]), ()):
                if _level(unit) in usable:
                    yield unit, _agreement(unit, prefix, text, name_start, name_end)


def _in_province(index: NameIndex, unit: Reading, province: ProvinceName) -> bool:
    if isinstance(unit, Commune):
        old_provinces = index.history.old_provinces_of_commune(unit.code)
        return unit.province_code in province.current_codes or bool(
            old_provinces & province.old_codes
        )
    if isinstance(unit, OldDistrict | OldWard):
        return unit.province_code in province.old_codes or bool(
            unit.new_province_codes & province.current_codes
        )
    return False


def _in_district(index: NameIndex, unit: Commune | OldWard, district: OldDistrict) -> bool:
    if isinstance(unit, OldWard):
        return unit.district_code == district.code
    return district.code in index.history.districts_of_commune.get(unit.code, frozenset())


def _extend(
    index: NameIndex, reading: _Reading, unit: Reading, words: int, agreement: int
) -> _Reading | None:
    """`reading` with `unit` added to its left, or None if the two cannot go together."""
    grown = replace(
        reading,
        explained_words=reading.explained_words + words,
        agreements=reading.agreements + agreement,
    )
    if isinstance(unit, ProvinceName):
        return replace(grown, province=unit)
    if reading.province is not None and not _in_province(index, unit, reading.province):
        return None
    if isinstance(unit, OldDistrict):
        return replace(grown, district=unit)
    if reading.district is not None and not _in_district(index, unit, reading.district):
        return None
    return replace(grown, place=unit)


def _readings(index: NameIndex, text: TypedText) -> list[_Reading]:
    """Every consistent reading of a tail of the text, no name crossing a comma."""
    found: list[_Reading] = []
    longest_span = index.longest_name + _LONGEST_AFFIXES

    def read_leftwards(end: int, reading: _Reading) -> None:
        if reading.explained_words:
            found.append(reading)
        allowed = _levels_after(reading)
        if not allowed:
            return
        for start in range(end - 1, max(end - longest_span, 0) - 1, -1):
            if text.parts[start] != text.parts[end - 1]:
                break
            for unit, agreement in _candidates(index, text, start, end, allowed):
                extended = _extend(index, reading, unit, end - start, agreement)
                if extended is not None:
                    read_leftwards(start, extended)

    read_leftwards(len(text.folded), _Reading())
    return found


def _speaks_one_era(reading: _Reading) -> bool:
    """True for a current commune in a current text, or old units in an old one. A text is old
    when it names a province that no longer exists (Hà Nam) or a commune under an old district;
    a lone district name is no proof, since many communes now bear their old district's name."""
    old_text = (reading.province is not None and reading.province.is_old_only) or (
        reading.district is not None and reading.place is not None
    )
    return old_text != isinstance(reading.place, Commune)


def _rank(reading: _Reading) -> tuple[int, bool, int, bool]:
    return (
        reading.explained_words,
        reading.province is not None,
        reading.agreements,
        _speaks_one_era(reading),
    )


def _commune_codes(reading: _Reading) -> frozenset[str]:
    if isinstance(reading.place, Commune):
        return frozenset({reading.place.code})
    if reading.place is not None:
        codes = reading.place.new_commune_codes
    elif reading.district is not None:
        codes = reading.district.new_commune_codes
    else:
        return frozenset()
    if reading.province is None:
        return codes
    communes = current_units().communes
    in_province = reading.province.new_codes
    return frozenset(code for code in codes if communes[code].province_code in in_province)


def _uses_old_names(reading: _Reading) -> bool:
    old_province = reading.province is not None and reading.province.is_old_only
    return old_province or reading.district is not None or isinstance(reading.place, OldWard)


def _single_province(best: list[_Reading], choices: list[Commune]) -> Province | None:
    if choices:
        codes = {commune.province_code for commune in choices}
    else:
        codes = {code for r in best if r.province is not None for code in r.province.new_codes}
    return current_units().provinces[codes.pop()] if len(codes) == 1 else None


def resolve_place(text: str) -> PlaceResolution:
    """The current commune(s) that a typed place means; see the module docstring for how."""
    index = name_index()
    readings = _readings(index, split_typed_text(text))
    if not readings:
        return PlaceResolution()
    best_rank = max(map(_rank, readings))
    best = [reading for reading in readings if _rank(reading) == best_rank]
    codes = frozenset().union(*map(_commune_codes, best))
    communes = current_units().communes
    choices = [communes[code] for code in sorted(codes)]
    return PlaceResolution(
        commune=choices[0] if len(choices) == 1 else None,
        choices=choices,
        province=_single_province(best, choices),
        from_old_names=any(map(_uses_old_names, best)),
    )
