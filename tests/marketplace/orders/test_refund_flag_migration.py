"""The migration that withdraws stale refund flags: orders revived before the fix were shown to
their sellers both as paid and as "cần hoàn tiền"."""

from datetime import UTC, datetime

from marketplace.db import write_transaction
from marketplace.orders.piccolo_migrations import orders_2026_11_24t13_00_00_000000 as m
from marketplace.orders.queries import get_order
from marketplace.orders.schemas import CANCELED, PAID
from marketplace.orders.tables import Order as OrderRow
from tests.shop import build_shop, checkout

NOW = datetime.now(UTC).replace(microsecond=0)


async def _migrate() -> None:
    manager = await m.forwards()
    async with write_transaction():
        for step in manager.raw:
            await step()


async def test_a_paid_order_loses_its_stale_refund_flag_and_a_cancelled_one_keeps_its_own(db):
    shop = await build_shop()
    (revived,) = await checkout({shop.product_ids["buoi"]: 1}, now=NOW)
    (cancelled,) = await checkout({shop.product_ids["buoi"]: 1}, now=NOW)
    # As the old code left them: revived and paid, yet flagged; cancelled with money received.
    await OrderRow.update({OrderRow.state: PAID, OrderRow.needs_refund: True}).where(
        OrderRow.id == revived.id
    )
    await OrderRow.update({OrderRow.state: CANCELED, OrderRow.needs_refund: True}).where(
        OrderRow.id == cancelled.id
    )

    await _migrate()

    paid = await get_order(revived.id)
    assert (paid.state, paid.needs_refund) == (PAID, False)
    still = await get_order(cancelled.id)
    assert (still.state, still.needs_refund) == (CANCELED, True)
