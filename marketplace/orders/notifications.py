"""New-order badges on the seller's pages, and signed outbound notifications of new orders.

A producer may set a URL: every new order and every order turning paid is then queued in an
outbox row in the same transaction as the order change, and `deliver_notifications` POSTs it
as JSON signed with HMAC-SHA256 (`X-Langso-Signature`), retrying with exponential back-off.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from piccolo.columns import Column

from marketplace.accounts.service import Account
from marketplace.catalogue import members
from marketplace.config import get_settings
from marketplace.db import write_transaction
from marketplace.errors import InvalidInput, invalid_field
from marketplace.orders.tables import (
    NotificationEndpoint,
    OrderLine,
    OrderNotification,
    SellerLastSeen,
)
from marketplace.orders.tables import Order as OrderRow
from marketplace.payments.sealing import SealError, seal, unseal

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


# ---------------------------------------------------------------------------------------------
# Outbound notifications: an outbox row per new or paid order, POSTed and signed afterwards.

ORDER_CREATED = "order.created"
ORDER_PAID = "order.paid"
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
MAX_ATTEMPTS = 10
SEND_TIMEOUT_SECONDS = 5.0
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
SIGNATURE_HEADER = "X-Langso-Signature"
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
_BATCH = 50


def _url_invalid() -> InvalidInput:
    return invalid_field(
        "notification_url",
        "notification_url_invalid",
        "Địa chỉ nhận thông báo phải bắt đầu bằng https:// (tối đa 500 ký tự).",
        "The notification address must start with https:// (at most 500 characters).",
    )


def clean_notification_url(raw: str) -> str:
    """The URL when it is https:// (or http:// to 127.0.0.1/localhost for testing)."""
    url = raw.strip()
    if not url or len(url) > 500 or any(ch.isspace() for ch in url):
        raise _url_invalid()
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        raise _url_invalid() from None
    local = parts.scheme == "http" and host in _LOCAL_HOSTS
    if not host or parts.username or parts.password or not (parts.scheme == "https" or local):
        raise _url_invalid()
    return url


async def notification_url(producer_id: int) -> str | None:
    """The producer's outbound notification URL, or None when none is set."""
    row = (
        await NotificationEndpoint.select(NotificationEndpoint.url)
        .where(NotificationEndpoint.producer == producer_id)
        .first()
    )
    return str(row["url"]) if row else None


async def set_notification_url(account: Account, producer_id: int, raw_url: str) -> str:
    """Owners only: send orders to `raw_url`; returns a NEW signing secret, shown only once."""
    await members.require_owner(account.id, producer_id)
    url = clean_notification_url(raw_url)
    secret = "whsec_" + secrets.token_urlsafe(32)
    sealed = seal(secret, get_settings().secret_key)
    now = datetime.now(UTC)
    where = NotificationEndpoint.producer == producer_id
    async with write_transaction():
        if await NotificationEndpoint.exists().where(where):
            await NotificationEndpoint.update(
                {
                    NotificationEndpoint.url: url,
                    NotificationEndpoint.sealed_secret: sealed,
                    NotificationEndpoint.updated_at: now,
                }
            ).where(where)
        else:
            await NotificationEndpoint.insert(
                NotificationEndpoint(
                    producer=producer_id, url=url, sealed_secret=sealed, updated_at=now
                )
            )
    return secret


async def clear_notification_url(account: Account, producer_id: int) -> None:
    """Owners only: stop sending orders; undelivered messages then fail on their next try."""
    await members.require_owner(account.id, producer_id)
    async with write_transaction():
        await NotificationEndpoint.delete().where(NotificationEndpoint.producer == producer_id)


