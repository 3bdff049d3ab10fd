"""A guest fills a cart from product pages and checks out; mistakes come back with nothing lost."""

import re

from marketplace.orders.tables import Order as OrderRow
from tests.shop import build_shop
from tests.support import csrf_token, submit


async def _add(client, product_id, quantity=1):
    token = await csrf_token(client, "/login")
    return await client.post(
        "/cart/items",
        data={"product_id": str(product_id), "quantity": str(quantity), "_csrf_token": token},
    )


async def test_the_cart_page_groups_lines_by_producer_and_edits_them(client):
    shop = await build_shop()
    assert "Giỏ hàng đang trống" in (await client.get("/cart")).text
    await _add(client, shop.product_ids["buoi"], 2)
    page = await _add(client, shop.product_ids["gao"], 3)

    assert page.status_code == 200
    assert "Đã thêm vào giỏ hàng" in page.text
    assert page.text.index("HTX Bưởi Ngọc Lũ") < page.text.index("HTX Gạo Hoa Lư")
    assert "90.000\u00a0₫" in page.text and "180.000\u00a0₫" in page.text

    buoi = shop.product_ids["buoi"]
    page = await submit(
        client, f"/cart/items/{buoi}", {"quantity": "4", "action": "update"}, "/cart"
    )
    assert 'value="4"' in page.text
    page = await submit(
        client, f"/cart/items/{buoi}", {"quantity": "4", "action": "remove"}, "/cart"
    )
    assert "Bưởi Ngọc Lũ" not in page.text
    assert "Gạo tám Hoa Lư" in page.text


async def test_adding_more_than_the_stock_says_how_many_are_left(client):
    shop = await build_shop()
    page = await _add(client, shop.product_ids["mat_ong"], 6)
    assert page.status_code == 409
    assert "chỉ còn 5 kg" in page.text


async def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client):
    response = await client.get("/checkout")
    assert str(response.url).endswith("/cart")


async def _fill_cart(client, shop):
    await _add(client, shop.product_ids["buoi"], 2)
    await _add(client, shop.product_ids["mat_ong"], 1)


CHECKOUT = {
    "buyer_name": "Trần Thị Mai",
    "phone": "0987 654 321",
    "province_code": "01",
    "commune_code": "00004",
    "address_line": "Số 12 ngõ 5 phố Hàng Bạc",
}


async def test_choosing_a_province_lists_its_communes_and_keeps_what_was_typed(client):
    shop = await build_shop()
    await _fill_cart(client, shop)
    page = await submit(
        client,
        "/checkout",
        {"buyer_name": "Trần Thị Mai", "province_code": "37", "action": "refresh"},
    )
    assert page.status_code == 200
    assert 'value="13540"' in page.text  # xã Bình An, Ninh Bình
    assert 'value="Trần Thị Mai"' in page.text
    assert await OrderRow.count() == 0


async def test_a_bad_phone_number_comes_back_with_everything_typed(client):
    shop = await build_shop()
    await _fill_cart(client, shop)
    page = await submit(client, "/checkout", {**CHECKOUT, "phone": "12345"})
    assert page.status_code == 422
    assert "Số điện thoại không hợp lệ" in page.text
    assert 'value="Số 12 ngõ 5 phố Hàng Bạc"' in page.text
    assert re.search(r'<option value="00004" selected>', page.text)
    assert await OrderRow.count() == 0


async def test_placing_the_orders_shows_one_payment_link_per_producer(client):
    shop = await build_shop()
    await _fill_cart(client, shop)
    summary = await submit(client, "/checkout", CHECKOUT)

    assert summary.status_code == 200
    assert "/orders/" in str(summary.url)
    links = re.findall(r'href="(/pay/[^"]+)"', summary.text)
    assert len(links) == 2
    assert "HTX Bưởi Ngọc Lũ" in summary.text and "HTX Mật ong Bá Thước" in summary.text
    assert await OrderRow.count() == 2
    assert "Giỏ hàng đang trống" in (await client.get("/cart")).text


async def test_a_product_sold_out_meanwhile_is_named_and_nothing_is_placed(client):
    shop = await build_shop()
    await _fill_cart(client, shop)
    from tests.shop import checkout

    await checkout({shop.product_ids["mat_ong"]: 5})
    page = await submit(client, "/checkout", CHECKOUT)
    assert page.status_code == 409
    assert "Mật ong Bá Thước" in page.text
    assert 'value="Trần Thị Mai"' in page.text
    assert await OrderRow.count() == 1  # only the other buyer's
