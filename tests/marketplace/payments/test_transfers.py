"""Reported bank transfers pay orders: idempotent, own account only, by reference and amount."""

import asyncio
import itertools
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
    PAID,
    REQUIRES_PAYMENT,
    SUCCEEDED,
    UNDERPAID,
)
from marketplace.orders.tables import ReceivedTransfer as TransferRow
from marketplace.payments.intents import PAYMENT_WINDOW, events_of
from marketplace.payments.providers import Transfer
from marketplace.payments.transfers import (
    ASSIGNED,
    IGNORED_OTHER_ACCOUNT,
    IGNORED_OUTGOING,
    MATCHED,
    REPORTED_TWICE,
    UNMATCHED,
    assign_transfer,
    record_transfer,
    transfers_of_order,
    unmatched_transfers,
)
from tests.shop import build_shop, checkout, connect

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
_ids = itertools.count(1000)


def credit(account, amount, message, txn=None, direction="in"):
    return Transfer(
        provider="sepay",
        transaction_id=str(txn or next(_ids)),
        account_number=account,
        amount_vnd=amount,
        message=message,
        occurred_at=NOW,
        direction=direction,
        raw={},
    )


async def _ordered(shop, quantity=2, now=NOW):
    (order,) = await checkout({shop.product_ids["buoi"]: quantity}, now=now)
    endpoint = await connect(shop)
    return order, endpoint


async def _payment_kinds(order):
    return [e.kind for e in await events_of(order.intent.id)]


async def test_the_exact_amount_with_the_reference_pays_the_order(db):
    shop = await build_shop()
    order, endpoint = await _ordered(shop)
    message = f"MBVCB.3301.{order.reference.lower()} chuyen tien.CT tu 0123456789"

    outcome = await record_transfer(
        "sepay", endpoint, credit(shop.accounts["ngoc_lu"], order.total_vnd, message), NOW
    )

    assert (outcome.disposition, outcome.intent_state) == (MATCHED, SUCCEEDED)
    assert outcome.order_reference == order.reference
    paid = await get_order(order.id)
    assert paid.state == PAID
    assert paid.intent.amount_received_vnd == order.total_vnd
    assert not paid.intent.overpaid
    assert await _payment_kinds(paid) == ["created", "transfer_received", "succeeded"]


async def test_the_same_webhook_ten_times_makes_one_payment(db):
    shop = await build_shop()
    order, endpoint = await _ordered(shop)
    same = credit(shop.accounts["ngoc_lu"], order.total_vnd, order.reference, txn=77)

    outcomes = [await record_transfer("sepay", endpoint, same, NOW) for _ in range(10)]

    assert [o.duplicate for o in outcomes] == [False] + [True] * 9
    assert {o.transfer_id for o in outcomes} == {outcomes[0].transfer_id}
    assert await TransferRow.count() == 1
    paid = await get_order(order.id)
    assert paid.intent.amount_received_vnd == order.total_vnd
    assert (await _payment_kinds(paid)).count("transfer_received") == 1


async def test_the_same_webhook_ten_times_at_once_makes_one_payment(db):
    shop = await build_shop()
    order, endpoint = await _ordered(shop)
    same = credit(shop.accounts["ngoc_lu"], order.total_vnd, order.reference, txn=78)

    outcomes = await asyncio.gather(
        *(record_transfer("sepay", endpoint, same, NOW) for _ in range(10))
    )

    assert sorted(o.duplicate for o in outcomes) == [False] + [True] * 9
    assert await TransferRow.count() == 1
    paid = await get_order(order.id)
    assert paid.state == PAID
    assert paid.intent.amount_received_vnd == order.total_vnd
    assert (await _payment_kinds(paid)).count("transfer_received") == 1


async def test_two_parts_arriving_out_of_order_add_up_to_a_payment(db):
    shop = await build_shop()
    order, endpoint = await _ordered(shop)
    first_part, second_part = 50_000, order.total_vnd - 50_000
    account = shop.accounts["ngoc_lu"]

    later = await record_transfer(
        "sepay", endpoint, credit(account, second_part, order.reference, txn=2), NOW
    )
    assert later.intent_state == UNDERPAID
    assert (await get_order(order.id)).state == AWAITING_PAYMENT
    earlier = await record_transfer(
        "sepay", endpoint, credit(account, first_part, order.reference, txn=1), NOW
    )
    assert earlier.intent_state == SUCCEEDED
    # The first part delivered again changes nothing.
    await record_transfer(
        "sepay", endpoint, credit(account, first_part, order.reference, txn=1), NOW
    )

    paid = await get_order(order.id)
    assert paid.state == PAID
    assert paid.intent.amount_received_vnd == order.total_vnd


