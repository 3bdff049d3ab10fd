"""The VietQR codec against real payloads from bank apps and wallets, and by property."""

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.payments.vietqr import (
    VietQRError,
    crc16,
    decode,
    encode,
    transfer_message,
)

VECTORS_PATH = Path(__file__).with_name("vietqr_vectors.tsv")
with VECTORS_PATH.open(encoding="utf-8", newline="") as vectors_file:
    VECTORS = list(csv.DictReader(vectors_file, delimiter="\t", quoting=csv.QUOTE_NONE))
VALID = [row for row in VECTORS if row["kind"] == "valid"]
INVALID = [row for row in VECTORS if row["kind"] == "invalid"]

# The vectors file describes each negative case in words; this is the reason code it means.
REASON_OF_INVALID_VECTOR = {
    "wrong CRC": "crc_mismatch",
    "payload format indicator 00 (must be 01), CRC itself correct": "format_indicator_invalid",
    "CRC field empty": "crc_missing",
    "length of 38 overruns the payload": "length_overrun",
}
ENCODER_FIELDS = ["00", "01", "38", "53", "54", "58", "62", "63"]


def tlv(tag, value):
    return f"{tag}{len(value):02d}{value}"


def with_crc(body):
    return body + "6304" + crc16(body + "6304")


def napas(bank_bin="970436", account="0123456789", service="QRIBFTTA", guid="A000000727"):
    beneficiary = tlv("00", bank_bin) if bank_bin else ""
    beneficiary += tlv("01", account) if account else ""
    inner = tlv("00", guid) if guid else ""
    inner += tlv("01", beneficiary) if beneficiary else ""
    inner += tlv("02", service) if service else ""
    return tlv("38", inner)


def payload_with(*fields, header=True):
    prefix = tlv("00", "01") + tlv("01", "12") if header else ""
    return with_crc(prefix + "".join(fields))


def reason_of(payload):
    with pytest.raises(VietQRError) as raised:
        decode(payload)
    return raised.value.reason


def is_canonical(payload):
    decoded = decode(payload)
    tags = list(decoded.fields)
    purpose_only = decoded.fields.get("62", "") == (
        tlv("08", decoded.purpose) if decoded.purpose else ""
    )
    return (
        tags == sorted(tags)
        and set(tags) <= set(ENCODER_FIELDS)
        and payload[-4:] == payload[-4:].upper()
        and purpose_only
    )


def vector_id(row):
    return row["source"]


@pytest.mark.parametrize("row", VALID, ids=vector_id)
def test_every_valid_vector_decodes_to_its_listed_fields(row):
    decoded = decode(row["payload"])

    assert decoded.point_of_initiation == row["init"]
    assert decoded.bank_bin == row["bin"]
    assert decoded.account == row["account"]
    assert decoded.service == row["service"]
    assert decoded.amount == (int(row["amount"]) if row["amount"] else None)
    assert decoded.purpose == (row["purpose"] or None)


@pytest.mark.parametrize("row", INVALID, ids=vector_id)
def test_every_invalid_vector_is_rejected_with_its_reason(row):
    assert reason_of(row["payload"]) == REASON_OF_INVALID_VECTOR[row["source"]]


def test_invalid_vectors_are_value_errors():
    for row in INVALID:
        with pytest.raises(ValueError):
            decode(row["payload"])


CANONICAL = [row for row in VALID if is_canonical(row["payload"])]


def test_the_vectors_include_canonical_and_non_canonical_payloads():
    assert CANONICAL
    assert len(CANONICAL) < len(VALID)


@pytest.mark.parametrize("row", CANONICAL, ids=vector_id)
def test_encode_reproduces_the_canonical_vectors(row):
    payload = encode(
        row["bin"],
        row["account"],
        amount=int(row["amount"]) if row["amount"] else None,
        purpose=row["purpose"] or None,
        service=row["service"],
        dynamic=row["init"] == "12",
    )

    assert payload == row["payload"]


def test_crc_check_value_of_123456789_is_29b1():
    assert crc16("123456789") == "29B1"


def test_crc_is_zero_padded_to_four_uppercase_hex_digits():
    payload = encode("970407", "19030413601018", dynamic=False)

    assert payload.endswith("63040283")


