"""Reconciling reported bank transfers with orders.

Every transfer a provider reports is stored once per (connection, provider transaction id):
the same webhook delivered ten times, or ten times at once, makes one payment. Only credits
into the producer's own bank account count; the order is found by its reference anywhere in
the normalised transfer message and the amount decides the intent's state
(`marketplace.orders.settlement.credit_order`). Credits without a known reference wait for
the seller to assign them ("gán cho đơn").

The receiving account is the producer's account now, or the one an order's QR showed when the
producer has changed it since: a transfer into that account with that order's reference pays
it, and any other credit into an account the producer once asked buyers to pay waits for the
seller as unmatched. Credits into accounts no order ever named are ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marketplace.accounts.service import Account
from marketplace.catalogue import members
from marketplace.catalogue.queries import payment_account
from marketplace.db import is_sqlite, write_transaction
from marketplace.errors import Conflict
from marketplace.orders.schemas import DELIVERY_COD, ReceivedTransfer, TransferOutcome
from marketplace.orders.settlement import credit_order, lock_order, order_not_found
from marketplace.orders.tables import Order as OrderRow
from marketplace.orders.tables import PaymentIntent as PaymentIntentRow
from marketplace.orders.tables import ReceivedTransfer as TransferRow
from marketplace.payments.connections import Connection, endpoint
from marketplace.payments.providers import Transfer
from marketplace.payments.references import find_reference

MATCHED = "matched"
UNMATCHED = "unmatched"
ASSIGNED = "assigned"
IGNORED_OUTGOING = "ignored_outgoing"
IGNORED_OTHER_ACCOUNT = "ignored_other_account"
REPORTED_TWICE = "reported_twice"


def _account_key(account: str) -> str:
    return "".join(account.split()).upper()


def _into_account(transfer: Transfer, account: str) -> bool:
    # SePay and Casso may report a virtual/sub account in front of the real one.
    candidates = [
        transfer.account_number,
        str(transfer.raw.get("subAccount") or ""),
        str(transfer.raw.get("virtualAccountNumber") or ""),
    ]
    return _account_key(account) in {_account_key(c) for c in candidates if c}


async def _into_intent_account(transfer: Transfer, order_id: int) -> bool:
    """Whether the transfer went into the account the order's payment QR showed."""
    row = (
        await PaymentIntentRow.select(PaymentIntentRow.account)
        .where(PaymentIntentRow.order == order_id)
        .first()
    )
    return row is not None and _into_account(transfer, str(row["account"]))


async def _into_former_account(producer_id: int, transfer: Transfer) -> bool:
    """Whether the transfer went into an account some order of the producer asked for."""
    rows = (
        await PaymentIntentRow.select(PaymentIntentRow.account)
        .where(PaymentIntentRow.order.producer == producer_id)
        .distinct()
    )
    return any(_into_account(transfer, str(row["account"])) for row in rows)


async def _claim(connection: Connection, transfer: Transfer, now: datetime) -> int | None:
    """Store the transfer; None when this (connection, transaction id) was stored before."""
    rows = (
        await TransferRow.insert(
            TransferRow(
                connection=connection.id,
                producer=connection.producer_id,
                provider=transfer.provider,
                provider_transaction_id=transfer.transaction_id[:100],
                bank_reference=transfer.bank_reference[:100],
                account_number=transfer.account_number[:40],
                amount_vnd=transfer.amount_vnd,
                direction=transfer.direction,
                message=transfer.message,
                occurred_at=transfer.occurred_at,
                received_at=now,
                disposition=UNMATCHED,
                raw_json=json.dumps(transfer.raw, ensure_ascii=False, default=str),
            )
        )
        .on_conflict(
            target=(TransferRow.connection, TransferRow.provider_transaction_id),
            action="DO NOTHING",
        )
        .returning(TransferRow.id)
    )
    return int(rows[0]["id"]) if rows else None


async def _order_for_message(producer_id: int, message: str) -> int | None:
    for reference in find_reference(message):
        row = (
            await OrderRow.select(OrderRow.id)
            .where(
                (OrderRow.reference == reference)
                & (OrderRow.producer == producer_id)
                & (OrderRow.delivery_method != DELIVERY_COD)
            )
            .first()
        )
        if row is not None:
            return int(row["id"])
    return None


