"""The 34-province / 3,321-commune model and reading typed places, old names included.

Expected codes come from the reference table of places named in the seed articles
(admin_units.md: Hà Nam's huyện Bình Lục and Thanh Hóa's Thiệu Hóa, Triệu Sơn, Quảng Xương).
"""

import time

import pytest

from marketplace.errors import InvalidInput, NotFound
from marketplace.places import (
    commune,
    communes,
    province,
    provinces,
    resolve_place,
    validate_address,
)
from marketplace.text import fold

BINH_LUC_COMMUNES = {"13501", "13504", "13531", "13540", "13558"}

# Every commune of old huyện Bình Lục (Hà Nam) and the commune it became on 1 July 2025.
BINH_LUC_OLD_TO_NEW = [
    ("thị trấn Bình Mỹ", "13501"),
    ("xã Đồn Xá", "13501"),
    ("xã La Sơn", "13501"),
    ("xã Bình Nghĩa", "13504"),
    ("xã Tràng An", "13504"),
    ("xã Đồng Du", "13504"),
    ("xã Bồ Đề", "13531"),
    ("xã Vũ Bản", "13531"),
    ("xã An Ninh", "13531"),
    ("xã Trung Lương", "13540"),
    ("xã Ngọc Lũ", "13540"),
    ("xã Bình An", "13540"),
    ("xã An Đổ", "13558"),
    ("xã Tiêu Động", "13558"),
    ("xã An Lão", "13558"),
]

SEED_PLACES = [
    ("Ngọc Lũ, Bình Lục, Hà Nam", "13540"),
    ("xã Ngọc Lũ, huyện Bình Lục, tỉnh Hà Nam", "13540"),
    ("An Ninh, Bình Lục, Hà Nam", "13531"),
    ("Đồng Du, Bình Lục, Hà Nam", "13504"),
    ("Bồ Đề, Bình Lục, Hà Nam", "13531"),
    ("Bồ Đề (Bình Lục)", "13531"),
    ("xã Vũ Bản, huyện Bình Lục", "13531"),
    ("Bình Giang, Ninh Bình", "13531"),
    ("xã Bình An, tỉnh Ninh Bình", "13540"),
    ("Thiệu Hóa, Thanh Hóa", "15772"),
    ("Triệu Sơn, Thanh Hóa", "15664"),
    ("Lưu Vệ, Thanh Hóa", "16438"),
]

THANH_HOA_NEW_COMMUNES = {
    "15772": "Thiệu Hóa",
    "15796": "Thiệu Quang",
    "15835": "Thiệu Trung",
    "15778": "Thiệu Tiến",
    "15820": "Thiệu Toán",
    "15664": "Triệu Sơn",
    "15667": "Thọ Bình",
    "15754": "Thọ Ngọc",
    "15682": "Hợp Tiến",
    "15766": "An Nông",
    "15715": "Tân Ninh",
    "15724": "Đồng Tiến",
    "15763": "Thọ Phú",
    "16438": "Lưu Vệ",
    "16480": "Quảng Yên",
    "16540": "Quảng Ninh",
    "16543": "Quảng Bình",
    "16498": "Quảng Ngọc",
    "16489": "Quảng Chính",
    "16549": "Tiên Trang",
}


def codes(resolution):
    return {choice.code for choice in resolution.choices}


def both_spellings(cases):
    """Each case as typed with diacritics and as typed without them."""
    return [*cases, *((fold(text), expected) for text, expected in cases)]


# --- the units -------------------------------------------------------------------------------


def test_there_are_34_provinces_and_3321_communes():
    all_provinces = provinces()
    all_communes = [unit for each in all_provinces for unit in communes(each.code)]

    assert len(all_provinces) == 34
    assert len({each.code for each in all_provinces}) == 34
    assert len(all_communes) == 3321
    assert len({unit.code for unit in all_communes}) == 3321


def test_communes_are_xa_phuong_or_dac_khu_and_belong_to_their_province():
    kinds = {unit.kind for each in provinces() for unit in communes(each.code)}
    assert kinds == {"xã", "phường", "đặc khu"}
    for each in provinces():
        assert {unit.province_code for unit in communes(each.code)} == {each.code}


