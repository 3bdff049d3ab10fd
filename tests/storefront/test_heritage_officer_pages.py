import asyncio
import re
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp

from marketplace.config import get_settings
from tests.heritage_sites import (
    OFFICER_PASSWORD,
    SEED_MEDIA,
    jpeg_with_gps,
    new_officer,
    new_site,
    wav,
)
from tests.support import csrf_token, sign_up_and_log_in, submit
from traceability.heritage import queries, scans

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def nothing_pending():
    scans.discard_pending_scans()
    yield
    scans.discard_pending_scans()


async def log_in_officer(client, province_code="37"):
    officer = await new_officer(province_code)
    response = await submit(
        client, "/login", {"phone": officer.phone, "password": OFFICER_PASSWORD}
    )
    assert response.status_code == 200
    return officer


async def upload(client, path, page, files, **fields):
    token = await csrf_token(client, page)
    return await client.post(path, data={"_csrf_token": token, **fields}, files=files)


def qr_texts_of(pdf):
    [page] = pdfium.PdfDocument(pdf)
    image = page.render(scale=200 / 72).to_pil().convert("L")
    return [
        code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ]


async def test_officer_pages_are_for_officers_only(client, db):
    anonymous = await client.get("/officer/sites", follow_redirects=False)
    assert anonymous.status_code in (302, 303)
    assert anonymous.headers["location"].startswith("/login")
    await sign_up_and_log_in(client)
    assert (await client.get("/officer/sites")).status_code == 403


async def test_an_officer_creates_a_site_typing_the_commune_by_name(client, db):
    await log_in_officer(client)
    form = {
        "name": "Đình Triều Hội",
        "slug": "",
        "kind": "dinh",
        "ranking": "quoc_gia",
        "province_code": "37",
        "commune": "Bình Giang",
        "address_line": "Thôn Triều Hội",
        "latitude": "20,523",
        "longitude": "106.052",
        "opening_hours": "",
    }
    page = await submit(client, "/officer/sites/new", form)
    assert page.status_code == 200
    assert re.search(r"/officer/sites/\d+$", str(page.url))
    assert "<h1>Đình Triều Hội</h1>" in page.text
    site = (await queries.list_sites())[0][0]
    assert (site.slug, site.commune_name) == ("dinh-trieu-hoi", "Bình Giang")


async def test_a_wrong_commune_is_explained_in_vietnamese(client, db):
    await log_in_officer(client)
    form = {"name": "Đình X", "kind": "dinh", "ranking": "cap_tinh", "province_code": "37"}
    page = await submit(client, "/officer/sites/new", {**form, "commune": "Không Có Xã Này"})
    assert page.status_code == 422
    assert "Không tìm thấy xã/phường “Không Có Xã Này” ở Tỉnh Ninh Bình." in page.text


async def test_content_is_previewed_before_it_is_saved(client, db):
    officer = await log_in_officer(client)
    site = await new_site(officer, english=False)
    path = f"/officer/sites/{site.id}/content/en"
    form = {"title": "Triều Hội Communal House", "history": "First.\n\nSecond."}
    preview = await submit(client, path, {**form, "action": "preview"})
    assert preview.status_code == 200
    assert '<article class="heritage" lang="en">' in preview.text
    assert "<p>First.</p><p>Second.</p>" in preview.text
    assert "en" not in (await queries.site_detail(site.id)).contents
    saved = await submit(client, path, {**form, "action": "save"})
    assert "Đã lưu nội dung." in saved.text
    assert (await queries.site_detail(site.id)).contents["en"].history == "First.\n\nSecond."


async def test_photos_and_narrations_are_uploaded_with_their_types_checked(client, db):
    officer = await log_in_officer(client)
    site = await new_site(officer)
    dashboard = f"/officer/sites/{site.id}"
    photo = await upload(
        client,
        f"{dashboard}/photos",
        dashboard,
        {"photo": ("cong.jpg", jpeg_with_gps(), "image/jpeg")},
        alt_vi="Cổng đình",
        alt_en="Gate",
    )
    assert photo.status_code == 200
    mp3 = (SEED_MEDIA / "dinh-trieu-hoi-vi.mp3").read_bytes()
    audio = await upload(
        client, f"{dashboard}/audio/vi", dashboard, {"audio": ("vi.mp3", mp3, "audio/mpeg")}
    )
    assert audio.status_code == 200
    detail = await queries.site_detail(site.id)
    assert len(detail.photos) == 1
    assert detail.contents["vi"].audio.size_bytes == len(mp3)


