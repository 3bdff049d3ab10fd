"""A late transfer flagged for refund counts for its order once the order is revived: an order
is never shown both as paid and as waiting for a refund."""

import itertools
from datetime import UTC, datetime, timedelta

from marketplace.catalogue.queries import get_product
from marketplace.orders import lifecycle
from marketplace.orders.queries import get_order
from marketplace.orders.schemas import CANCELED, PAID, SUCCEEDED, UNDERPAID
from marketplace.payments.intents import PAYMENT_WINDOW
from marketplace.payments.providers import Transfer
from marketplace.payments.transfers import MATCHED, record_transfer
from tests.shop import build_shop, checkout, connect
from tests.support import submit

NOW = datetime.now(UTC).replace(microsecond=0)
_ids = itertools.count(9000)
REFUND_BUYER = "người bán sẽ liên hệ để hoàn tiền"
REFUND_SELLER = "Người mua đã chuyển tiền cho đơn đã hủy hoặc hết hạn: cần hoàn tiền."


def credit(account, amount, message):
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


async def _flagged_for_refund(amount_of_total=1.0):
    """An expired order whose late transfer found no stock, then the stock came back."""
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 4}, now=NOW)
    endpoint = await connect(shop)
    await lifecycle.expire_unpaid(NOW + PAYMENT_WINDOW)
    (other,) = await checkout({shop.product_ids["buoi"]: 8}, now=NOW + PAYMENT_WINDOW)
    late = credit(shop.accounts["ngoc_lu"], int(order.total_vnd * amount_of_total), order.reference)
    await record_transfer("sepay", endpoint, late, NOW + PAYMENT_WINDOW)
    flagged = await get_order(order.id)
    assert flagged.state == CANCELED and flagged.needs_refund
    await lifecycle.cancel_order_as_buyer(other.payment_token, NOW + PAYMENT_WINDOW)
    assert (await get_product(shop.product_ids["buoi"])).stock == 10
    return shop, order, endpoint


async def _log_in(client, account):
    response = await submit(
        client, "/login", {"phone": account.phone, "password": "mat-khau-ban-hang"}
    )
    assert response.status_code == 200


async def test_marking_paid_by_hand_uses_the_late_transfer_and_withdraws_the_refund(client):
    shop, order, _ = await _flagged_for_refund()
    await _log_in(client, shop.seller)
    base = f"/seller/{order.producer_id}/orders/{order.id}"

    page = await submit(client, f"{base}/confirm-payment", {}, base)

    assert page.status_code == 200
    assert "Đã thanh toán" in page.text
    assert REFUND_SELLER not in page.text
    paid = await get_order(order.id)
    assert paid.state == PAID and not paid.needs_refund
    assert paid.intent.state == SUCCEEDED
    assert paid.intent.amount_received_vnd == order.total_vnd
    assert (await get_product(shop.product_ids["buoi"])).stock == 6
    queue = await client.get(f"/seller/{order.producer_id}/orders")
    assert "Cần hoàn tiền" not in queue.text
    buyer_page = await client.get(f"/pay/{order.payment_token}")
    assert REFUND_BUYER not in buyer_page.text


async def test_the_rest_of_a_short_late_transfer_pays_the_revived_order(db):
    shop, order, endpoint = await _flagged_for_refund(amount_of_total=0.5)
    first = order.total_vnd // 2
    rest = credit(shop.accounts["ngoc_lu"], order.total_vnd - first, order.reference)

    outcome = await record_transfer("sepay", endpoint, rest, NOW + PAYMENT_WINDOW * 2)

    assert (outcome.disposition, outcome.intent_state) == (MATCHED, SUCCEEDED)
    paid = await get_order(order.id)
    assert paid.state == PAID and not paid.needs_refund
    assert paid.intent.amount_received_vnd == order.total_vnd


async def test_a_buyer_renewing_sees_only_what_is_still_due(db):
    _, order, _ = await _flagged_for_refund(amount_of_total=0.5)

    renewed = await lifecycle.renew_payment(order.payment_token, NOW + timedelta(hours=2))

    assert not renewed.needs_refund
    assert renewed.intent.state == UNDERPAID
    assert renewed.intent.amount_due_vnd == order.total_vnd - order.total_vnd // 2