def test_province_has_short_and_full_name():
    ninh_binh = province("37")
    assert (ninh_binh.name, ninh_binh.full_name) == ("Ninh Bình", "Tỉnh Ninh Bình")
    assert province("01").full_name == "Thành phố Hà Nội"


def test_codes_without_leading_zeros_are_accepted():
    assert province("1").name == "Hà Nội"
    assert commune("118") == commune("00118")


def test_commune_has_name_full_name_kind_and_province():
    binh_an = commune("13540")
    assert binh_an.name == "Bình An"
    assert binh_an.full_name == "Xã Bình An"
    assert binh_an.kind == "xã"
    assert binh_an.province_code == "37"
    assert commune("00118").full_name == "Phường Bồ Đề"


@pytest.mark.parametrize(("code", "name"), THANH_HOA_NEW_COMMUNES.items())
def test_thanh_hoa_communes_named_in_the_seed_articles_have_their_gso_codes(code, name):
    found = commune(code)
    assert (found.name, found.kind, found.province_code) == (name, "xã", "38")


@pytest.mark.parametrize("code", ["35", "99", "", "abc"])
def test_unknown_province_code_is_not_found(code):
    with pytest.raises(NotFound) as raised:
        province(code)
    assert raised.value.code == "province_unknown"


def test_communes_of_unknown_province_is_not_found():
    with pytest.raises(NotFound) as raised:
        communes("35")
    assert raised.value.code == "province_unknown"


@pytest.mark.parametrize("code", ["13519", "99999", "x"])
def test_unknown_commune_code_is_not_found(code):
    with pytest.raises(NotFound) as raised:
        commune(code)
    assert raised.value.code == "commune_unknown"


# --- address forms ---------------------------------------------------------------------------


def test_address_with_commune_in_its_province_is_valid():
    assert validate_address("37", "13531") == commune("13531")


def test_commune_from_another_province_is_rejected():
    with pytest.raises(InvalidInput) as raised:
        validate_address("37", "00118")  # phường Bồ Đề is in Hà Nội, not Ninh Bình
    error = raised.value
    assert error.code == "commune_not_in_province"
    assert error.fields[0].field == "commune_code"
    assert "Phường Bồ Đề" in error.message_vi
    assert "không thuộc Tỉnh Ninh Bình" in error.message_vi
    assert "is not in" in error.message_en


def test_address_with_unknown_codes_is_invalid_input():
    with pytest.raises(InvalidInput) as raised:
        validate_address("35", "13531")
    assert raised.value.code == "province_unknown"
    with pytest.raises(InvalidInput) as raised:
        validate_address("37", "13519")
    assert raised.value.code == "commune_unknown"


# --- reading typed places --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), both_spellings(SEED_PLACES))
def test_seed_places_resolve_to_their_new_commune(text, expected):
    resolution = resolve_place(text)
    assert resolution.commune is not None
    assert resolution.commune.code == expected
    assert codes(resolution) == {expected}


@pytest.mark.parametrize(("old_commune", "expected"), both_spellings(BINH_LUC_OLD_TO_NEW))
def test_every_old_commune_of_binh_luc_maps_to_its_new_commune(old_commune, expected):
    resolution = resolve_place(f"{old_commune}, Bình Lục, Hà Nam")
    assert resolution.commune == commune(expected)
    assert resolution.province == province("37")
    assert resolution.from_old_names


def test_no_comma_no_diacritics_address_resolves():
    resolution = resolve_place("xa ngoc lu binh luc ha nam")
    assert resolution.commune == commune("13540")


def test_bo_de_of_binh_luc_is_not_phuong_bo_de_of_ha_noi():
    resolution = resolve_place("Bồ Đề, Bình Lục")
    assert resolution.commune == commune("13531")
    assert "00118" not in codes(resolution)