async def test_an_upload_of_the_wrong_type_is_refused_in_vietnamese(client, db):
    officer = await log_in_officer(client)
    site = await new_site(officer)
    dashboard = f"/officer/sites/{site.id}"
    photo = await upload(
        client,
        f"{dashboard}/photos",
        dashboard,
        {"photo": ("anh.jpg", b"%PDF-1.4 this is a pdf", "image/jpeg")},
    )
    assert photo.status_code == 422
    assert "Không đọc được ảnh này." in photo.text
    audio = await upload(
        client,
        f"{dashboard}/audio/vi",
        dashboard,
        {"audio": ("a.mp3", jpeg_with_gps(), "audio/mpeg")},
    )
    assert audio.status_code == 422
    assert "Tệp âm thanh phải là OGG/Opus, MP3 hoặc WAV." in audio.text


async def test_a_narration_over_ten_megabytes_is_refused(client, db):
    officer = await log_in_officer(client)
    site = await new_site(officer)
    dashboard = f"/officer/sites/{site.id}"
    too_big = wav() + b"\x00" * (10 * 1024 * 1024)
    audio = await upload(
        client, f"{dashboard}/audio/vi", dashboard, {"audio": ("a.wav", too_big, "audio/wav")}
    )
    assert audio.status_code == 422
    assert "Tệp âm thanh quá lớn (tối đa 10 MB)." in audio.text
    assert (await queries.site_detail(site.id)).contents["vi"].audio is None


async def test_renaming_keeps_the_printed_address_working(client, db):
    officer = await log_in_officer(client)
    site = await new_site(officer)
    dashboard = f"/officer/sites/{site.id}"
    page = await submit(client, f"{dashboard}/rename", {"slug": "dinh-lang-trieu-hoi"}, dashboard)
    assert "/h/dinh-lang-trieu-hoi" in page.text
    assert "<code>/h/dinh-trieu-hoi</code>" in page.text
    visit = await client.get("/h/dinh-trieu-hoi")
    assert str(visit.url).endswith("/h/dinh-lang-trieu-hoi")


async def test_the_site_list_shows_scans_by_language(client, db):
    officer = await log_in_officer(client)
    await new_site(officer)
    for language in ("vi", "vi", "en"):
        await client.get(f"/h/dinh-trieu-hoi?lang={language}")
    page = await client.get("/officer/sites")
    row = page.text.split("Đình Triều Hội</a>")[1].split("</tr>")[0]
    assert re.findall(r"<td>(\d+)</td>", row) == ["2", "1", "3"]


async def test_a_provincial_officer_cannot_open_another_provinces_site(client, db):
    site = await new_site(await new_officer("37"))
    await log_in_officer(client, "38")
    assert (await client.get(f"/officer/sites/{site.id}")).status_code == 403


@pytest.mark.parametrize("size", ["A4", "A5"])
async def test_the_plaque_pdf_carries_a_qr_of_the_sites_address(client, db, size):
    officer = await log_in_officer(client)
    site = await new_site(officer)
    pdf = await client.get(f"/officer/sites/{site.id}/plaque.pdf?size={size}")
    assert pdf.headers["content-type"] == "application/pdf"
    assert qr_texts_of(pdf.content) == [f"{get_settings().base_url}/h/dinh-trieu-hoi"]


async def langso(*arguments):
    """Run the `langso` command on the test database; (exit status, standard error)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "storefront.cli",
        *arguments,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, stderr.decode()


async def test_the_plaque_command_writes_the_pdf(db, tmp_path):
    site = await new_site(await new_officer())
    output = tmp_path / "plaque.pdf"
    status, stderr = await langso("plaque", site.slug, "-o", str(output), "--size", "A5")
    assert status == 0, stderr
    pdf = output.read_bytes()
    assert qr_texts_of(pdf) == [f"{get_settings().base_url}/h/dinh-trieu-hoi"]
    width, height = pdfium.PdfDocument(pdf)[0].get_size()
    assert round(width) < round(height) < 600  # A5 portrait: 420 × 595 points


async def test_the_plaque_command_explains_an_unknown_site(db, tmp_path):
    status, stderr = await langso("plaque", "khong-co", "-o", str(tmp_path / "x.pdf"))
    assert status == 2
    assert "site_not_found" in stderr
