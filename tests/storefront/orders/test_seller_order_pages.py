"""Seller pages: the order queue with its badge, actions, packing list, payments, delivery."""

import re
from datetime import UTC, datetime

import pytest

from marketplace.orders.delivery import delivery_settings
from marketplace.orders.queries import get_order
from marketplace.orders.schemas import PAID
from marketplace.payments.providers import Transfer
from marketplace.payments.transfers import record_transfer
from tests.shop import build_shop, checkout, connect
from tests.support import submit


async def _log_in(client, account):
    response = await submit(
        client, "/login", {"phone": account.phone, "password": "mat-khau-ban-hang"}
    )
    assert response.status_code == 200


async def test_the_queue_shows_new_orders_once_and_groups_them_by_state(client):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    await _log_in(client, shop.seller)
    producer = order.producer_id

    payments_page = await client.get(f"/seller/{producer}/payments")
    assert "1 mới" in payments_page.text  # the badge on every seller page
    queue = await client.get(f"/seller/{producer}/orders")
    assert queue.status_code == 200
    assert "Có 1 đơn hàng mới" in queue.text
    assert order.reference in queue.text
    assert "Chờ thanh toán" in queue.text
    again = await client.get(f"/seller/{producer}/orders")
    assert "đơn hàng mới" not in again.text
    paid_only = await client.get(f"/seller/{producer}/orders?state=paid")
    assert order.reference not in paid_only.text


async def test_the_seller_marks_paid_packs_ships_and_prints_a_packing_list(client):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 3})
    await _log_in(client, shop.seller)
    base = f"/seller/{order.producer_id}/orders/{order.id}"

    page = await submit(client, f"{base}/confirm-payment", {}, base)
    assert "Đã thanh toán" in page.text
    assert (await get_order(order.id)).state == PAID
    page = await submit(client, f"{base}/shipped", {}, base)
    assert page.status_code == 409
    page = await submit(client, f"{base}/packing", {}, base)
    assert "Đang đóng gói" in page.text
    page = await submit(client, f"{base}/shipped", {}, base)
    assert "Đã gửi" in page.text

    sheet = await client.get(f"{base}/packing-list")
    assert sheet.status_code == 200
    assert (
        "Phiếu đóng gói" in sheet.text
        and "Bưởi Ngọc Lũ" in sheet.text
        and "Trần Thị Mai" in sheet.text
    )


async def test_an_unmatched_transfer_is_assigned_from_the_queue(client):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    endpoint_id = await connect(shop)

    await record_transfer(
        "sepay",
        endpoint_id,
        Transfer(
            "sepay",
            "555",
            shop.accounts["ngoc_lu"],
            order.total_vnd,
            "chuyen tien mua buoi",
            datetime.now(UTC),
            "in",
            {},
        ),
    )
    await _log_in(client, shop.seller)
    queue_path = f"/seller/{order.producer_id}/orders"
    queue = await client.get(queue_path)
    assert "Giao dịch chưa khớp đơn" in queue.text and "chuyen tien mua buoi" in queue.text
    transfer_id = re.search(r"/transfers/(\d+)/assign", queue.text).group(1)

    wrong = await submit(
        client,
        f"/seller/{order.producer_id}/transfers/{transfer_id}/assign",
        {"order_reference": "DH0000000"},
        queue_path,
    )
    assert wrong.status_code == 404
    page = await submit(
        client,
        f"/seller/{order.producer_id}/transfers/{transfer_id}/assign",
        {"order_reference": order.reference},
        queue_path,
    )
    assert page.status_code == 200
    assert f"Đã gán giao dịch cho đơn {order.reference}" in page.text
    assert (await get_order(order.id)).state == PAID


async def test_connecting_a_provider_shows_the_webhook_url_to_paste(client):
    shop = await build_shop()
    await _log_in(client, shop.seller)
    path = f"/seller/{shop.producer_ids['ngoc_lu']}/payments"
    missing = await submit(client, path, {"provider": "casso", "checksum_key": ""})
    assert missing.status_code == 422
    page = await submit(client, path, {"provider": "casso", "checksum_key": "casso-key-1234567"})
    assert page.status_code == 200
    url = re.search(
        r'value="(http://testserver.local/api/v1/payments/webhooks/casso/[^"]+)"', page.text
    )
    assert url is not None
    assert "casso-key-1234567" not in page.text


async def test_delivery_options_are_saved_from_the_page(client):
    shop = await build_shop()
    await _log_in(client, shop.seller)
    producer = shop.producer_ids["ngoc_lu"]
    path = f"/seller/{producer}/delivery"
    bad = await submit(client, path, {"delivery_enabled": "on", "delivery_fee_vnd": "mười nghìn"})
    assert bad.status_code == 422
    page = await submit(
        client,
        path,
        {
            "delivery_enabled": "on",
            "delivery_fee_vnd": "25.000",
            "province_fee_01": "35000",
            "cod_allowed": "on",
            "pickup_enabled": "on",
            "pickup_address": "Thôn Ngọc Lũ, xã Bình An",
        },
    )
    assert page.status_code == 200 and "Đã lưu cách giao hàng" in page.text
    settings = await delivery_settings(producer)
    assert (settings.delivery_fee_vnd, settings.province_fees, settings.cod_allowed) == (
        25_000,
        {"01": 35_000},
        True,
    )


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", "/orders"),
        ("get", "/orders/{order}"),
        ("get", "/orders/{order}/packing-list"),
        ("get", "/payments"),
        ("get", "/delivery"),
        ("post", "/orders/{order}/confirm-payment"),
        ("post", "/orders/{order}/cancel"),
        ("post", "/payments"),
        ("post", "/delivery"),
        ("post", "/transfers/1/assign"),
    ],
)
async def test_other_sellers_cannot_see_or_change_a_producers_orders(client, method, suffix):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    await _log_in(client, shop.other_seller)
    path = f"/seller/{order.producer_id}" + suffix.format(order=order.id)
    if method == "get":
        response = await client.get(path)
    else:
        response = await submit(
            client,
            path,
            {
                "provider": "sepay",
                "api_key": "k" * 12,
                "delivery_enabled": "on",
                "delivery_fee_vnd": "0",
                "order_reference": order.reference,
            },
            "/login",
        )
    assert response.status_code == 403
    assert (await get_order(order.id)).state == "awaiting_payment"


async def test_seller_pages_ask_a_stranger_to_log_in(client):
    shop = await build_shop()
    response = await client.get(f"/seller/{shop.producer_ids['ngoc_lu']}/orders")
    assert "/login" in str(response.url)
