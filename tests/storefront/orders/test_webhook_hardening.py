"""Webhooks never answer 500: unreadable bodies are 422, forged floods cannot starve real ones."""

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime

import httpx
import pytest

from marketplace.orders.queries import get_order
from marketplace.orders.schemas import AWAITING_PAYMENT, PAID
from marketplace.orders.tables import ReceivedTransfer as TransferRow
from marketplace.payments.connections import ProviderSecrets
from marketplace.payments.simulate import new_transfer, signed_request
from tests.shop import CASSO_KEY, PAYOS_KEY, SEPAY_HMAC, build_shop, checkout, connect

SECRETS = {
    "sepay": ProviderSecrets(hmac_secret=SEPAY_HMAC),
    "casso": ProviderSecrets(checksum_key=CASSO_KEY),
    "payos": ProviderSecrets(checksum_key=PAYOS_KEY),
}
DEEP = b"[" * 1000 + b"]" * 1000


async def _setup(provider):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 2})
    endpoint = await connect(shop, "ngoc_lu", provider)
    return shop, order, f"/api/v1/payments/webhooks/{provider}/{endpoint}"


def _signed(provider, order, account):
    now = datetime.now(UTC)
    transfer = new_transfer(account, order.total_vnd, f"{order.reference} mua buoi", now)
    return signed_request(provider, transfer, SECRETS[provider], now)


def _unsigned_headers(provider):
    headers = {"content-type": "application/json"}
    if provider == "casso":
        headers["X-Casso-Signature"] = f"t={int(time.time() * 1000)},v1={'ab' * 64}"
    return headers


def _with_lone_surrogate(body):
    return json.dumps(body).replace('"SURROGATE"', '"\\ud800"').encode()


def _bodies(provider):
    if provider == "payos":
        signature = "ab" * 32
        return {
            "deep": b'{"code":"00","data":{"x":' + DEEP + b'},"signature":"' + b"ab" * 32 + b'"}',
            "surrogate": _with_lone_surrogate(
                {"code": "00", "data": {"description": "SURROGATE"}, "signature": signature}
            ),
        }
    return {
        "deep": b'{"data":{"x":' + DEEP + b"}}",
        "surrogate": _with_lone_surrogate({"data": {"description": "SURROGATE"}}),
    }


def _is_body_invalid(response):
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "webhook_body_invalid"
    assert problem["message_vi"].startswith("Nội dung webhook không hợp lệ")
    assert problem["message_en"].startswith("The webhook body is invalid")


@pytest.mark.parametrize("provider", ["payos", "casso"])
@pytest.mark.parametrize("kind", ["deep", "surrogate"])
async def test_an_unsigned_unreadable_body_is_refused_without_a_server_error(
    client, provider, kind
):
    _, order, path = await _setup(provider)
    body = _bodies(provider)[kind]

    response = await client.post(path, content=body, headers=_unsigned_headers(provider))

    _is_body_invalid(response)
    assert await TransferRow.count() == 0
    assert (await get_order(order.id)).state == AWAITING_PAYMENT


def _sign_sepay(body: dict) -> tuple[dict[str, str], bytes]:
    raw = json.dumps(body).encode()
    timestamp = int(time.time())
    digest = hmac.new(SEPAY_HMAC.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256)
    return {
        "content-type": "application/json",
        "X-SePay-Timestamp": str(timestamp),
        "X-SePay-Signature": "sha256=" + digest.hexdigest(),
    }, raw


@pytest.mark.parametrize(
    "change",
    [
        {"transactionDate": "0001-01-01 00:00:00"},
        {"transactionDate": "9999-12-31T23:59:59-12:00"},
        {"transferAmount": 2**63},
        {"content": "DH\u0000 mua buoi"},
        {"content": "\ud800"},
    ],
    ids=["year-1", "year-9999", "amount-2^63", "nul", "surrogate"],
)
async def test_a_signed_sepay_body_out_of_range_is_refused_without_a_server_error(client, change):
    shop, order, path = await _setup("sepay")
    body = {
        "id": 4242,
        "gateway": "MBBank",
        "transactionDate": "2026-03-02 15:00:00",
        "accountNumber": shop.accounts["ngoc_lu"],
        "content": f"{order.reference} mua buoi",
        "transferType": "in",
        "transferAmount": order.total_vnd,
        "referenceCode": "FT26061000001",
        **change,
    }
    headers, raw = _sign_sepay(body)

    _is_body_invalid(await client.post(path, content=raw, headers=headers))
    assert await TransferRow.count() == 0
    assert (await get_order(order.id)).state == AWAITING_PAYMENT


async def test_a_flood_of_unsigned_requests_does_not_starve_the_real_provider(client, app):
    shop, order, path = await _setup("payos")
    forged = b'{"code":"00","data":{"amount":1},"signature":"' + b"0" * 64 + b'"}'
    headers = {"content-type": "application/json"}

    statuses = [
        (await client.post(path, content=forged, headers=headers)).status_code for _ in range(620)
    ]

    assert set(statuses[:600]) == {401}
    assert set(statuses[600:]) == {429}
    # The provider's correctly signed delivery, even from the same address, still goes through.
    signed_headers, body = _signed("payos", order, shop.accounts["ngoc_lu"])
    response = await client.post(path, content=body, headers=signed_headers)
    assert response.status_code == 200, response.text
    assert (await get_order(order.id)).state == PAID
    # Another address that fails is told so, not throttled for the first one's flood.
    transport = httpx.ASGITransport(app=app, client=("198.51.100.20", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as other:
        refused = await other.post(path, content=forged, headers=headers)
    assert refused.status_code == 401
    assert refused.json()["code"] == "webhook_signature_invalid"
