"""Checkout turns a cart into one order per producer, each paid into that producer's account."""

import pytest

from marketplace.catalogue.queries import get_product
from marketplace.codes import is_valid
from marketplace.errors import Conflict, InvalidInput
from marketplace.orders import carts
from marketplace.orders.checkout import place_orders
from marketplace.orders.delivery import DEFAULT_DELIVERY_FEE_VND, save_delivery_settings
from marketplace.orders.schemas import (
    AWAITING_PAYMENT,
    COD_PENDING,
    DELIVERY_COD,
    PICKUP,
    REQUIRES_PAYMENT,
    Address,
    Buyer,
    DeliverySettingsInput,
)
from marketplace.orders.tables import Order as OrderRow
from marketplace.orders.tables import PaymentIntent as IntentRow
from marketplace.payments import vietqr
from tests.shop import ADDRESS, BUYER, build_shop, checkout, new_producer, new_product


async def test_a_cart_of_two_producers_becomes_two_orders_each_with_its_own_vietqr(db):
    shop = await build_shop()
    orders = await checkout({shop.product_ids["buoi"]: 2, shop.product_ids["gao"]: 5})

    assert [o.producer_name for o in orders] == ["HTX Bưởi Ngọc Lũ", "HTX Gạo Hoa Lư"]
    assert len({o.checkout_token for o in orders}) == 1
    for order, account, subtotal in zip(
        orders,
        [shop.accounts["ngoc_lu"], shop.accounts["hoa_lu"]],
        [2 * 45_000, 5 * 30_000],
        strict=True,
    ):
        assert len(order.reference) == 9 and is_valid(order.reference, "DH")
        assert order.state == AWAITING_PAYMENT
        assert order.buyer_phone == "+84987654321"
        assert order.subtotal_vnd == subtotal
        assert order.total_vnd == subtotal + DEFAULT_DELIVERY_FEE_VND
        assert order.intent is not None and order.intent.state == REQUIRES_PAYMENT
        code = vietqr.decode(order.intent.payload)
        assert (code.bank_bin, code.account) == ("970422", account)
        assert code.amount == order.total_vnd
        assert code.purpose == order.reference
        assert code.is_dynamic
        assert order.payment_token and order.payment_token != order.reference
    assert (await get_product(shop.product_ids["buoi"])).stock == 8
    assert (await get_product(shop.product_ids["gao"])).stock == 15


async def test_order_lines_keep_the_name_and_price_they_were_sold_at(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 3})
    line = order.lines[0]
    assert (line.product_name, line.unit, line.unit_price_vnd, line.quantity) == (
        "Bưởi Ngọc Lũ",
        "kg",
        45_000,
        3,
    )
    assert line.line_total_vnd == 135_000


async def test_the_cart_is_empty_after_checkout(db):
    shop = await build_shop()
    token = await carts.new_cart()
    await carts.add_to_cart(token, shop.product_ids["buoi"], 1)
    await place_orders(token, BUYER, ADDRESS, {})
    assert (await carts.get_cart(token)).lines == []


async def test_an_empty_cart_that_never_became_orders_is_refused(db):
    await build_shop()
    token = await carts.new_cart()
    with pytest.raises(Conflict) as raised:
        await place_orders(token, BUYER, ADDRESS, {})
    assert raised.value.code == "cart_empty"


async def test_a_cart_sent_again_gets_the_orders_it_became_and_takes_stock_once(db):
    shop = await build_shop()
    before = (await get_product(shop.product_ids["buoi"])).stock
    token = await carts.new_cart()
    await carts.add_to_cart(token, shop.product_ids["buoi"], 2)
    first = await place_orders(token, BUYER, ADDRESS, {})
    again = await place_orders(token, BUYER, ADDRESS, {})  # a double tap, a retry
    assert [order.reference for order in again] == [order.reference for order in first]
    assert await OrderRow.count() == 1
    assert (await get_product(shop.product_ids["buoi"])).stock == before - 2


async def test_delivery_fee_follows_the_buyers_province(db):
    shop = await build_shop()
    await save_delivery_settings(
        shop.seller,
        shop.producer_ids["ngoc_lu"],
        DeliverySettingsInput(delivery_fee_vnd=50_000, province_fees={"01": 20_000}),
    )
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    assert order.delivery_fee_vnd == 20_000
    assert order.total_vnd == 65_000
    assert order.intent is not None and vietqr.decode(order.intent.payload).amount == 65_000


