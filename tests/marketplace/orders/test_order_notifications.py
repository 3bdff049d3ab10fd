"""Outbound order notifications: an outbox row in the order's transaction, POSTed signed."""

import hashlib
import hmac
import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from marketplace.db import write_transaction
from marketplace.errors import Conflict, InvalidInput, PermissionDenied
from marketplace.orders import notifications
from marketplace.orders.lifecycle import confirm_paid_by_hand
from marketplace.orders.tables import OrderNotification
from tests.shop import build_shop, checkout
from tests.support import submit


@dataclass
class Receiver:
    """A tiny HTTP server on 127.0.0.1 that records each POST and answers `status`."""

    status: int = 200
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@contextmanager
def receiver(status: int = 200) -> Iterator[Receiver]:
    record = Receiver(status=status)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            record.received.append((dict(self.headers.items()), body))
            self.send_response(record.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.url = f"http://127.0.0.1:{server.server_address[1]}/langso/orders"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # Notifications go only to public hosts; this local receiver is the documented exception.
    previous = os.environ.get(notifications.ALLOW_LOOPBACK_ENV)
    os.environ[notifications.ALLOW_LOOPBACK_ENV] = "1"
    try:
        yield record
    finally:
        if previous is None:
            os.environ.pop(notifications.ALLOW_LOOPBACK_ENV, None)
        else:
            os.environ[notifications.ALLOW_LOOPBACK_ENV] = previous
        server.shutdown()
        server.server_close()
        thread.join()


def _verifies(secret: str, header: str, body: bytes) -> bool:
    match = re.fullmatch(r"t=(\d+),v1=([0-9a-f]{64})", header)
    assert match, header
    signed = match.group(1).encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, match.group(2))


async def _outbox() -> list[dict]:
    return await OrderNotification.select().order_by(OrderNotification.id)


async def test_a_new_order_writes_one_outbox_row_when_the_producer_set_a_url(db):
    shop = await build_shop()
    await notifications.set_notification_url(
        shop.seller, shop.producer_ids["ngoc_lu"], "https://shop.example.vn/hooks/langso"
    )
    (order,) = await checkout({shop.product_ids["buoi"]: 2})
    await checkout({shop.product_ids["gao"]: 1})  # its producer has no URL: nothing queued

    (row,) = await _outbox()
    assert (row["order"], row["event"], row["state"]) == (order.id, "order.created", "pending")
    assert row["url"] == "https://shop.example.vn/hooks/langso"
    body = json.loads(row["body"])
    assert body["order"]["reference"] == order.reference
    assert body["order"]["total_vnd"] == order.total_vnd
    assert body["order"]["lines"][0]["quantity"] == 2


async def test_a_failed_checkout_writes_no_outbox_row(db):
    shop = await build_shop()
    await notifications.set_notification_url(
        shop.seller, shop.producer_ids["ngoc_lu"], "https://shop.example.vn/hooks"
    )
    with pytest.raises(Conflict):
        await checkout({shop.product_ids["buoi"]: 11})  # only 10 in stock
    assert await _outbox() == []


async def test_the_outbox_row_rolls_back_with_the_order_change(db):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    await notifications.set_notification_url(
        shop.seller, shop.producer_ids["ngoc_lu"], "https://shop.example.vn/hooks"
    )
    with pytest.raises(RuntimeError):
        async with write_transaction():
            queued = await notifications.enqueue_order_notification(
                order.id, notifications.ORDER_PAID, datetime.now(UTC)
            )
            assert queued
            raise RuntimeError("the order change failed")
    assert await _outbox() == []


async def test_delivery_posts_the_json_signed_with_the_producers_secret(db):
    shop = await build_shop()
    with receiver() as server:
        secret = await notifications.set_notification_url(
            shop.seller, shop.producer_ids["ngoc_lu"], server.url
        )
        (order,) = await checkout({shop.product_ids["buoi"]: 1})
        assert await notifications.deliver_notifications() == 1
        assert await notifications.deliver_notifications() == 0  # sent once only

    ((headers, body),) = server.received
    assert _verifies(secret, headers["X-Langso-Signature"], body)
    assert not _verifies("whsec_another", headers["X-Langso-Signature"], body)
    assert headers["Content-Type"] == "application/json"
    sent = json.loads(body)
    assert (sent["event"], sent["order"]["reference"]) == ("order.created", order.reference)
    (row,) = await _outbox()
    assert (row["state"], row["attempts"]) == ("delivered", 1)
    assert row["delivered_at"] is not None


