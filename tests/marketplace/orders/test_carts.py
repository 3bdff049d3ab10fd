"""A cart holds products of several producers under a token, grouped for one order each."""

import pytest

from marketplace.errors import Conflict, InvalidInput, NotFound
from marketplace.orders import carts
from tests.shop import build_shop


async def test_products_of_two_producers_are_grouped_by_producer(db):
    shop = await build_shop()
    token = await carts.new_cart()
    await carts.add_to_cart(token, shop.product_ids["buoi"], 2)
    await carts.add_to_cart(token, shop.product_ids["gao"], 3)
    cart = await carts.add_to_cart(token, shop.product_ids["buoi"], 1)

    assert [g.producer_name for g in cart.groups] == ["HTX Bưởi Ngọc Lũ", "HTX Gạo Hoa Lư"]
    assert [line.quantity for line in cart.groups[0].lines] == [3]
    assert cart.groups[0].subtotal_vnd == 3 * 45_000
    assert cart.total_vnd == 3 * 45_000 + 3 * 30_000
    assert cart.item_count == 6


async def test_setting_a_quantity_replaces_it_and_zero_removes_the_line(db):
    shop = await build_shop()
    token = await carts.new_cart()
    await carts.add_to_cart(token, shop.product_ids["buoi"], 2)
    await carts.add_to_cart(token, shop.product_ids["gao"], 1)

    cart = await carts.update_cart_line(token, shop.product_ids["buoi"], 5)
    assert cart.groups[0].lines[0].quantity == 5
    cart = await carts.update_cart_line(token, shop.product_ids["buoi"], 0)
    assert [line.product_name for line in cart.lines] == ["Gạo tám Hoa Lư"]
    cart = await carts.remove_cart_line(token, shop.product_ids["gao"])
    assert cart.lines == []


async def test_more_than_the_stock_cannot_go_in_the_cart(db):
    shop = await build_shop()
    token = await carts.new_cart()
    await carts.add_to_cart(token, shop.product_ids["mat_ong"], 4)
    with pytest.raises(Conflict) as raised:
        await carts.add_to_cart(token, shop.product_ids["mat_ong"], 2)
    assert raised.value.code == "out_of_stock"
    assert "Mật ong Bá Thước" in raised.value.message_vi
    assert (await carts.get_cart(token)).lines[0].quantity == 4


@pytest.mark.parametrize("quantity", [0, -1, 1000])
async def test_a_quantity_outside_one_to_999_is_refused(db, quantity):
    shop = await build_shop()
    token = await carts.new_cart()
    with pytest.raises(InvalidInput) as raised:
        await carts.add_to_cart(token, shop.product_ids["buoi"], quantity)
    assert raised.value.code == "quantity_invalid"


async def test_unknown_carts_and_products_are_not_found(db):
    shop = await build_shop()
    with pytest.raises(NotFound):
        await carts.get_cart("no-such-cart")
    with pytest.raises(NotFound):
        await carts.add_to_cart("no-such-cart", shop.product_ids["buoi"], 1)
    token = await carts.new_cart()
    with pytest.raises(NotFound):
        await carts.add_to_cart(token, 999_999, 1)
    with pytest.raises(NotFound):
        await carts.update_cart_line(token, shop.product_ids["buoi"], 2)
