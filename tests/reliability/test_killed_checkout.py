"""Checkouts and their payments while the server is SIGKILLed mid-write, then restarted.

Many buyers fill carts and check out concurrently over HTTP against the real server, and most
pay at once (a signed SePay webhook per order); the server is killed without warning several
times, each time while one of its write transactions is open. Afterwards every checkout is all
or nothing: either both producers' orders exist with their lines, payment intent (with its
`created` event), notification outbox row, stock taken and the cart emptied — or none of it
does. Everything the server acknowledged is there; stock plus reserved units add up to what
was on the shelf. Once the provider has redelivered every webhook (as it does until it gets a
200), each paid order is paid exactly once: one transfer, one `succeeded` event, one
`order.paid` notification, the right amount.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from marketplace.catalogue.tables import Product
from marketplace.orders.notifications import set_notification_url
from marketplace.orders.tables import (
    Cart,
    CartLine,
    Order,
    OrderLine,
    OrderNotification,
    PaymentEvent,
    PaymentIntent,
)
from marketplace.orders.tables import ReceivedTransfer as TransferRow
from marketplace.payments.connections import ProviderSecrets, connect_provider
from marketplace.payments.simulate import new_transfer, signed_request
from tests.reliability.server import LiveServer, Progress
from tests.shop import SEPAY_HMAC, SEPAY_KEY, new_producer, new_product, new_seller

pytestmark = pytest.mark.db

STOCK = 1_000_000
SEPAY = ProviderSecrets(api_key=SEPAY_KEY, hmac_secret=SEPAY_HMAC)
ROUNDS = 3
SHOPPERS = 12
CHECKOUT = {
    "phone": "0987654321",
    "province_code": "01",
    "commune_code": "00004",
    "address_line": "Số 12 ngõ 5 phố Hàng Bạc",
}


@dataclass
class Attempt:
    """One buyer's cart and checkout, as far as the client saw it."""

    buyer_name: str
    wanted: dict[int, int]
    cart_token: str | None = None
    added: dict[int, int] = field(default_factory=dict)
    checkout_sent: bool = False
    status: int | None = None
    references: list[str] = field(default_factory=list)


@dataclass
class Catalogue:
    product_ids: list[int]
    producer_of: dict[int, int]
    accounts: dict[int, str]  # producer id -> bank account number
    webhooks: dict[int, str]  # producer id -> SePay webhook path


@dataclass
class Delivery:
    """One SePay webhook paying one order in full, exactly as the provider sends it."""

    reference: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Load:
    catalogue: Catalogue
    rng: random.Random
    progress: Progress
    numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    attempts: list[Attempt] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)


async def _catalogue() -> Catalogue:
    seller = await new_seller()
    first = await new_producer(seller, "HTX Bưởi Ngọc Lũ", "0123456789")
    second = await new_producer(seller, "HTX Gạo Hoa Lư", "9876543210")
    products = {
        await new_product(seller, first, "Bưởi Ngọc Lũ", 45_000, STOCK): first,
        await new_product(seller, first, "Cam Sành Ngọc Lũ", 25_000, STOCK): first,
        await new_product(seller, second, "Gạo tám Hoa Lư", 30_000, STOCK): second,
    }
    webhooks = {}
    for producer_id in (first, second):
        # Never resolves: deliveries fail and stay queued, which is all this test needs.
        await set_notification_url(seller, producer_id, "https://langso-test.invalid/don-hang")
        connection = await connect_provider(seller, producer_id, "sepay", SEPAY)
        webhooks[producer_id] = f"/api/v1/payments/webhooks/sepay/{connection.endpoint_id}"
    accounts = {first: "0123456789", second: "9876543210"}
    return Catalogue(sorted(products), products, accounts, webhooks)


def _delivery(catalogue: Catalogue, order: dict[str, Any]) -> Delivery:
    now = datetime.now(UTC)
    account = catalogue.accounts[order["producer_id"]]
    credit = new_transfer(account, order["total_vnd"], f"{order['reference']} thanh toan", now)
    headers, body = signed_request("sepay", credit, SEPAY, now)
    return Delivery(order["reference"], catalogue.webhooks[order["producer_id"]], headers, body)


async def _deliver(client: httpx.AsyncClient, delivery: Delivery) -> None:
    answer = await client.post(delivery.path, content=delivery.body, headers=delivery.headers)
    assert answer.status_code == 200, answer.text


