"""New-order badges on the seller's pages, and signed outbound notifications of new orders.

A producer may set a URL: every new order and every order turning paid is then queued in an
outbox row in the same transaction as the order change, and `deliver_notifications` POSTs it
as JSON signed with HMAC-SHA256 (`X-Langso-Signature`), retrying with exponential back-off.

The URL must be https:// to a public host (no SSRF into our own network): a host written as a
private, loopback, link-local, multicast, reserved or unspecified address, or `localhost`, is
refused when saved; at send time the host is resolved and a message is not sent if any address
is such (DNS rebinding), and the connection goes to the address that was checked. Local tests
and development may set LANGSO_NOTIFICATIONS_ALLOW_LOOPBACK=1 to send to 127.0.0.1 (http too).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import secrets
import socket
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
log = logging.getLogger("langso.notifications")


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
ALLOW_LOOPBACK_ENV = "LANGSO_NOTIFICATIONS_ALLOW_LOOPBACK"
_BATCH = 50

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _url_invalid() -> InvalidInput:
    return invalid_field(
        "notification_url",
        "notification_url_invalid",
        "Địa chỉ nhận thông báo phải bắt đầu bằng https:// (tối đa 500 ký tự).",
        "The notification address must start with https:// (at most 500 characters).",
    )


def _url_not_public() -> InvalidInput:
    return invalid_field(
        "notification_url",
        "notification_url_not_public",
        "Địa chỉ nhận thông báo phải là một máy chủ công khai trên Internet, không phải "
        "localhost hay địa chỉ IP nội bộ (127.x, 10.x, 192.168.x, 169.254.x…).",
        "The notification address must be a public Internet server, not localhost or a "
        "private IP address (127.x, 10.x, 192.168.x, 169.254.x…).",
    )


def _loopback_allowed() -> bool:
    return os.environ.get(ALLOW_LOOPBACK_ENV) == "1"


def _is_forbidden(address: IPAddress) -> bool:
    """Addresses a notification may never reach: anything but the public Internet."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None and _is_forbidden(embedded):
            return True
    if address.is_loopback and _loopback_allowed():
        return False
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def _literal_address(host: str) -> IPAddress | None:
    """The address when `host` is an IP literal, including forms such as `127.1` or
    `2130706433` that resolvers read as IPv4 addresses."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(ch in "0123456789abcdefx." for ch in host.lower()) and host[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _is_local_name(host: str) -> bool:
    return host == "localhost" or host.endswith(".localhost")


def clean_notification_url(raw: str) -> str:
    """The URL when it is https:// to a public host (see the module's docstring)."""
    url = raw.strip()
    if not url or len(url) > 500 or any(ch.isspace() for ch in url):
        raise _url_invalid()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        parts.port  # noqa: B018 - a port that is not a number raises ValueError
    except ValueError:
        raise _url_invalid() from None
    address = _literal_address(host)
    loopback = (address is not None and address.is_loopback) or _is_local_name(host)
    local_test = loopback and _loopback_allowed() and parts.scheme in ("http", "https")
    if not host or parts.username or parts.password or not (parts.scheme == "https" or local_test):
        raise _url_invalid()
    if local_test:
        return url
    if _is_local_name(host) or (address is not None and _is_forbidden(address)):
        raise _url_not_public()
    return url


async def _checked_address(url: str) -> tuple[IPAddress | None, str]:
    """The address to connect to for `url`, resolved now, or None and why not: a host that
    does not resolve, or resolves to any address that is not public (DNS rebinding)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    if _is_local_name(host) and not _loopback_allowed():
        return None, "refused: host is not public"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        return None, f"cannot resolve host: {error}"[:300]
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        return None, "cannot resolve host"
    if any(_is_forbidden(address) for address in addresses):
        return None, "refused: host resolves to a private or reserved address"
    return addresses[0], ""


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
    address, refused = await _checked_address(row["url"])
    if address is None:
        log.warning(
            "order notification not sent",
            extra={"producer": row["producer"], "notification": row["id"], "reason": refused},
        )
        return refused
    # Connect to the address just checked (not a second lookup an attacker could answer
    # differently); the Host header and TLS name stay the URL's host.
    url = httpx.URL(row["url"])
    headers["Host"] = url.netloc.decode("ascii")
    pinned = url.copy_with(host=str(address))
    try:
        response = await client.post(
            pinned, content=body, headers=headers, extensions={"sni_hostname": url.host}
        )
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