def test_lowercase_crc_from_bank_app_is_accepted():
    payload = encode("970422", "0352350917", amount=50000)
    lowered = payload[:-4] + payload[-4:].lower()

    assert decode(lowered) == decode(payload)


def test_point_of_initiation_is_dynamic_with_an_amount_and_static_without():
    assert decode(encode("970436", "0123456789", amount=79000)).point_of_initiation == "12"
    assert decode(encode("970436", "0123456789")).point_of_initiation == "11"
    assert decode(encode("970436", "0123456789", 79000, dynamic=False)).point_of_initiation == "11"
    assert decode(encode("970436", "0123456789", dynamic=True)).point_of_initiation == "12"


def test_encoded_payload_omits_empty_fields():
    fields = decode(encode("970436", "0123456789", purpose="")).fields

    assert "54" not in fields
    assert "62" not in fields
    assert all(fields.values())


def test_unknown_fields_from_other_schemes_are_tolerated():
    vnpay = tlv("26", tlv("00", "A000000775") + tlv("01", "0104xx"))
    extras = [tlv("55", "01"), tlv("57", "5"), tlv("61", "100000"), tlv("64", "xx")]
    momo = tlv("80", "MOMO data")
    payload = payload_with(vnpay, napas(), *extras, tlv("53", "704"), tlv("54", "1000"), momo)

    decoded = decode(payload)

    assert (decoded.bank_bin, decoded.account, decoded.amount) == ("970436", "0123456789", 1000)
    assert decoded.fields["80"] == "MOMO data"


def test_other_additional_data_is_tolerated_and_purpose_read_from_62_08():
    additional = tlv("62", tlv("01", "BILL7") + tlv("05", "REF1") + tlv("08", "DH4K7P2QX"))

    assert decode(payload_with(napas(), additional)).purpose == "DH4K7P2QX"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ([napas(), "53xx704"], "length_not_decimal"),
        ([napas(guid="A000000775")], "guid_unknown"),
        ([napas(guid="")], "guid_missing"),
        ([tlv("53", "704")], "merchant_account_missing"),
        ([napas(bank_bin="")], "bin_missing"),
        ([napas(bank_bin="97043")], "bin_invalid"),
        ([napas(account="")], "account_missing"),
        ([napas(account="0123-456")], "account_invalid"),
        ([napas(service="")], "service_missing"),
        ([napas(service="QRPUSH")], "service_invalid"),
        ([napas(), tlv("53", "840")], "currency_invalid"),
        ([napas(), tlv("54", "10.50")], "amount_invalid"),
        ([napas(), tlv("54", "0")], "amount_invalid"),
        ([napas(), tlv("54", "12345678901234")], "amount_invalid"),
        ([napas(), tlv("54", "-5")], "amount_invalid"),
        ([napas(), tlv("54", "1000"), tlv("54", "9000")], "duplicate_field"),
    ],
)
def test_malformed_payload_is_rejected_with_a_precise_reason(fields, reason):
    assert reason_of(payload_with(*fields)) == reason


def test_wrong_point_of_initiation_is_rejected():
    payload = with_crc(tlv("00", "01") + tlv("01", "13") + napas())

    assert reason_of(payload) == "initiation_invalid"


def test_missing_payload_format_indicator_is_rejected():
    assert reason_of(payload_with(napas(), header=False)) == "format_indicator_invalid"


def test_payload_without_crc_field_is_rejected():
    assert reason_of(tlv("00", "01") + napas()) == "crc_missing"


def test_crc_that_is_not_the_last_field_is_rejected():
    body = tlv("00", "01") + napas() + "6304"
    payload = body + crc16(body) + tlv("58", "VN")

    assert reason_of(payload) == "crc_not_last"


def test_crc_that_is_not_hexadecimal_is_rejected():
    assert reason_of(tlv("00", "01") + napas() + "6304ZZZZ") == "crc_malformed"