async def _shop(client: httpx.AsyncClient, load: Load) -> None:
    """Check out (and mostly pay) again and again until the server dies under this buyer."""
    first, second, third = load.catalogue.product_ids
    rng = load.rng
    while True:
        wanted = {first: rng.randint(1, 3), third: rng.randint(1, 2)}
        if rng.random() < 0.5:
            wanted[second] = rng.randint(1, 4)
        attempt = Attempt(f"Khách số {next(load.numbers):05d}", wanted)
        load.attempts.append(attempt)
        try:
            created = await client.post("/api/v1/carts")
            assert created.status_code == 201, created.text
            attempt.cart_token = created.json()["token"]
            for product_id, quantity in wanted.items():
                added = await client.post(
                    f"/api/v1/carts/{attempt.cart_token}/items",
                    json={"product_id": product_id, "quantity": quantity},
                )
                assert added.status_code == 201, added.text
                attempt.added[product_id] = quantity
            attempt.checkout_sent = True
            placed = await client.post(
                f"/api/v1/carts/{attempt.cart_token}/checkout",
                json={**CHECKOUT, "buyer_name": attempt.buyer_name},
            )
            attempt.status = placed.status_code
            assert placed.status_code == 201, placed.text
            orders = placed.json()["orders"]
            attempt.references = [order["reference"] for order in orders]
            load.progress.acknowledged()
            if rng.random() < 0.7:
                for order in orders:
                    delivery = _delivery(load.catalogue, order)
                    load.deliveries.append(delivery)
                    await _deliver(client, delivery)
        except httpx.TransportError:
            return  # the server is gone: what happened to this attempt is checked later


async def _round(server: LiveServer, load: Load) -> None:
    await server.start()
    load.progress.expect(load.rng.randint(1, 3 * SHOPPERS))
    limits = httpx.Limits(max_connections=SHOPPERS)
    async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as client:
        shoppers = [asyncio.create_task(_shop(client, load)) for _ in range(SHOPPERS)]
        await load.progress.kill_after(server, load.rng.uniform(0, 0.5))
        await asyncio.gather(*shoppers)