async def test_cash_on_delivery_has_no_payment_intent(db):
    shop = await build_shop()
    await save_delivery_settings(
        shop.seller,
        shop.producer_ids["ngoc_lu"],
        DeliverySettingsInput(delivery_fee_vnd=10_000, cod_allowed=True),
    )
    (order,) = await checkout(
        {shop.product_ids["buoi"]: 1}, {shop.producer_ids["ngoc_lu"]: DELIVERY_COD}
    )
    assert order.state == COD_PENDING
    assert order.intent is None
    assert (await get_product(shop.product_ids["buoi"])).stock == 9


async def test_pickup_needs_no_delivery_address(db):
    shop = await build_shop()
    await save_delivery_settings(
        shop.seller,
        shop.producer_ids["ngoc_lu"],
        DeliverySettingsInput(
            delivery_enabled=False, pickup_enabled=True, pickup_address="Thôn Ngọc Lũ, Bình An"
        ),
    )
    token = await carts.new_cart()
    await carts.add_to_cart(token, shop.product_ids["buoi"], 1)
    (order,) = await place_orders(token, BUYER, Address(), {shop.producer_ids["ngoc_lu"]: PICKUP})
    assert order.delivery_method == PICKUP
    assert order.delivery_fee_vnd == 0
    assert order.pickup_address == "Thôn Ngọc Lũ, Bình An"
    assert order.commune_code == ""


async def _nothing_written(shop, stock_before):
    assert await OrderRow.count() == 0
    assert await IntentRow.count() == 0
    for key, stock in stock_before.items():
        assert (await get_product(shop.product_ids[key])).stock == stock


async def test_a_short_line_rolls_everything_back_and_names_the_product(db):
    shop = await build_shop()
    token = await carts.new_cart()
    await carts.add_to_cart(token, shop.product_ids["buoi"], 2)
    await carts.add_to_cart(token, shop.product_ids["mat_ong"], 5)
    await checkout({shop.product_ids["mat_ong"]: 1})  # someone else buys one jar first
    orders_before = await OrderRow.count()

    with pytest.raises(Conflict) as raised:
        await place_orders(token, BUYER, ADDRESS, {})

    assert raised.value.code == "out_of_stock"
    assert "Mật ong Bá Thước" in raised.value.message_vi
    assert "Mật ong Bá Thước" in raised.value.message_en
    assert await OrderRow.count() == orders_before
    assert (await get_product(shop.product_ids["buoi"])).stock == 10
    assert (await get_product(shop.product_ids["mat_ong"])).stock == 4
    assert len((await carts.get_cart(token)).lines) == 2


@pytest.mark.parametrize(
    ("buyer", "address", "code"),
    [
        (Buyer("Trần Thị Mai", "12345"), ADDRESS, "phone_invalid"),
        (Buyer("", "0987654321"), ADDRESS, "name_invalid"),
        (BUYER, Address("01", "13540", "Số 12"), "commune_not_in_province"),
        (BUYER, Address("99", "00004", "Số 12"), "province_unknown"),
        (BUYER, Address("01", "00004", ""), "address_line_invalid"),
        (BUYER, Address("", "", "Số 12"), "province_required"),
        (BUYER, Address("01", " ", "Số 12"), "commune_required"),
    ],
)
async def test_bad_checkout_input_is_refused_and_writes_nothing(db, buyer, address, code):
    shop = await build_shop()
    token = await carts.new_cart()
    await carts.add_to_cart(token, shop.product_ids["buoi"], 2)
    with pytest.raises(InvalidInput) as raised:
        await place_orders(token, buyer, address, {})
    assert raised.value.code == code
    await _nothing_written(shop, {"buoi": 10})


async def test_a_method_the_producer_does_not_offer_is_refused(db):
    shop = await build_shop()
    token = await carts.new_cart()
    await carts.add_to_cart(token, shop.product_ids["buoi"], 1)
    with pytest.raises(InvalidInput) as raised:
        await place_orders(token, BUYER, ADDRESS, {shop.producer_ids["ngoc_lu"]: DELIVERY_COD})
    assert raised.value.code == "delivery_method_invalid"
    assert raised.value.fields[0].field == f"delivery_{shop.producer_ids['ngoc_lu']}"
    await _nothing_written(shop, {"buoi": 10})


async def test_a_producer_without_a_bank_account_cannot_take_transfers(db):
    shop = await build_shop()
    producer_id = await new_producer(shop.seller, "Hộ Chè Không Tài Khoản", None)
    product_id = await new_product(shop.seller, producer_id, "Chè búp khô", 90_000, 10)
    token = await carts.new_cart()
    await carts.add_to_cart(token, product_id, 1)
    with pytest.raises(Conflict) as raised:
        await place_orders(token, BUYER, ADDRESS, {})
    assert raised.value.code == "payment_account_missing"
    assert await OrderRow.count() == 0