async def test_an_underpaid_order_keeps_waiting_past_its_expiry_until_the_seller_accepts(db):
    shop = await build_shop()
    order, endpoint = await _ordered(shop)
    short = credit(shop.accounts["ngoc_lu"], order.total_vnd - 10_000, order.reference)

    outcome = await record_transfer("sepay", endpoint, short, NOW)

    assert outcome.intent_state == UNDERPAID
    assert await lifecycle.expire_unpaid(NOW + PAYMENT_WINDOW * 10) == 0
    waiting = await get_order(order.id)
    assert waiting.state == AWAITING_PAYMENT
    assert waiting.intent.state == UNDERPAID and waiting.intent.amount_due_vnd == 10_000
    accepted = await lifecycle.confirm_paid_by_hand(shop.seller, order.producer_id, order.id)
    assert accepted.state == PAID and accepted.intent.state == SUCCEEDED
    assert accepted.intent.amount_received_vnd == order.total_vnd - 10_000


async def test_paying_more_succeeds_and_flags_the_overpayment(db):
    shop = await build_shop()
    order, endpoint = await _ordered(shop)
    outcome = await record_transfer(
        "sepay",
        endpoint,
        credit(shop.accounts["ngoc_lu"], order.total_vnd + 5_000, order.reference),
        NOW,
    )
    assert outcome.intent_state == SUCCEEDED
    paid = await get_order(order.id)
    assert paid.state == PAID
    assert paid.intent.overpaid
    assert (await _payment_kinds(paid))[-1] == "overpaid"


async def test_credits_into_another_account_and_money_going_out_are_ignored(db):
    shop = await build_shop()
    order, endpoint = await _ordered(shop)
    elsewhere = credit("1111222233", order.total_vnd, order.reference)
    outgoing = credit(shop.accounts["ngoc_lu"], order.total_vnd, order.reference, direction="out")

    assert (
        await record_transfer("sepay", endpoint, elsewhere, NOW)
    ).disposition == IGNORED_OTHER_ACCOUNT
    assert (await record_transfer("sepay", endpoint, outgoing, NOW)).disposition == IGNORED_OUTGOING

    still = await get_order(order.id)
    assert still.state == AWAITING_PAYMENT and still.intent.amount_received_vnd == 0
    assert await unmatched_transfers(shop.seller, order.producer_id) == []


async def test_a_credit_naming_no_order_waits_for_the_seller_to_assign_it(db):
    shop = await build_shop()
    order, endpoint = await _ordered(shop)
    account = shop.accounts["ngoc_lu"]
    outcome = await record_transfer(
        "sepay", endpoint, credit(account, order.total_vnd, "mua buoi"), NOW
    )
    assert outcome.disposition == UNMATCHED
    (waiting,) = await unmatched_transfers(shop.seller, order.producer_id)
    assert waiting.message == "mua buoi"

    with pytest.raises(PermissionDenied):
        await assign_transfer(shop.other_seller, order.producer_id, waiting.id, order.reference)
    with pytest.raises(NotFound):
        await assign_transfer(shop.seller, order.producer_id, waiting.id, "DH0000000")
    assigned = await assign_transfer(
        shop.seller, order.producer_id, waiting.id, order.reference.lower()
    )

    assert (assigned.disposition, assigned.intent_state) == (ASSIGNED, SUCCEEDED)
    assert (await get_order(order.id)).state == PAID
    assert await unmatched_transfers(shop.seller, order.producer_id) == []
    with pytest.raises(Conflict):
        await assign_transfer(shop.seller, order.producer_id, waiting.id, order.reference)


