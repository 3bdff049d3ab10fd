"""What a seller sees on the CSV download, the CSV import report and the profile form."""

import re
from html import unescape

from marketplace.catalogue import queries
from marketplace.catalogue.tables import Product as ProductRow
from tests.catalogue_factories import (
    BA_THUOC,
    PASSWORD,
    new_producer,
    new_product,
    new_seller,
)
from tests.support import csrf_token, submit


async def logged_in_seller(client, phone="0912000001"):
    seller = await new_seller(phone=phone)
    producer_id = await new_producer(seller, phone=phone)
    await new_product(seller, producer_id)
    response = await submit(client, "/login", {"phone": seller.phone, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return seller, producer_id


async def upload(client, producer_id, text):
    token = await csrf_token(client, f"/seller/{producer_id}")
    return await client.post(
        f"/seller/{producer_id}/import",
        data={"_csrf_token": token},
        files={"file": ("san-pham.csv", text.encode("utf-8"), "text/csv")},
    )


def report_rows(page):
    """(row, product, result) of each row of the import report, as the table shows them."""
    table = re.search(r'<table class="report">(.*?)</table>', page, re.S).group(1)
    rows = re.findall(r"<tr[^>]*>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", table, re.S)
    text = [[unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in row] for row in rows]
    return [(number, product, " ".join(result.split())) for number, product, result in text]


async def test_the_csv_download_says_its_charset_once(client, db):
    _, producer_id = await logged_in_seller(client)
    download = await client.get(f"/seller/{producer_id}/products.csv")
    assert download.status_code == 200
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert download.content.startswith(b"\xef\xbb\xbfslug,name")


async def test_a_row_with_an_unknown_slug_is_reported_and_nothing_is_created(client, db):
    _, producer_id = await logged_in_seller(client)
    page = await upload(
        client,
        producer_id,
        "slug,name,unit,price_vnd\n"
        "buoi-ngoc-lu,Bưởi Ngọc Lũ,quả,50000\n"
        "nho-xanh,Nho xanh,kg,90000\n",
    )
    assert page.status_code == 422
    assert "Có 1 dòng lỗi nên chưa có thay đổi nào được lưu" in page.text
    assert "Đã nhập xong" not in page.text
    assert report_rows(page.text) == [
        ("2", "Bưởi Ngọc Lũ", "Sẽ cập nhật"),
        (
            "3",
            "Nho xanh",
            "slug: Dòng 3: cơ sở của bạn không có sản phẩm nào mang mã “nho-xanh”. "
            "Để tạo sản phẩm mới, hãy để trống ô slug.",
        ),
    ]
    assert (await queries.get_product_by_slug("buoi-ngoc-lu")).price_vnd == 45_000
    assert await ProductRow.count() == 1


async def test_a_row_with_another_producers_slug_changes_nothing_anywhere(client, db):
    other = await new_seller("Lê Văn Nam")
    other_producer = await new_producer(other, BA_THUOC)
    theirs = await new_product(other, other_producer, name="Nem chua Hạc Thành", unit="hộp")
    _, producer_id = await logged_in_seller(client)
    page = await upload(
        client, producer_id, f"slug,name,unit,price_vnd\n{theirs.slug},Nem chua,hộp,1000\n"
    )
    assert page.status_code == 422
    [(number, _, result)] = report_rows(page.text)
    assert number == "2"
    assert f"Dòng 2: cơ sở của bạn không có sản phẩm nào mang mã “{theirs.slug}”" in result
    kept = await queries.get_product_by_slug(theirs.slug)
    assert (kept.name, kept.price_vnd, kept.producer_id) == (
        "Nem chua Hạc Thành",
        theirs.price_vnd,
        other_producer,
    )
    assert await ProductRow.count() == 2


async def test_the_profile_shows_the_phone_the_national_way_and_saves_it(client, db):
    _, producer_id = await logged_in_seller(client)
    path = f"/seller/{producer_id}/profile"
    profile = await client.get(path)
    assert profile.status_code == 200
    assert "+84912000001" not in profile.text
    assert 'value="0912 000 001"' in re.search(r'<input[^>]*name="phone"[^>]*>', profile.text)[0]
    # The number as shown goes back unchanged when the seller saves another field.
    form = {
        "name": "HTX Bưởi Ngọc Lũ Bình An",
        "kind": "hop_tac_xa",
        "province_code": "37",
        "commune_code": "13540",
        "phone": "0912 000 001",
        "action": "save",
    }
    saved = await submit(client, path, form)
    assert saved.status_code == 200 and "Đã lưu hồ sơ cơ sở." in saved.text
    assert (await queries.get_producer_private(producer_id)).phone == "+84912000001"
    again = await client.get(path)
    assert 'value="0912 000 001"' in re.search(r'<input[^>]*name="phone"[^>]*>', again.text)[0]