async def _settle(
    connection: Connection, transfer: Transfer, transfer_id: int, now: datetime
) -> tuple[str, int | None, str | None]:
    if transfer.direction != "in":
        return IGNORED_OUTGOING, None, None
    bank = await payment_account(connection.producer_id)
    order_id = await _order_for_message(connection.producer_id, transfer.message)
    if bank is None or not _into_account(transfer, bank.account):
        # Not the producer's account now: the QR an order's intent showed may still name the
        # account it had before a change; money sent there pays that order, and money into
        # any account the producer ever asked buyers to pay waits for the seller.
        paid_as_asked = order_id is not None and await _into_intent_account(transfer, order_id)
        if not paid_as_asked:
            if not await _into_former_account(connection.producer_id, transfer):
                return IGNORED_OTHER_ACCOUNT, None, None
            order_id = None
    if order_id is None:
        earlier = await _reported_before(connection, transfer, transfer_id)
        if earlier is not None:
            return REPORTED_TWICE, earlier.order_id, None
        return UNMATCHED, None, None
    order = await lock_order(order_id)
    # Checked under the order's lock: a second provider's report of the same credit, even one
    # arriving at the same moment, waits here for the first and then sees it.
    if await _reported_before(connection, transfer, transfer_id) is not None:
        return REPORTED_TWICE, order_id, None
    state = await credit_order(order, transfer.amount_vnd, now, transfer_id=transfer_id)
    return MATCHED, order_id, state


@dataclass(frozen=True)
class _EarlierReport:
    order_id: int | None


async def _reported_before(
    connection: Connection, transfer: Transfer, transfer_id: int
) -> _EarlierReport | None:
    """The same bank transaction reported earlier through another of the producer's
    connections (SePay and Casso both watching the account, say), if it was. The bank's
    reference and the amount together name one transaction of the producer's account."""
    if not transfer.bank_reference:
        return None
    row = (
        await TransferRow.select(TransferRow.order)
        .where(
            (TransferRow.producer == connection.producer_id)
            & (TransferRow.bank_reference == transfer.bank_reference[:100])
            & (TransferRow.amount_vnd == transfer.amount_vnd)
            & (TransferRow.connection != connection.id)
            & (TransferRow.id != transfer_id)
            & TransferRow.disposition.is_in([MATCHED, UNMATCHED, ASSIGNED])
        )
        .order_by(TransferRow.id)
        .first()
    )
    return None if row is None else _EarlierReport(row["order"])


async def _reference_of(order_id: int | None) -> str | None:
    if order_id is None:
        return None
    row = await OrderRow.select(OrderRow.reference).where(OrderRow.id == order_id).first()
    return str(row["reference"]) if row else None


async def _duplicate(connection_id: int, transaction_id: str) -> TransferOutcome:
    row = (
        await TransferRow.select(TransferRow.id, TransferRow.disposition, TransferRow.order)
        .where(
            (TransferRow.connection == connection_id)
            & (TransferRow.provider_transaction_id == transaction_id[:100])
        )
        .first()
    )
    assert row is not None  # the conflict that sent us here proves it exists
    return TransferOutcome(
        transfer_id=row["id"],
        disposition=row["disposition"],
        duplicate=True,
        order_reference=await _reference_of(row["order"]),
    )


async def record_transfer(
    provider: str, endpoint_id: str, transfer: Transfer, now: datetime | None = None
) -> TransferOutcome:
    """Record one authenticated transfer for the connection at `endpoint_id`; idempotent."""
    connection, _ = await endpoint(provider, endpoint_id)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    async with write_transaction():
        transfer_id = await _claim(connection, transfer, now)
        if transfer_id is None:
            return await _duplicate(connection.id, transfer.transaction_id)
        disposition, order_id, state = await _settle(connection, transfer, transfer_id, now)
        await TransferRow.update(
            {TransferRow.disposition: disposition, TransferRow.order: order_id}
        ).where(TransferRow.id == transfer_id)
        reference = await _reference_of(order_id)
    return TransferOutcome(transfer_id, disposition, False, reference, state)