async def test_a_reference_of_another_producers_order_is_not_taken_for_this_one(db):
    shop = await build_shop()
    (ours,) = await checkout({shop.product_ids["buoi"]: 1})
    (theirs,) = await checkout({shop.product_ids["gao"]: 1})
    endpoint = await connect(shop, "ngoc_lu")
    outcome = await record_transfer(
        "sepay", endpoint, credit(shop.accounts["ngoc_lu"], theirs.total_vnd, theirs.reference), NOW
    )
    assert outcome.disposition == UNMATCHED
    assert (await get_order(theirs.id)).state == AWAITING_PAYMENT
    assert (await get_order(ours.id)).state == AWAITING_PAYMENT


async def test_a_late_transfer_revives_an_expired_order_while_stock_lasts(db):
    shop = await build_shop()
    order, endpoint = await _ordered(shop, quantity=4)
    await lifecycle.expire_unpaid(NOW + PAYMENT_WINDOW)
    assert (await get_product(shop.product_ids["buoi"])).stock == 10

    outcome = await record_transfer(
        "sepay",
        endpoint,
        credit(shop.accounts["ngoc_lu"], order.total_vnd, order.reference),
        NOW + timedelta(hours=1),
    )

    assert outcome.intent_state == SUCCEEDED
    revived = await get_order(order.id)
    assert revived.state == PAID and not revived.needs_refund
    assert (await get_product(shop.product_ids["buoi"])).stock == 6
    assert "revived" in await _payment_kinds(revived)


async def test_a_late_transfer_flags_a_refund_when_the_stock_is_gone(db):
    shop = await build_shop()
    order, endpoint = await _ordered(shop, quantity=4)
    await lifecycle.expire_unpaid(NOW + PAYMENT_WINDOW)
    await checkout({shop.product_ids["buoi"]: 8})  # another buyer takes the stock meanwhile

    outcome = await record_transfer(
        "sepay",
        endpoint,
        credit(shop.accounts["ngoc_lu"], order.total_vnd, order.reference),
        NOW + timedelta(hours=1),
    )

    assert (outcome.disposition, outcome.intent_state) == (MATCHED, EXPIRED)
    flagged = await get_order(order.id)
    assert flagged.state == CANCELED and flagged.needs_refund
    assert flagged.intent.amount_received_vnd == order.total_vnd
    assert (await get_product(shop.product_ids["buoi"])).stock == 2
    assert (await _payment_kinds(flagged))[-1] == "refund_needed"


async def test_money_for_a_cancelled_order_is_kept_on_record_for_refund(db):
    shop = await build_shop()
    order, endpoint = await _ordered(shop)
    await lifecycle.cancel_order_as_buyer(order.payment_token)
    await record_transfer(
        "sepay", endpoint, credit(shop.accounts["ngoc_lu"], order.total_vnd, order.reference), NOW
    )
    flagged = await get_order(order.id)
    assert flagged.state == CANCELED and flagged.needs_refund


async def test_unknown_endpoints_record_nothing(db):
    shop = await build_shop()
    order, _ = await _ordered(shop)
    with pytest.raises(NotFound):
        await record_transfer(
            "sepay", "no-such-endpoint", credit(shop.accounts["ngoc_lu"], 1, order.reference)
        )
    assert await TransferRow.count() == 0
    assert (await get_order(order.id)).intent.state == REQUIRES_PAYMENT


def _seen_by(provider, account, amount, message, bank_reference):
    return Transfer(
        provider=provider,
        transaction_id=f"{provider}-{next(_ids)}",
        account_number=account,
        amount_vnd=amount,
        message=message,
        occurred_at=NOW,
        direction="in",
        raw={},
        bank_reference=bank_reference,
    )


async def test_one_credit_reported_by_two_providers_pays_once(db):
    """A producer switching from SePay to Casso has both watching the account for a while."""
    shop = await build_shop()
    order, sepay = await _ordered(shop)
    casso = await connect(shop, provider="casso")
    account = shop.accounts["ngoc_lu"]

    first = await record_transfer(
        "sepay", sepay, _seen_by("sepay", account, order.total_vnd, order.reference, "FT26061"), NOW
    )
    second = await record_transfer(
        "casso", casso, _seen_by("casso", account, order.total_vnd, order.reference, "FT26061"), NOW
    )

    assert (first.disposition, second.disposition) == (MATCHED, REPORTED_TWICE)
    assert second.order_reference == order.reference
    paid = await get_order(order.id)
    assert paid.intent.amount_received_vnd == order.total_vnd and not paid.intent.overpaid
    assert await _payment_kinds(paid) == ["created", "transfer_received", "succeeded"]
    # the seller's order page lists the credit once
    assert [t.provider for t in await transfers_of_order(order.id)] == ["sepay"]