async def test_an_order_turning_paid_is_notified_too(db):
    shop = await build_shop()
    producer = shop.producer_ids["ngoc_lu"]
    with receiver() as server:
        await notifications.set_notification_url(shop.seller, producer, server.url)
        (order,) = await checkout({shop.product_ids["buoi"]: 1})
        await confirm_paid_by_hand(shop.seller, producer, order.id)
        assert await notifications.deliver_notifications() == 2
    events = [json.loads(body)["event"] for _, body in server.received]
    assert events == ["order.created", "order.paid"]
    assert json.loads(server.received[1][1])["order"]["state"] == "paid"


async def test_a_receiver_answering_500_leaves_the_row_pending_for_a_later_try(db):
    shop = await build_shop()
    now = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    with receiver(status=500) as server:
        await notifications.set_notification_url(
            shop.seller, shop.producer_ids["ngoc_lu"], server.url
        )
        await checkout({shop.product_ids["buoi"]: 1}, now=now)
        assert await notifications.deliver_notifications(now) == 0
        (row,) = await _outbox()
        assert (row["state"], row["attempts"], row["last_error"]) == ("pending", 1, "HTTP 500")
        assert row["next_attempt_at"] > now
        # Not due yet: nothing is sent again before the back-off has passed.
        assert await notifications.deliver_notifications(now + timedelta(seconds=1)) == 0
        assert len(server.received) == 1

        server.status = 200
        later = row["next_attempt_at"] + timedelta(seconds=1)
        assert await notifications.deliver_notifications(later) == 1
    (row,) = await _outbox()
    assert (row["state"], row["attempts"]) == ("delivered", 2)


async def test_the_back_off_doubles_and_the_row_fails_after_the_last_attempt(db):
    assert notifications.retry_delay(2) == 2 * notifications.retry_delay(1)
    assert notifications.retry_delay(50) == notifications.LONGEST_RETRY
    shop = await build_shop()
    now = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    with receiver(status=500) as server:
        await notifications.set_notification_url(
            shop.seller, shop.producer_ids["ngoc_lu"], server.url
        )
        await checkout({shop.product_ids["buoi"]: 1}, now=now)
        for _ in range(notifications.MAX_ATTEMPTS):
            await notifications.deliver_notifications(now)
            now += notifications.LONGEST_RETRY
    (row,) = await _outbox()
    assert (row["state"], row["attempts"]) == ("failed", notifications.MAX_ATTEMPTS)
    assert len(server.received) == notifications.MAX_ATTEMPTS


@pytest.mark.parametrize(
    "url",
    ["http://shop.example.vn/hooks", "ftp://127.0.0.1/x", "https://", "not a url", ""],
)
async def test_only_https_or_local_http_urls_are_accepted(db, url):
    shop = await build_shop()
    with pytest.raises(InvalidInput) as raised:
        await notifications.set_notification_url(shop.seller, shop.producer_ids["ngoc_lu"], url)
    assert raised.value.code == "notification_url_invalid"


async def test_another_seller_cannot_set_the_url(db):
    shop = await build_shop()
    with pytest.raises(PermissionDenied):
        await notifications.set_notification_url(
            shop.other_seller, shop.producer_ids["ngoc_lu"], "https://evil.example/hook"
        )
    assert await notifications.notification_url(shop.producer_ids["ngoc_lu"]) is None


async def _log_in(client, account):
    response = await submit(
        client, "/login", {"phone": account.phone, "password": "mat-khau-ban-hang"}
    )
    assert response.status_code == 200


async def test_the_payments_page_sets_the_url_and_shows_the_secret_once(client):
    shop = await build_shop()
    producer = shop.producer_ids["ngoc_lu"]
    await _log_in(client, shop.seller)
    page_path = f"/seller/{producer}/payments"
    path = f"{page_path}/notifications"

    bad = await submit(client, path, {"notification_url": "http://example.vn/x"}, page_path)
    assert bad.status_code == 422
    assert "https://" in bad.text
    page = await submit(
        client, path, {"notification_url": "https://shop.example.vn/hooks"}, page_path
    )
    assert page.status_code == 200
    secret = re.search(r'value="(whsec_[^"]+)"', page.text)
    assert secret is not None
    again = await client.get(page_path)
    assert "https://shop.example.vn/hooks" in again.text
    assert secret.group(1) not in again.text

    cleared = await submit(client, f"{path}/clear", {}, page_path)
    assert cleared.status_code == 200
    assert await notifications.notification_url(producer) is None


async def test_another_seller_gets_403_from_the_page(client):
    shop = await build_shop()
    producer = shop.producer_ids["ngoc_lu"]
    await _log_in(client, shop.other_seller)
    own_page = f"/seller/{shop.producer_ids['ba_thuoc']}/payments"
    response = await submit(
        client,
        f"/seller/{producer}/payments/notifications",
        {"notification_url": "https://evil.example/hook"},
        own_page,
    )
    assert response.status_code == 403
    assert await notifications.notification_url(producer) is None