def test_a_new_commune_named_directly_is_preferred_to_old_names():
    assert resolve_place("Bồ Đề").commune == commune("00118")
    assert resolve_place("Bình Lục, Ninh Bình").commune == commune("13504")
    assert not resolve_place("Bình Giang, Ninh Bình").from_old_names


@pytest.mark.parametrize(
    "text", ["Bình Lục, Hà Nam", "binh luc ha nam", "huyện Bình Lục", "huyen binh luc"]
)
def test_old_district_of_binh_luc_gives_its_five_communes_as_choices(text):
    resolution = resolve_place(text)
    assert resolution.commune is None
    assert codes(resolution) == BINH_LUC_COMMUNES
    assert resolution.province == province("37")


def test_old_district_thieu_hoa_gives_choices_including_its_five_communes():
    resolution = resolve_place("huyện Thiệu Hóa, Thanh Hóa")
    assert resolution.commune is None
    assert {"15772", "15796", "15835", "15778", "15820"} <= codes(resolution)
    assert all(choice.province_code == "38" for choice in resolution.choices)


def test_old_district_trieu_son_gives_exactly_its_eight_communes():
    resolution = resolve_place("huyen trieu son, thanh hoa")
    assert codes(resolution) == {
        "15664",
        "15667",
        "15754",
        "15682",
        "15766",
        "15715",
        "15724",
        "15763",
    }


def test_old_district_quang_xuong_gives_choices_including_its_seven_communes():
    resolution = resolve_place("huyện Quảng Xương")
    expected = {"16438", "16480", "16540", "16543", "16498", "16489", "16549"}
    assert expected <= codes(resolution)


@pytest.mark.parametrize("text", ["thị trấn Thiệu Hóa", "thi tran thieu hoa"])
def test_township_split_between_communes_gives_choices_not_a_guess(text):
    resolution = resolve_place(text)
    assert resolution.commune is None
    assert codes(resolution) == {"15772", "15796", "15835"}


def test_typed_diacritics_tell_apart_names_that_fold_alike():
    # Old xã Thiệu Hòa (now Thiệu Toán) folds like xã Thiệu Hóa.
    assert resolve_place("Thiệu Hòa").commune == commune("15820")
    assert resolve_place("Thiệu Hóa").commune == commune("15772")


def test_old_tone_placement_spells_the_same_name():
    assert resolve_place("Thanh Hoá").province == province("38")
    assert resolve_place("xã Thiệu Hoá, Thanh Hoá").commune == commune("15772")


def test_old_marker_reads_the_name_as_an_old_unit():
    assert codes(resolve_place("Bình Lục (cũ)")) == BINH_LUC_COMMUNES
    assert resolve_place("Ngọc Lũ, Bình Lục, Hà Nam cũ, Việt Nam").commune == commune("13540")


@pytest.mark.parametrize("text", ["Xyz", "", "   ,,, ", "Atlantis, Narnia", "Việt Nam"])
def test_unknown_text_gives_no_choices(text):
    resolution = resolve_place(text)
    assert resolution.commune is None
    assert resolution.choices == []


def test_a_province_alone_gives_the_province_but_no_commune():
    resolution = resolve_place("tỉnh Hà Nam")
    assert resolution.choices == []
    assert resolution.province == province("37")
    assert resolution.from_old_names


def test_a_common_name_without_province_gives_every_commune_of_that_name():
    resolution = resolve_place("xã Bình Giang")
    assert resolution.commune is None
    assert "13531" in codes(resolution)
    assert len({choice.province_code for choice in resolution.choices}) > 1


def test_every_commune_resolves_from_its_full_name_and_province():
    for each in provinces():
        for unit in communes(each.code):
            assert resolve_place(f"{unit.full_name}, {each.full_name}").commune == unit
            assert unit in resolve_place(fold(f"{unit.name} {each.name}")).choices


def test_resolving_is_fast_once_the_index_is_built():
    resolve_place("Bình Lục")
    started = time.perf_counter()
    for _ in range(100):
        resolve_place("xã Ngọc Lũ, huyện Bình Lục, tỉnh Hà Nam")
        resolve_place("thieu hoa thanh hoa")
    assert time.perf_counter() - started < 1.0
