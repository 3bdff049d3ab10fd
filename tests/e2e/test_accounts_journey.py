"""A seller on a phone: sign up, log out, a wrong password, log in, a reset code."""

import re

from playwright.sync_api import Page, expect

OFFICER_PHONE = "0912000009"  # seeded demo officer (README)
OFFICER_PASSWORD = "langso-officer"


def log_in(page: Page, phone: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Số điện thoại").fill(phone)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def log_out(page: Page) -> None:
    page.goto("/account")
    page.get_by_role("button", name="Đăng xuất", exact=True).click()


def test_sign_up_log_out_wrong_password_then_log_in(page: Page, check_a11y) -> None:
    page.goto("/signup")
    check_a11y(page)
    page.get_by_label("Họ và tên").fill("Phạm Thị Lan")
    page.get_by_label("Số điện thoại").fill("0977 123 456")
    page.get_by_label("Mật khẩu").fill("lan-mat-khau")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_role("heading", name="Xin chào, Phạm Thị Lan")).to_be_visible()
    expect(page.get_by_text("0977 123 456")).to_be_visible()
    check_a11y(page)

    log_out(page)
    expect(page).to_have_url(re.compile(r"/$"))

    log_in(page, "0977123456", "sai-roi-123")
    expect(page.get_by_role("alert")).to_have_text("Số điện thoại hoặc mật khẩu không đúng.")
    check_a11y(page)

    log_in(page, "0977123456", "lan-mat-khau")
    expect(page.get_by_role("heading", name="Xin chào, Phạm Thị Lan")).to_be_visible()


def test_officer_issues_a_reset_code_that_sets_a_new_password(page: Page, check_a11y) -> None:
    page.goto("/signup")
    page.get_by_label("Họ và tên").fill("Đỗ Văn Quý")
    page.get_by_label("Số điện thoại").fill("0966 555 444")
    page.get_by_label("Mật khẩu").fill("quen-mat-roi")
    page.get_by_role("button", name="Đăng ký").click()
    log_out(page)

    log_in(page, OFFICER_PHONE, OFFICER_PASSWORD)
    page.get_by_label("Số điện thoại của người cần đặt lại").fill("0966555444")
    page.get_by_role("button", name="Cấp mã").click()
    code = page.locator("strong.code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{9}", code)
    log_out(page)

    page.goto("/reset")
    check_a11y(page)
    page.get_by_label("Số điện thoại").fill("0966555444")
    page.get_by_label("Mã đặt lại").fill(code)
    page.get_by_label("Mật khẩu mới").fill("mat-khau-moi-1")
    page.get_by_role("button", name="Đặt lại mật khẩu").click()
    expect(page.get_by_role("status")).to_contain_text("Đã đặt lại mật khẩu")

    log_in(page, "0966555444", "mat-khau-moi-1")
    expect(page.get_by_role("heading", name="Xin chào, Đỗ Văn Quý")).to_be_visible()