async def _order_body(order_id: int, event: str) -> dict[str, Any] | None:
    order = await OrderRow.select().where(OrderRow.id == order_id).first()
    if order is None:
        return None
    lines = (
        await OrderLine.select(
            OrderLine.product,
            OrderLine.product_name,
            OrderLine.unit,
            OrderLine.quantity,
            OrderLine.unit_price_vnd,
            OrderLine.line_total_vnd,
        )
        .where(OrderLine.order == order_id)
        .order_by(OrderLine.id)
    )
    fields = ("reference", "state", "delivery_method", "buyer_name", "buyer_phone")
    money = ("subtotal_vnd", "delivery_fee_vnd", "total_vnd")
    return {
        "id": secrets.token_hex(12),
        "event": event,
        "producer_id": order["producer"],
        "order": {
            **{name: order[name] for name in fields + money},
            "created_at": order["created_at"].isoformat(),
            "paid_at": order["paid_at"].isoformat() if order["paid_at"] else None,
            "lines": [{**line, "product_id": line.pop("product")} for line in lines],
        },
    }


async def enqueue_order_notification(order_id: int, event: str, now: datetime) -> bool:
    """Queue `event` for the order's producer if it set a URL; call inside the order's write.

    Written in the same transaction as the order change, so a rolled-back checkout sends
    nothing and a committed one is never forgotten. True when a message was queued.
    """
    async with write_transaction():
        producer = await OrderRow.select(OrderRow.producer).where(OrderRow.id == order_id).first()
        url = await notification_url(producer["producer"]) if producer else None
        body = await _order_body(order_id, event) if url else None
        if producer is None or url is None or body is None:
            return False
        await OrderNotification.insert(
            OrderNotification(
                producer=producer["producer"],
                order=order_id,
                event=event,
                url=url,
                body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                state=PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return True


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `X-Langso-Signature` value: `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the `attempts`-th failure: 30 s, 1 min, 2 min… at most 6 hours."""
    delay: timedelta = FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20)
    return min(delay, LONGEST_RETRY)


async def _secret_of(producer_id: int) -> str | None:
    row = (
        await NotificationEndpoint.select(NotificationEndpoint.sealed_secret)
        .where(NotificationEndpoint.producer == producer_id)
        .first()
    )
    if row is None:
        return None
    try:
        return unseal(row["sealed_secret"], get_settings().secret_key)
    except SealError:  # sealed under another SECRET_KEY: the seller must save the URL again
        return None


async def _post(client: httpx.AsyncClient, row: dict[str, Any], secret: str, now: datetime) -> str:
    """'' when the receiver accepted the message, else why it did not."""
    body = row["body"].encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(secret, int(now.timestamp()), body),
        "User-Agent": "Langso-Notifications/1",
    }
    try:
        response = await client.post(row["url"], content=body, headers=headers)
    except httpx.HTTPError as error:
        return f"{type(error).__name__}: {error}"[:300]
    return "" if response.is_success else f"HTTP {response.status_code}"


async def _record(row: dict[str, Any], error: str, now: datetime) -> None:
    attempts = row["attempts"] + 1
    changes: dict[Column | str, Any]
    if not error:
        changes = {"state": DELIVERED, "delivered_at": now, "last_error": ""}
    elif attempts >= MAX_ATTEMPTS:
        changes = {"state": FAILED, "last_error": error}
    else:
        changes = {"next_attempt_at": now + retry_delay(attempts), "last_error": error}
    async with write_transaction():
        await OrderNotification.update({"attempts": attempts, **changes}).where(
            OrderNotification.id == row["id"]
        )


async def deliver_notifications(now: datetime | None = None) -> int:
    """POST every due pending message, signed; failures retry later. How many were delivered.

    Delivery is at least once: a receiver may dedupe on the body's `id`.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    due = await (
        OrderNotification.select()
        .where((OrderNotification.state == PENDING) & (OrderNotification.next_attempt_at <= now))
        .order_by(OrderNotification.id)
        .limit(_BATCH)
    )
    delivered = 0
    async with httpx.AsyncClient(timeout=SEND_TIMEOUT_SECONDS) as client:
        for row in due:
            secret = await _secret_of(row["producer"])
            if secret is None:
                await _record({**row, "attempts": MAX_ATTEMPTS}, "no notification secret", now)
                continue
            error = await _post(client, row, secret, now)
            await _record(row, error, now)
            delivered += not error
    return delivered
