"""Folding and cutting Vietnamese text into terms."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from marketplace.search.tokens import exact_key, fold_text, folded_terms, has_marks, words
from marketplace.text import fold, fold_words

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
TEXT = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " ,.-()'0123456789", max_size=60)


@given(TEXT)
def test_fast_folding_agrees_with_the_shared_fold(text):
    assert folded_terms(text) == fold_words(text)
    assert fold_text(text).split() == fold(text).split()


@given(TEXT)
def test_short_text_words_fold_like_long_text(text):
    assert [w.folded for w in words(text)] == folded_terms(text)


def test_d_with_stroke_folds_to_d():
    assert folded_terms("Đặc sản ĐẮK LẮK, đường") == ["dac", "san", "dak", "lak", "duong"]


def test_old_and_new_tone_placement_are_the_same_exact_word():
    assert exact_key("hoà") == exact_key("hòa") == exact_key("HÒA")
    assert exact_key("thuỷ") == exact_key("thủy")
    assert exact_key("mật") != exact_key("mặt") != exact_key("mát")


def test_words_keep_what_was_typed_and_its_folded_form():
    [buoi, lu] = words("Bưởi-Lũ")
    assert (buoi.text, buoi.folded, lu.folded) == ("bưởi", "buoi", "lu")


def test_only_words_with_diacritics_have_marks():
    assert has_marks("mật") and has_marks("Đồng") and has_marks("đa")
    assert not has_marks("mat") and not has_marks("OCOP")


def _full_width(text):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_full_width_latin_reads_as_ascii():
    assert [w.text for w in words("ＮＵＯＣ　ＭＡＭ ５００ｍｌ")] == ["nuoc", "mam", "500ml"]
    assert fold_text("ＮＵＯＣ　ＭＡＭ") == "nuoc mam"
    assert not has_marks("ＮＵＯＣ")


@given(TEXT)
def test_full_width_forms_fold_like_the_letters_they_stand_for(text):
    assert words(_full_width(text)) == words(text)
    assert fold_text(_full_width(text)) == fold_text(text)
    assert len(fold_text(_full_width(text))) == len(text.lower())  # positions kept (highlight)


@given(TEXT)
def test_vietnamese_letters_are_unchanged_by_compatibility_normalisation(text):
    nfkc = unicodedata.normalize("NFKC", text)
    assert nfkc == unicodedata.normalize("NFC", text)
    assert words(_full_width(nfkc)) == words(text)


def test_a_word_of_another_script_is_a_word_without_marks():
    [fish_sauce] = words("鱼露")
    assert fish_sauce == ("鱼露", "鱼露", "鱼露")
    assert [w.text for w in words("น้ำปลา")] == ["น้ำปลา"]  # its vowel and tone marks kept in
    assert not has_marks("鱼露") and not has_marks("น้ำปลา")
    assert [w.folded for w in words("Nước mắm 鱼露")] == ["nuoc", "mam", "鱼露"]
