"""Payment intents: what a buyer must transfer for one order, and an append-only history.

States: `requires_payment → succeeded | underpaid | expired | canceled`; `overpaid` is a flag
on a succeeded intent. An underpaid intent keeps waiting (it never expires: money has arrived
and the goods stay reserved) until the rest arrives or the seller accepts it ("đã nhận tiền")
or cancels the order (then a refund is flagged). The functions that change an intent run
inside the caller's write transaction with the order row locked (see
`marketplace.orders.settlement`); every change appends a `PaymentEvent`, which is never updated
or deleted (a database trigger refuses updates).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from marketplace.catalogue.schemas import BankAccount
from marketplace.db import reading, write_transaction
from marketplace.errors import NotFound
from marketplace.orders.schemas import (
    EXPIRED,
    INTENT_CANCELED,
    REQUIRES_PAYMENT,
    SUCCEEDED,
    UNDERPAID,
    PaymentEvent,
    PaymentIntent,
)
from marketplace.orders.tables import Order as OrderRow
from marketplace.orders.tables import PaymentEvent as PaymentEventRow
from marketplace.orders.tables import PaymentIntent as PaymentIntentRow
from marketplace.payments import vietqr

PAYMENT_WINDOW = timedelta(minutes=30)
WAITING_STATES = (REQUIRES_PAYMENT, UNDERPAID)
CLOSED_STATES = (EXPIRED, INTENT_CANCELED)


def intent_not_found() -> NotFound:
    return NotFound(
        "payment_intent_not_found",
        "Không tìm thấy yêu cầu thanh toán. Vui lòng kiểm tra lại đường dẫn.",
        "Payment not found. Please check the link.",
    )


def as_intent(row: dict[str, Any]) -> PaymentIntent:
    return PaymentIntent(
        id=row["id"],
        order_id=row["order"],
        reference=row["reference"],
        amount_vnd=row["amount_vnd"],
        amount_received_vnd=row["amount_received_vnd"],
        bank_bin=row["bank_bin"],
        account=row["account"],
        holder=row["holder"],
        payload=row["payload"],
        state=row["state"],
        overpaid=row["overpaid"],
        expires_at=row["expires_at"],
        created_at=row["created_at"],
        succeeded_at=row["succeeded_at"],
    )


async def record_event(
    intent_id: int,
    kind: str,
    *,
    amount_vnd: int | None = None,
    transfer_id: int | None = None,
    actor_id: int | None = None,
    detail: str = "",
) -> None:
    """Append one entry to the intent's history (the log only ever grows)."""
    async with write_transaction():
        await PaymentEventRow.insert(
            PaymentEventRow(
                intent=intent_id,
                kind=kind,
                amount_vnd=amount_vnd,
                transfer=transfer_id,
                actor=actor_id,
                detail=detail,
            )
        )


async def open_intent(
    order_id: int, reference: str, amount_vnd: int, bank: BankAccount, now: datetime
) -> int:
    """A new intent for an order: a dynamic VietQR to the producer's own account.

    The transfer message (62/08) is the order reference alone, so that it fits every bank's
    limit and is found in whatever text the bank adds around it.
    """
    payload = vietqr.encode(bank.bank_bin, bank.account, amount=amount_vnd, purpose=reference)
    async with write_transaction():
        rows = await PaymentIntentRow.insert(
            PaymentIntentRow(
                order=order_id,
                reference=reference,
                amount_vnd=amount_vnd,
                bank_bin=bank.bank_bin,
                account=bank.account,
                holder=bank.holder,
                payload=payload,
                state=REQUIRES_PAYMENT,
                expires_at=now + PAYMENT_WINDOW,
                created_at=now,
                updated_at=now,
            )
        )
        intent_id = int(rows[0]["id"])
        await record_event(intent_id, "created", amount_vnd=amount_vnd)
    return intent_id


async def intent_row_of_order(order_id: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = (
        await PaymentIntentRow.select().where(PaymentIntentRow.order == order_id).first()
    )
    return row


async def intents_of_orders(order_ids: list[int]) -> dict[int, PaymentIntent]:
    if not order_ids:
        return {}
    rows = await PaymentIntentRow.select().where(PaymentIntentRow.order.is_in(order_ids))
    return {row["order"]: as_intent(row) for row in rows}


async def intent_by_payment_token(payment_token: str) -> PaymentIntent:
    """The intent behind a buyer's secret payment link; NotFound for unknown links."""
    async with reading():
        order = (
            await OrderRow.select(OrderRow.id)
            .where(OrderRow.payment_token == payment_token)
            .first()
        )
        row = await intent_row_of_order(order["id"]) if order else None
    if row is None:
        raise intent_not_found()
    return as_intent(row)


async def events_of(intent_id: int) -> list[PaymentEvent]:
    """The intent's history, oldest first."""
    rows = (
        await PaymentEventRow.select()
        .where(PaymentEventRow.intent == intent_id)
        .order_by(PaymentEventRow.id)
    )
    return [
        PaymentEvent(
            id=row["id"],
            kind=row["kind"],
            amount_vnd=row["amount_vnd"],
            transfer_id=row["transfer"],
            detail=row["detail"],
            created_at=row["created_at"],
        )
        for row in rows
    ]


async def update_intent(intent_id: int, now: datetime, **fields: Any) -> None:
    """Write new values on an intent (callers hold the order's lock and log an event)."""
    async with write_transaction():
        await PaymentIntentRow.update(**fields, updated_at=now).where(
            PaymentIntentRow.id == intent_id
        )


def state_after_receiving(amount_vnd: int, received_vnd: int) -> str:
    """`succeeded` once the whole amount has arrived, else `underpaid`."""
    return SUCCEEDED if received_vnd >= amount_vnd else UNDERPAID


def payable_payload(intent: PaymentIntent) -> str:
    """The VietQR to show now: the full amount, or what is still due after an underpayment.

    The transfer message stays the order reference, so the rest matches the same order.
    """
    if intent.state != UNDERPAID or intent.amount_due_vnd <= 0:
        return intent.payload
    return vietqr.encode(
        intent.bank_bin, intent.account, amount=intent.amount_due_vnd, purpose=intent.reference
    )
