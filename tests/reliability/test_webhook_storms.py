"""Bank-transfer webhook storms through the HTTP app: many copies at once, out of order.

SePay, Casso and payOS retry until they see a 200, and a busy provider may deliver the same
transfer from several workers at once, or the rest of a payment before its first part. Every
order must be paid exactly once with the right amount, each transfer counted once, and no
request answered with a 5xx.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from marketplace.orders.queries import get_order
from marketplace.orders.schemas import PAID, Order
from marketplace.orders.tables import PaymentEvent
from marketplace.orders.tables import ReceivedTransfer as TransferRow
from marketplace.payments.connections import ProviderSecrets
from marketplace.payments.simulate import SimulatedTransfer, new_transfer, signed_request
from tests.shop import CASSO_KEY, PAYOS_KEY, SEPAY_HMAC, Shop, build_shop, checkout, connect

pytestmark = pytest.mark.db

SECRETS = {
    "sepay": ProviderSecrets(hmac_secret=SEPAY_HMAC),
    "casso": ProviderSecrets(checksum_key=CASSO_KEY),
    "payos": ProviderSecrets(checksum_key=PAYOS_KEY),
}
Request = tuple[str, dict[str, str], bytes]  # path, headers, body


def _request(path: str, provider: str, credit: SimulatedTransfer) -> Request:
    headers, body = signed_request(provider, credit, SECRETS[provider], datetime.now(UTC))
    return path, headers, body


async def _storm(client: httpx.AsyncClient, requests: list[Request]) -> list[dict[str, Any]]:
    """Send every request at once; the answers, none of which may be a server error."""
    answers = await asyncio.gather(
        *(client.post(path, content=body, headers=headers) for path, headers, body in requests)
    )
    assert [a.status_code for a in answers] == [200] * len(answers), [a.text for a in answers]
    return [a.json() for a in answers]


async def _event_kinds(order: Order) -> Counter[str]:
    intent = (await get_order(order.id)).intent
    assert intent is not None
    rows = await PaymentEvent.select(PaymentEvent.kind).where(PaymentEvent.intent == intent.id)
    return Counter(row["kind"] for row in rows)


async def _paid_once(order: Order, transfers: int) -> None:
    fetched = await get_order(order.id)
    assert fetched.state == PAID
    assert fetched.intent is not None
    assert fetched.intent.state == "succeeded"
    assert fetched.intent.amount_received_vnd == order.total_vnd
    assert fetched.intent.overpaid is False
    kinds = await _event_kinds(order)
    assert kinds["succeeded"] == 1 and kinds["transfer_received"] == transfers, kinds
    recorded = await TransferRow.select(TransferRow.amount_vnd).where(TransferRow.order == order.id)
    assert sum(r["amount_vnd"] for r in recorded) == order.total_vnd
    assert len(recorded) == transfers


@pytest.mark.parametrize("provider", ["sepay", "casso", "payos"])
async def test_one_transfer_delivered_thirty_times_at_once_pays_once(
    client: httpx.AsyncClient, provider: str
) -> None:
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 2})
    path = f"/api/v1/payments/webhooks/{provider}/{await connect(shop, 'ngoc_lu', provider)}"
    credit = new_transfer(
        shop.accounts["ngoc_lu"], order.total_vnd, f"{order.reference} mua buoi", datetime.now(UTC)
    )

    answers = await _storm(client, [_request(path, provider, credit)] * 30)

    assert sorted(a["recorded"] for a in answers) == [0] * 29 + [1]
    assert sorted(a["duplicates"] for a in answers) == [0] + [1] * 29
    assert await TransferRow.count() == 1
    await _paid_once(order, transfers=1)


async def _shop_with_three_providers() -> tuple[Shop, dict[str, tuple[str, str]]]:
    """The shop with each producer watched by another provider: producer -> (provider, path)."""
    shop = await build_shop()
    paths = {}
    for producer, provider in (("ngoc_lu", "sepay"), ("hoa_lu", "casso"), ("ba_thuoc", "payos")):
        endpoint = await connect(shop, producer, provider)
        paths[producer] = (provider, f"/api/v1/payments/webhooks/{provider}/{endpoint}")
    return shop, paths


async def test_split_payments_of_many_orders_in_any_order_and_many_copies_pay_each_once(
    client: httpx.AsyncClient, chaos: random.Random
) -> None:
    shop, paths = await _shop_with_three_providers()
    producer_of = {"buoi": "ngoc_lu", "gao": "hoa_lu", "mat_ong": "ba_thuoc"}
    orders: list[tuple[str, Order]] = []
    for product, count in (("buoi", 4), ("gao", 4), ("mat_ong", 3)):
        for _ in range(count):
            (order,) = await checkout({shop.product_ids[product]: 1})
            orders.append((producer_of[product], order))

    storm: list[Request] = []
    for producer, order in orders:
        provider, path = paths[producer]
        first = chaos.randrange(1_000, order.total_vnd - 1_000)
        now = datetime.now(UTC)
        parts = [
            new_transfer(shop.accounts[producer], first, f"CK {order.reference} dot 1", now),
            new_transfer(
                shop.accounts[producer],
                order.total_vnd - first,
                f"{order.reference} phan con lai",
                now,
            ),
        ]
        for part in parts:
            storm.extend([_request(path, provider, part)] * chaos.randint(2, 5))
    chaos.shuffle(storm)

    answers = await _storm(client, storm)

    assert sum(a["recorded"] for a in answers) == 2 * len(orders)
    assert await TransferRow.count() == 2 * len(orders)
    for _, order in orders:
        await _paid_once(order, transfers=2)

    # Every copy again, long after: all duplicates, nothing changes.
    again = await _storm(client, storm)
    assert sum(a["recorded"] for a in again) == 0
    for _, order in orders:
        await _paid_once(order, transfers=2)


async def test_the_rest_before_the_first_part_pays_once_in_either_order(
    client: httpx.AsyncClient,
) -> None:
    shop, paths = await _shop_with_three_providers()
    provider, path = paths["hoa_lu"]
    account = shop.accounts["hoa_lu"]
    (order,) = await checkout({shop.product_ids["gao"]: 3})
    now = datetime.now(UTC)
    first = new_transfer(account, 40_000, f"{order.reference} lan 1", now)
    rest = new_transfer(account, order.total_vnd - 40_000, f"{order.reference} lan 2", now)

    (later,) = await _storm(client, [_request(path, provider, rest)])
    assert later["recorded"] == 1
    waiting = await get_order(order.id)
    assert waiting.state != PAID
    assert waiting.intent is not None and waiting.intent.state == "underpaid"
    await _storm(client, [_request(path, provider, first)] * 8 + [_request(path, provider, rest)])

    await _paid_once(order, transfers=2)


async def test_a_storm_that_overpays_counts_the_extra_once(client: httpx.AsyncClient) -> None:
    shop, paths = await _shop_with_three_providers()
    provider, path = paths["ba_thuoc"]
    (order,) = await checkout({shop.product_ids["mat_ong"]: 1})
    now = datetime.now(UTC)
    full = new_transfer(shop.accounts["ba_thuoc"], order.total_vnd, order.reference, now)
    extra = new_transfer(shop.accounts["ba_thuoc"], 10_000, f"{order.reference} them", now)

    await _storm(
        client, [_request(path, provider, full)] * 10 + [_request(path, provider, extra)] * 10
    )

    fetched = await get_order(order.id)
    assert fetched.state == PAID and fetched.intent is not None
    assert fetched.intent.amount_received_vnd == order.total_vnd + 10_000
    assert fetched.intent.overpaid is True
    kinds = await _event_kinds(order)
    assert kinds["succeeded"] == 1 and kinds["transfer_received"] == 2
