"""After checkout: expiry, cancellation, “đã nhận tiền”, packing and shipping — and who may."""

from datetime import UTC, datetime, timedelta

import pytest

from marketplace.catalogue.queries import get_product
from marketplace.errors import Conflict, NotFound, PermissionDenied
from marketplace.orders import lifecycle
from marketplace.orders.queries import get_order
from marketplace.orders.schemas import (
    AWAITING_PAYMENT,
    CANCELED,
    EXPIRED,
    INTENT_CANCELED,
    PACKING,
    PAID,
    SHIPPED,
    SUCCEEDED,
)
from marketplace.payments.intents import PAYMENT_WINDOW, events_of
from tests.shop import build_shop, checkout

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def test_expiry_releases_the_reserved_stock(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 4}, now=NOW)
    assert (await get_product(shop.product_ids["buoi"])).stock == 6

    assert await lifecycle.expire_unpaid(NOW + PAYMENT_WINDOW - timedelta(seconds=1)) == 0
    assert await lifecycle.expire_unpaid(NOW + PAYMENT_WINDOW) == 1
    assert await lifecycle.expire_unpaid(NOW + PAYMENT_WINDOW) == 0

    expired = await get_order(order.id)
    assert expired.state == CANCELED and expired.cancel_reason == "expired"
    assert expired.intent is not None and expired.intent.state == EXPIRED
    assert (await get_product(shop.product_ids["buoi"])).stock == 10
    assert [e.kind for e in await events_of(expired.intent.id)] == ["created", "expired"]


async def test_a_page_view_after_the_deadline_expires_the_order_at_once(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1}, now=NOW)
    await lifecycle.expire_if_due(order.payment_token, NOW + timedelta(minutes=5))
    assert (await get_order(order.id)).state == AWAITING_PAYMENT
    await lifecycle.expire_if_due(order.payment_token, NOW + PAYMENT_WINDOW + timedelta(seconds=1))
    assert (await get_order(order.id)).state == CANCELED


async def test_an_expired_order_is_renewed_while_its_stock_is_there(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 4}, now=NOW)
    await lifecycle.expire_unpaid(NOW + PAYMENT_WINDOW)
    later = NOW + timedelta(hours=2)

    renewed = await lifecycle.renew_payment(order.payment_token, later)

    assert renewed.state == AWAITING_PAYMENT
    assert renewed.intent is not None and renewed.intent.expires_at == later + PAYMENT_WINDOW
    assert (await get_product(shop.product_ids["buoi"])).stock == 6


async def test_the_buyer_cancels_with_the_secret_link_and_the_stock_returns(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 3})
    canceled = await lifecycle.cancel_order_as_buyer(order.payment_token)
    assert canceled.state == CANCELED and canceled.cancel_reason == "buyer"
    assert canceled.intent is not None and canceled.intent.state == INTENT_CANCELED
    assert not canceled.needs_refund
    assert (await get_product(shop.product_ids["buoi"])).stock == 10
    with pytest.raises(NotFound):
        await lifecycle.cancel_order_as_buyer(order.reference)  # the reference is no key


async def test_the_buyer_cannot_cancel_a_paid_order(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    await lifecycle.confirm_paid_by_hand(shop.seller, order.producer_id, order.id)
    with pytest.raises(Conflict) as raised:
        await lifecycle.cancel_order_as_buyer(order.payment_token)
    assert raised.value.code == "order_not_cancelable"


async def test_the_seller_confirms_by_hand_packs_and_ships(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    producer = order.producer_id

    paid = await lifecycle.confirm_paid_by_hand(shop.seller, producer, order.id)
    assert paid.state == PAID and paid.paid_at is not None
    assert paid.intent is not None and paid.intent.state == SUCCEEDED
    kinds = [e.kind for e in await events_of(paid.intent.id)]
    assert kinds == ["created", "confirmed_by_hand", "succeeded"]

    with pytest.raises(Conflict):
        await lifecycle.mark_shipped(shop.seller, producer, order.id)
    assert (await lifecycle.mark_packing(shop.seller, producer, order.id)).state == PACKING
    shipped = await lifecycle.mark_shipped(shop.seller, producer, order.id)
    assert shipped.state == SHIPPED and shipped.shipped_at is not None
    with pytest.raises(Conflict):
        await lifecycle.cancel_order_as_seller(shop.seller, producer, order.id)


async def test_an_unpaid_order_cannot_be_packed(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    with pytest.raises(Conflict) as raised:
        await lifecycle.mark_packing(shop.seller, order.producer_id, order.id)
    assert raised.value.code == "order_state_conflict"


async def test_the_seller_cancelling_a_paid_order_flags_a_refund(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 2})
    await lifecycle.confirm_paid_by_hand(shop.seller, order.producer_id, order.id)
    canceled = await lifecycle.cancel_order_as_seller(shop.seller, order.producer_id, order.id)
    assert canceled.state == CANCELED and canceled.cancel_reason == "seller"
    assert canceled.needs_refund
    assert (await get_product(shop.product_ids["buoi"])).stock == 10


@pytest.mark.parametrize(
    "action",
    [
        lifecycle.confirm_paid_by_hand,
        lifecycle.mark_packing,
        lifecycle.mark_shipped,
        lifecycle.cancel_order_as_seller,
    ],
)
async def test_only_the_producers_people_change_its_orders(db, action):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    with pytest.raises(PermissionDenied):
        await action(shop.other_seller, order.producer_id, order.id)
    # A seller of another producer cannot reach this order through their own producer either.
    with pytest.raises(NotFound):
        await action(shop.other_seller, shop.producer_ids["ba_thuoc"], order.id)
    assert (await get_order(order.id)).state == AWAITING_PAYMENT
