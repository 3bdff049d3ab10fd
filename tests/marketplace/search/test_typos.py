"""Typo tolerance adapted to short Vietnamese syllables."""

import pytest

from marketplace.search.typos import TypoIndex, allowed_typos, decode_input_method, distance

VOCABULARY = [
    "buoi",
    "bui",
    "boi",
    "gao",
    "cao",
    "mam",
    "nuoc",
    "chuoi",
    "chieu",
    "vietgap",
    "thanh",
    "hoang",
]


@pytest.fixture
def typos():
    index = TypoIndex()
    index.add_all(VOCABULARY)
    return index


def test_words_under_four_letters_get_no_typo(typos):
    assert allowed_typos("gao") == 0
    assert typos.corrections("gai") == {}
    assert typos.corrections("cao") == {}


def test_four_letters_allow_an_extra_letter(typos):
    assert typos.corrections("gaoo") == {"gao": 1}
    assert typos.corrections("mamm") == {"mam": 1}


def test_four_letters_allow_swapped_letters_but_not_a_changed_one(typos):
    assert typos.corrections("boui")["buoi"] == 1
    assert "buoi" not in typos.corrections("buai")  # changed letter: another syllable, maybe


def test_five_letters_allow_any_single_typo(typos):
    assert typos.corrections("buoii") == {"buoi": 1}
    assert typos.corrections("chuoj") == {"chuoi": 1}
    assert typos.corrections("chiue") == {"chieu": 1}
    assert typos.corrections("chuoiii") == {}


def test_nine_letters_allow_two_typos(typos):
    assert allowed_typos("vietgaapp") == 2
    assert typos.corrections("vietgaapp") == {"vietgap": 2}


def test_the_first_letter_is_never_wrong(typos):
    assert "thanh" not in typos.corrections("khanh")
    assert distance("khanh", "thanh") == 2


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("nuwowcs", "nuoc"),
        ("mawms", "mam"),
        ("gaoj", "gao"),
        ("ddaajc", "dac"),
        ("hoaf", "hoa"),
        ("nhwng", "nhung"),
        ("d9a65c", "dac"),
        ("bu7o73i", "buoi"),
    ],
)
def test_unconverted_telex_and_vni_are_decoded(typed, meant):
    assert decode_input_method(typed) == meant


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("mams", "mam"),  # mám
        ("mamw", "mam"),  # măm
        ("mamws", "mam"),  # mắm
        ("mamsw", "mam"),  # mắm, the keys the other way round
        ("nuocws", "nuoc"),  # nước: w puts the horn on both u and o
        ("mutws", "mut"),  # mứt
        ("dacj", "dac"),  # dạc
        ("ddacj", "dac"),  # đạc
        ("ddawcj", "dac"),  # đặc, the breve in place and the tone after the c
        ("ddacwj", "dac"),  # đặc, both after the c
        ("thuongwf", "thuong"),  # thường
        ("chanhj", "chanh"),  # chạnh
        ("tiene", "tien"),  # tiên: the circumflex key after the n
        ("muonof", "muon"),  # muồn
        ("nhwngs", "nhung"),  # nhứng: w alone is ư, and the tone after the ng
        ("mam85", "mam"),  # VNI mặm: breve and nặng after the m
        ("nuoc71", "nuoc"),  # VNI nước
        ("d9ac85", "dac"),  # VNI đặc
    ],
)
def test_keys_typed_after_the_final_consonant_are_decoded(typed, meant):
    assert decode_input_method(typed) == meant


@pytest.mark.parametrize(
    ("typed", "not_meant"),
    [
        ("cameo", "cam"),  # "e" and "o" are no circumflex keys for the "a" of "cam"
        ("mango", "mang"),  # nor is "o" for "mang"
        ("banana", "banan"),  # "banan" is not one syllable
        ("vietgapw", "vietgap"),  # nor is "vietgap"
        ("tienw", "tien"),  # w puts no horn or breve on "ie"
    ],
)
def test_trailing_letters_that_are_no_keys_of_the_syllable_are_kept(typed, not_meant):
    assert decode_input_method(typed) != not_meant


@pytest.mark.parametrize("plain", ["xoai", "sach", "rau", "nuoc", "ocop", "cameo", "mango"])
def test_plain_words_are_not_mistaken_for_telex(plain):
    assert decode_input_method(plain) is None


def test_keys_after_the_final_consonant_are_beyond_the_typo_budget(typos):
    assert typos.corrections("mamws") == {}  # two extra letters in five: decoding finds it
    assert decode_input_method("mamws") == "mam"