async def assign_transfer(
    account: Account,
    producer_id: int,
    transfer_id: int,
    order_reference: str,
    now: datetime | None = None,
) -> TransferOutcome:
    """The seller says which order an unmatched credit pays (“gán cho đơn”)."""
    await members.require_member(account.id, producer_id)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    reference = "".join(order_reference.split()).upper()
    async with write_transaction():
        order_row = (
            await OrderRow.select(OrderRow.id)
            .where((OrderRow.reference == reference) & (OrderRow.producer == producer_id))
            .first()
        )
        if order_row is None:
            raise order_not_found()
        twins = await _lock_reports_of_credit(producer_id, transfer_id)
        if any(t["disposition"] in (MATCHED, ASSIGNED) for t in twins):
            raise _not_assignable()  # another provider's report of it already paid an order
        claimed = (
            await TransferRow.update(
                {TransferRow.disposition: ASSIGNED, TransferRow.order: order_row["id"]}
            )
            .where(
                (TransferRow.id == transfer_id)
                & (TransferRow.producer == producer_id)
                & (TransferRow.disposition == UNMATCHED)
            )
            .returning(TransferRow.amount_vnd)
        )
        if not claimed:
            raise _not_assignable()
        if twins:  # reported by two providers at the same moment: both waited; one pays
            await TransferRow.update(
                {TransferRow.disposition: REPORTED_TWICE, TransferRow.order: order_row["id"]}
            ).where(
                TransferRow.id.is_in([t["id"] for t in twins])
                & (TransferRow.disposition == UNMATCHED)
            )
        order = await lock_order(order_row["id"])
        state = await credit_order(order, claimed[0]["amount_vnd"], now, transfer_id=transfer_id)
    return TransferOutcome(transfer_id, ASSIGNED, False, reference, state)


async def _lock_reports_of_credit(producer_id: int, transfer_id: int) -> list[dict[str, Any]]:
    """The other reports of the bank transaction `transfer_id` reports (same bank reference
    and amount), with it, locked in id order so that two sellers' assignments take turns."""
    row = (
        await TransferRow.select(TransferRow.bank_reference, TransferRow.amount_vnd)
        .where((TransferRow.id == transfer_id) & (TransferRow.producer == producer_id))
        .first()
    )
    if row is None or not row["bank_reference"]:
        return []
    query = (
        TransferRow.select(TransferRow.id, TransferRow.disposition)
        .where(
            (TransferRow.producer == producer_id)
            & (TransferRow.bank_reference == row["bank_reference"])
            & (TransferRow.amount_vnd == row["amount_vnd"])
        )
        .order_by(TransferRow.id)
    )
    if not is_sqlite():  # SQLite's write transaction already runs alone
        query = query.lock_rows()
    rows: list[dict[str, Any]] = await query
    return [r for r in rows if r["id"] != transfer_id]


def _not_assignable() -> Conflict:
    return Conflict(
        "transfer_not_assignable",
        "Giao dịch này không còn chờ gán (đã gán cho đơn khác hoặc không thuộc cơ sở này).",
        "This transfer is no longer waiting to be assigned (or is not this producer's).",
    )


def _transfer(row: dict[str, Any]) -> ReceivedTransfer:
    return ReceivedTransfer(
        id=row["id"],
        provider=row["provider"],
        provider_transaction_id=row["provider_transaction_id"],
        account_number=row["account_number"],
        amount_vnd=row["amount_vnd"],
        direction=row["direction"],
        message=row["message"],
        occurred_at=row["occurred_at"],
        received_at=row["received_at"],
        disposition=row["disposition"],
        order_id=row["order"],
        order_reference=row["order.reference"],
    )


async def unmatched_transfers(account: Account, producer_id: int) -> list[ReceivedTransfer]:
    """Credits into the producer's account that name no order, newest first."""
    await members.require_member(account.id, producer_id)
    rows = (
        await TransferRow.select(*TransferRow.all_columns(), TransferRow.order.reference)
        .where((TransferRow.producer == producer_id) & (TransferRow.disposition == UNMATCHED))
        .order_by(TransferRow.id, ascending=False)
        .limit(100)
    )
    return [_transfer(row) for row in rows]


async def transfers_of_order(order_id: int) -> list[ReceivedTransfer]:
    """Transfers that paid (part of) an order, oldest first (a credit reported by two
    providers once)."""
    rows = (
        await TransferRow.select(*TransferRow.all_columns(), TransferRow.order.reference)
        .where((TransferRow.order == order_id) & (TransferRow.disposition != REPORTED_TWICE))
        .order_by(TransferRow.id)
    )
    return [_transfer(row) for row in rows]
