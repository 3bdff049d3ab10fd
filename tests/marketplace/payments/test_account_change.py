"""A producer changes its bank account: money sent to the account a QR showed is never lost."""

import itertools
from datetime import UTC, datetime

from marketplace.catalogue.producers import update_producer
from marketplace.catalogue.schemas import ProducerInput
from marketplace.orders.queries import get_order
from marketplace.orders.schemas import AWAITING_PAYMENT, PAID, SUCCEEDED
from marketplace.payments.providers import Transfer
from marketplace.payments.transfers import (
    IGNORED_OTHER_ACCOUNT,
    MATCHED,
    UNMATCHED,
    assign_transfer,
    record_transfer,
    unmatched_transfers,
)
from tests.shop import build_shop, checkout, connect

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
NEW_ACCOUNT = "3500205999999"
_ids = itertools.count(5000)


def credit(account: str, amount: int, message: str) -> Transfer:
    return Transfer(
        provider="sepay",
        transaction_id=str(next(_ids)),
        account_number=account,
        amount_vnd=amount,
        message=message,
        occurred_at=NOW,
        direction="in",
        raw={},
    )


async def _order_then_account_change():
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 2}, now=NOW)
    endpoint = await connect(shop)
    assert order.intent.account == shop.accounts["ngoc_lu"]
    await update_producer(
        shop.seller,
        order.producer_id,
        ProducerInput(
            name="HTX Bưởi Ngọc Lũ",
            kind="hop_tac_xa",
            province_code="37",
            commune_code="13540",
            bank_bin="970436",
            bank_account=NEW_ACCOUNT,
            bank_holder="HTX BUOI NGOC LU",
        ),
    )
    return shop, order, endpoint


async def test_a_transfer_to_the_account_the_qr_showed_pays_after_the_account_changed(db):
    shop, order, endpoint = await _order_then_account_change()
    old_account = shop.accounts["ngoc_lu"]

    outcome = await record_transfer(
        "sepay", endpoint, credit(old_account, order.total_vnd, order.reference), NOW
    )

    assert (outcome.disposition, outcome.intent_state) == (MATCHED, SUCCEEDED)
    assert outcome.order_reference == order.reference
    paid = await get_order(order.id)
    assert paid.state == PAID and paid.intent.amount_received_vnd == order.total_vnd


async def test_other_credits_into_a_former_account_wait_for_the_seller(db):
    shop, order, endpoint = await _order_then_account_change()
    old_account = shop.accounts["ngoc_lu"]
    (later,) = await checkout({shop.product_ids["buoi"]: 1}, now=NOW)
    assert later.intent.account == NEW_ACCOUNT

    no_reference = await record_transfer(
        "sepay", endpoint, credit(old_account, 120_000, "mua buoi"), NOW
    )
    # The newer order's QR named the new account: money in the old one is the seller's call.
    wrong_account = await record_transfer(
        "sepay", endpoint, credit(old_account, later.total_vnd, later.reference), NOW
    )

    assert no_reference.disposition == UNMATCHED
    assert wrong_account.disposition == UNMATCHED
    waiting = await unmatched_transfers(shop.seller, order.producer_id)
    assert {t.message for t in waiting} == {"mua buoi", later.reference}
    assert (await get_order(later.id)).state == AWAITING_PAYMENT
    assigned = await assign_transfer(
        shop.seller, later.producer_id, wrong_account.transfer_id, later.reference, NOW
    )
    assert assigned.intent_state == SUCCEEDED
    assert (await get_order(later.id)).state == PAID


async def test_credits_into_an_account_no_order_named_are_still_ignored(db):
    shop, order, endpoint = await _order_then_account_change()
    outcome = await record_transfer(
        "sepay", endpoint, credit("1111222233", order.total_vnd, order.reference), NOW
    )
    assert outcome.disposition == IGNORED_OTHER_ACCOUNT
    assert await unmatched_transfers(shop.seller, order.producer_id) == []
    assert (await get_order(order.id)).state == AWAITING_PAYMENT
