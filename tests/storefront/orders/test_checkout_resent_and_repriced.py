"""A checkout sent twice places one set of orders, and a price changed after the buyer saw the
form is shown to them before anything is charged (QA: a double tap on PostgreSQL placed ten
orders; a price raised to 990.000 ₫ meanwhile was charged unseen)."""

import asyncio
import re

from marketplace.catalogue.queries import get_product
from marketplace.catalogue.tables import Product as ProductRow
from marketplace.orders.tables import Order as OrderRow
from tests.shop import build_shop
from tests.support import csrf_token

CHECKOUT = {
    "buyer_name": "Trần Thị Mai",
    "phone": "0987 654 321",
    "province_code": "01",
    "commune_code": "00004",
    "address_line": "Số 12 ngõ 5 phố Hàng Bạc",
}
_QUOTE = re.compile(r'name="quote" value="([0-9a-f]+)"')


async def _fill_cart(client, shop):
    token = await csrf_token(client, "/login")
    for key, quantity in (("buoi", 2), ("mat_ong", 1)):
        response = await client.post(
            "/cart/items",
            data={
                "product_id": str(shop.product_ids[key]),
                "quantity": str(quantity),
                "_csrf_token": token,
            },
        )
        assert response.status_code == 200, response.text


async def _form(client):
    """What the buyer's browser holds: the CSRF token and the quote of the checkout page."""
    token = await csrf_token(client, "/checkout")
    page = await client.post(  # the buyer chose the province: the form is drawn for it
        "/checkout",
        data={"_csrf_token": token, "province_code": "01", "action": "refresh"},
    )
    quote = _QUOTE.search(page.text)
    assert quote, "the checkout form carries no quote"
    return token, quote.group(1)


async def test_the_checkout_form_sent_twice_shows_the_same_orders(client):
    shop = await build_shop()
    await _fill_cart(client, shop)
    token, quote = await _form(client)
    form = {**CHECKOUT, "_csrf_token": token, "quote": quote}

    first = await client.post("/checkout", data=form)
    again = await client.post("/checkout", data=form)  # a double tap, a resend on 3G

    assert first.status_code == 200 and "/orders/" in str(first.url)
    assert str(again.url) == str(first.url)
    assert "HTX Bưởi Ngọc Lũ" in again.text
    assert await OrderRow.count() == 2  # one per producer, once
    assert (await get_product(shop.product_ids["buoi"])).stock == 8


async def test_a_price_raised_after_the_form_was_shown_is_shown_before_it_is_charged(client):
    shop = await build_shop()
    await _fill_cart(client, shop)
    token, quote = await _form(client)
    await ProductRow.update({ProductRow.price_vnd: 990_000}).where(
        ProductRow.id == shop.product_ids["buoi"]
    )

    page = await client.post("/checkout", data={**CHECKOUT, "_csrf_token": token, "quote": quote})

    assert page.status_code == 409
    assert "Giá hoặc phí giao hàng vừa thay đổi" in page.text
    assert "1.980.000\u00a0₫" in page.text  # 2 × 990.000 ₫, now in front of the buyer
    assert 'value="Trần Thị Mai"' in page.text
    assert await OrderRow.count() == 0
    assert (await get_product(shop.product_ids["buoi"])).stock == 10
    seen = _QUOTE.search(page.text)
    assert seen and seen.group(1) != quote

    placed = await client.post(
        "/checkout", data={**CHECKOUT, "_csrf_token": token, "quote": seen.group(1)}
    )
    assert placed.status_code == 200 and "/orders/" in str(placed.url)
    buoi = await OrderRow.select(OrderRow.subtotal_vnd).where(
        OrderRow.producer == shop.producer_ids["ngoc_lu"]
    )
    assert [row["subtotal_vnd"] for row in buoi] == [1_980_000]


async def test_a_delivery_fee_not_yet_shown_for_the_chosen_province_is_shown_first(client):
    """Without JavaScript a buyer may pick a province and press “Đặt hàng” at once: the fee
    for that province was never on the page."""
    from marketplace.orders.delivery import save_delivery_settings
    from marketplace.orders.schemas import DeliverySettingsInput

    shop = await build_shop()
    await save_delivery_settings(
        shop.seller,
        shop.producer_ids["ngoc_lu"],
        DeliverySettingsInput(delivery_fee_vnd=30_000, province_fees={"01": 55_000}),
    )
    await _fill_cart(client, shop)
    page = await client.get("/checkout")  # no province chosen yet: the general fee shows
    quote = _QUOTE.search(page.text)
    assert quote
    token = await csrf_token(client, "/checkout")

    answer = await client.post(
        "/checkout", data={**CHECKOUT, "_csrf_token": token, "quote": quote.group(1)}
    )

    assert answer.status_code == 409
    assert "55.000\u00a0₫" in answer.text
    assert await OrderRow.count() == 0


async def _api_cart(client, shop):
    await client.get("/cart")
    headers = {"x-csrftoken": client.cookies.get("csrftoken")}
    cart = (await client.post("/api/v1/carts", headers=headers)).json()
    response = await client.post(
        f"/api/v1/carts/{cart['token']}/items",
        json={"product_id": shop.product_ids["buoi"], "quantity": 2},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return cart["token"], headers


API_CHECKOUT = {**CHECKOUT, "phone": "0987654321"}


async def test_api_checkouts_of_one_cart_at_once_place_it_once(client):
    shop = await build_shop()
    token, headers = await _api_cart(client, shop)

    answers = await asyncio.gather(
        *(
            client.post(f"/api/v1/carts/{token}/checkout", json=API_CHECKOUT, headers=headers)
            for _ in range(8)
        )
    )

    assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
    assert len({a.json()["checkout_token"] for a in answers}) == 1
    assert await OrderRow.count() == 1
    assert (await get_product(shop.product_ids["buoi"])).stock == 8


async def test_api_checkout_with_the_total_the_app_showed_refuses_a_changed_price(client):
    shop = await build_shop()
    token, headers = await _api_cart(client, shop)
    shown = 2 * 45_000 + 30_000  # goods and the default delivery fee, as the app showed them
    await ProductRow.update({ProductRow.price_vnd: 50_000}).where(
        ProductRow.id == shop.product_ids["buoi"]
    )

    refused = await client.post(
        f"/api/v1/carts/{token}/checkout",
        json={**API_CHECKOUT, "expected_total_vnd": shown},
        headers=headers,
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "price_changed"
    assert "130.000" in refused.json()["message_en"]
    assert await OrderRow.count() == 0

    placed = await client.post(
        f"/api/v1/carts/{token}/checkout",
        json={**API_CHECKOUT, "expected_total_vnd": 130_000},
        headers=headers,
    )
    assert placed.status_code == 201, placed.text
    assert placed.json()["orders"][0]["total_vnd"] == 130_000
