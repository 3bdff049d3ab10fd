"""Carts, checkout and payment intents through the JSON API."""

from marketplace.orders.tables import Order as OrderRow
from marketplace.payments import vietqr
from tests.shop import build_shop


async def _csrf(client):
    await client.get("/health")
    await client.get("/cart")
    return {"x-csrftoken": client.cookies.get("csrftoken")}


CHECKOUT = {
    "buyer_name": "Trần Thị Mai",
    "phone": "0987654321",
    "province_code": "01",
    "commune_code": "00004",
    "address_line": "Số 12 ngõ 5 phố Hàng Bạc",
}


async def _cart_with(client, headers, items):
    cart = (await client.post("/api/v1/carts", headers=headers)).json()
    for product_id, quantity in items.items():
        response = await client.post(
            f"/api/v1/carts/{cart['token']}/items",
            json={"product_id": product_id, "quantity": quantity},
            headers=headers,
        )
        assert response.status_code == 201, response.text
    return cart["token"]


async def test_a_cart_is_filled_listed_and_checked_out_over_the_api(client):
    shop = await build_shop()
    headers = await _csrf(client)
    token = await _cart_with(
        client, headers, {shop.product_ids["buoi"]: 2, shop.product_ids["gao"]: 1}
    )

    items = (await client.get(f"/api/v1/carts/{token}/items")).json()
    assert items["total"] == 2 and items["page"] == 1
    assert [i["quantity"] for i in items["items"]] == [2, 1]
    cart = (
        await client.put(
            f"/api/v1/carts/{token}/items/{shop.product_ids['gao']}",
            json={"quantity": 4},
            headers=headers,
        )
    ).json()
    assert cart["total_vnd"] == 2 * 45_000 + 4 * 30_000

    placed = await client.post(f"/api/v1/carts/{token}/checkout", json=CHECKOUT, headers=headers)
    assert placed.status_code == 201, placed.text
    orders = placed.json()["orders"]
    assert len(orders) == 2
    intent = orders[0]["payment_intent"]
    assert intent["state"] == "requires_payment"
    assert vietqr.decode(intent["vietqr_payload"]).purpose == orders[0]["reference"]
    assert intent["transfer_message"] == orders[0]["reference"]

    fetched = (await client.get(f"/api/v1/payment-intents/{orders[0]['payment_token']}")).json()
    assert fetched["amount_vnd"] == orders[0]["total_vnd"]
    assert fetched["bank_name"] == "MB Bank"

    canceled = await client.post(
        f"/api/v1/payment-intents/{orders[1]['payment_token']}/cancel", headers=headers
    )
    assert canceled.status_code == 200
    assert canceled.json()["state"] == "canceled"
    assert canceled.json()["order_state"] == "canceled"


async def test_bad_checkout_input_is_a_problem_document_and_writes_nothing(client):
    shop = await build_shop()
    headers = await _csrf(client)
    token = await _cart_with(client, headers, {shop.product_ids["buoi"]: 1})
    response = await client.post(
        f"/api/v1/carts/{token}/checkout", json={**CHECKOUT, "phone": "abc"}, headers=headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "phone_invalid"
    missing = await client.post(
        f"/api/v1/carts/{token}/checkout", json={"phone": "0987654321"}, headers=headers
    )
    assert missing.status_code in (400, 422)
    assert await OrderRow.count() == 0


async def test_unknown_carts_and_intents_are_not_found(client):
    headers = await _csrf(client)
    assert (await client.get("/api/v1/carts/nope")).status_code == 404
    assert (await client.get("/api/v1/payment-intents/nope")).status_code == 404
    response = await client.post(
        "/api/v1/carts/nope/items", json={"product_id": 1}, headers=headers
    )
    assert response.status_code == 404
    assert response.json()["code"] == "cart_not_found"


async def test_an_expired_intent_is_renewed_by_creating_it_again(client):
    shop = await build_shop()
    headers = await _csrf(client)
    token = await _cart_with(client, headers, {shop.product_ids["buoi"]: 1})
    order = (
        await client.post(f"/api/v1/carts/{token}/checkout", json=CHECKOUT, headers=headers)
    ).json()["orders"][0]
    from datetime import UTC, datetime, timedelta

    from marketplace.orders.lifecycle import expire_unpaid

    await expire_unpaid(datetime.now(UTC) + timedelta(hours=1))
    assert (await client.get(f"/api/v1/payment-intents/{order['payment_token']}")).json()[
        "state"
    ] == "expired"
    created = await client.post(
        "/api/v1/payment-intents", json={"payment_token": order["payment_token"]}, headers=headers
    )
    assert created.status_code == 201
    assert created.json()["state"] == "requires_payment"
