"""The provenance page a shopper opens from a label, its QR images and the Digital Link."""

import re
from datetime import timedelta

import zxingcpp
from PIL import Image

from marketplace.db import DB
from tests.batch_support import (
    GTIN,
    START,
    full_journal,
    harvest,
    jpeg_bytes,
    opened_batch,
    seller_with_product,
    spraying,
)
from traceability.batches import (
    PhotoUpload,
    append_trace_event,
    flush_scans,
    recall_batch,
    set_public_fields,
)
from traceability.batches.provenance import clear_provenance_cache
from traceability.batches.scans import BUFFER, SUSPICIOUS_NETWORKS
from traceability.codes import new_batch_code

MAX_PAGE_BYTES = 30 * 1024


async def journal_batch(gtin=None, phone="0912345678"):
    seller, _, product_id = await seller_with_product(phone, gtin=gtin)
    batch = await opened_batch(seller, product_id)
    for entry in full_journal():
        await append_trace_event(seller, batch.code, entry)
    return seller, batch.code


def visible_text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_the_page_tells_who_where_when_and_what_went_on_it_in_vietnamese(client, db):
    _, code = await journal_batch()
    page = await client.get(f"/t/{code}", headers={"accept-language": "vi"})
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "Bưởi Ngọc Lũ" in text and "HTX Bưởi Ngọc Lũ" in text
    assert "Xã Bình An, Ninh Bình" in text
    assert "Regent 800WG" in text and "7 ngày" in text
    assert "Thu hoạch" in text and "Phun thuốc bảo vệ thực vật" in text
    assert "OCOP 4 sao" in text and "Còn hiệu lực đến" in text
    assert "VN-37-NL-001" in text
    assert f'href="/products/buoi-ngoc-lu?lot={code}"' in page.text
    assert "maps/search" in page.text
    assert "<script" not in page.text
    assert "Nhật ký toàn vẹn: 7 sự kiện" in text


async def test_the_page_speaks_english_when_asked(client, db):
    _, code = await journal_batch()
    page = await client.get(f"/t/{code}?lang=en")
    text = visible_text(page.text)
    assert page.headers["content-language"] == "en"
    assert "Production diary" in text and "Harvest" in text and "Spraying" in text
    assert "Buy this product" in text
    assert "Ngọc Lũ pomelo" in text


async def test_html_and_css_together_weigh_under_30_kb(client, db):
    seller, code = await journal_batch()
    await append_trace_event(
        seller,
        code,
        spraying(START + timedelta(days=3), photos=(PhotoUpload(jpeg_bytes(), "Lá bưởi"),)),
    )
    page = await client.get(f"/t/{code}")
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.text)
    assert stylesheets
    css = [await client.get(href) for href in stylesheets]
    total = len(page.content) + sum(len(sheet.content) for sheet in css)
    assert total < MAX_PAGE_BYTES, total


