"""Traceability on a phone: a seller opens a batch, records spraying and harvest with a photo
(once without signal), prints labels; a shopper opens a provenance page in both languages."""

import io
import re

from PIL import Image
from playwright.sync_api import Page, expect

SELLER_PHONE = "0912000001"  # demo seller of HTX Bưởi Ngọc Lũ (seeds/people.py)
SELLER_PASSWORD = "langso-seller"
SEEDED_BATCH = "BNG25A1001E"  # bưởi Ngọc Lũ, full journal (seeds/batches.py)
RECALLED_BATCH = "CHX25A0901Q"


def field_photo() -> bytes:
    image = Image.new("RGB", (1000, 750), (60, 130, 70))
    for x in range(0, 1000, 50):
        for y in range(0, 750, 50):
            image.putpixel((x, y), (230, 210, 80))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def log_in_as_seller(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Số điện thoại").fill(SELLER_PHONE)
    page.get_by_label("Mật khẩu").fill(SELLER_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name=re.compile("Xin chào"))).to_be_visible()


def batches_url(page: Page) -> str:
    page.goto("/account")
    link = page.get_by_role("link", name="HTX Bưởi Ngọc Lũ").first
    return f"{link.get_attribute('href')}/batches"


def record(page: Page, kind: str, when: str) -> None:
    page.get_by_label("Công việc").select_option(label=kind)
    page.get_by_label("Thời gian", exact=True).fill(when)


def test_seller_opens_a_batch_records_spraying_and_harvest_and_prints_labels(
    page: Page, check_a11y
) -> None:
    log_in_as_seller(page)
    page.goto(batches_url(page))
    check_a11y(page)
    page.get_by_label("Sản phẩm").select_option(label="Bưởi Ngọc Lũ")
    page.get_by_label("Số lượng dự kiến").fill("400")
    page.get_by_label("Mã số vùng trồng").fill("NB-BUOI-0099")
    page.get_by_role("button", name="Mở lô mới").click()
    expect(page.get_by_text("Đã mở lô. Hãy ghi nhật ký và in nhãn.")).to_be_visible()
    check_a11y(page)

    record(page, "Phun thuốc bảo vệ thực vật", "2025-11-01T16:00")
    expect(page.get_by_label("Tên phân bón hoặc thuốc")).to_be_visible()
    expect(page.get_by_label("Kết quả kiểm tra (khi kiểm tra)")).to_be_hidden()
    page.get_by_label("Tên phân bón hoặc thuốc").fill("Bt (Bacillus thuringiensis)")
    page.get_by_label("Liều lượng").fill("25 g/bình 16 lít")
    page.get_by_label("Thời gian cách ly (ngày)").fill("5")
    page.get_by_label("Ảnh (chụp bằng máy ảnh)").set_input_files(
        {"name": "vuon.jpg", "mimeType": "image/jpeg", "buffer": field_photo()}
    )
    page.get_by_role("button", name="Ghi nhật ký").click()
    expect(page.get_by_text("Đã ghi sự kiện số 1.")).to_be_visible()
    expect(page.locator("ol.timeline img")).to_have_count(1)

    record(page, "Thu hoạch", "2025-11-03T06:30")
    expect(page.get_by_label("Tên phân bón hoặc thuốc")).to_be_hidden()
    page.get_by_role("textbox", name="Số lượng", exact=True).fill("380")
    page.get_by_role("button", name="Ghi nhật ký").click()
    expect(page.get_by_text("Đã ghi sự kiện số 2.")).to_be_visible()
    expect(
        page.get_by_text(re.compile("Thu hoạch khi chưa hết thời gian cách ly 5 ngày"))
    ).to_be_visible()
    check_a11y(page)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải tờ nhãn (PDF)").click()
    download = download_info.value
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert download.suggested_filename.endswith(".pdf")


def test_an_event_recorded_without_signal_is_sent_when_the_phone_is_back_online(
    page: Page, check_a11y
) -> None:
    log_in_as_seller(page)
    page.goto(batches_url(page))
    page.get_by_label("Sản phẩm").select_option(label="Bưởi Ngọc Lũ")
    page.get_by_role("button", name="Mở lô mới").click()
    expect(page.get_by_text("Đã mở lô. Hãy ghi nhật ký và in nhãn.")).to_be_visible()
    batch_page = page.url.split("?")[0]

    page.context.set_offline(True)
    record(page, "Tưới nước", "2025-11-02T05:00")
    page.get_by_role("textbox", name="Ghi chú").fill("Tưới rãnh buổi sáng")
    page.get_by_role("button", name="Ghi nhật ký").click()
    expect(page.get_by_text("Đã lưu nháp, sẽ gửi khi có mạng.")).to_be_visible()
    check_a11y(page)

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_text("Đã ghi sự kiện số 1.")).to_be_visible()
    expect(page.get_by_text("Tưới rãnh buổi sáng")).to_be_visible()
    assert (
        page.evaluate(
            "Object.keys(localStorage).filter(k => k.startsWith('langso-draft'))"
            ".map(k => localStorage.getItem(k))"
        )
        == []
    )
    assert page.url.startswith(batch_page)


def test_shopper_reads_the_provenance_page_in_vietnamese_and_english(
    page: Page, check_a11y
) -> None:
    page.goto(f"/t/{SEEDED_BATCH}?lang=vi")
    expect(page.get_by_role("heading", name="Bưởi Ngọc Lũ", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Nhật ký sản xuất")).to_be_visible()
    expect(page.get_by_text("HTX Bưởi Ngọc Lũ").first).to_be_visible()
    expect(page.get_by_role("link", name="Mua sản phẩm")).to_have_attribute(
        "href", f"/products/buoi-ngoc-lu?lot={SEEDED_BATCH}"
    )
    assert page.locator("script").count() == 0
    check_a11y(page)

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Production diary")).to_be_visible()
    expect(page.get_by_role("heading", name="Harvest")).to_be_visible()
    expect(page.get_by_role("link", name="Buy this product")).to_be_visible()
    check_a11y(page)


def test_shopper_sees_a_recall_first(page: Page, check_a11y) -> None:
    page.goto(f"/t/{RECALLED_BATCH}?lang=vi")
    notice = page.get_by_role("alert").first
    expect(notice).to_contain_text("LÔ HÀNG ĐÃ BỊ THU HỒI")
    expect(page.get_by_role("link", name="Mua sản phẩm")).to_have_count(0)
    check_a11y(page)


def test_shopper_buys_from_the_scanned_batch_but_never_from_a_recalled_one(
    page: Page, check_a11y
) -> None:
    page.goto(f"/t/{SEEDED_BATCH}?lang=vi")
    page.get_by_role("link", name="Mua sản phẩm").click()
    expect(page.get_by_text("Bạn mua từ lô")).to_be_visible()
    page.get_by_role("button", name="Thêm vào giỏ").click()
    expect(page.get_by_role("link", name=SEEDED_BATCH)).to_be_visible()
    check_a11y(page)

    # The tea batch was recalled: its page sells nothing, and a link carrying its code says so.
    page.goto(f"/products/che-xanh-hop-tien?lot={RECALLED_BATCH}&lang=vi")
    expect(page.get_by_role("alert")).to_contain_text(f"Lô {RECALLED_BATCH} đã bị thu hồi")
    expect(page.locator('input[name="lot"]')).to_have_count(0)
    check_a11y(page)
