"""Order state changes after checkout, one function each.

    awaiting_payment ──verified transfer / “đã nhận tiền”──▶ paid ──▶ packing ──▶ shipped
    cod_pending ───────────────────────────────────────────────▶ packing ──▶ shipped
    awaiting_payment ──expiry / buyer / seller──▶ canceled (stock released)
    paid, packing, cod_pending ──seller──▶ canceled (refund flagged when money arrived)
    canceled by expiry ──late transfer / renew / “đã nhận tiền”──▶ awaiting_payment or paid,
                       if every line can be reserved again (else the money flags a refund)

A redirect or a buyer's claim never marks anything paid: only a verified provider webhook
(`marketplace.payments.transfers`) or the seller's own confirmation does.
"""

from __future__ import annotations

from datetime import UTC, datetime

from marketplace.accounts.service import Account
from marketplace.catalogue import members
from marketplace.db import write_transaction
from marketplace.errors import Conflict
from marketplace.orders import settlement
from marketplace.orders.queries import get_order
from marketplace.orders.schemas import (
    AWAITING_PAYMENT,
    CANCELED,
    COD_PENDING,
    EXPIRED,
    INTENT_CANCELED,
    PACKING,
    PAID,
    REQUIRES_PAYMENT,
    SHIPPED,
    Order,
)
from marketplace.orders.tables import Order as OrderRow
from marketplace.orders.tables import PaymentIntent as PaymentIntentRow
from marketplace.payments.intents import intent_not_found, intent_row_of_order


def _now(now: datetime | None) -> datetime:
    # Stored times are UTC; SQLite compares them as text, so every instant is made UTC first.
    return (now or datetime.now(UTC)).astimezone(UTC)


async def _seller_order_id(account: Account, producer_id: int, order_id: int) -> int:
    await members.require_member(account.id, producer_id)
    if not await OrderRow.exists().where(
        (OrderRow.id == order_id) & (OrderRow.producer == producer_id)
    ):
        raise settlement.order_not_found()
    return order_id


def _wrong_state(state_vi: str, state_en: str) -> Conflict:
    return Conflict(
        "order_state_conflict",
        f"Chỉ làm được việc này với đơn hàng {state_vi}.",
        f"This can only be done to an order that is {state_en}.",
    )


async def expire_unpaid(now: datetime | None = None) -> int:
    """Expire every intent still unpaid past its expiry; their stock goes back. How many."""
    now = _now(now)
    due = await PaymentIntentRow.select(PaymentIntentRow.order).where(
        (PaymentIntentRow.state == REQUIRES_PAYMENT) & (PaymentIntentRow.expires_at <= now)
    )
    expired = 0
    for row in due:
        async with write_transaction():
            order = await settlement.lock_order(row["order"])
            expired += await settlement.expire(order, now)
    return expired


async def expire_if_due(payment_token: str, now: datetime | None = None) -> None:
    """Expire this order at once if its payment window has passed.

    Pages and the API call it before showing an order, so the buyer never sees a live QR past
    its expiry even between two runs of `langso payments expire`.
    """
    now = _now(now)
    order_id = await _order_id_by_token(payment_token)
    intent = await intent_row_of_order(order_id)
    if intent is None or intent["state"] != REQUIRES_PAYMENT or intent["expires_at"] > now:
        return
    async with write_transaction():
        await settlement.expire(await settlement.lock_order(order_id), now)


async def cancel_order_as_buyer(payment_token: str, now: datetime | None = None) -> Order:
    """The buyer, holding the secret payment link, cancels an order nothing was paid for."""
    now = _now(now)
    async with write_transaction():
        found = (
            await OrderRow.select(OrderRow.id)
            .where(OrderRow.payment_token == payment_token)
            .first()
        )
        if found is None:
            raise settlement.order_not_found()
        order = await settlement.lock_order(found["id"])
        received = await settlement.amount_received(order["id"])
        if order["state"] not in (AWAITING_PAYMENT, COD_PENDING) or received:
            raise Conflict(
                "order_not_cancelable",
                "Đơn hàng đã được thanh toán hoặc xử lý, không thể tự hủy. Vui lòng liên hệ "
                "người bán.",
                "This order has been paid or handled and cannot be cancelled here. Please "
                "contact the seller.",
            )
        await settlement.cancel(order, "buyer", now)
    return await get_order(order["id"])


