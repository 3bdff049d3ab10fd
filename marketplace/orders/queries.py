"""Reading orders: the buyer's (by secret token), the seller's (membership checked)."""

from __future__ import annotations

from typing import Any

from piccolo.columns.combination import Where

from marketplace.accounts.service import Account
from marketplace.catalogue import members
from marketplace.catalogue.queries import MAX_PAGE_SIZE
from marketplace.catalogue.schemas import Page
from marketplace.db import reading
from marketplace.errors import invalid_field
from marketplace.orders.schemas import ORDER_STATES, Order, OrderLine
from marketplace.orders.settlement import order_not_found
from marketplace.orders.tables import Order as OrderRow
from marketplace.orders.tables import OrderLine as OrderLineRow
from marketplace.payments.intents import intents_of_orders


def _order(row: dict[str, Any], lines: list[OrderLine], intents: dict[int, Any]) -> Order:
    return Order(
        id=row["id"],
        reference=row["reference"],
        checkout_token=row["checkout_token"],
        payment_token=row["payment_token"],
        producer_id=row["producer"],
        producer_name=row["producer.name"],
        buyer_name=row["buyer_name"],
        buyer_phone=row["buyer_phone"],
        province_code=row["province_code"],
        commune_code=row["commune_code"],
        address_line=row["address_line"],
        delivery_method=row["delivery_method"],
        delivery_fee_vnd=row["delivery_fee_vnd"],
        pickup_address=row["pickup_address"],
        subtotal_vnd=row["subtotal_vnd"],
        total_vnd=row["total_vnd"],
        state=row["state"],
        cancel_reason=row["cancel_reason"],
        needs_refund=row["needs_refund"],
        created_at=row["created_at"],
        paid_at=row["paid_at"],
        shipped_at=row["shipped_at"],
        canceled_at=row["canceled_at"],
        lines=lines,
        intent=intents.get(row["id"]),
    )


async def _lines_of(order_ids: list[int]) -> dict[int, list[OrderLine]]:
    if not order_ids:
        return {}
    rows = (
        await OrderLineRow.select()
        .where(OrderLineRow.order.is_in(order_ids))
        .order_by(OrderLineRow.id)
    )
    lines: dict[int, list[OrderLine]] = {}
    for row in rows:
        lines.setdefault(row["order"], []).append(
            OrderLine(
                product_id=row["product"],
                product_name=row["product_name"],
                unit=row["unit"],
                unit_price_vnd=row["unit_price_vnd"],
                quantity=row["quantity"],
                line_total_vnd=row["line_total_vnd"],
                lot=row["lot"] or "",
            )
        )
    return lines


async def _orders(condition: Where | Any, limit: int = 0, offset: int = 0) -> list[Order]:
    query = (
        OrderRow.select(*OrderRow.all_columns(), OrderRow.producer.name)
        .where(condition)
        .order_by(OrderRow.id, ascending=False)
    )
    if limit:
        query = query.limit(limit).offset(offset)
    async with reading():
        rows = await query
        ids = [row["id"] for row in rows]
        lines = await _lines_of(ids)
        intents = await intents_of_orders(ids)
    return [_order(row, lines.get(row["id"], []), intents) for row in rows]


async def _one(condition: Where | Any) -> Order:
    found = await _orders(condition)
    if not found:
        raise order_not_found()
    return found[0]


async def get_order(order_id: int) -> Order:
    return await _one(OrderRow.id == order_id)


async def order_by_payment_token(payment_token: str) -> Order:
    """The order behind a buyer's secret payment link."""
    return await _one(OrderRow.payment_token == payment_token)


async def order_by_reference(reference: str) -> Order:
    return await _one(OrderRow.reference == reference.strip().upper())


async def orders_of_checkout(checkout_token: str) -> list[Order]:
    """Every order one checkout made (one per producer), in producer order."""
    found = await _orders(OrderRow.checkout_token == checkout_token)
    if not found:
        raise order_not_found()
    return sorted(found, key=lambda order: order.id)


async def seller_order(account: Account, producer_id: int, order_id: int) -> Order:
    """One of the producer's orders; the account must work for the producer."""
    await members.require_member(account.id, producer_id)
    return await _one((OrderRow.id == order_id) & (OrderRow.producer == producer_id))


async def seller_orders(
    account: Account,
    producer_id: int,
    state: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> Page[Order]:
    """The producer's orders, newest first, optionally in one state."""
    await members.require_member(account.id, producer_id)
    if state and state not in ORDER_STATES:
        raise invalid_field(
            "state", "order_state_invalid", "Trạng thái không hợp lệ.", "Invalid order state."
        )
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    condition: Any = OrderRow.producer == producer_id
    if state:
        condition = condition & (OrderRow.state == state)
    items = await _orders(condition, limit=page_size, offset=(page - 1) * page_size)
    total = await OrderRow.count().where(condition)
    return Page(items=items, total=total, page=page, page_size=page_size)


async def state_counts(account: Account, producer_id: int) -> dict[str, int]:
    """How many of the producer's orders are in each state (every state listed)."""
    await members.require_member(account.id, producer_id)
    counts = dict.fromkeys(ORDER_STATES, 0)
    async with reading():
        for state in ORDER_STATES:
            counts[state] = await OrderRow.count().where(
                (OrderRow.producer == producer_id) & (OrderRow.state == state)
            )
    return counts
