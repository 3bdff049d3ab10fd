"""Small things a buyer or seller reads wrong otherwise."""

import itertools
from datetime import UTC, datetime

import pytest

from marketplace.catalogue import products
from marketplace.errors import Conflict
from marketplace.orders import carts, lifecycle
from marketplace.orders.checkout import place_orders
from marketplace.orders.queries import get_order
from marketplace.payments import intents
from marketplace.payments.providers import Transfer
from marketplace.payments.transfers import record_transfer
from tests.shop import ADDRESS, BUYER, build_shop, checkout, connect

_ids = itertools.count(5000)


async def test_a_product_archived_while_in_the_cart_is_named_as_no_longer_sold(db):
    shop = await build_shop()
    token = await carts.new_cart()
    await carts.add_to_cart(token, shop.product_ids["buoi"], 2)
    await products.archive_product(shop.seller, shop.product_ids["buoi"])

    line = (await carts.get_cart(token)).lines[0]
    assert not line.on_sale
    with pytest.raises(Conflict) as refused:
        await place_orders(token, BUYER, ADDRESS, {})
    assert refused.value.code == "product_unavailable"
    assert "đã ngừng bán" in refused.value.message_vi  # not "không còn đủ 2 kg"


async def test_money_confirmed_by_hand_then_reported_by_the_bank_is_not_called_extra(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    endpoint = await connect(shop)
    await lifecycle.confirm_paid_by_hand(shop.seller, shop.producer_ids["ngoc_lu"], order.id)
    await record_transfer(
        "sepay",
        endpoint,
        Transfer(
            provider="sepay",
            transaction_id=str(next(_ids)),
            account_number=shop.accounts["ngoc_lu"],
            amount_vnd=order.total_vnd,
            message=order.reference,
            occurred_at=datetime.now(UTC),
            direction="in",
            raw={},
        ),
    )

    paid = await get_order(order.id)
    assert paid.intent is not None and not paid.intent.overpaid
    kinds = [event.kind for event in await intents.events_of(paid.intent.id)]
    assert "overpaid" not in kinds  # the seller's list showed "Chuyển thừa" with no amount