async def renew_payment(payment_token: str, now: datetime | None = None) -> Order:
    """Give an order whose payment expired a new expiry, if its stock can be reserved again.

    An order whose intent is still live (or paid) is returned as it is.
    """
    now = _now(now)
    async with write_transaction():
        order = await settlement.lock_order(await _order_id_by_token(payment_token))
        intent = await intent_row_of_order(order["id"])
        if intent is None:
            raise intent_not_found()
        if intent["state"] == EXPIRED and not await settlement.revive(order, intent, now):
            raise Conflict(
                "out_of_stock",
                "Đơn hàng đã hết hạn và sản phẩm không còn đủ hàng để đặt lại.",
                "The order expired and its products are no longer in stock.",
            )
        if intent["state"] == INTENT_CANCELED:
            raise Conflict("order_canceled", "Đơn hàng này đã bị hủy.", "This order was cancelled.")
    return await get_order(order["id"])


async def _order_id_by_token(payment_token: str) -> int:
    found = (
        await OrderRow.select(OrderRow.id).where(OrderRow.payment_token == payment_token).first()
    )
    if found is None:
        raise settlement.order_not_found()
    return int(found["id"])


async def cancel_order_as_seller(
    account: Account, producer_id: int, order_id: int, now: datetime | None = None
) -> Order:
    """The seller cancels an order not yet shipped; money already received flags a refund."""
    await _seller_order_id(account, producer_id, order_id)
    now = _now(now)
    async with write_transaction():
        order = await settlement.lock_order(order_id)
        if order["state"] in (SHIPPED, CANCELED):
            raise Conflict(
                "order_not_cancelable",
                "Đơn hàng đã gửi hoặc đã hủy, không thể hủy nữa.",
                "The order was shipped or cancelled already.",
            )
        await settlement.cancel(order, "seller", now, actor_id=account.id)
    return await get_order(order_id)


async def confirm_paid_by_hand(
    account: Account, producer_id: int, order_id: int, now: datetime | None = None
) -> Order:
    """“Đã nhận tiền”: the seller saw the transfer in the bank app and marks the order paid."""
    await _seller_order_id(account, producer_id, order_id)
    now = _now(now)
    async with write_transaction():
        order = await settlement.lock_order(order_id)
        await settlement.confirm_by_hand(order, account.id, now)
    return await get_order(order_id)


async def _advance(
    order_id: int, allowed: tuple[str, ...], target: str, now: datetime, **extra: object
) -> Order:
    async with write_transaction():
        order = await settlement.lock_order(order_id)
        if order["state"] not in allowed:
            raise _wrong_state(*_ALLOWED_WORDS[target])
        await settlement.update_order(order_id, now, state=target, **extra)
    return await get_order(order_id)


_ALLOWED_WORDS = {
    PACKING: ("đã thanh toán hoặc thu tiền khi giao", "paid or cash on delivery"),
    SHIPPED: ("đang đóng gói", "being packed"),
}


async def mark_packing(
    account: Account, producer_id: int, order_id: int, now: datetime | None = None
) -> Order:
    """The seller starts packing a paid (or cash-on-delivery) order."""
    await _seller_order_id(account, producer_id, order_id)
    return await _advance(order_id, (PAID, COD_PENDING), PACKING, _now(now))


async def mark_shipped(
    account: Account, producer_id: int, order_id: int, now: datetime | None = None
) -> Order:
    """The seller hands the packed order to the carrier (or to the buyer at pickup)."""
    await _seller_order_id(account, producer_id, order_id)
    now = _now(now)
    return await _advance(order_id, (PACKING,), SHIPPED, now, shipped_at=now)
