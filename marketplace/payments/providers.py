"""Bank-transfer webhooks of SePay, Casso (v2) and payOS: authentication and parsing.

Each service watches a producer's bank account and POSTs every movement. Here is only the pure
part: checking that a request really comes from the provider (constant-time comparison,
timestamps no more than 5 minutes away) and turning its body into a `Transfer`. The signing
helpers produce what the providers send, for tests and for simulated webhooks.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from marketplace.errors import Unauthenticated
from marketplace.payments._webhook_fields import (
    Direction,
    body_invalid,
    json_object,
    optional_text,
    require_amount,
    require_direction,
    require_identifier,
    require_local_time,
    require_signed_amount,
    require_text,
)

SEPAY = "sepay"
CASSO = "casso"
PAYOS = "payos"
MAX_CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Transfer:
    """One movement on a watched bank account, as a provider reported it.

    `raw` is the provider's JSON object for this transaction (the whole body for SePay, the
    `data` object for Casso and payOS), kept for audit.
    """

    provider: str
    transaction_id: str
    account_number: str
    amount_vnd: int
    message: str
    occurred_at: datetime
    direction: Direction
    raw: dict[str, Any] = field(compare=False, repr=False)
    # The bank's own reference of the transaction (SePay `referenceCode`, Casso and payOS
    # `reference`): the same credit reported by two providers watching one account has it.
    bank_reference: str = ""


# --- errors -----------------------------------------------------------------------------------


def _signature_invalid() -> Unauthenticated:
    return Unauthenticated(
        "webhook_signature_invalid",
        "Chữ ký webhook không hợp lệ: yêu cầu này không đến từ nhà cung cấp đã kết nối.",
        "The webhook signature is invalid: this request does not come from the connected provider.",
    )


def _timestamp_stale() -> Unauthenticated:
    return Unauthenticated(
        "webhook_timestamp_stale",
        "Thời điểm gửi webhook lệch quá 5 phút so với hiện tại; yêu cầu bị từ chối.",
        "The webhook timestamp is more than 5 minutes away from now; the request is refused.",
    )


# --- shared checks ----------------------------------------------------------------------------


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _hmac_hex(key: str, message: bytes, algorithm: str) -> str:
    return hmac.new(key.encode("utf-8"), message, algorithm).hexdigest()


def _check_fresh(sent_at: datetime, now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if abs(now - sent_at) > MAX_CLOCK_SKEW:
        raise _timestamp_stale()


def _unix_time(text: str | None, per_second: int) -> tuple[str, datetime]:
    if not text or not text.isascii() or not text.isdigit():
        raise _signature_invalid()
    try:
        return text, datetime.fromtimestamp(int(text) / per_second, UTC)
    except (OverflowError, OSError, ValueError):
        raise _timestamp_stale() from None


def _is_hex_digest(text: str, length: int) -> bool:
    return len(text) == length and all(c in "0123456789abcdef" for c in text)


def _lowercase_keys(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


# --- SePay ------------------------------------------------------------------------------------


def sign_sepay(raw_body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    """Headers SePay sends with an HMAC-authenticated webhook sent at unix `timestamp`."""
    signed = f"{timestamp}.".encode() + raw_body
    return {
        "X-SePay-Timestamp": str(timestamp),
        "X-SePay-Signature": "sha256=" + _hmac_hex(secret, signed, "sha256"),
    }


def verify_sepay(
    headers: Mapping[str, str],
    raw_body: bytes,
    *,
    api_key: str | None,
    hmac_secret: str | None,
    now: datetime,
) -> None:
    """Accept a SePay webhook authenticated by HMAC signature or by `Authorization: Apikey`.

    Raises Unauthenticated when neither configured secret authenticates the request.
    """
    lowered = _lowercase_keys(headers)
    if hmac_secret and "x-sepay-signature" in lowered:
        timestamp_text, sent_at = _unix_time(lowered.get("x-sepay-timestamp"), 1)
        given = lowered["x-sepay-signature"].strip().lower().removeprefix("sha256=")
        expected = _hmac_hex(hmac_secret, f"{timestamp_text}.".encode() + raw_body, "sha256")
        if not _same(given, expected):
            raise _signature_invalid()
        _check_fresh(sent_at, now)
        return
    if api_key and "authorization" in lowered:
        scheme, _, token = lowered["authorization"].strip().partition(" ")
        if scheme.lower() == "apikey" and _same(token.strip(), api_key):
            return
    raise _signature_invalid()


def parse_sepay(raw_body: bytes) -> Transfer:
    """The transfer in a SePay webhook body (`transactionDate` is Vietnam time)."""
    body = json_object(raw_body)
    return Transfer(
        provider=SEPAY,
        transaction_id=require_identifier(body, "id"),
        account_number=require_text(body, "accountNumber"),
        amount_vnd=require_amount(body, "transferAmount"),
        message=optional_text(body, "content") or optional_text(body, "description"),
        occurred_at=require_local_time(body, "transactionDate"),
        direction=require_direction(body, "transferType"),
        raw=body,
        bank_reference=optional_text(body, "referenceCode"),
    )


# --- Casso v2 ---------------------------------------------------------------------------------


def _casso_serializations(body: Mapping[str, Any]) -> Iterable[str]:
    # Casso's samples sort keys recursively and serialise compactly; its JavaScript sample
    # leaves non-ASCII as is, its PHP sample escapes it and "/". Either is accepted.
    yield json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    yield json.dumps(body, sort_keys=True, separators=(",", ":")).replace("/", "\\/")


def sign_casso(body: Mapping[str, Any], checksum_key: str, t_ms: int) -> str:
    """The `X-Casso-Signature` header value Casso sends with `body` at unix time `t_ms` (ms)."""
    canonical = next(iter(_casso_serializations(body)))
    digest = _hmac_hex(checksum_key, f"{t_ms}.{canonical}".encode(), "sha512")
    return f"t={t_ms},v1={digest}"


def verify_casso(
    headers: Mapping[str, str], raw_body: bytes, *, checksum_key: str, now: datetime
) -> None:
    """Accept a Casso v2 webhook whose `X-Casso-Signature` matches its body and is fresh."""
    if not checksum_key:
        raise _signature_invalid()  # anyone can compute an HMAC with an empty key
    header = _lowercase_keys(headers).get("x-casso-signature", "")
    parts = dict(part.strip().partition("=")[::2] for part in header.split(",") if "=" in part)
    timestamp_text, sent_at = _unix_time(parts.get("t"), 1000)
    given = parts.get("v1", "").lower()
    if not _is_hex_digest(given, 128):  # refused before the body is even parsed
        raise _signature_invalid()
    body = json_object(raw_body)
    matches = [
        _same(given, _hmac_hex(checksum_key, f"{timestamp_text}.{serialized}".encode(), "sha512"))
        for serialized in _casso_serializations(body)
    ]
    if not any(matches):
        raise _signature_invalid()
    _check_fresh(sent_at, now)


def parse_casso(raw_body: bytes) -> list[Transfer]:
    """The transfers in a Casso v2 webhook body (`data` is one object; a list is also read)."""
    body = json_object(raw_body)
    data = body.get("data")
    items = data if isinstance(data, list) else [data]
    transactions = [item for item in items if isinstance(item, dict)]
    if not transactions or len(transactions) != len(items):
        raise body_invalid("data must be a transaction object")
    return [_casso_transfer(item) for item in transactions]


def _casso_transfer(item: dict[str, Any]) -> Transfer:
    signed = require_signed_amount(item, "amount")
    return Transfer(
        provider=CASSO,
        transaction_id=require_identifier(item, "id"),
        account_number=require_text(item, "accountNumber"),
        amount_vnd=abs(signed),
        message=optional_text(item, "description"),
        occurred_at=require_local_time(item, "transactionDateTime"),
        direction="out" if signed < 0 else "in",
        raw=item,
        bank_reference=optional_text(item, "reference"),
    )


# --- payOS ------------------------------------------------------------------------------------


def _payos_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _payos_signature(pairs: Mapping[str, Any], checksum_key: str) -> str:
    query = "&".join(f"{key}={_payos_value(pairs[key])}" for key in sorted(pairs))
    return _hmac_hex(checksum_key, query.encode("utf-8"), "sha256")


def sign_payos_data(data: Mapping[str, Any], checksum_key: str) -> str:
    """payOS's signature of a webhook's `data`: HMAC-SHA256 of `k=v&…`, keys sorted."""
    return _payos_signature(data, checksum_key)


def sign_payos_payment_request(
    amount: int,
    cancel_url: str,
    description: str,
    order_code: int,
    return_url: str,
    checksum_key: str,
) -> str:
    """The `signature` of a payOS `POST /v2/payment-requests` (payment link) request."""
    fields = {
        "amount": amount,
        "cancelUrl": cancel_url,
        "description": description,
        "orderCode": order_code,
        "returnUrl": return_url,
    }
    return _payos_signature(fields, checksum_key)


def verify_payos(raw_body: bytes, *, checksum_key: str) -> None:
    """Accept a payOS webhook whose `signature` matches its `data`."""
    if not checksum_key:
        raise _signature_invalid()  # anyone can compute an HMAC with an empty key
    # payOS signs the fields of `data`, not the bytes: the body must be parsed first, and
    # json_object refuses what could not be parsed or signed (deep nesting, lone surrogates).
    body = json_object(raw_body)
    data, given = body.get("data"), body.get("signature")
    if not isinstance(data, dict) or not isinstance(given, str):
        raise body_invalid("data and signature are required")
    if not _is_hex_digest(given.lower(), 64):
        raise _signature_invalid()
    if not _same(given.lower(), sign_payos_data(data, checksum_key)):
        raise _signature_invalid()


def parse_payos(raw_body: bytes) -> Transfer:
    """The payment in a payOS webhook body; only successful payments (code 00) are transfers."""
    body = json_object(raw_body)
    data = body.get("data")
    if not isinstance(data, dict):
        raise body_invalid("data must be an object")
    if body.get("code") != "00" or data.get("code", "00") != "00":
        raise body_invalid("code is not 00, so it reports no payment")
    return Transfer(
        provider=PAYOS,
        transaction_id=require_identifier(data, "reference"),
        account_number=require_text(data, "accountNumber"),
        amount_vnd=require_amount(data, "amount"),
        message=optional_text(data, "description"),
        occurred_at=require_local_time(data, "transactionDateTime"),
        direction="in",
        raw=data,
        bank_reference=optional_text(data, "reference"),
    )
