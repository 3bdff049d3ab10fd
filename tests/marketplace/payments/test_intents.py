"""Payment intents: a VietQR per order, the rest due after underpaying, a log that only grows."""

from datetime import UTC, datetime

import pytest

from marketplace.db import write_transaction
from marketplace.orders.queries import get_order
from marketplace.orders.tables import PaymentEvent as PaymentEventRow
from marketplace.payments import vietqr
from marketplace.payments.intents import (
    PAYMENT_WINDOW,
    events_of,
    intent_by_payment_token,
    payable_payload,
)
from marketplace.payments.providers import Transfer
from marketplace.payments.transfers import record_transfer
from tests.shop import build_shop, checkout, connect

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def test_an_intent_is_found_by_the_secret_token_and_expires_after_the_window(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1}, now=NOW)
    intent = await intent_by_payment_token(order.payment_token)
    assert intent.reference == order.reference
    assert intent.amount_vnd == order.total_vnd
    assert intent.expires_at == NOW + PAYMENT_WINDOW
    assert payable_payload(intent) == intent.payload


async def test_after_an_underpayment_the_qr_asks_for_the_rest_under_the_same_reference(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 2}, now=NOW)
    endpoint = await connect(shop)
    short = Transfer(
        "sepay", "1", shop.accounts["ngoc_lu"], 100_000, order.reference, NOW, "in", {}
    )
    await record_transfer("sepay", endpoint, short, NOW)

    intent = (await get_order(order.id)).intent
    code = vietqr.decode(payable_payload(intent))
    assert code.amount == order.total_vnd - 100_000
    assert code.purpose == order.reference
    assert code.account == shop.accounts["ngoc_lu"]


async def test_payment_events_can_be_added_but_never_rewritten(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1}, now=NOW)
    (created,) = await events_of(order.intent.id)
    assert created.kind == "created" and created.amount_vnd == order.total_vnd

    with pytest.raises(Exception, match="append-only"):
        async with write_transaction():
            await PaymentEventRow.update({PaymentEventRow.kind: "succeeded"}).where(
                PaymentEventRow.id == created.id
            )
    assert [e.kind for e in await events_of(order.intent.id)] == ["created"]
