"""Bank-transfer webhooks: only genuine, fresh requests pass, and their bodies become transfers.

Samples: SePay's documented webhook payload (developer.sepay.vn), Casso's documented v2 sample
with its checksum key and signature header (developer.casso.vn), and the payOS SDK's signature
test cases (payOSHQ/payos-lib-python tests/_crypto/testCases.json, key `test_checksum_key`).
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from marketplace.errors import InvalidInput, Unauthenticated
from marketplace.payments.providers import (
    Transfer,
    parse_casso,
    parse_payos,
    parse_sepay,
    sign_casso,
    sign_payos_data,
    sign_payos_payment_request,
    sign_sepay,
    verify_casso,
    verify_payos,
    verify_sepay,
)

NOW = datetime(2025, 12, 12, 2, 0, tzinfo=UTC)
UNIX_NOW = int(NOW.timestamp())

SEPAY_SAMPLE = {
    "id": 92704,
    "gateway": "Vietcombank",
    "transactionDate": "2023-03-25 14:02:37",
    "accountNumber": "0123499999",
    "code": None,
    "content": "chuyen tien mua iphone",
    "transferType": "in",
    "transferAmount": 2277000,
    "accumulated": 19077000,
    "subAccount": None,
    "referenceCode": "MBVCB.3278907687",
    "description": "",
}
SEPAY_SECRET = "sepay-hmac-secret"
SEPAY_API_KEY = "sepay-api-key"

CASSO_SAMPLE = {
    "error": 0,
    "data": {
        "id": 0,
        "reference": "MA_GIAO_DICH_THU_NGHIEM",
        "description": "giao dich thu nghiem",
        "amount": 599000,
        "runningBalance": 25000000,
        "transactionDateTime": "2024-10-03 15:06:37",
        "accountNumber": "88888888",
        "bankName": "VPBank",
        "bankAbbreviation": "VPB",
        "virtualAccountNumber": "",
        "virtualAccountName": "",
        "counterAccountName": "NGUYEN VAN A",
        "counterAccountNumber": "8888888888",
        "counterAccountBankId": "970415",
        "counterAccountBankName": "VietinBank",
    },
}
CASSO_KEY = "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs"
CASSO_SAMPLE_HEADER = (
    "t=1727948258788,v1=ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868f"
    "c667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3"
)
CASSO_SAMPLE_SENT_AT = datetime.fromtimestamp(1727948258.788, UTC)

PAYOS_KEY = "test_checksum_key"
PAYOS_SDK_WEBHOOK_DATA = {
    "accountNumber": "0123456789",
    "amount": 20000,
    "description": "thanh toan",
    "reference": "FT-REFERENCE",
    "transactionDateTime": "2025-12-12 09:00:00",
    "virtualAccountNumber": "",
    "counterAccountBankId": "01202001",
    "counterAccountBankName": "",
    "counterAccountName": "NGUYEN VAN A",
    "counterAccountNumber": "9876543210",
    "virtualAccountName": "",
    "currency": "VND",
    "orderCode": 0,
    "paymentLinkId": "payment-link-id",
    "code": "00",
    "desc": "success",
}
PAYOS_SDK_WEBHOOK_SIGNATURE = "302b3becca1672dff99daafae2965f40e48ea3ca39453e4bf37fbcc26807a0e8"


def raw(body):
    return json.dumps(body, ensure_ascii=False).encode()


def payos_body(data, signature):
    return raw(
        {"code": "00", "desc": "success", "success": True, "data": data, "signature": signature}
    )


def code_of(raised):
    return raised.value.code


# --- SePay ------------------------------------------------------------------------------------


def verify_sepay_now(headers, body, **secrets):
    keys = {"api_key": None, "hmac_secret": None} | secrets
    verify_sepay(headers, body, now=NOW, **keys)


def test_sepay_webhook_signed_with_hmac_is_accepted():
    body = raw(SEPAY_SAMPLE)

    verify_sepay_now(sign_sepay(body, SEPAY_SECRET, UNIX_NOW), body, hmac_secret=SEPAY_SECRET)


def test_sepay_header_names_are_case_insensitive():
    body = raw(SEPAY_SAMPLE)
    headers = {
        name.lower(): value for name, value in sign_sepay(body, SEPAY_SECRET, UNIX_NOW).items()
    }

    verify_sepay_now(headers, body, hmac_secret=SEPAY_SECRET)


def test_sepay_signature_without_its_algorithm_prefix_is_accepted():
    body = raw(SEPAY_SAMPLE)
    headers = sign_sepay(body, SEPAY_SECRET, UNIX_NOW)
    headers["X-SePay-Signature"] = headers["X-SePay-Signature"].removeprefix("sha256=").upper()

    verify_sepay_now(headers, body, hmac_secret=SEPAY_SECRET)


def test_sepay_body_tampered_after_signing_is_rejected():
    headers = sign_sepay(raw(SEPAY_SAMPLE), SEPAY_SECRET, UNIX_NOW)
    tampered = raw(SEPAY_SAMPLE | {"transferAmount": 22770000})

    with pytest.raises(Unauthenticated) as raised:
        verify_sepay_now(headers, tampered, hmac_secret=SEPAY_SECRET)

    assert code_of(raised) == "webhook_signature_invalid"


def test_sepay_webhook_signed_with_another_secret_is_rejected():
    body = raw(SEPAY_SAMPLE)

    with pytest.raises(Unauthenticated) as raised:
        verify_sepay_now(sign_sepay(body, "forged", UNIX_NOW), body, hmac_secret=SEPAY_SECRET)

    assert code_of(raised) == "webhook_signature_invalid"


def test_sepay_signature_replayed_with_a_new_timestamp_is_rejected():
    body = raw(SEPAY_SAMPLE)
    headers = sign_sepay(body, SEPAY_SECRET, UNIX_NOW - 3600)
    headers["X-SePay-Timestamp"] = str(UNIX_NOW)

    with pytest.raises(Unauthenticated) as raised:
        verify_sepay_now(headers, body, hmac_secret=SEPAY_SECRET)

    assert code_of(raised) == "webhook_signature_invalid"


@pytest.mark.parametrize("offset_seconds", [-301, 301, -86400])
def test_sepay_webhook_more_than_five_minutes_away_is_stale(offset_seconds):
    body = raw(SEPAY_SAMPLE)
    headers = sign_sepay(body, SEPAY_SECRET, UNIX_NOW + offset_seconds)

    with pytest.raises(Unauthenticated) as raised:
        verify_sepay_now(headers, body, hmac_secret=SEPAY_SECRET)

    assert code_of(raised) == "webhook_timestamp_stale"


@pytest.mark.parametrize("offset_seconds", [-300, 0, 300])
def test_sepay_webhook_within_five_minutes_is_fresh(offset_seconds):
    body = raw(SEPAY_SAMPLE)
    headers = sign_sepay(body, SEPAY_SECRET, UNIX_NOW + offset_seconds)

    verify_sepay_now(headers, body, hmac_secret=SEPAY_SECRET)


@pytest.mark.parametrize("timestamp", [None, "", "soon", "-5", "1e9"])
def test_sepay_signature_without_a_usable_timestamp_is_rejected(timestamp):
    body = raw(SEPAY_SAMPLE)
    headers = sign_sepay(body, SEPAY_SECRET, UNIX_NOW)
    del headers["X-SePay-Timestamp"]
    if timestamp is not None:
        headers["X-SePay-Timestamp"] = timestamp

    with pytest.raises(Unauthenticated) as raised:
        verify_sepay_now(headers, body, hmac_secret=SEPAY_SECRET)

    assert code_of(raised) == "webhook_signature_invalid"


def test_sepay_webhook_with_the_configured_api_key_is_accepted():
    verify_sepay_now(
        {"Authorization": f"Apikey {SEPAY_API_KEY}"}, raw(SEPAY_SAMPLE), api_key=SEPAY_API_KEY
    )


@pytest.mark.parametrize(
    "authorization", ["Apikey wrong-key", f"Bearer {SEPAY_API_KEY}", SEPAY_API_KEY, "Apikey "]
)
def test_sepay_webhook_with_a_wrong_api_key_is_rejected(authorization):
    with pytest.raises(Unauthenticated) as raised:
        verify_sepay_now({"Authorization": authorization}, raw(SEPAY_SAMPLE), api_key=SEPAY_API_KEY)

    assert code_of(raised) == "webhook_signature_invalid"


def test_sepay_webhook_without_credentials_is_rejected_whatever_is_configured():
    with pytest.raises(Unauthenticated):
        verify_sepay_now({}, raw(SEPAY_SAMPLE), api_key=SEPAY_API_KEY, hmac_secret=SEPAY_SECRET)
    with pytest.raises(Unauthenticated):
        verify_sepay_now({"Authorization": "Apikey "}, raw(SEPAY_SAMPLE))


def test_sepay_signature_is_not_checked_against_a_secret_that_is_not_configured():
    body = raw(SEPAY_SAMPLE)

    with pytest.raises(Unauthenticated):
        verify_sepay_now(sign_sepay(body, "", UNIX_NOW), body, api_key=SEPAY_API_KEY)


def test_sepay_sample_body_becomes_an_incoming_transfer_in_utc():
    transfer = parse_sepay(raw(SEPAY_SAMPLE))

    assert transfer == Transfer(
        provider="sepay",
        transaction_id="92704",
        account_number="0123499999",
        amount_vnd=2277000,
        message="chuyen tien mua iphone",
        occurred_at=datetime(2023, 3, 25, 7, 2, 37, tzinfo=UTC),
        direction="in",
        raw=SEPAY_SAMPLE,
        bank_reference="MBVCB.3278907687",
    )
    assert transfer.raw == SEPAY_SAMPLE


def test_sepay_outgoing_transfer_is_marked_out():
    assert parse_sepay(raw(SEPAY_SAMPLE | {"transferType": "out"})).direction == "out"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"transferAmount": NaN}',
        raw(SEPAY_SAMPLE | {"transferAmount": "2277000"}),
        raw(SEPAY_SAMPLE | {"transferAmount": -5}),
        raw(SEPAY_SAMPLE | {"transferType": "sideways"}),
        raw(SEPAY_SAMPLE | {"transactionDate": "25/03/2023"}),
        raw({key: value for key, value in SEPAY_SAMPLE.items() if key != "id"}),
        raw(SEPAY_SAMPLE | {"accountNumber": ""}),
    ],
)
def test_malformed_sepay_body_is_invalid_input(body):
    with pytest.raises(InvalidInput) as raised:
        parse_sepay(body)

    assert code_of(raised) == "webhook_body_invalid"
    assert raised.value.message_vi.startswith("Nội dung webhook không hợp lệ")


# --- Casso v2 ---------------------------------------------------------------------------------


def test_casso_documented_sample_signature_is_accepted():
    verify_casso(
        {"X-Casso-Signature": CASSO_SAMPLE_HEADER},
        raw(CASSO_SAMPLE),
        checksum_key=CASSO_KEY,
        now=CASSO_SAMPLE_SENT_AT + timedelta(seconds=2),
    )


def test_casso_signing_reproduces_the_documented_header():
    assert sign_casso(CASSO_SAMPLE, CASSO_KEY, 1727948258788) == CASSO_SAMPLE_HEADER


def test_casso_signature_does_not_depend_on_key_order_or_spacing_of_the_body():
    reordered = json.dumps(
        {"data": dict(reversed(CASSO_SAMPLE["data"].items())), "error": 0}, indent=2
    ).encode()

    verify_casso(
        {"x-casso-signature": CASSO_SAMPLE_HEADER},
        reordered,
        checksum_key=CASSO_KEY,
        now=CASSO_SAMPLE_SENT_AT,
    )


def test_casso_signature_over_vietnamese_text_is_accepted():
    body = {
        "error": 0,
        "data": CASSO_SAMPLE["data"] | {"description": "Thanh toán đơn DH4K7P2QS/1"},
    }
    t_ms = UNIX_NOW * 1000

    verify_casso(
        {"X-Casso-Signature": sign_casso(body, CASSO_KEY, t_ms)},
        raw(body),
        checksum_key=CASSO_KEY,
        now=NOW,
    )


def test_casso_signature_over_escaped_json_like_its_php_sample_is_accepted():
    body = {"error": 0, "data": CASSO_SAMPLE["data"] | {"description": "Đơn DH4K7P2QS/1"}}
    escaped = json.dumps(body, sort_keys=True, separators=(",", ":")).replace("/", "\\/")
    t_ms = UNIX_NOW * 1000
    digest = hmac.new(CASSO_KEY.encode(), f"{t_ms}.{escaped}".encode(), hashlib.sha512).hexdigest()

    verify_casso(
        {"X-Casso-Signature": f"t={t_ms},v1={digest}"},
        raw(body),
        checksum_key=CASSO_KEY,
        now=NOW,
    )


def test_casso_sample_replayed_later_is_stale():
    with pytest.raises(Unauthenticated) as raised:
        verify_casso(
            {"X-Casso-Signature": CASSO_SAMPLE_HEADER},
            raw(CASSO_SAMPLE),
            checksum_key=CASSO_KEY,
            now=NOW,
        )

    assert code_of(raised) == "webhook_timestamp_stale"


@pytest.mark.parametrize(
    "header",
    [
        "",
        CASSO_SAMPLE_HEADER.replace("v1=ed0a", "v1=ed0b"),
        CASSO_SAMPLE_HEADER.replace("t=1727948258788", "t=1727948258789"),
        CASSO_SAMPLE_HEADER.split(",")[1],
        CASSO_SAMPLE_HEADER.split(",")[0],
    ],
)
def test_casso_forged_signature_header_is_rejected(header):
    with pytest.raises(Unauthenticated) as raised:
        verify_casso(
            {"X-Casso-Signature": header},
            raw(CASSO_SAMPLE),
            checksum_key=CASSO_KEY,
            now=CASSO_SAMPLE_SENT_AT,
        )

    assert code_of(raised) == "webhook_signature_invalid"


def test_casso_body_tampered_after_signing_is_rejected():
    tampered = {"error": 0, "data": CASSO_SAMPLE["data"] | {"amount": 5990000}}

    with pytest.raises(Unauthenticated):
        verify_casso(
            {"X-Casso-Signature": CASSO_SAMPLE_HEADER},
            raw(tampered),
            checksum_key=CASSO_KEY,
            now=CASSO_SAMPLE_SENT_AT,
        )


def test_casso_sample_body_becomes_one_incoming_transfer_in_utc():
    (transfer,) = parse_casso(raw(CASSO_SAMPLE))

    assert transfer.provider == "casso"
    assert transfer.transaction_id == "0"
    assert transfer.account_number == "88888888"
    assert transfer.amount_vnd == 599000
    assert transfer.message == "giao dich thu nghiem"
    assert transfer.occurred_at == datetime(2024, 10, 3, 8, 6, 37, tzinfo=UTC)
    assert transfer.direction == "in"
    assert transfer.raw == CASSO_SAMPLE["data"]
    assert transfer.bank_reference == "MA_GIAO_DICH_THU_NGHIEM"


def test_casso_negative_amount_is_money_going_out():
    body = {"error": 0, "data": CASSO_SAMPLE["data"] | {"amount": -150000}}

    (transfer,) = parse_casso(raw(body))

    assert (transfer.direction, transfer.amount_vnd) == ("out", 150000)


def test_casso_data_given_as_a_list_gives_one_transfer_each():
    second = CASSO_SAMPLE["data"] | {"id": 7, "amount": 1000}

    transfers = parse_casso(raw({"error": 0, "data": [CASSO_SAMPLE["data"], second]}))

    assert [transfer.transaction_id for transfer in transfers] == ["0", "7"]


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        raw({"error": 0}),
        raw({"error": 0, "data": []}),
        raw({"error": 0, "data": ["x"]}),
        raw({"error": 0, "data": CASSO_SAMPLE["data"] | {"amount": 1.5}}),
        raw({"error": 0, "data": CASSO_SAMPLE["data"] | {"transactionDateTime": None}}),
    ],
)
def test_malformed_casso_body_is_invalid_input(body):
    with pytest.raises(InvalidInput) as raised:
        parse_casso(body)

    assert code_of(raised) == "webhook_body_invalid"


# --- payOS ------------------------------------------------------------------------------------


def test_payos_payment_request_signature_matches_the_sdk_test_vector():
    signature = sign_payos_payment_request(
        amount=3300,
        cancel_url="http://localhost",
        description="ABC456",
        order_code=0,
        return_url="http://localhost",
        checksum_key=PAYOS_KEY,
    )

    assert signature.startswith("1898648133")
    assert signature == "189864813370cdf819974dc3f63c3a93a7e7af0a0d10b21344b14e4f7358999b"


def test_payos_payment_request_signature_keeps_vietnamese_unencoded():
    signature = sign_payos_payment_request(
        2000, "http://localhost", "Thanh toán đơn hàng", 0, "http://localhost", PAYOS_KEY
    )

    assert signature == "d8b7b0e5d19edfe7b1f53dedeb8d1c7c2b62fabd7eb320dbc514c58f13e9e2c5"


def test_payos_webhook_data_signature_matches_the_sdk_test_vector():
    signature = sign_payos_data(PAYOS_SDK_WEBHOOK_DATA, PAYOS_KEY)

    assert signature.startswith("302b3becca16")
    assert signature == PAYOS_SDK_WEBHOOK_SIGNATURE


def test_payos_null_values_are_signed_as_empty_strings():
    with_nulls = PAYOS_SDK_WEBHOOK_DATA | {
        "virtualAccountName": None,
        "counterAccountBankName": None,
    }

    assert sign_payos_data(with_nulls, PAYOS_KEY) == PAYOS_SDK_WEBHOOK_SIGNATURE


def test_payos_webhook_with_the_sdk_signature_is_accepted():
    verify_payos(
        payos_body(PAYOS_SDK_WEBHOOK_DATA, PAYOS_SDK_WEBHOOK_SIGNATURE), checksum_key=PAYOS_KEY
    )


@pytest.mark.parametrize(
    ("data", "signature"),
    [
        (PAYOS_SDK_WEBHOOK_DATA | {"amount": 2000000}, PAYOS_SDK_WEBHOOK_SIGNATURE),
        (PAYOS_SDK_WEBHOOK_DATA, PAYOS_SDK_WEBHOOK_SIGNATURE[:-1] + "1"),
        (PAYOS_SDK_WEBHOOK_DATA, sign_payos_data(PAYOS_SDK_WEBHOOK_DATA, "another key")),
        (PAYOS_SDK_WEBHOOK_DATA, ""),
    ],
)
def test_payos_forged_or_tampered_webhook_is_rejected(data, signature):
    with pytest.raises(Unauthenticated) as raised:
        verify_payos(payos_body(data, signature), checksum_key=PAYOS_KEY)

    assert code_of(raised) == "webhook_signature_invalid"


@pytest.mark.parametrize(
    "body", [b"", raw({"data": PAYOS_SDK_WEBHOOK_DATA}), raw({"data": "x", "signature": "y"})]
)
def test_payos_webhook_without_data_or_signature_is_invalid_input(body):
    with pytest.raises(InvalidInput) as raised:
        verify_payos(body, checksum_key=PAYOS_KEY)

    assert code_of(raised) == "webhook_body_invalid"


def test_payos_webhook_body_becomes_an_incoming_transfer_in_utc():
    transfer = parse_payos(payos_body(PAYOS_SDK_WEBHOOK_DATA, PAYOS_SDK_WEBHOOK_SIGNATURE))

    assert transfer.provider == "payos"
    assert transfer.transaction_id == "FT-REFERENCE"
    assert transfer.bank_reference == "FT-REFERENCE"
    assert transfer.account_number == "0123456789"
    assert transfer.amount_vnd == 20000
    assert transfer.message == "thanh toan"
    assert transfer.occurred_at == datetime(2025, 12, 12, 2, 0, tzinfo=UTC)
    assert transfer.direction == "in"
    assert transfer.raw == PAYOS_SDK_WEBHOOK_DATA


def test_payos_time_with_an_offset_is_read_as_written():
    data = PAYOS_SDK_WEBHOOK_DATA | {"transactionDateTime": "2025-12-12T09:00:00+07:00"}

    assert parse_payos(payos_body(data, "")).occurred_at == datetime(2025, 12, 12, 2, tzinfo=UTC)


def test_payos_webhook_that_reports_no_payment_is_not_a_transfer():
    failed = raw({"code": "01", "desc": "fail", "success": False, "data": PAYOS_SDK_WEBHOOK_DATA})

    with pytest.raises(InvalidInput) as raised:
        parse_payos(failed)

    assert code_of(raised) == "webhook_body_invalid"


def test_error_messages_exist_in_vietnamese_and_english():
    with pytest.raises(Unauthenticated) as raised:
        verify_payos(payos_body(PAYOS_SDK_WEBHOOK_DATA, "00"), checksum_key=PAYOS_KEY)

    assert "Chữ ký" in raised.value.message("vi")
    assert "signature" in raised.value.message("en")
    assert raised.value.status == 401


def test_webhooks_signed_with_an_empty_key_are_never_accepted():
    casso_header = sign_casso(CASSO_SAMPLE, "", UNIX_NOW * 1000)
    payos_signature = sign_payos_data(PAYOS_SDK_WEBHOOK_DATA, "")

    with pytest.raises(Unauthenticated):
        verify_casso(
            {"X-Casso-Signature": casso_header}, raw(CASSO_SAMPLE), checksum_key="", now=NOW
        )
    with pytest.raises(Unauthenticated):
        verify_payos(payos_body(PAYOS_SDK_WEBHOOK_DATA, payos_signature), checksum_key="")
