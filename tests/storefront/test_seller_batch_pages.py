"""Seller batch pages without JavaScript: open a batch, record events with a photo, share,
link, recall and print labels; the officer's list of the province's batches."""

import re

import pypdfium2 as pdfium
import zxingcpp

from marketplace.accounts.service import account_by_phone, sign_up
from marketplace.catalogue import producers, products
from tests.batch_support import BUOI, NGOC_LU, jpeg_bytes
from tests.support import csrf_token, sign_up_and_log_in, submit
from traceability.batches import producer_batches, verify_journal


def page_text(page):
    """The PDF page's text with line breaks collapsed (a long code may wrap on a sticker)."""
    return re.sub(r"\s+", " ", page.get_textpage().get_text_range())


async def logged_in_seller(client):
    await sign_up_and_log_in(client, phone="0912345678")
    seller = await account_by_phone("+84912345678")
    producer = await producers.create_producer(seller, NGOC_LU)
    product = await products.create_product(seller, producer.public.id, BUOI)
    return seller, producer.public.id, product.id


async def open_by_form(client, producer_id, product_id):
    page = f"/seller/{producer_id}/batches"
    response = await submit(
        client,
        page,
        {
            "product_id": str(product_id),
            "quantity": "300",
            "unit": "quả",
            "growing_area_code": "VN-37-NL-009",
        },
    )
    assert response.status_code == 200, response.text
    code = re.search(r"/batches/([0-9A-Z]{11})", str(response.url)).group(1)
    return code, response


async def test_a_seller_opens_a_batch_and_records_spraying_and_harvest_with_a_photo(client, db):
    seller, producer_id, product_id = await logged_in_seller(client)
    code, opened = await open_by_form(client, producer_id, product_id)
    assert "Đã mở lô" in opened.text and 'capture="environment"' in opened.text
    path = f"/seller/{producer_id}/batches/{code}"
    token = await csrf_token(client, path)
    sprayed = await client.post(
        f"{path}/events",
        data={
            "_csrf_token": token,
            "kind": "spraying",
            "occurred_at": "2026-01-05T07:30",
            "input_name": "Regent 800WG",
            "dose": "1 gói/bình",
            "phi_days": "7",
            "commune_code": "13540",
            "public": "1",
            "photo_alt": "Phun góc vườn",
        },
        files={"photo": ("vuon.jpg", jpeg_bytes(), "image/jpeg")},
    )
    assert sprayed.status_code == 200 and "Đã ghi sự kiện số 1." in sprayed.text
    harvested = await client.post(
        f"{path}/events",
        data={
            "_csrf_token": token,
            "kind": "harvest",
            "occurred_at": "2026-01-09T08:00",
            "quantity": "290",
            "unit": "quả",
            "public": "1",
        },
    )
    assert "Đã ghi sự kiện số 2." in harvested.text
    assert "Thu hoạch khi chưa hết thời gian cách ly 7 ngày" in harvested.text
    [batch] = await producer_batches(seller, producer_id)
    assert batch.event_count == 2 and batch.harvested_on.isoformat() == "2026-01-09"
    assert (await verify_journal(code)).ok
    public = await client.get(f"/t/{code}")
    assert "Regent 800WG" in public.text and 'alt="Phun góc vườn"' in public.text


async def test_a_wrong_event_form_comes_back_with_the_message_and_what_was_typed(client, db):
    _, producer_id, product_id = await logged_in_seller(client)
    code, _ = await open_by_form(client, producer_id, product_id)
    path = f"/seller/{producer_id}/batches/{code}"
    token = await csrf_token(client, path)
    answer = await client.post(
        f"{path}/events",
        data={
            "_csrf_token": token,
            "kind": "spraying",
            "occurred_at": "2026-01-05T07:30",
            "dose": "1 gói/bình",
            "notes": "Nhớ ghi tên thuốc",
        },
    )
    assert answer.status_code == 422
    assert "Hãy ghi tên phân bón hoặc thuốc và liều lượng đã dùng." in answer.text
    assert "Nhớ ghi tên thuốc" in answer.text and 'value="1 gói/bình"' in answer.text


async def test_the_label_sheet_downloads_as_a_pdf_whose_codes_read_back(client, db, app):
    _, producer_id, product_id = await logged_in_seller(client)
    code, _ = await open_by_form(client, producer_id, product_id)
    pdf = await client.get(f"/seller/{producer_id}/batches/{code}/labels.pdf?layout=a4-2x7&count=3")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    page = pdfium.PdfDocument(pdf.content)[0]
    image = page.render(scale=300 / 72).to_pil().convert("L")
    texts = [b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    assert texts == [f"{app.state.settings.base_url}/t/{code}"] * 3
    assert f"Lô: {code}" in page_text(page)


async def test_the_label_form_left_empty_gives_one_full_sheet(client, db):
    _, producer_id, product_id = await logged_in_seller(client)
    code, _ = await open_by_form(client, producer_id, product_id)
    pdf = await client.get(f"/seller/{producer_id}/batches/{code}/labels.pdf?layout=a4-3x8&count=")
    assert pdf.status_code == 200
    page = pdfium.PdfDocument(pdf.content)[0]
    assert page_text(page).count(f"Lô: {code}") == 24


async def test_sharing_linking_and_recalling_from_the_batch_page(client, db):
    _, producer_id, product_id = await logged_in_seller(client)
    code, _ = await open_by_form(client, producer_id, product_id)
    other, _ = await open_by_form(client, producer_id, product_id)
    path = f"/seller/{producer_id}/batches/{code}"
    token = await csrf_token(client, path)
    shared = await client.post(
        f"{path}/public-fields",
        data={"_csrf_token": token, "field": ["dates", "quantity", "links"]},
    )
    assert "Đã lưu lựa chọn công khai." in shared.text
    linked = await client.post(
        f"{path}/links", data={"_csrf_token": token, "direction": "to", "other_code": other}
    )
    assert "Đã nối lô." in linked.text and f"/t/{other}" in linked.text
    recalled = await client.post(f"{path}/recall", data={"_csrf_token": token, "reason": "Mốc"})
    assert "LÔ HÀNG ĐÃ BỊ THU HỒI" in recalled.text
    public = await client.get(f"/t/{code}")
    assert "300 quả" in public.text and "Mốc" in public.text


async def test_someone_elses_batches_are_not_shown(client, db):
    owner = await sign_up("0987654321", "mat-khau-2", "Chủ khác")
    producer = await producers.create_producer(owner, NGOC_LU)
    await sign_up_and_log_in(client, phone="0912345678")
    answer = await client.get(f"/seller/{producer.public.id}/batches")
    assert answer.status_code == 403


async def test_the_officer_sees_the_provinces_batches_with_recall_and_journal_check(client, db):
    _, producer_id, product_id = await logged_in_seller(client)
    code, _ = await open_by_form(client, producer_id, product_id)
    token = await csrf_token(client, f"/seller/{producer_id}/batches/{code}")
    await client.post(
        f"/seller/{producer_id}/batches/{code}/recall",
        data={"_csrf_token": token, "reason": "Dư lượng"},
    )
    await client.post("/logout", data={"_csrf_token": token})
    await sign_up("0922222222", "mat-khau-4", "Cán bộ", is_officer=True, officer_province_code="37")
    login = await submit(client, "/login", {"phone": "0922222222", "password": "mat-khau-4"})
    assert login.status_code == 200
    page = await client.get("/officer/batches")
    assert page.status_code == 200
    assert code in page.text and "Đã thu hồi" in page.text and "Dư lượng" in page.text
    assert "Toàn vẹn (1 sự kiện)" in page.text
