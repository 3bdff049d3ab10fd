"""Money meeting an order: credit a transfer, confirm by hand, expire, cancel, reserve again.

Every function here runs inside the caller's write transaction and begins by locking the
order row (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's single writer already serialises),
so a webhook, the expiry job and a seller's click on the same order happen one after another.

A transfer is never lost. For an expired order it revives the order when every line can be
reserved again; otherwise (or for a cancelled order) the money is recorded on the intent and
the order is flagged for refund. When an order so flagged is revived later (another transfer,
the buyer renewing, the seller's "đã nhận tiền" once stock is back), the money counts for it
and the flag is withdrawn: an order is never both paid and waiting for a refund.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marketplace.catalogue.products import release_stock, reserve_stock
from marketplace.db import is_sqlite, write_transaction
from marketplace.errors import Conflict, NotFound
from marketplace.orders import notifications
from marketplace.orders.schemas import (
    AWAITING_PAYMENT,
    CANCELED,
    EXPIRED,
    INTENT_CANCELED,
    PAID,
    REQUIRES_PAYMENT,
    SUCCEEDED,
    UNDERPAID,
)
from marketplace.orders.tables import Order as OrderRow
from marketplace.orders.tables import OrderLine as OrderLineRow
from marketplace.payments.intents import (
    PAYMENT_WINDOW,
    WAITING_STATES,
    intent_row_of_order,
    record_event,
    state_after_receiving,
    update_intent,
)


def order_not_found() -> NotFound:
    return NotFound("order_not_found", "Không tìm thấy đơn hàng.", "Order not found.")


async def lock_order(order_id: int) -> dict[str, Any]:
    """The order row, locked until the transaction ends (call inside write_transaction)."""
    query = OrderRow.select().where(OrderRow.id == order_id)
    if not is_sqlite():
        query = query.lock_rows()
    row: dict[str, Any] | None = await query.first()
    if row is None:
        raise order_not_found()
    return row


async def amount_received(order_id: int) -> int:
    """How many đồng have arrived for the order so far (0 without an intent)."""
    intent = await intent_row_of_order(order_id)
    return int(intent["amount_received_vnd"]) if intent else 0


async def update_order(order_id: int, now: datetime, **fields: Any) -> None:
    async with write_transaction():
        await OrderRow.update(**fields, updated_at=now).where(OrderRow.id == order_id)


async def _lines(order_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await OrderLineRow.select(OrderLineRow.product, OrderLineRow.quantity)
        .where(OrderLineRow.order == order_id)
        .order_by(OrderLineRow.product)
    )
    return rows


async def reserve_lines(order_id: int) -> bool:
    """Take the order's units off the shelf again; False (and nothing taken) if any is short.

    Products are reserved in id order, so two transactions never wait on each other in a cycle.
    """
    taken: list[dict[str, Any]] = []
    for line in await _lines(order_id):
        if not await reserve_stock(line["product"], line["quantity"]):
            for done in taken:
                await release_stock(done["product"], done["quantity"])
            return False
        taken.append(line)
    return True


async def release_lines(order_id: int) -> None:
    """Put the order's reserved units back on the shelf."""
    for line in await _lines(order_id):
        await release_stock(line["product"], line["quantity"])


async def revive(order: dict[str, Any], intent: dict[str, Any], now: datetime) -> bool:
    """Bring an expired order back to life, with a new expiry, if its stock can be reserved.

    Money that arrived while the order was expired (flagged for refund then) now counts for
    it: the refund flag is withdrawn and the intent is `succeeded` (the order paid) when that
    money covers the amount, `underpaid` when it does not. An order is never both paid and
    waiting for a refund.
    """
    if order["state"] != CANCELED or order["cancel_reason"] != "expired":
        return False
    if not await reserve_lines(order["id"]):
        return False
    await update_order(
        order["id"],
        now,
        state=AWAITING_PAYMENT,
        cancel_reason="",
        canceled_at=None,
        stock_reserved=True,
        needs_refund=False,
    )
    received = int(intent["amount_received_vnd"])
    state = (
        REQUIRES_PAYMENT if received == 0 else state_after_receiving(intent["amount_vnd"], received)
    )
    await update_intent(
        intent["id"],
        now,
        state=state,
        expires_at=now + PAYMENT_WINDOW,
        overpaid=received > intent["amount_vnd"],
        succeeded_at=now if state == SUCCEEDED else None,
    )
    await record_event(intent["id"], "revived", amount_vnd=received or None)
    if state == SUCCEEDED:
        await _complete(order["id"], intent["id"], now)
    elif state == UNDERPAID:
        await record_event(intent["id"], UNDERPAID, amount_vnd=intent["amount_vnd"] - received)
    return True


async def _flag_refund(
    order: dict[str, Any], intent: dict[str, Any], received: int, now: datetime
) -> None:
    await update_intent(intent["id"], now, amount_received_vnd=received)
    await update_order(order["id"], now, needs_refund=True)
    await record_event(intent["id"], "refund_needed", amount_vnd=received)


