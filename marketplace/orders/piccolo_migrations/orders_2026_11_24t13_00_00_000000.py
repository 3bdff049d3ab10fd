"""An order is never both paid (or awaiting payment) and waiting for a refund.

Before 2026-11-24, an order that expired, received a late transfer (and so was flagged
"cần hoàn tiền") and was then revived kept its refund flag: the money counted for the order,
yet the seller's list still asked them to send it back. Only a cancelled order is refunded, so
the flag is withdrawn from every order that is not cancelled. Orders still awaiting payment
although the money on record covers them are logged, for their sellers to confirm by hand.
"""

import logging

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from marketplace.db import DB

ID = "2026-11-24T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "withdraw the refund flag from orders that are not cancelled"

_STALE = "FROM orders_order WHERE needs_refund AND state <> 'canceled'"

log = logging.getLogger("langso.migrations")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="orders", description=DESCRIPTION)

    async def settle() -> None:
        covered = await DB.run_ddl(
            "SELECT o.reference FROM orders_order o JOIN orders_payment_intent i "
            "ON i.\"order\" = o.id WHERE o.needs_refund AND o.state = 'awaiting_payment' "
            "AND i.amount_received_vnd >= i.amount_vnd"
        )
        for row in covered or []:
            log.warning(
                "order %s: the money received covers it; its seller should confirm it paid",
                row["reference"],
            )
        await DB.run_ddl(f"UPDATE orders_order SET needs_refund = false WHERE id IN (SELECT id {_STALE})")

    manager.add_raw(settle)
    return manager
