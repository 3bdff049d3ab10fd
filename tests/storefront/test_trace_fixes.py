"""What QA saw go wrong on batch and heritage pages, seen again the way a user sees it: no 500s
for odd input, recalls that reach the pages and stay final, labels that carry the Digital Link
and are refused for recalled lots, expired lots not offered, and one event per submission."""

import io
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image

from marketplace.accounts.service import account_by_phone, create_api_token, sign_up
from marketplace.catalogue import producers, products
from tests.batch_support import BUOI, GTIN, NGOC_LU, START, opened_batch, seller_with_product
from tests.heritage_sites import OFFICER_PASSWORD, new_officer, new_site
from tests.support import csrf_token, sign_up_and_log_in, submit
from traceability.batches import (
    EventInput,
    InputUsed,
    append_trace_event,
    batch_journal,
    recall_batch,
)
from traceability.heritage import queries

ROOT = Path(__file__).resolve().parents[2]


async def bearer(account):
    _, secret = await create_api_token(account.id, "Điện thoại")
    return {"authorization": f"Bearer {secret}"}


async def api_seller():
    seller, producer_id, product_id = await seller_with_product()
    return seller, producer_id, product_id, await bearer(seller)


async def logged_in_seller(client):
    await sign_up_and_log_in(client, phone="0912345678")
    seller = await account_by_phone("+84912345678")
    producer = await producers.create_producer(seller, NGOC_LU)
    product = await products.create_product(seller, producer.public.id, BUOI)
    return seller, producer.public.id, product.id


def langso(*args):
    return subprocess.run(
        [sys.executable, "-m", "storefront.cli", *args],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )


