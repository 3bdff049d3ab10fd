import io
import re
from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from marketplace.config import get_settings
from storefront.formatting import local_date
from tests.heritage_sites import SEED_MEDIA, jpeg_with_gps, new_officer, new_site
from traceability.heritage import scans, service, uploads
from traceability.heritage.scans import flush_scans, scan_stats, vietnam_day
from traceability.heritage.schemas import FestivalInput

STATIC = Path(__file__).resolve().parents[2] / "storefront" / "static"
# Tết Nguyên Đán, as published by the Vietnamese calendar.
TET = {
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
}
VI = {"accept-language": "vi-VN,vi;q=0.9"}
EN = {"accept-language": "en-US,en;q=0.9"}


@pytest.fixture(autouse=True)
def nothing_pending():
    scans.discard_pending_scans()
    yield
    scans.discard_pending_scans()


@pytest.fixture
async def trieu_hoi(db):
    officer = await new_officer()
    site = await new_site(officer)
    await uploads.set_audio(
        officer, site.id, "en", (SEED_MEDIA / "dinh-trieu-hoi-en.mp3").read_bytes()
    )
    await uploads.set_audio(
        officer, site.id, "vi", (SEED_MEDIA / "dinh-trieu-hoi-vi.mp3").read_bytes()
    )
    await uploads.add_photo(officer, site.id, jpeg_with_gps(), {"vi": "Cổng đình", "en": "Gate"})
    await service.add_festival(
        officer, site.id, FestivalInput({"vi": "Tết làng", "en": "Village New Year"}, 1, 1)
    )
    return site


async def test_the_page_speaks_vietnamese_by_default(client, trieu_hoi):
    page = await client.get("/h/dinh-trieu-hoi", headers=VI)
    assert page.status_code == 200
    assert '<html lang="vi">' in page.text
    assert "<h1>Đình Triều Hội</h1>" in page.text
    assert "Đình thờ Cao Mang tôn thần." in page.text
    assert "Nghe thuyết minh" in page.text
    assert re.search(
        r'<audio controls preload="none" src="/media/heritage/\d+/\w+\.mp3"', page.text
    )
    assert 'alt="Cổng đình"' in page.text


async def test_a_phone_set_to_english_gets_the_english_story_and_narration(client, trieu_hoi):
    page = await client.get("/h/dinh-trieu-hoi", headers=EN)
    assert '<html lang="en">' in page.text
    assert "<h1>Triều Hội Communal House</h1>" in page.text
    assert "Listen to the narration" in page.text
    assert "OCOP products made nearby" in page.text
    assert 'alt="Gate"' in page.text
    assert 'href="/h/dinh-trieu-hoi?lang=vi"' in page.text
    vietnamese = await client.get("/h/dinh-trieu-hoi?lang=vi", headers=EN)
    assert "<h1>Đình Triều Hội</h1>" in vietnamese.text


async def test_without_english_text_the_page_shows_vietnamese_with_a_note(client, db):
    await new_site(await new_officer(), english=False)
    page = await client.get("/h/dinh-trieu-hoi", headers=EN)
    assert '<article class="heritage" lang="vi">' in page.text
    assert "<h1>Đình Triều Hội</h1>" in page.text
    assert "not yet available in your language; here it is in Vietnamese" in page.text


async def test_the_gallery_is_lazy_and_responsive_with_sizes_set(client, trieu_hoi):
    page = await client.get("/h/dinh-trieu-hoi", headers=VI)
    [image] = re.findall(r"<img [^>]+>", page.text.split('class="gallery"')[1])[:1]
    assert 'srcset="/media/heritage/' in image
    assert re.search(r'width="240" height="150"', image)
    assert "sizes=" in image


async def test_the_map_links_open_the_site_point(client, trieu_hoi):
    page = await client.get("/h/dinh-trieu-hoi", headers=VI)
    assert 'href="geo:20.523000,106.052000"' in page.text
    assert "https://www.openstreetmap.org/?mlat=20.523000&amp;mlon=106.052000" in page.text


async def test_festivals_show_this_years_solar_date(client, trieu_hoi):
    year = vietnam_day().year
    page = await client.get("/h/dinh-trieu-hoi", headers=EN)
    assert "Day 1 of lunar month 1" in page.text
    assert f"In {year}: {local_date(TET[year], 'en')}" in page.text


async def test_an_old_slug_redirects_permanently_to_the_new_one(client, trieu_hoi):
    officer = await new_officer()
    await service.rename_site(officer, trieu_hoi.id, "dinh-lang-trieu-hoi")
    moved = await client.get("/h/dinh-trieu-hoi?lang=en", follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"] == "/h/dinh-lang-trieu-hoi?lang=en"
    followed = await client.get("/h/dinh-trieu-hoi")
    assert followed.status_code == 200
    assert str(followed.url).endswith("/h/dinh-lang-trieu-hoi")


async def test_a_slug_typed_in_capitals_finds_the_site(client, trieu_hoi):
    moved = await client.get("/h/Dinh-Trieu-Hoi", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (301, "/h/dinh-trieu-hoi")


async def test_an_unknown_site_is_not_found(client, db):
    assert (await client.get("/h/khong-co")).status_code == 404


async def test_views_are_counted_in_memory_then_written_by_language(client, trieu_hoi):
    await client.get("/h/dinh-trieu-hoi", headers=VI)
    await client.get("/h/dinh-trieu-hoi", headers=VI)
    await client.get("/h/dinh-trieu-hoi", headers=EN)
    assert (await scan_stats([trieu_hoi.id]))[trieu_hoi.id].total == 0
    await flush_scans()
    stats = (await scan_stats([trieu_hoi.id]))[trieu_hoi.id]
    assert stats.by_language == {"en": 1, "vi": 2}
    assert stats.days[0].day == vietnam_day()


async def test_the_page_with_its_styles_weighs_under_thirty_kilobytes(client, trieu_hoi):
    page = await client.get("/h/dinh-trieu-hoi", headers=VI)
    stylesheets = re.findall(r'<link rel="stylesheet" href="/static/([\w.]+)">', page.text)
    assert stylesheets == ["app.css", "heritage.css"]
    styles = sum((STATIC / name).stat().st_size for name in stylesheets)
    assert len(page.content) + styles < 30_000
    assert "<script" not in page.text


async def test_the_qr_images_hold_the_sites_address(client, trieu_hoi):
    expected = f"{get_settings().base_url}/h/dinh-trieu-hoi"
    png = await client.get("/h/dinh-trieu-hoi/qr.png")
    assert png.headers["content-type"] == "image/png"
    [code] = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(png.content)), formats=zxingcpp.BarcodeFormat.QRCode
    )
    assert code.text == expected
    svg = await client.get("/h/dinh-trieu-hoi/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg ")


async def test_a_qr_asked_by_an_old_slug_holds_the_current_address(client, trieu_hoi):
    await service.rename_site(await new_officer(), trieu_hoi.id, "dinh-lang-trieu-hoi")
    png = await client.get("/h/dinh-trieu-hoi/qr.png")
    [code] = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(png.content)), formats=zxingcpp.BarcodeFormat.QRCode
    )
    assert code.text.endswith("/h/dinh-lang-trieu-hoi")
