"""POST /api/v1/payments/webhooks/{provider}/{endpoint_id}: authenticated, idempotent, answered."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from marketplace.orders.queries import get_order
from marketplace.orders.schemas import AWAITING_PAYMENT, PAID
from marketplace.orders.tables import ReceivedTransfer as TransferRow
from marketplace.payments import providers
from marketplace.payments.connections import ProviderSecrets
from marketplace.payments.simulate import new_transfer, signed_request
from tests.shop import CASSO_KEY, PAYOS_KEY, SEPAY_HMAC, SEPAY_KEY, build_shop, checkout, connect

SECRETS = {
    "sepay": ProviderSecrets(hmac_secret=SEPAY_HMAC),
    "casso": ProviderSecrets(checksum_key=CASSO_KEY),
    "payos": ProviderSecrets(checksum_key=PAYOS_KEY),
}


async def _setup(provider):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 2})
    endpoint = await connect(shop, "ngoc_lu", provider)
    return shop, order, f"/api/v1/payments/webhooks/{provider}/{endpoint}"


def _request(provider, order, account, amount=None, secrets=None, now=None):
    now = now or datetime.now(UTC)
    transfer = new_transfer(account, amount or order.total_vnd, f"{order.reference} mua buoi", now)
    return signed_request(provider, transfer, secrets or SECRETS[provider], now)


async def _nothing_recorded(order):
    assert await TransferRow.count() == 0
    assert (await get_order(order.id)).state == AWAITING_PAYMENT


@pytest.mark.parametrize("provider", ["sepay", "casso", "payos"])
async def test_a_correctly_signed_webhook_pays_the_order(client, provider):
    shop, order, path = await _setup(provider)
    headers, body = _request(provider, order, shop.accounts["ngoc_lu"])

    response = await client.post(path, content=body, headers=headers)

    assert response.status_code == 200, response.text
    assert response.json()["success"] is True
    assert response.json()["error"] == 0
    assert response.json()["recorded"] == 1
    assert (await get_order(order.id)).state == PAID


async def test_sepay_api_key_authentication_is_accepted(client):
    shop, order, path = await _setup("sepay")
    headers, body = _request(
        "sepay", order, shop.accounts["ngoc_lu"], secrets=ProviderSecrets(api_key=SEPAY_KEY)
    )
    assert headers["Authorization"] == f"Apikey {SEPAY_KEY}"
    response = await client.post(path, content=body, headers=headers)
    assert response.status_code == 200
    assert (await get_order(order.id)).state == PAID


async def test_the_same_webhook_delivered_ten_times_pays_once(client):
    shop, order, path = await _setup("casso")
    headers, body = _request("casso", order, shop.accounts["ngoc_lu"])
    answers = [(await client.post(path, content=body, headers=headers)).json() for _ in range(10)]
    assert [a["recorded"] for a in answers] == [1] + [0] * 9
    assert [a["duplicates"] for a in answers] == [0] + [1] * 9
    assert await TransferRow.count() == 1
    assert (await get_order(order.id)).intent.amount_received_vnd == order.total_vnd


@pytest.mark.parametrize("provider", ["sepay", "casso", "payos"])
async def test_a_webhook_signed_with_another_secret_is_refused(client, provider):
    shop, order, path = await _setup(provider)
    forged = ProviderSecrets(
        api_key="x" * 20, hmac_secret="forged-secret-123", checksum_key="forged-key-123"
    )
    headers, body = _request(provider, order, shop.accounts["ngoc_lu"], secrets=forged)
    response = await client.post(path, content=body, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "webhook_signature_invalid"
    await _nothing_recorded(order)


@pytest.mark.parametrize("provider", ["sepay", "casso", "payos"])
async def test_a_body_changed_after_signing_is_refused(client, provider):
    shop, order, path = await _setup(provider)
    headers, body = _request(provider, order, shop.accounts["ngoc_lu"])
    tampered = body.replace(str(order.total_vnd).encode(), str(order.total_vnd * 10).encode())
    assert tampered != body
    response = await client.post(path, content=tampered, headers=headers)
    assert response.status_code == 401
    await _nothing_recorded(order)


@pytest.mark.parametrize("provider", ["sepay", "casso"])
async def test_a_stale_signed_webhook_is_refused(client, provider):
    shop, order, path = await _setup(provider)
    old = datetime.now(UTC) - timedelta(minutes=6)
    headers, body = _request(provider, order, shop.accounts["ngoc_lu"], now=old)
    response = await client.post(path, content=body, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "webhook_timestamp_stale"
    await _nothing_recorded(order)


async def test_a_request_without_credentials_is_refused(client):
    shop, order, path = await _setup("sepay")
    _, body = _request("sepay", order, shop.accounts["ngoc_lu"])
    response = await client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 401
    await _nothing_recorded(order)


async def test_an_unknown_endpoint_or_provider_is_not_found(client):
    shop, order, path = await _setup("sepay")
    headers, body = _request("sepay", order, shop.accounts["ngoc_lu"])
    endpoint = path.rsplit("/", 1)[1]
    wrong_provider = await client.post(
        f"/api/v1/payments/webhooks/casso/{endpoint}", content=body, headers=headers
    )
    assert wrong_provider.status_code == 404
    unknown = await client.post(
        "/api/v1/payments/webhooks/sepay/no-such-endpoint", content=body, headers=headers
    )
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "webhook_endpoint_unknown"
    bad = await client.post(
        f"/api/v1/payments/webhooks/momo/{endpoint}", content=body, headers=headers
    )
    assert bad.status_code == 422
    await _nothing_recorded(order)


async def test_a_signed_payos_ping_that_reports_no_payment_is_acknowledged(client):
    _, order, path = await _setup("payos")
    data = {
        "orderCode": 123,
        "amount": 3000,
        "description": "VQRIO123",
        "accountNumber": "12345678",
        "reference": "TF230204212323",
        "transactionDateTime": "2023-02-04 18:25:00",
        "currency": "VND",
        "paymentLinkId": "124c33293c43417ab7879e14c8d9eb18",
        "code": "01",
        "desc": "failed",
    }
    body = json.dumps(
        {
            "code": "01",
            "desc": "failed",
            "success": False,
            "data": data,
            "signature": providers.sign_payos_data(data, PAYOS_KEY),
        }
    ).encode()
    response = await client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert response.json()["recorded"] == 0
    await _nothing_recorded(order)


async def test_failing_webhook_requests_are_rate_limited_per_address(client):
    path = "/api/v1/payments/webhooks/sepay/guessing-endpoints"
    statuses = [
        (
            await client.post(path, content=b"{}", headers={"content-type": "application/json"})
        ).status_code
        for _ in range(601)
    ]
    assert set(statuses[:600]) == {404}
    assert statuses[600] == 429