def qr_texts(pdf_bytes):
    page = pdfium.PdfDocument(pdf_bytes)[0]
    image = page.render(scale=300 / 72).to_pil().convert("L")
    return [b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


# 1 -------------------------------------------------------------------------------------------


async def test_an_api_time_without_timezone_is_viet_nam_time(client, db):
    _, _, product_id, headers = await api_seller()
    opened = await client.post("/api/v1/batches", json={"product_id": product_id}, headers=headers)
    code = opened.json()["code"]
    answer = await client.post(
        f"/api/v1/batches/{code}/events",
        json={"kind": "planting", "occurred_at": "2026-11-01T07:00:00"},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["event"]["occurred_at"].startswith("2026-11-01T00:00:00")
    ancient = await client.post(
        f"/api/v1/batches/{code}/events",
        json={"kind": "planting", "occurred_at": "0001-01-01T00:00:00"},
        headers=headers,
    )
    assert ancient.status_code == 422 and ancient.json()["code"] == "occurred_at_invalid"


# 2 -------------------------------------------------------------------------------------------


async def test_year_one_in_the_diary_form_is_the_fields_error(client, db):
    seller, producer_id, product_id = await logged_in_seller(client)
    batch = await opened_batch(seller, product_id)
    path = f"/seller/{producer_id}/batches/{batch.code}"
    answer = await submit(
        client, f"{path}/events", {"kind": "planting", "occurred_at": "0001-01-01T00:00"}, path
    )
    assert answer.status_code == 422
    assert "Thời gian không hợp lệ" in answer.text


# 3 -------------------------------------------------------------------------------------------


async def test_nul_and_bidi_characters_are_dropped_from_every_batch_text(client, db):
    _, _, product_id, headers = await api_seller()
    opened = await client.post(
        "/api/v1/batches",
        json={"product_id": product_id, "growing_area_code": "A\u0000B"},
        headers=headers,
    )
    assert opened.status_code == 201, opened.text
    assert opened.json()["growing_area_code"] == "AB"
    code = opened.json()["code"]
    event = await client.post(
        f"/api/v1/batches/{code}/events",
        json={
            "kind": "spraying",
            "occurred_at": "2026-01-05T07:00:00+07:00",
            "actor": "Anh\u0000 Tám",
            "notes": "Phun \u202egóc vườn\u0000",
            "inputs": [{"name": "Regent\u0000 800WG", "dose": "1 gói", "phi_days": 0}],
        },
        headers=headers,
    )
    assert event.status_code == 201, event.text
    page = await client.get(f"/t/{code}")
    assert page.status_code == 200
    assert "\x00" not in page.text and "\u202e" not in page.text
    assert "Regent 800WG" in page.text
    assert "0 ngày" in page.text  # a pre-harvest interval of 0 days is shown, not "—"


async def test_nul_in_heritage_forms_is_dropped(client, db):
    officer = await new_officer("37")
    login = await submit(client, "/login", {"phone": officer.phone, "password": OFFICER_PASSWORD})
    assert login.status_code == 200
    site = await new_site(officer, english=False)
    saved = await submit(
        client,
        f"/officer/sites/{site.id}/content/en",
        {"title": "Triều\u0000 Hội Communal House", "history": "First\u0000.", "action": "save"},
    )
    assert saved.status_code == 200, saved.text
    content = (await queries.site_detail(site.id)).contents["en"]
    assert (content.title, content.history) == ("Triều Hội Communal House", "First.")
    created = await submit(
        client,
        "/officer/sites/new",
        {
            "name": "Đình Mới",
            "slug": "",
            "kind": "dinh",
            "ranking": "cap_tinh",
            "province_code": "37",
            "commune": "Bình Giang",
            "address_line": "Thôn\u0000 Triều Hội",
        },
    )
    assert created.status_code == 200, created.text
    sites = {s.name: s for s in (await queries.list_sites())[0]}
    detail = await queries.site_detail(sites["Đình Mới"].id)
    assert detail.site.address_line == "Thôn Triều Hội"


# 4 -------------------------------------------------------------------------------------------


async def test_a_superscript_digit_in_number_boxes_is_a_clear_error(client, db):
    seller, producer_id, product_id = await logged_in_seller(client)
    batch = await opened_batch(seller, product_id)
    labels = await client.get(f"/seller/{producer_id}/batches/{batch.code}/labels.pdf?count=%C2%B2")
    assert labels.status_code == 422
    assert "Hãy nhập số nhãn" in labels.text


async def test_a_superscript_lunar_month_is_a_clear_error(client, db):
    officer = await new_officer("37")
    await submit(client, "/login", {"phone": officer.phone, "password": OFFICER_PASSWORD})
    site = await new_site(officer)
    answer = await submit(
        client,
        f"/officer/sites/{site.id}/festivals",
        {"name_vi": "Lễ hội đình", "lunar_month": "²", "lunar_day": "10"},
        f"/officer/sites/{site.id}",
    )
    assert answer.status_code == 422
    assert "Vui lòng nhập một số nguyên." in answer.text


# 5, 6, 7 -------------------------------------------------------------------------------------


async def test_a_recall_reaches_the_batches_made_from_it(client, db):
    seller, _, product_id, headers = await api_seller()
    source = await opened_batch(seller, product_id)
    made = await opened_batch(seller, product_id)
    linked = await client.post(
        f"/api/v1/batches/{source.code}/links", json={"to_code": made.code}, headers=headers
    )
    assert linked.status_code == 204
    recalled = await client.post(
        f"/api/v1/batches/{source.code}/recall", json={"reason": "Nhiễm khuẩn"}, headers=headers
    )
    assert recalled.status_code == 200
    page = await client.get(f"/t/{made.code}")
    assert "Lô nguồn đã bị thu hồi" in page.text and "đã bị thu hồi" in page.text
    assert "Mua sản phẩm" in page.text  # warned, not silently blocked
    english = await client.get(f"/t/{made.code}?lang=en")
    assert "A source batch has been recalled" in english.text
    data = (await client.get(f"/api/v1/batches/{made.code}")).json()
    assert data["came_from"][0]["status"] == "recalled"
    assert data["recalled_sources"] == [source.code]
    another = await opened_batch(seller, product_id)
    refused = await client.post(
        f"/api/v1/batches/{source.code}/links", json={"to_code": another.code}, headers=headers
    )
    assert refused.status_code == 409 and refused.json()["code"] == "batch_link_recalled"


async def test_an_officers_recall_cannot_be_corrected_and_stops_the_diary(client, db):
    seller, producer_id, product_id = await logged_in_seller(client)
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, EventInput("harvest", START))
    officer = await sign_up(
        "0912000009", "mat-khau-9", "Cán bộ", is_officer=True, officer_province_code="37"
    )
    await recall_batch(officer, batch.code, "Nhiễm khuẩn")
    headers = await bearer(seller)
    correction = await client.post(
        f"/api/v1/batches/{batch.code}/events",
        json={
            "kind": "correction",
            "corrects_sequence": 2,
            "notes": "nhầm",
            "occurred_at": "2026-01-06T07:00:00+07:00",
        },
        headers=headers,
    )
    assert correction.status_code == 409
    assert correction.json()["code"] == "recall_not_correctable"
    planting = await client.post(
        f"/api/v1/batches/{batch.code}/events",
        json={"kind": "planting", "occurred_at": "2026-01-06T07:00:00+07:00"},
        headers=headers,
    )
    assert planting.status_code == 409 and planting.json()["code"] == "batch_recalled"
    page = await client.get(f"/seller/{producer_id}/batches/{batch.code}")
    assert 'href="?correct=1#ghi"' in page.text and 'href="?correct=2#ghi"' not in page.text
    assert "Đã đính chính" not in (await client.get(f"/t/{batch.code}")).text


# 8 -------------------------------------------------------------------------------------------


async def test_no_labels_for_a_recalled_batch(client, db, tmp_path):
    seller, producer_id, product_id = await logged_in_seller(client)
    batch = await opened_batch(seller, product_id)
    await recall_batch(seller, batch.code, "Nấm mốc")
    pdf = await client.get(f"/seller/{producer_id}/batches/{batch.code}/labels.pdf")
    assert pdf.status_code == 409 and "thu hồi" in pdf.text
    page = await client.get(f"/seller/{producer_id}/batches/{batch.code}")
    assert "labels.pdf" not in page.text
    assert "Lô đã bị thu hồi: không in nhãn cho lô này." in page.text
    done = langso("labels", batch.code, "-o", str(tmp_path / "x.pdf"))
    assert done.returncode == 1
    assert "thu hồi" in done.stderr and "recalled" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "x.pdf").exists()


