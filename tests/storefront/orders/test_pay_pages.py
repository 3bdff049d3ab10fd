"""The buyer's payment page: QR, bank details to copy, a PNG to save, and its status."""

import io
import re
from datetime import UTC, datetime, timedelta

import zxingcpp
from PIL import Image

from marketplace.orders import lifecycle
from marketplace.orders.queries import get_order
from marketplace.payments import vietqr
from marketplace.payments.intents import PAYMENT_WINDOW
from tests.shop import build_shop, checkout
from tests.support import submit


async def test_the_payment_page_shows_everything_needed_to_transfer(client):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 2})
    page = await client.get(f"/pay/{order.payment_token}")

    assert page.status_code == 200
    text = page.text
    assert '<svg role="img"' in text and "vietqr" in text
    assert "MB Bank" in text  # BIN 970422
    assert shop.accounts["ngoc_lu"] in text
    assert "120.000\u00a0₫" in text
    assert order.reference in text
    assert f'href="/pay/{order.payment_token}/qr.png"' in text
    assert "Lưu ảnh QR" in text and "Kiểm tra lại" in text
    assert 'data-copy="' + order.reference + '"' in text
    assert "Chờ chuyển khoản" in text


async def test_the_saved_png_reads_back_as_the_exact_payload(client):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    response = await client.get(f"/pay/{order.payment_token}/qr.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert f"VietQR-{order.reference}.png" in response.headers["content-disposition"]
    (found,) = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(response.content)), formats=zxingcpp.BarcodeFormat.QRCode
    )
    assert found.text == order.intent.payload
    assert vietqr.decode(found.text).purpose == order.reference


async def test_the_reference_alone_opens_no_payment_page(client):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    assert (await client.get(f"/pay/{order.reference}")).status_code == 404
    assert (await client.get("/pay/not-a-token/qr.png")).status_code == 404
    assert (await client.get("/orders/not-a-checkout")).status_code == 404


async def test_a_paid_order_shows_paid_and_no_qr(client):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    await lifecycle.confirm_paid_by_hand(shop.seller, order.producer_id, order.id)
    page = await client.get(f"/pay/{order.payment_token}")
    assert "Đã thanh toán" in page.text
    assert "<svg" not in page.text


async def test_the_buyer_cancels_from_the_payment_page(client):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    page = await submit(
        client, f"/pay/{order.payment_token}/cancel", {}, f"/pay/{order.payment_token}"
    )
    assert page.status_code == 200
    assert "Đã hủy" in page.text
    assert (await get_order(order.id)).state == "canceled"


async def test_an_expired_page_offers_a_new_code(client):
    shop = await build_shop()
    past = datetime.now(UTC) - PAYMENT_WINDOW - timedelta(minutes=1)
    (order,) = await checkout({shop.product_ids["buoi"]: 1}, now=past)
    page = await client.get(f"/pay/{order.payment_token}")
    assert "Đã hết hạn" in page.text
    assert "<svg" not in page.text
    renewed = await submit(
        client, f"/pay/{order.payment_token}/renew", {}, f"/pay/{order.payment_token}"
    )
    assert "Chờ chuyển khoản" in renewed.text and "<svg" in renewed.text


async def test_nothing_the_buyer_sends_marks_an_order_paid(client):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    token = order.payment_token
    await client.get(f"/pay/{token}?status=PAID&code=00&cancel=false")  # a payOS-style return URL
    await client.get(f"/api/v1/payment-intents/{token}")
    csrf = {"x-csrftoken": client.cookies.get("csrftoken")}
    await client.post("/api/v1/payment-intents", json={"payment_token": token}, headers=csrf)
    claimed = await submit(client, f"/pay/{token}/paid", {}, f"/pay/{token}")
    assert claimed.status_code in (404, 405)
    still = await get_order(order.id)
    assert still.state == "awaiting_payment"
    assert still.intent.state == "requires_payment" and still.intent.amount_received_vnd == 0


async def test_the_payment_page_speaks_english_when_asked(client):
    shop = await build_shop()
    (order,) = await checkout({shop.product_ids["buoi"]: 1})
    page = await client.get(f"/pay/{order.payment_token}?lang=en")
    assert "Pay order " + order.reference in page.text
    assert "Status: Awaiting payment" in re.sub(r"<[^>]+>", "", page.text)
    assert "Delivery, pay by VietQR transfer" in page.text
    assert "Chờ thanh toán" not in page.text
