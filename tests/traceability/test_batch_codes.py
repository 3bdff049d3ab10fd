import re

import pytest

from marketplace.codes import ALPHABET, check_character
from marketplace.errors import NotFound
from traceability.codes import BATCH_CODE_LENGTH, new_batch_code, parse_batch_code


def test_new_codes_are_eleven_unambiguous_characters():
    for _ in range(500):
        code = new_batch_code()
        assert len(code) == BATCH_CODE_LENGTH == 11
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{10}[0-9A-HJKMNP-Z]", code), code


def test_new_codes_differ():
    assert len({new_batch_code() for _ in range(1000)}) == 1000


def test_a_new_code_parses_to_itself():
    code = new_batch_code()
    assert parse_batch_code(code) == code


def test_lowercase_dashes_and_look_alikes_are_accepted():
    body = "0123ABCD1K"
    code = body + check_character(body)
    typed = "o123-abcd-ik" + code[-1].lower()
    assert parse_batch_code(typed) == code


def test_a_single_mistyped_character_is_caught():
    code = new_batch_code()
    for position in range(len(code) - 1):
        replacement = next(ch for ch in ALPHABET if ch != code[position])
        mistyped = code[:position] + replacement + code[position + 1 :]
        with pytest.raises(NotFound) as caught:
            parse_batch_code(mistyped)
        assert caught.value.code == "batch_code_invalid"


@pytest.mark.parametrize("raw", ["", "ABC", "DH1234567", "0123456789AB", "Lô số 1"])
def test_codes_of_another_shape_are_refused(raw):
    with pytest.raises(NotFound) as caught:
        parse_batch_code(raw)
    assert caught.value.code == "batch_code_invalid"
    assert "Mã lô" in caught.value.message_vi