async def test_labels_into_a_missing_folder_say_so_without_a_traceback(db, tmp_path):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    done = langso("labels", batch.code, "-o", str(tmp_path / "missing" / "x.pdf"))
    assert done.returncode == 1
    assert "Không ghi được tệp" in done.stderr and "Cannot write" in done.stderr
    assert "Traceback" not in done.stderr


# 9 -------------------------------------------------------------------------------------------


async def test_an_officer_of_the_province_recalls_a_batch_from_the_officer_pages(client, db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    officer = await new_officer("37")
    await submit(client, "/login", {"phone": officer.phone, "password": OFFICER_PASSWORD})
    listing = await client.get("/officer/batches")
    assert f'href="/officer/batches/{batch.code}"' in listing.text
    path = f"/officer/batches/{batch.code}"
    empty = await submit(client, f"{path}/recall", {"reason": " "}, path)
    assert empty.status_code == 422 and "Lý do thu hồi cần từ 1 đến 2000 ký tự" in empty.text
    no_token = await client.post(f"{path}/recall", data={"reason": "Dư lượng"})
    assert no_token.status_code == 403
    done = await submit(client, f"{path}/recall", {"reason": "Dư lượng thuốc"}, path)
    assert done.status_code == 200 and "Đã thu hồi lô hàng." in done.text
    assert (await batch_journal(officer, batch.code)).batch.status == "recalled"
    assert "LÔ HÀNG ĐÃ BỊ THU HỒI" in (await client.get(f"/t/{batch.code}")).text


async def test_an_officer_of_another_province_cannot_recall(client, db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    officer = await new_officer("38")
    await submit(client, "/login", {"phone": officer.phone, "password": OFFICER_PASSWORD})
    assert (await client.get(f"/officer/batches/{batch.code}")).status_code == 403
    token = await csrf_token(client, "/officer/sites/new")
    refused = await client.post(
        f"/officer/batches/{batch.code}/recall", data={"_csrf_token": token, "reason": "X"}
    )
    assert refused.status_code == 403
    assert (await batch_journal(seller, batch.code)).batch.status == "active"


# 10 ------------------------------------------------------------------------------------------


async def test_future_ancient_and_contradicting_dates_are_refused_by_the_api(client, db):
    _, _, product_id, headers = await api_seller()
    for details, field in [
        ({"harvested_on": "2099-01-01"}, "harvested_on"),
        ({"harvested_on": "0001-01-01"}, "harvested_on"),
        ({"harvested_on": "2025-12-05", "packed_on": "2025-12-01"}, "packed_on"),
        ({"packed_on": "2025-12-05", "best_before": "2025-12-01"}, "best_before"),
    ]:
        answer = await client.post(
            "/api/v1/batches", json={"product_id": product_id, **details}, headers=headers
        )
        assert answer.status_code == 422, (details, answer.text)
        assert field in answer.text


# 11 ------------------------------------------------------------------------------------------


async def test_a_diary_form_sent_twice_records_one_event(client, db):
    seller, producer_id, product_id = await logged_in_seller(client)
    batch = await opened_batch(seller, product_id)
    path = f"/seller/{producer_id}/batches/{batch.code}"
    page = await client.get(path)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text).group(1)
    token = await csrf_token(client, path)
    form = {
        "_csrf_token": token,
        "kind": "planting",
        "occurred_at": "2026-01-05T07:30",
        "idempotency_key": key,
    }
    first = await client.post(f"{path}/events", data=form)
    again = await client.post(f"{path}/events", data=form)
    assert first.status_code == again.status_code == 200
    assert "Đã ghi sự kiện số 1." in again.text
    assert len((await batch_journal(seller, batch.code)).events) == 1
    assert key not in (await client.get(path)).text  # the next form gets a fresh key


async def test_an_api_request_repeated_with_its_key_records_one_event(client, db):
    seller, _, product_id, headers = await api_seller()
    batch = await opened_batch(seller, product_id)
    body = {
        "kind": "planting",
        "occurred_at": "2026-01-05T07:00:00+07:00",
        "idempotency_key": "abc-1",
    }
    answers = [
        await client.post(f"/api/v1/batches/{batch.code}/events", json=body, headers=headers)
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    by_header = {**headers, "idempotency-key": "abc-2"}
    plain = {k: v for k, v in body.items() if k != "idempotency_key"}
    for _ in range(2):
        await client.post(f"/api/v1/batches/{batch.code}/events", json=plain, headers=by_header)
    assert len((await batch_journal(seller, batch.code)).events) == 2


# 12 ------------------------------------------------------------------------------------------


async def test_labels_and_qr_images_of_a_gtin_product_carry_the_digital_link(
    client, db, app, tmp_path
):
    await sign_up_and_log_in(client, phone="0912345678")
    seller = await account_by_phone("+84912345678")
    producer = await producers.create_producer(seller, NGOC_LU)
    product = await products.create_product(
        seller, producer.public.id, BUOI.__class__(**{**BUOI.__dict__, "gtin": GTIN})
    )
    batch = await opened_batch(seller, product.id)
    link = f"{app.state.settings.base_url}/01/{GTIN}/10/{batch.code}"
    pdf = await client.get(
        f"/seller/{producer.public.id}/batches/{batch.code}/labels.pdf?layout=a4-2x7&count=2"
    )
    assert qr_texts(pdf.content) == [link] * 2
    png = await client.get(f"/t/{batch.code}/qr.png")
    [read] = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(png.content)), formats=zxingcpp.BarcodeFormat.QRCode
    )
    assert read.text == link
    done = langso("labels", batch.code, "-o", str(tmp_path / "l.pdf"), "--count", "1")
    assert done.returncode == 0, done.stderr
    assert qr_texts((tmp_path / "l.pdf").read_bytes()) == [link]
    resolved = await client.get(f"/01/{GTIN}/10/{batch.code}")
    assert resolved.status_code == 200 and batch.code in resolved.text


