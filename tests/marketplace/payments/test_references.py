"""Order references are found in transfer messages however banks mangle them."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.codes import ALPHABET, check_character, new_code
from marketplace.payments.references import find_reference, normalize_message


def order_reference(body):
    check = check_character(body)
    assert check.isalnum(), "pick a body whose check character survives bank messages"
    return f"DH{body}{check}"


FIRST = order_reference("4K7P2Q")
SECOND = order_reference("9ZB3M0")


def with_wrong_check(reference):
    wrong = next(ch for ch in ALPHABET if ch != reference[-1])
    return reference[:-1] + wrong


def test_reference_is_found_among_text_the_bank_added():
    message = f"MBVCB.3278907687.{FIRST} chuyen tien.CT tu 0123456789 NGUYEN VAN A toi 0987"

    assert find_reference(message) == [FIRST]


def test_reference_typed_in_lowercase_with_separators_is_found():
    spaced = f"{FIRST[:2]} {FIRST[2:5]}-{FIRST[5:]}".lower()

    assert find_reference(f"thanh toan {spaced} cam on") == [FIRST]


def test_reference_with_vietnamese_d_and_diacritics_around_it_is_found():
    message = f"Thanh toán đơn {FIRST.replace('DH', 'Đh')} – bưởi Ngọc Lũ"

    assert find_reference(message) == [FIRST]


def test_reference_glued_to_the_words_around_it_is_found():
    assert find_reference(f"THANHTOAN{FIRST}CAMONNHIEU") == [FIRST]


def test_look_alike_letters_typed_by_hand_are_read_as_digits():
    reference = order_reference("10K1P0")
    typed = reference.replace("1", "I", 1).replace("0", "O")

    assert find_reference(f"ck {typed}") == [reference]


def test_distinct_references_are_returned_in_order_of_first_appearance():
    message = f"{SECOND} va {FIRST} lai {SECOND}"

    assert find_reference(message) == [SECOND, FIRST]


def test_reference_with_a_wrong_check_character_is_ignored():
    assert find_reference(f"thanh toan {with_wrong_check(FIRST)}") == []


def test_valid_reference_after_a_false_start_is_found():
    message = f"DH PHUONG chuyen {FIRST}"

    assert find_reference(message) == [FIRST]


def test_reference_preceded_by_a_stray_prefix_is_found():
    assert find_reference(f"DH{FIRST}") == [FIRST]


def test_reference_cut_short_at_the_end_of_the_message_is_not_found():
    assert find_reference(f"ck {FIRST[:-1]}") == []


def test_message_without_reference_gives_nothing():
    assert find_reference("chuyen tien mua iphone") == []
    assert find_reference("") == []


def test_another_prefix_and_length_can_be_searched():
    body = "7Q4M0V2B"
    batch = f"LS{body}{check_character(body)}"

    assert find_reference(f"lo hang {batch.lower()}", prefix="LS", body_length=8) == [batch]


@pytest.mark.parametrize(
    ("message", "normalized"),
    [
        ("Đơn hàng dh-4k7p", "DONHANGDH4K7P"),
        ("  MBVCB.327/89 ", "MBVCB32789"),
    ],
)
def test_messages_are_normalized_to_uppercase_letters_and_digits(message, normalized):
    assert normalize_message(message) == normalized


noise = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 .,-_/#:ĐđươăâêôƯƠ", max_size=40)


bodies = st.text(alphabet=ALPHABET, min_size=6, max_size=6).filter(
    lambda body: check_character(body).isalnum()
)


@settings(max_examples=300, database=None)
@given(noise, bodies, noise, st.booleans())
def test_an_order_reference_is_always_found_wherever_it_is_written(before, body, after, lower):
    reference = order_reference(body)
    written = reference.lower() if lower else reference

    assert reference in find_reference(before + written + after)


def test_codes_the_shop_issues_are_found():
    references = [new_code("DH", 6) for _ in range(20)]

    found = find_reference(" / ".join(references))

    # Glued neighbours may form extra valid-looking windows; the issued codes all come through.
    assert [reference for reference in found if reference in references] == list(
        dict.fromkeys(references)
    )