def test_nested_length_overrunning_its_template_is_rejected():
    assert reason_of(payload_with(tlv("38", "0010A00000072701990006"))) == "length_overrun"


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        ({"bank_bin": "97043"}, "bin_invalid"),
        ({"bank_bin": "97043a"}, "bin_invalid"),
        ({"account": ""}, "account_invalid"),
        ({"account": "01234567890123456789"}, "account_invalid"),
        ({"account": "0123-456"}, "account_invalid"),
        ({"account": "ĐÔNG123"}, "account_invalid"),
        ({"amount": 0}, "amount_invalid"),
        ({"amount": -1000}, "amount_invalid"),
        ({"amount": 10**13}, "amount_invalid"),
        ({"amount": True}, "amount_invalid"),
        ({"purpose": "Đơn hàng DH4K7P2QX"}, "purpose_invalid"),
        ({"purpose": "DH4K7P2QX, cảm ơn"}, "purpose_invalid"),
        ({"purpose": "A" * 26}, "purpose_invalid"),
        ({"service": "QRIBFTTX"}, "service_invalid"),
    ],
)
def test_encode_rejects_inputs_bank_apps_would_not_accept(arguments, reason):
    inputs = {"bank_bin": "970436", "account": "0123456789", "amount": 1000} | arguments

    with pytest.raises(VietQRError) as raised:
        encode(**inputs)

    assert raised.value.reason == reason


def test_largest_thirteen_digit_amount_is_encoded():
    assert decode(encode("970436", "0123456789", amount=10**13 - 1)).amount == 10**13 - 1


def test_transfer_message_folds_vietnamese_and_drops_punctuation():
    assert transfer_message("Đơn hàng #dh4k7p2qx – cảm ơn!") == "DON HANG DH4K7P2QX CAM ON"


def test_transfer_message_keeps_whole_words_within_25_characters():
    message = transfer_message("DH4K7P2QX Bưởi Ngọc Lũ đặc sản Thanh Hóa")

    assert message == "DH4K7P2QX BUOI NGOC LU"


def test_transfer_message_cuts_a_single_overlong_word():
    assert transfer_message("x" * 30) == "X" * 25


bank_bins = st.from_regex(r"[0-9]{6}", fullmatch=True)
accounts = st.from_regex(r"[A-Za-z0-9]{1,19}", fullmatch=True)
amounts = st.none() | st.integers(min_value=1, max_value=10**13 - 1)
purposes = st.none() | st.from_regex(r"[A-Za-z0-9 ]{0,25}", fullmatch=True)
services = st.sampled_from(["QRIBFTTA", "QRIBFTTC"])


@settings(max_examples=300, database=None)
@given(bank_bins, accounts, amounts, purposes, services, st.none() | st.booleans())
def test_encode_then_decode_gives_back_the_transfer(
    bank_bin, account, amount, purpose, service, dynamic
):
    payload = encode(bank_bin, account, amount, purpose, service, dynamic)
    decoded = decode(payload)

    assert (decoded.bank_bin, decoded.account, decoded.service) == (bank_bin, account, service)
    assert decoded.amount == amount
    assert decoded.purpose == (purpose or None)
    expected_dynamic = amount is not None if dynamic is None else dynamic
    assert decoded.is_dynamic == expected_dynamic
    assert list(decoded.fields) == sorted(decoded.fields)
    assert payload.isascii()


@settings(max_examples=300, database=None)
@given(bank_bins, accounts, amounts, purposes, st.data())
def test_a_payload_with_one_character_changed_never_decodes(
    bank_bin, account, amount, purpose, data
):
    payload = encode(bank_bin, account, amount, purpose)
    position = data.draw(st.integers(min_value=0, max_value=len(payload) - 1))
    original = payload[position]
    replacement = data.draw(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E).filter(
            lambda ch: (
                ch.upper() != original.upper() or (ch != original and position < len(payload) - 4)
            )
        )
    )
    corrupted = payload[:position] + replacement + payload[position + 1 :]

    with pytest.raises(VietQRError):
        decode(corrupted)


@settings(max_examples=200, database=None)
@given(st.text())
def test_transfer_message_is_always_a_purpose_encode_accepts(text):
    message = transfer_message(text)

    assert len(message) <= 25
    decoded = decode(encode("970436", "0123456789", amount=1000, purpose=message))
    assert decoded.purpose == (message or None)


def test_crc_field_written_with_length_zero_is_missing():
    assert reason_of(tlv("00", "01") + napas() + "6300") == "crc_missing"


def test_empty_payload_is_rejected():
    assert reason_of("") == "crc_missing"