# 13 ------------------------------------------------------------------------------------------


async def test_a_lot_past_its_best_before_date_is_flagged_and_not_offered(client, db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(
        seller, product_id, harvested_on=date(2025, 12, 1), best_before=date(2025, 12, 20)
    )
    page = await client.get(f"/t/{batch.code}")
    assert "Đã quá hạn sử dụng" in page.text and "Mua sản phẩm" not in page.text
    english = await client.get(f"/t/{batch.code}?lang=en")
    assert "Past its best-before date" in english.text
    data = (await client.get(f"/api/v1/batches/{batch.code}")).json()
    assert data["past_best_before"] and not data["product"]["buyable"]
    fresh = await opened_batch(seller, product_id)
    assert "Mua sản phẩm" in (await client.get(f"/t/{fresh.code}?lang=vi")).text


# 14 ------------------------------------------------------------------------------------------


async def test_one_scan_is_said_in_good_english(client, db):
    from traceability.batches import flush_scans

    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await client.get(f"/t/{batch.code}")
    await flush_scans()
    await append_trace_event(
        seller,
        batch.code,
        EventInput("fertilising", START, inputs=(InputUsed("Phân chuồng", "2 kg/gốc", 0),)),
    )  # a write, so the page is read afresh
    english = await client.get(f"/t/{batch.code}?lang=en")
    assert "This code has been scanned once." in english.text
    assert "0 days" in english.text


async def test_an_empty_recall_reason_on_the_seller_page_names_the_reason(client, db):
    seller, producer_id, product_id = await logged_in_seller(client)
    batch = await opened_batch(seller, product_id)
    path = f"/seller/{producer_id}/batches/{batch.code}"
    answer = await submit(client, f"{path}/recall", {"reason": ""}, path)
    assert answer.status_code == 422
    assert "Lý do thu hồi cần từ 1 đến 2000 ký tự" in answer.text
    assert "Ghi chú cần" not in answer.text
