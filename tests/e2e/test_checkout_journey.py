"""A buyer pays two producers by VietQR and watches both orders turn paid; a seller confirms a
third order by hand ("đã nhận tiền").

The sellers connect their providers through the payments page (the seeds connect none); the
bank's webhooks are then sent exactly as SePay and payOS send them, signed with the secrets the
sellers pasted, by the same code `langso payments simulate` uses.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
from playwright.sync_api import Browser, Page, expect

from marketplace.payments.connections import ProviderSecrets
from marketplace.payments.simulate import new_transfer, signed_request

SELLER_A = ("0912000001", "langso-seller", "HTX Bưởi Ngọc Lũ")
SELLER_B = ("0912000002", "langso-seller2", "Cơ sở Nem chua Hạc Thành")
SEPAY_SECRET = "e2e-sepay-hmac-secret-2026"
PAYOS_KEY = "e2e-payos-checksum-key-2026"
PAID_WITHIN_MS = 20_000


def log_in(page: Page, phone: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Số điện thoại").fill(phone)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def log_out(page: Page) -> None:
    page.goto("/account")
    page.get_by_role("button", name="Đăng xuất", exact=True).click()


def producer_id(page: Page, name: str) -> int:
    page.goto("/seller")
    href = page.get_by_role("link", name=name).first.get_attribute("href") or ""
    return int(href.rsplit("/", 1)[1])


def connect_provider(page: Page, check_a11y, seller, provider: str, label: str, secret: str):  # type: ignore[no-untyped-def]
    """The seller pastes a secret on the payments page; the webhook URL it shows and the id."""
    log_in(page, seller[0], seller[1])
    pid = producer_id(page, seller[2])
    page.goto(f"/seller/{pid}/payments")
    check_a11y(page)
    page.get_by_label("Dịch vụ", exact=True).select_option(provider)
    page.get_by_label(label, exact=True).fill(secret)
    page.get_by_role("button", name="Kết nối", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đã kết nối")
    check_a11y(page)
    url = page.locator(".just-connected [data-webhook-url]").input_value()
    page.goto(f"/seller/{pid}/delivery")
    expect(page.get_by_role("heading", name="Cách giao hàng")).to_be_visible()
    check_a11y(page)
    log_out(page)
    return url, pid


def add_to_cart(buyer: Page, check_a11y, slug: str, quantity: int) -> None:
    buyer.goto(f"/products/{slug}")
    check_a11y(buyer)
    buyer.get_by_label("Số lượng").fill(str(quantity))
    buyer.get_by_role("button", name="Thêm vào giỏ").click()
    expect(buyer.get_by_role("status")).to_contain_text("Đã thêm vào giỏ hàng")


def check_out(buyer: Page, check_a11y) -> list[str]:
    """Fill the guest checkout; the payment links of the orders placed."""
    buyer.goto("/cart")
    check_a11y(buyer)
    buyer.get_by_role("link", name="Đặt hàng").click()
    check_a11y(buyer)
    buyer.get_by_label("Họ và tên").fill("Trần Thị Mai")
    buyer.get_by_label("Số điện thoại").fill("0987 654 321")
    buyer.get_by_label("Tỉnh, thành phố").select_option(label="Hà Nội")
    # Choosing the province redraws the form with its communes (checkout.js).
    expect(buyer.locator("#f-commune_code option[value='00004']")).to_be_attached()
    expect(buyer.get_by_label("Họ và tên")).to_have_value("Trần Thị Mai")
    buyer.get_by_label("Xã, phường").select_option(label="Phường Ba Đình")
    buyer.get_by_label("Số nhà, thôn, xóm, đường").fill("Số 12 ngõ 5 phố Hàng Bạc")
    check_a11y(buyer)
    buyer.get_by_role("button", name="Đặt hàng").click()
    expect(buyer.get_by_role("heading", name="Cảm ơn bạn đã đặt hàng")).to_be_visible()
    check_a11y(buyer)
    links = buyer.locator("a[href^='/pay/']")
    return [links.nth(i).get_attribute("href") or "" for i in range(links.count())]


def send_webhook(base_url: str, buyer: Page, provider: str, url: str, secrets: ProviderSecrets):
    """The provider reports the buyer's transfer for the order on the open payment page."""
    token = buyer.url.rstrip("/").rsplit("/", 1)[1]
    intent = httpx.get(f"{base_url}/api/v1/payment-intents/{token}", timeout=10).json()
    assert buyer.locator("#pay-message").inner_text() == intent["reference"]
    now = datetime.now(UTC)
    transfer = new_transfer(
        intent["account"], intent["amount_vnd"], f"{intent['reference']} chuyen tien", now
    )
    headers, body = signed_request(provider, transfer, secrets, now)
    response = httpx.post(url, content=body, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["success"] is True


def test_a_buyer_pays_two_producers_and_a_seller_confirms_a_third_order(
    page: Page, browser: Browser, browser_context_args: dict, base_url: str, check_a11y
) -> None:
    sepay_url, producer_a = connect_provider(
        page, check_a11y, SELLER_A, "sepay", "SePay: khóa bí mật HMAC", SEPAY_SECRET
    )
    payos_url, _ = connect_provider(
        page, check_a11y, SELLER_B, "payos", "Casso hoặc payOS: checksum key", PAYOS_KEY
    )

    context = browser.new_context(**{**browser_context_args, "base_url": base_url})
    buyer = context.new_page()
    add_to_cart(buyer, check_a11y, "buoi-ngoc-lu", 2)
    add_to_cart(buyer, check_a11y, "nem-chua-thanh-hoa", 3)
    expect(buyer.get_by_role("heading", name=SELLER_A[2])).to_be_visible()
    expect(buyer.get_by_role("heading", name=SELLER_B[2])).to_be_visible()
    pay_links = check_out(buyer, check_a11y)
    assert len(pay_links) == 2

    for link, provider, url, secrets in zip(
        pay_links,
        ["sepay", "payos"],
        [sepay_url, payos_url],
        [ProviderSecrets(hmac_secret=SEPAY_SECRET), ProviderSecrets(checksum_key=PAYOS_KEY)],
        strict=True,
    ):
        buyer.goto(link)
        expect(buyer.get_by_role("img", name=re.compile("Mã VietQR"))).to_be_visible()
        expect(buyer.get_by_role("link", name="Lưu ảnh QR")).to_be_visible()
        expect(buyer.locator("#pay-status")).to_contain_text("Chờ chuyển khoản")
        check_a11y(buyer)
        send_webhook(base_url, buyer, provider, url, secrets)
        # Nobody reloads: the page follows the payment by itself.
        expect(buyer.locator("#pay-status")).to_contain_text(
            "Đã thanh toán", timeout=PAID_WITHIN_MS
        )
        check_a11y(buyer)

    add_to_cart(buyer, check_a11y, "mut-vo-buoi", 1)
    (third,) = check_out(buyer, check_a11y)
    buyer.goto(third)
    reference = buyer.locator("#pay-message").inner_text()

    log_in(page, SELLER_A[0], SELLER_A[1])
    page.goto(f"/seller/{producer_a}/payments")
    expect(page.locator(".new-badge")).to_be_visible()
    page.goto(f"/seller/{producer_a}/orders")
    check_a11y(page)
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("Chờ thanh toán").first).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Đã nhận tiền").click()
    expect(page.locator("strong.state")).to_have_text("Đã thanh toán")
    check_a11y(page)
    page.get_by_role("link", name="Phiếu đóng gói").click()
    expect(page.get_by_role("heading", name=re.compile("Phiếu đóng gói"))).to_be_visible()
    check_a11y(page)

    expect(buyer.locator("#pay-status")).to_contain_text("Đã thanh toán", timeout=PAID_WITHIN_MS)
    context.close()