async def test_two_providers_reporting_at_the_same_moment_still_pay_once(db):
    shop = await build_shop()
    order, sepay = await _ordered(shop)
    casso = await connect(shop, provider="casso")
    account = shop.accounts["ngoc_lu"]
    reports = [
        ("sepay", sepay, _seen_by("sepay", account, order.total_vnd, order.reference, "FT7")),
        ("casso", casso, _seen_by("casso", account, order.total_vnd, order.reference, "FT7")),
    ] * 3

    outcomes = await asyncio.gather(*(record_transfer(p, e, t, NOW) for p, e, t in reports))

    stored = {o.transfer_id: o.disposition for o in outcomes if not o.duplicate}
    assert sorted(stored.values()) == [MATCHED, REPORTED_TWICE]
    assert sum(o.duplicate for o in outcomes) == 4
    paid = await get_order(order.id)
    assert paid.intent.amount_received_vnd == order.total_vnd and not paid.intent.overpaid


async def test_two_real_credits_with_their_own_bank_references_both_count(db):
    shop = await build_shop()
    order, sepay = await _ordered(shop)
    casso = await connect(shop, provider="casso")
    account, half = shop.accounts["ngoc_lu"], order.total_vnd // 2
    rest = order.total_vnd - half
    await record_transfer(
        "sepay", sepay, _seen_by("sepay", account, half, order.reference, "FT1"), NOW
    )
    outcome = await record_transfer(
        "casso", casso, _seen_by("casso", account, rest, order.reference, "FT2"), NOW
    )
    assert outcome.disposition == MATCHED
    assert (await get_order(order.id)).intent.amount_received_vnd == order.total_vnd


async def test_an_unmatched_credit_reported_twice_waits_once_for_the_seller(db):
    shop = await build_shop()
    _, sepay = await _ordered(shop)
    casso = await connect(shop, provider="casso")
    account = shop.accounts["ngoc_lu"]
    for provider, endpoint in (("sepay", sepay), ("casso", casso)):
        await record_transfer(
            provider, endpoint, _seen_by(provider, account, 50_000, "ung ho", "FT9"), NOW
        )
    waiting = await unmatched_transfers(shop.seller, shop.producer_ids["ngoc_lu"])
    assert [(t.amount_vnd, t.provider) for t in waiting] == [(50_000, "sepay")]


async def test_a_credit_two_providers_left_waiting_pays_one_order_once(db):
    """On PostgreSQL two providers' reports of an unmatched credit, arriving at the same moment,
    can both be left waiting (neither sees the other's uncommitted row). The seller assigning
    one of them settles the other; assigning the other too is refused."""
    shop = await build_shop()
    order, sepay = await _ordered(shop)
    casso = await connect(shop, provider="casso")
    account = shop.accounts["ngoc_lu"]
    outcomes = [
        await record_transfer(
            provider, endpoint, _seen_by(provider, account, order.total_vnd, "ck tien", "FT31"), NOW
        )
        for provider, endpoint in (("sepay", sepay), ("casso", casso))
    ]
    # the state that race leaves: both waiting for the seller
    await TransferRow.update({TransferRow.disposition: UNMATCHED}).where(
        TransferRow.id == outcomes[1].transfer_id
    )
    producer_id = shop.producer_ids["ngoc_lu"]
    assert len(await unmatched_transfers(shop.seller, producer_id)) == 2

    await assign_transfer(shop.seller, producer_id, outcomes[0].transfer_id, order.reference, NOW)

    assert await unmatched_transfers(shop.seller, producer_id) == []
    with pytest.raises(Conflict) as refused:
        await assign_transfer(
            shop.seller, producer_id, outcomes[1].transfer_id, order.reference, NOW
        )
    assert refused.value.code == "transfer_not_assignable"
    paid = await get_order(order.id)
    assert paid.intent.amount_received_vnd == order.total_vnd and not paid.intent.overpaid
    assert [t.amount_vnd for t in await transfers_of_order(order.id)] == [order.total_vnd]