async def _complete(order_id: int, intent_id: int, now: datetime) -> None:
    await update_order(order_id, now, state=PAID, paid_at=now)
    await record_event(intent_id, SUCCEEDED)
    await notifications.enqueue_order_notification(order_id, notifications.ORDER_PAID, now)


async def credit_order(
    order: dict[str, Any],
    amount_vnd: int,
    now: datetime,
    *,
    transfer_id: int | None = None,
) -> str:
    """Apply a received transfer to a locked order; the intent's state afterwards.

    Equal → succeeded; less → underpaid (waits for the rest); more → succeeded, overpaid.
    """
    intent = await intent_row_of_order(order["id"])
    if intent is None:
        raise Conflict(
            "order_without_payment",
            "Đơn hàng này thanh toán khi nhận hàng, không qua chuyển khoản.",
            "This order is paid on delivery, not by transfer.",
        )
    received = intent["amount_received_vnd"] + amount_vnd
    await record_event(
        intent["id"], "transfer_received", amount_vnd=amount_vnd, transfer_id=transfer_id
    )
    if intent["state"] == EXPIRED and await revive(order, intent, now):
        intent = await _reread(order["id"])
    if intent["state"] in (EXPIRED, INTENT_CANCELED):
        await _flag_refund(order, intent, received, now)
        return str(intent["state"])
    overpaid = received > intent["amount_vnd"]
    if intent["state"] == SUCCEEDED:
        await update_intent(intent["id"], now, amount_received_vnd=received, overpaid=overpaid)
        if overpaid:  # not the money a seller confirmed by hand arriving after all
            await record_event(intent["id"], "overpaid", amount_vnd=received - intent["amount_vnd"])
        return SUCCEEDED
    state = state_after_receiving(intent["amount_vnd"], received)
    await update_intent(
        intent["id"],
        now,
        amount_received_vnd=received,
        state=state,
        overpaid=overpaid,
        succeeded_at=now if state == SUCCEEDED else None,
    )
    if state == SUCCEEDED:
        await _complete(order["id"], intent["id"], now)
        if overpaid:
            await record_event(intent["id"], "overpaid", amount_vnd=received - intent["amount_vnd"])
    else:
        await record_event(intent["id"], state, amount_vnd=intent["amount_vnd"] - received)
    return state


async def confirm_by_hand(order: dict[str, Any], actor_id: int, now: datetime) -> None:
    """The seller saw the money in the bank app: the intent succeeds, the order is paid.

    It also accepts an underpaid intent as it is, and revives an expired order if stock allows.
    """
    intent = await intent_row_of_order(order["id"])
    if intent is None or order["state"] not in (AWAITING_PAYMENT, CANCELED):
        raise Conflict(
            "order_not_awaiting_payment",
            "Đơn hàng này không ở trạng thái chờ thanh toán.",
            "This order is not awaiting payment.",
        )
    if intent["state"] == EXPIRED and await revive(order, intent, now):
        intent = await _reread(order["id"])
        if intent["state"] == SUCCEEDED:  # the late transfer flagged for refund paid it
            await record_event(intent["id"], "confirmed_by_hand", actor_id=actor_id)
            return
    if intent["state"] not in WAITING_STATES:
        raise Conflict(
            "order_not_awaiting_payment",
            "Đơn hàng đã hủy hoặc hết hạn và không còn đủ hàng để khôi phục.",
            "The order was cancelled or expired and cannot be revived: not enough stock.",
        )
    await update_intent(intent["id"], now, state=SUCCEEDED, succeeded_at=now)
    await record_event(intent["id"], "confirmed_by_hand", actor_id=actor_id)
    await _complete(order["id"], intent["id"], now)


async def _reread(order_id: int) -> dict[str, Any]:
    intent = await intent_row_of_order(order_id)
    assert intent is not None  # an intent is never deleted while its order exists
    return intent


async def expire(order: dict[str, Any], now: datetime) -> bool:
    """Expire a locked order whose intent waited past its expiry with nothing received."""
    intent = await intent_row_of_order(order["id"])
    if intent is None or intent["state"] != REQUIRES_PAYMENT or intent["expires_at"] > now:
        return False
    await update_intent(intent["id"], now, state=EXPIRED)
    await record_event(intent["id"], EXPIRED)
    await cancel(order, "expired", now)
    return True


async def cancel(
    order: dict[str, Any], reason: str, now: datetime, actor_id: int | None = None
) -> None:
    """Cancel a locked order: stock goes back, a waiting intent is cancelled.

    Money already received (an underpaid or paid order) flags the order for refund.
    """
    intent = await intent_row_of_order(order["id"])
    refund = False
    if intent is not None:
        refund = intent["amount_received_vnd"] > 0 or intent["state"] == SUCCEEDED
        if intent["state"] in (*WAITING_STATES, SUCCEEDED):
            await update_intent(intent["id"], now, state=INTENT_CANCELED)
            await record_event(intent["id"], INTENT_CANCELED, actor_id=actor_id, detail=reason)
    if order["stock_reserved"]:
        await release_lines(order["id"])
    await update_order(
        order["id"],
        now,
        state=CANCELED,
        cancel_reason=reason,
        canceled_at=now,
        stock_reserved=False,
        needs_refund=order["needs_refund"] or refund,
    )
