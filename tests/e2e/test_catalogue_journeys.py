"""Catalogue journeys on a phone: a buyer browses by province; a seller lists a product with a
photo, changes its price and sees it listed; another seller cannot touch it."""

import io
import re
import secrets

from PIL import Image
from playwright.sync_api import Page, expect


def phone_photo() -> bytes:
    image = Image.new("RGB", (1200, 900), (214, 178, 52))
    for x in range(0, 1200, 60):
        for y in range(0, 900, 60):
            image.putpixel((x, y), (30, 110, 50))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def fresh_phone() -> str:
    return "097" + "".join(secrets.choice("0123456789") for _ in range(7))


def sign_up(page: Page, name: str) -> None:
    page.goto("/signup")
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label("Số điện thoại").fill(fresh_phone())
    page.get_by_label("Mật khẩu").fill("mat-khau-ban-hang")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_role("heading", name=f"Xin chào, {name}")).to_be_visible()


def register_producer(page: Page, check_a11y, name: str) -> str:
    """Register a producer from an old address; the seller's dashboard URL."""
    page.goto("/seller")
    check_a11y(page)
    page.get_by_label("Tên cơ sở").fill(name)
    page.get_by_label("Địa chỉ cũ (xã, huyện, tỉnh trước 1/7/2025)").fill(
        "Ngọc Lũ, Bình Lục, Hà Nam"
    )
    page.get_by_role("button", name="Tìm xã, phường mới").click()
    expect(page.get_by_role("status")).to_contain_text("Xã Bình An, Ninh Bình")
    check_a11y(page)
    page.get_by_role("button", name="Đăng ký cơ sở").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    check_a11y(page)
    return page.url.split("?")[0]


def test_a_buyer_browses_by_province_and_opens_a_product(page: Page, check_a11y) -> None:
    page.goto("/")
    check_a11y(page)
    provinces = page.get_by_role("region", name="Theo tỉnh, thành phố")
    first_province = provinces.get_by_role("link").first
    province_name = first_province.inner_text().split(" (")[0]
    first_province.click()
    expect(page).to_have_url(re.compile(r"/products\?province=\d{2}$"))
    expect(page.get_by_label("Tỉnh, thành phố")).to_have_value(re.compile(r"\d{2}"))
    check_a11y(page)

    tile = page.locator("li.tile").first
    expect(tile).to_contain_text(province_name)
    product_name = tile.get_by_role("heading").inner_text()
    tile.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1, name=product_name)).to_be_visible()
    expect(page.locator(".big-price")).to_contain_text("₫")
    check_a11y(page)

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Description")).to_be_visible()
    check_a11y(page)


def test_a_seller_adds_a_product_with_a_photo_and_edits_its_price(page: Page, check_a11y) -> None:
    sign_up(page, "Phạm Thị Lan")
    dashboard = register_producer(page, check_a11y, "HTX Bưởi Lan Bình An")

    page.get_by_role("link", name="Thêm sản phẩm").click()
    check_a11y(page)
    page.get_by_label("Tên sản phẩm").fill("Bưởi Lan Bình An")
    page.get_by_label("Giá bán (đồng)").fill("45000")
    page.get_by_label("Đơn vị bán").select_option("quả")
    page.get_by_label("Số lượng còn").fill("20")
    page.get_by_label("Trạng thái").select_option("active")
    page.get_by_label("VietGAP").check()
    page.get_by_role("button", name="Tạo sản phẩm").click()
    expect(page.get_by_role("status")).to_contain_text("Đã tạo sản phẩm")

    page.get_by_label("Hoặc chọn ảnh có sẵn").set_input_files(
        files=[{"name": "buoi.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}]
    )
    page.get_by_label("Mô tả ngắn của ảnh (cho người khiếm thị)").fill("Quả bưởi chín vàng")
    page.get_by_role("button", name="Tải ảnh lên").click()
    expect(page.get_by_role("status")).to_contain_text("Đã thêm ảnh.")
    expect(page.get_by_role("img", name="Quả bưởi chín vàng")).to_be_visible()
    check_a11y(page)
    edit_url = page.url.split("?")[0]

    page.get_by_label("Giá bán (đồng)").fill("52.000")
    page.get_by_role("button", name="Lưu sản phẩm").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu sản phẩm.")
    expect(page.locator("main")).to_contain_text("52.000")
    check_a11y(page)

    page.goto("/products?sort=newest")
    tile = page.locator("li.tile", has_text="Bưởi Lan Bình An")
    expect(tile).to_contain_text("52.000")
    expect(tile.locator("img")).to_have_attribute("srcset", re.compile(r"240w.*480w.*960w"))
    check_a11y(page)

    page.goto("/account")
    page.get_by_role("button", name="Đăng xuất", exact=True).click()
    sign_up(page, "Lê Văn Nam")
    for path in (dashboard, edit_url):
        response = page.goto(path)
        assert response is not None and response.status == 403
        expect(page.get_by_text("Bạn không có quyền với cơ sở sản xuất này.")).to_be_visible()
    check_a11y(page)
    page.goto("/products?sort=newest")
    expect(page.locator("li.tile", has_text="Bưởi Lan Bình An")).to_contain_text("52.000")