async def _rows_by(table: Any, column: Any, values: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if values:
        for row in await table.select().where(column.is_in(values)):
            grouped[int(row[column._meta.name])].append(row)
    return grouped


async def test_every_checkout_is_whole_or_absent_after_the_server_is_killed(
    live_server: LiveServer, chaos: random.Random
) -> None:
    catalogue = await _catalogue()
    load = Load(catalogue, chaos, Progress())
    attempts = load.attempts
    for _ in range(ROUNDS):
        await _round(live_server, load)

    # The server comes back after the last kill, takes every webhook again (the provider
    # retries those it got no 200 for; it may repeat the others) and still sells.
    await live_server.start()
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as client:
        assert (await client.get("/health")).json()["database"]["status"] == "ok"
        for start in range(0, len(load.deliveries), SHOPPERS):
            chunk = load.deliveries[start : start + SHOPPERS]
            await asyncio.gather(*(_deliver(client, delivery) for delivery in chunk))
        last = Attempt("Khách sau cùng", {catalogue.product_ids[0]: 1, catalogue.product_ids[2]: 1})
        attempts.append(last)
        await _shop_once(client, last)
    await live_server.kill()
    progress = load.progress
    paid = {delivery.reference for delivery in load.deliveries}

    acknowledged = [a for a in attempts if a.status == 201]
    print(
        f"{len(attempts)} attempts, {len(acknowledged)} acknowledged, {live_server.starts} starts"
    )
    assert len(acknowledged) >= ROUNDS, "the load never got going"
    assert all(a.status in (None, 201) for a in attempts), "an answer other than 201"
    orders = await Order.select().where(Order.buyer_name.like("Khách%"))
    order_ids = [int(o["id"]) for o in orders]
    lines = await _rows_by(OrderLine, OrderLine.order, order_ids)
    intents = await _rows_by(PaymentIntent, PaymentIntent.order, order_ids)
    notes = await _rows_by(OrderNotification, OrderNotification.order, order_ids)
    by_buyer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for order in orders:
        by_buyer[order["buyer_name"]].append(order)

    in_flight = [a for a in attempts if a.checkout_sent and a.status is None]
    committed = [a for a in in_flight if a.buyer_name in by_buyer]
    print(f"{len(in_flight)} checkouts cut off by a kill, {len(committed)} of them committed")
    print(f"{len(load.deliveries)} payment webhooks, all delivered again after the restart")
    print(f"{progress.kills_inside_a_write} of {ROUNDS} kills while a write was open")
    assert progress.kills_inside_a_write > 0

    reserved: dict[int, int] = defaultdict(int)
    for attempt in attempts:
        placed = by_buyer.pop(attempt.buyer_name, [])
        if attempt.status == 201:
            assert sorted(o["reference"] for o in placed) == sorted(attempt.references)
        cart_lines = await _cart_lines(attempt.cart_token)
        if not placed:
            assert not attempt.status, attempt
            if attempt.cart_token is not None:
                # Nothing of a lost checkout was kept: the cart is as the buyer filled it.
                assert cart_lines.items() >= attempt.added.items(), attempt
            continue
        assert attempt.checkout_sent, attempt
        assert cart_lines == {}, f"checkout committed but the cart kept its lines: {attempt}"
        assert len(placed) == 2, f"one producer's order without the other's: {attempt}"
        assert len({o["checkout_token"] for o in placed}) == 1
        bought: dict[int, int] = defaultdict(int)
        for order in placed:
            order_lines = lines[int(order["id"])]
            assert order_lines, f"order {order['reference']} without lines"
            assert {catalogue.producer_of[line["product"]] for line in order_lines} == {
                order["producer"]
            }
            assert sum(line["line_total_vnd"] for line in order_lines) == order["subtotal_vnd"]
            (intent,) = intents[int(order["id"])]
            assert intent["reference"] == order["reference"]
            assert intent["amount_vnd"] == order["total_vnd"]
            events = sorted(n["event"] for n in notes[int(order["id"])])
            if order["reference"] in paid:
                assert (order["state"], intent["state"]) == ("paid", "succeeded")
                assert intent["amount_received_vnd"] == order["total_vnd"]
                assert events == ["order.created", "order.paid"]
            else:
                assert (order["state"], intent["state"]) == ("awaiting_payment", "requires_payment")
                assert intent["amount_received_vnd"] == 0
                assert events == ["order.created"]
            assert order["stock_reserved"] is True
            for line in order_lines:
                bought[line["product"]] += line["quantity"]
                reserved[line["product"]] += line["quantity"]
        assert dict(bought) == attempt.wanted, attempt
    assert by_buyer == {}, "orders no buyer placed"

    for product in await Product.select(Product.id, Product.stock).where(
        Product.id.is_in(catalogue.product_ids)
    ):
        assert product["stock"] + reserved[product["id"]] == STOCK

    await _paid_exactly_once(orders, intents, paid)
    await _no_orphans()


async def _paid_exactly_once(
    orders: list[dict[str, Any]], intents: dict[int, list[dict[str, Any]]], paid: set[str]
) -> None:
    """One transfer per paid order and an intent history that tells it once."""
    order_ids = [int(o["id"]) for o in orders]
    transfers = await _rows_by(TransferRow, TransferRow.order, order_ids)
    intent_ids = [int(i[0]["id"]) for i in intents.values()]
    events = await _rows_by(PaymentEvent, PaymentEvent.intent, intent_ids)
    for order in orders:
        (intent,) = intents[int(order["id"])]
        kinds = sorted(e["kind"] for e in events[int(intent["id"])])
        received = [t["amount_vnd"] for t in transfers[int(order["id"])]]
        if order["reference"] in paid:
            assert received == [order["total_vnd"]], order["reference"]
            assert kinds == ["created", "succeeded", "transfer_received"], order["reference"]
        else:
            assert received == [] and kinds == ["created"], order["reference"]
    assert await TransferRow.count().where(TransferRow.order.is_null()) == 0


async def _shop_once(client: httpx.AsyncClient, attempt: Attempt) -> None:
    token = (await client.post("/api/v1/carts")).json()["token"]
    attempt.cart_token = token
    for product_id, quantity in attempt.wanted.items():
        await client.post(
            f"/api/v1/carts/{token}/items", json={"product_id": product_id, "quantity": quantity}
        )
        attempt.added[product_id] = quantity
    attempt.checkout_sent = True
    placed = await client.post(
        f"/api/v1/carts/{token}/checkout", json={**CHECKOUT, "buyer_name": attempt.buyer_name}
    )
    attempt.status = placed.status_code
    assert placed.status_code == 201, placed.text
    attempt.references = [order["reference"] for order in placed.json()["orders"]]


async def _cart_lines(token: str | None) -> dict[int, int]:
    if token is None:
        return {}
    cart = await Cart.select(Cart.id).where(Cart.token == token).first()
    if cart is None:
        return {}
    rows = await CartLine.select(CartLine.product, CartLine.quantity).where(
        CartLine.cart == cart["id"]
    )
    return {int(r["product"]): int(r["quantity"]) for r in rows}


async def _no_orphans() -> None:
    """No row points at a parent that is not there (SQLite does not always enforce it)."""
    order_ids = {int(r["id"]) for r in await Order.select(Order.id)}
    intent_ids = {int(r["id"]) for r in await PaymentIntent.select(PaymentIntent.id)}
    cart_ids = {int(r["id"]) for r in await Cart.select(Cart.id)}
    assert {int(r["order"]) for r in await OrderLine.select(OrderLine.order)} <= order_ids
    assert {int(r["order"]) for r in await PaymentIntent.select(PaymentIntent.order)} <= order_ids
    assert {int(r["order"]) for r in await OrderNotification.select(OrderNotification.order)} <= (
        order_ids
    )
    assert {int(r["intent"]) for r in await PaymentEvent.select(PaymentEvent.intent)} <= (
        intent_ids
    )
    assert {int(r["cart"]) for r in await CartLine.select(CartLine.cart)} <= cart_ids