async def test_photos_are_lazy_responsive_and_sized(client, db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(
        seller, batch.code, spraying(photos=(PhotoUpload(jpeg_bytes(1200, 900), "Vườn"),))
    )
    page = await client.get(f"/t/{batch.code}")
    [image] = re.findall(r"<img [^>]+>", page.text)
    assert 'loading="lazy"' in image and "srcset=" in image and "sizes=" in image
    assert 'width="240" height="180"' in image
    assert "960w" in image
    photo = await client.get(re.search(r'src="([^"]+)"', image).group(1))
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"


async def test_private_events_and_fields_do_not_reach_the_page(client, db):
    seller, _, product_id = await seller_with_product()
    batch = await opened_batch(seller, product_id)
    await append_trace_event(seller, batch.code, spraying(public=False, notes="thuốc cấm"))
    await append_trace_event(
        seller, batch.code, harvest(START + timedelta(days=20), notes="Ghi chú riêng")
    )
    page = await client.get(f"/t/{batch.code}")
    assert "Regent" not in page.text and "thuốc cấm" not in page.text
    assert "Ghi chú riêng" not in page.text
    await set_public_fields(seller, batch.code, ["notes"])
    shown = await client.get(f"/t/{batch.code}")
    assert "Ghi chú riêng" in shown.text


async def test_a_recall_shows_at_the_top_in_red_and_the_buy_link_goes(client, db):
    seller, code = await journal_batch()
    await recall_batch(seller, code, "Phát hiện dư lượng thuốc vượt ngưỡng")
    page = await client.get(f"/t/{code}")
    main = page.text.split('<main id="main">')[1]
    assert main.lstrip().startswith('<section class="recall" role="alert"')
    assert "LÔ HÀNG ĐÃ BỊ THU HỒI" in main and "dư lượng thuốc vượt ngưỡng" in main
    assert "/products/buoi-ngoc-lu" not in main
    assert "Không bán sản phẩm từ lô này." in visible_text(main)
    assert ".recall{" in (await client.get("/static/traceability.css")).text


async def test_a_journal_edited_behind_the_apps_back_is_reported_on_the_page(client, db):
    _, code = await journal_batch()
    assert "Nhật ký đã bị thay đổi" not in (await client.get(f"/t/{code}")).text
    await DB.run_ddl("UPDATE traceability_event SET notes = 'đã sửa' WHERE sequence = 3")
    clear_provenance_cache()  # or wait a second: the cache lives about that long
    page = await client.get(f"/t/{code}")
    assert "Nhật ký đã bị thay đổi" in page.text
    assert "sự kiện số 3" in page.text


async def test_a_deleted_event_is_reported_on_the_page(client, db):
    _, code = await journal_batch()
    await DB.run_ddl("DELETE FROM traceability_event WHERE sequence = 5")
    clear_provenance_cache()
    page = await client.get(f"/t/{code}")
    assert "Nhật ký đã bị thay đổi" in page.text and "sự kiện số 5" in page.text


async def test_each_view_is_a_scan_counted_after_the_flush(client, db):
    _, code = await journal_batch()
    BUFFER.take()
    for _ in range(3):
        await client.get(f"/t/{code}")
    await flush_scans()
    clear_provenance_cache()
    page = await client.get(f"/t/{code}")
    assert "Mã này đã được quét 3 lần." in visible_text(page.text)
    assert "Lần quét đầu tiên" in page.text
    assert "Cảnh báo" not in page.text


async def test_scans_from_many_networks_show_a_warning(client, db):
    _, code = await journal_batch()
    from traceability.batches import record_scan

    BUFFER.take()
    for network in range(SUSPICIOUS_NETWORKS):
        record_scan(code, f"10.{network}.7.1")
    await flush_scans()
    clear_provenance_cache()
    page = await client.get(f"/t/{code}")
    assert "Cảnh báo" in page.text and "Tem có thể đã bị sao chép" in page.text


async def test_unknown_and_malformed_codes_answer_404(client, db):
    assert (await client.get(f"/t/{new_batch_code()}")).status_code == 404
    assert (await client.get("/t/7K3M9QX2A8T")).status_code == 404  # wrong check character
    assert (await client.get("/t/not-a-code")).status_code == 404


async def test_a_code_typed_in_lowercase_opens_the_same_batch(client, db):
    _, code = await journal_batch()
    page = await client.get(f"/t/{code.lower()}")
    assert page.status_code == 200 and code in page.text


async def test_qr_images_carry_the_provenance_url(client, db, app):
    _, code = await journal_batch()
    png = await client.get(f"/t/{code}/qr.png")
    assert png.headers["content-type"] == "image/png"
    image = Image.open(__import__("io").BytesIO(png.content))
    [read] = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert read.text == f"{app.state.settings.base_url}/t/{code}"
    svg = await client.get(f"/t/{code}/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg")


async def test_digital_link_serves_the_same_page_and_resolves_link_types(client, db, app):
    _, code = await journal_batch(gtin=GTIN)
    base = f"/01/{GTIN}/10/{code}"
    site = app.state.settings.base_url
    page = await client.get(base)
    assert page.status_code == 200 and "Nhật ký sản xuất" in page.text
    no_follow = dict(follow_redirects=False)
    pip = await client.get(f"{base}?linkType=gs1:pip", **no_follow)
    assert (pip.status_code, pip.headers["location"]) == (307, f"{site}/products/buoi-ngoc-lu")
    trace = await client.get(f"{base}?linkType=gs1:traceability", **no_follow)
    assert (trace.status_code, trace.headers["location"]) == (307, f"{site}/t/{code}")
    epcis = await client.get(f"{base}?linkType=gs1:epcis", **no_follow)
    assert (epcis.status_code, epcis.headers["location"]) == (
        307,
        f"{site}/api/v1/batches/{code}/epcis",
    )
    followed = await client.get(f"{base}?linkType=gs1:epcis")
    assert followed.headers["content-type"].startswith("application/ld+json")


async def test_digital_link_linkset_lists_every_link(client, db, app):
    _, code = await journal_batch(gtin=GTIN)
    base_url = app.state.settings.base_url
    by_query = await client.get(f"/01/{GTIN}/10/{code}?linkType=linkset")
    by_accept = await client.get(
        f"/01/{GTIN}/10/{code}", headers={"accept": "application/linkset+json"}
    )
    for answer in (by_query, by_accept):
        assert answer.headers["content-type"].startswith("application/linkset+json")
        [entry] = answer.json()["linkset"]
        assert entry["anchor"] == f"{base_url}/01/{GTIN}/10/{code}"
        assert entry["https://gs1.org/voc/pip"][0]["href"] == f"{base_url}/products/buoi-ngoc-lu"
        assert entry["https://gs1.org/voc/epcis"][0]["type"] == "application/ld+json"
        assert entry["https://gs1.org/voc/defaultLink"][0]["href"] == f"{base_url}/t/{code}"


async def test_digital_link_of_an_unknown_gtin_or_lot_is_404(client, db):
    _, code = await journal_batch(gtin=GTIN)
    assert (await client.get(f"/01/09521234543213/10/{code}")).status_code == 404
    assert (await client.get(f"/01/{GTIN}/10/7K3M9QX2A8T")).status_code == 404
    assert (await client.get(f"/01/{GTIN}/10/ABC")).status_code == 404
    _, no_gtin = await journal_batch(phone="0987654321")
    assert (await client.get(f"/01/{GTIN}/10/{no_gtin}")).status_code == 404
