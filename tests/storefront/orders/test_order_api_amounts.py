"""What an app shows for an order must be what the pages show."""

import itertools
from datetime import UTC, datetime

from marketplace.payments import vietqr
from marketplace.payments.providers import Transfer
from marketplace.payments.transfers import record_transfer
from tests.shop import build_shop, checkout, connect

_ids = itertools.count(7000)


async def test_an_underpaid_orders_api_qr_asks_for_what_is_still_due(client):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    endpoint = await connect(shop)
    paid = order.total_vnd - 1_000
    await record_transfer(
        "sepay",
        endpoint,
        Transfer(
            provider="sepay",
            transaction_id=str(next(_ids)),
            account_number=shop.accounts["ngoc_lu"],
            amount_vnd=paid,
            message=order.reference,
            occurred_at=datetime.now(UTC),
            direction="in",
            raw={},
        ),
    )

    intent = (await client.get(f"/api/v1/payment-intents/{order.payment_token}")).json()

    assert intent["amount_due_vnd"] == 1_000
    decoded = vietqr.decode(intent["vietqr_payload"])
    assert decoded.amount == 1_000  # not the whole order again
    assert decoded.purpose == order.reference
