"""Digits that are not ASCII ("²", "٣") and numbers thousands of digits long, typed into a URL
or a form, are refused or ignored like any other bad number: never a 500 (Python's int()
refuses both although str.isdigit() accepts the first)."""

import pytest

from marketplace.orders.delivery import delivery_settings
from tests.shop import build_shop
from tests.storefront.orders.test_seller_order_pages import _log_in
from tests.support import submit

ODD = ["²", "٣", "9" * 5000]


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize("name", ["page", "stars", "group", "commune"])
async def test_the_product_list_ignores_an_odd_number(client, name, odd):
    response = await client.get("/products", params={name: odd, "province": "37"})
    assert response.status_code in (200, 422), response.text[:300]


@pytest.mark.parametrize("odd", ODD)
async def test_a_producers_page_ignores_an_odd_page_number(client, odd):
    await build_shop()
    response = await client.get("/producers/htx-buoi-ngoc-lu", params={"page": odd})
    assert response.status_code == 200
    assert "Bưởi Ngọc Lũ" in response.text  # the first page


@pytest.mark.parametrize("odd", ODD)
async def test_an_odd_delivery_fee_is_named_and_nothing_is_saved(client, odd):
    shop = await build_shop()
    await _log_in(client, shop.seller)
    producer = shop.producer_ids["ngoc_lu"]
    before = await delivery_settings(producer)
    page = await submit(
        client,
        f"/seller/{producer}/delivery",
        {"delivery_enabled": "on", "delivery_fee_vnd": odd},
    )
    assert page.status_code == 422
    assert "Phí giao hàng phải là số đồng nguyên" in page.text
    assert await delivery_settings(producer) == before


@pytest.mark.parametrize("typed", ["15.000,00", "30,5", "1.5"])
async def test_a_delivery_fee_with_decimals_is_refused_not_read_a_hundred_times_larger(
    client, typed
):
    shop = await build_shop()
    await _log_in(client, shop.seller)
    producer = shop.producer_ids["ngoc_lu"]
    before = await delivery_settings(producer)
    page = await submit(
        client,
        f"/seller/{producer}/delivery",
        {"delivery_enabled": "on", "delivery_fee_vnd": typed},
    )
    assert page.status_code == 422
    assert await delivery_settings(producer) == before


@pytest.mark.parametrize(("typed", "fee"), [("30.000 ₫", 30_000), ("25000", 25_000), ("", 0)])
async def test_a_delivery_fee_is_read_as_the_price_field_reads_it(client, typed, fee):
    shop = await build_shop()
    await _log_in(client, shop.seller)
    producer = shop.producer_ids["ngoc_lu"]
    page = await submit(
        client,
        f"/seller/{producer}/delivery",
        {"delivery_enabled": "on", "delivery_fee_vnd": typed},
    )
    assert page.status_code == 200, page.text[:500]
    assert (await delivery_settings(producer)).delivery_fee_vnd == fee
