"""New-order badges: how many orders arrived since a seller last opened the order queue.

Outbound notifications (a webhook or e-mail to the seller) are not built yet; the badge on the
seller's pages is the notification.
"""

from __future__ import annotations

from datetime import UTC, datetime

from marketplace.db import write_transaction
from marketplace.orders.tables import Order as OrderRow
from marketplace.orders.tables import SellerLastSeen

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


async def _last_seen(user_id: int, producer_id: int) -> datetime:
    row = (
        await SellerLastSeen.select(SellerLastSeen.seen_at)
        .where((SellerLastSeen.user == user_id) & (SellerLastSeen.producer == producer_id))
        .first()
    )
    return row["seen_at"] if row else _EPOCH


async def new_order_count(user_id: int, producer_id: int) -> int:
    """Orders of the producer placed after the user last looked at its order queue."""
    since = await _last_seen(user_id, producer_id)
    count: int = await OrderRow.count().where(
        (OrderRow.producer == producer_id) & (OrderRow.created_at > since)
    )
    return count


async def mark_orders_seen(user_id: int, producer_id: int, now: datetime | None = None) -> None:
    """The user has now seen every order of the producer: the badge starts again from zero."""
    now = now or datetime.now(UTC)
    where = (SellerLastSeen.user == user_id) & (SellerLastSeen.producer == producer_id)
    async with write_transaction():
        if await SellerLastSeen.exists().where(where):
            await SellerLastSeen.update({SellerLastSeen.seen_at: now}).where(where)
        else:
            await SellerLastSeen.insert(
                SellerLastSeen(user=user_id, producer=producer_id, seen_at=now)
            )
