import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.errors import InvalidInput
from marketplace.gs1 import gtin_check_digit, validate_gtin


def test_check_digit_of_the_gs1_example_gtin_is_3():
    assert gtin_check_digit("0952123454321") == "3"


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("9638507", "4"),  # GTIN-8 96385074
        ("03600029145", "2"),  # UPC-A 036000291452
        ("0401234511111", "8"),  # GTIN-14 04012345111118 (GS1 EPCIS examples)
        ("1061414107346", "4"),  # GTIN-14 with indicator digit 1
        ("061414107346", "7"),  # GLN 0614141073467
        ("10614141234567890", "8"),  # SSCC 106141412345678908
    ],
)
def test_check_digit_matches_published_gtins(body, check):
    assert gtin_check_digit(body) == check


def test_gtin_13_is_left_padded_to_14_digits():
    assert validate_gtin("0952123454321" + "3") == "09521234543213"


@pytest.mark.parametrize(
    ("raw", "gtin14"),
    [
        ("96385074", "00000096385074"),
        ("036000291452", "00036000291452"),
        ("4012345111118", "04012345111118"),
        ("10614141073464", "10614141073464"),
        (" 401-2345-11111 8 ", "04012345111118"),
    ],
)
def test_every_gtin_length_is_accepted(raw, gtin14):
    assert validate_gtin(raw) == gtin14


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "1234567",
        "123456789",
        "12345678901234567",
        "401234511111x",
        "４０１２３４５１１１１１８",
    ],
)
def test_wrong_length_or_non_digits_are_refused(raw):
    with pytest.raises(InvalidInput) as caught:
        validate_gtin(raw)
    assert caught.value.code == "gtin_invalid"
    assert caught.value.fields[0].field == "gtin"


def test_wrong_check_digit_is_refused_with_a_vietnamese_message():
    with pytest.raises(InvalidInput) as caught:
        validate_gtin("4012345111119")
    assert caught.value.code == "gtin_invalid"
    assert "chữ số" in caught.value.message_vi
    assert "check digit" in caught.value.message_en


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_body_with_its_check_digit_validates(body):
    assert validate_gtin(body + gtin_check_digit(body)) == ("0" + body + gtin_check_digit(body))


@given(
    st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 12), st.integers(1, 9)
)
def test_a_single_mistyped_digit_is_always_caught(body, position, shift):
    gtin = body + gtin_check_digit(body)
    mistyped = gtin[:position] + str((int(gtin[position]) + shift) % 10) + gtin[position + 1 :]
    with pytest.raises(InvalidInput):
        validate_gtin(mistyped)
