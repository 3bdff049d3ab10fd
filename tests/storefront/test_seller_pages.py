"""Seller pages as a farmer uses them: register a producer, list and edit products, photos, CSV.

Every write with bad input answers 4xx with a Vietnamese message and saves nothing; a seller of
one producer cannot read or touch another's.
"""

import re

import pytest

from marketplace import media
from marketplace.catalogue import queries
from marketplace.catalogue.tables import Producer as ProducerRow
from marketplace.catalogue.tables import Product as ProductRow
from marketplace.catalogue.tables import ProductPhoto
from tests.catalogue_factories import (
    BA_THUOC,
    PASSWORD,
    jpeg_with_gps,
    new_producer,
    new_product,
    new_seller,
)
from tests.support import csrf_token, submit

PRODUCT_FORM = {
    "name": "Nho Đồng Du",
    "price_vnd": "120.000",
    "unit": "kg",
    "stock": "15",
    "status": "active",
    "description_vi": "Nho xanh ngọt.",
    "description_en": "",
    "ocop_group": "1",
    "ocop_set": "1",
    "ocop_stars": "3",
    "ocop_decision_no": "77/QĐ-UBND",
    "ocop_decision_date": "2025-01-15",
    "gtin": "",
}


async def log_in(client, account):
    response = await submit(client, "/login", {"phone": account.phone, "password": PASSWORD})
    assert response.status_code == 200, response.text


async def seller_with_product(client):
    seller = await new_seller()
    producer_id = await new_producer(seller)
    product = await new_product(seller, producer_id)
    await log_in(client, seller)
    return seller, producer_id, product


async def test_seller_pages_need_a_login(client):
    response = await client.get("/seller", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login?next=/seller")


async def test_choosing_a_province_lists_its_communes_without_saving(client):
    await log_in(client, await new_seller())
    response = await submit(
        client,
        "/seller/producers",
        {"name": "HTX Chè", "kind": "hop_tac_xa", "province_code": "38", "action": "province"},
        page="/seller",
    )
    assert response.status_code == 200
    assert 'value="14758"' in response.text  # a commune of Thanh Hóa
    assert 'value="HTX Chè"' in response.text
    assert await ProducerRow.count() == 0


async def test_an_old_address_with_one_new_commune_is_filled_in(client):
    await log_in(client, await new_seller())
    response = await submit(
        client,
        "/seller/producers",
        {"name": "HTX Bưởi", "old_address": "Ngọc Lũ, Bình Lục, Hà Nam", "action": "resolve"},
        page="/seller",
    )
    assert response.status_code == 200
    assert "nay thuộc Xã Bình An, Ninh Bình" in response.text
    assert re.search(r'<option value="13540" selected>', response.text)
    assert await ProducerRow.count() == 0


async def test_an_old_district_gives_choices_and_the_seller_must_pick_one(client):
    seller = await new_seller()
    await log_in(client, seller)
    form = {"name": "HTX Gạo Bình Lục", "kind": "hop_tac_xa", "old_address": "Bình Lục, Hà Nam"}
    choices = await submit(client, "/seller/producers", {**form, "action": "resolve"}, "/seller")
    assert choices.status_code == 200
    assert 'name="commune_choice" value="13540"' in choices.text
    assert "Chúng tôi không tự đoán" in choices.text
    assert not re.search(r'<option value="\d{5}" selected>', choices.text)

    unpicked = await submit(
        client, "/seller/producers", {**form, "province_code": "37", "action": "save"}, "/seller"
    )
    assert unpicked.status_code == 422
    assert "Vui lòng chọn xã, phường." in unpicked.text
    assert await ProducerRow.count() == 0

    picked = await submit(
        client,
        "/seller/producers",
        {**form, "province_code": "37", "commune_choice": "13540", "action": "save"},
        "/seller",
    )
    assert picked.status_code == 200
    assert "Đã đăng ký cơ sở" in picked.text
    producer = (await queries.list_producers()).items[0]
    assert (producer.commune_code, producer.province_code) == ("13540", "37")


async def test_registering_with_an_unknown_bank_is_refused_in_vietnamese(client):
    await log_in(client, await new_seller())
    response = await submit(
        client,
        "/seller/producers",
        {
            "name": "HTX Bưởi",
            "kind": "hop_tac_xa",
            "province_code": "37",
            "commune_code": "13540",
            "bank_bin": "999999",
            "bank_account": "123456",
            "bank_holder": "Nguyen Van A",
        },
        page="/seller",
    )
    assert response.status_code == 422
    assert "Không có ngân hàng nào mang mã BIN" in response.text
    assert await ProducerRow.count() == 0


async def test_a_seller_adds_a_product_edits_its_price_and_sees_it_listed(client):
    seller = await new_seller()
    producer_id = await new_producer(seller)
    await log_in(client, seller)
    created = await submit(
        client,
        f"/seller/{producer_id}/products",
        {**PRODUCT_FORM, "certifications": ["vietgap", "organic"]},
        page=f"/seller/{producer_id}/products/new",
    )
    assert created.status_code == 200
    assert "Đã tạo sản phẩm" in created.text
    product = await queries.get_product_by_slug("nho-dong-du")
    assert (product.price_vnd, product.certifications) == (120_000, ("organic", "vietgap"))

    edit_path = f"/seller/{producer_id}/products/{product.id}"
    saved = await submit(client, edit_path, {**PRODUCT_FORM, "price_vnd": "135000"})
    assert saved.status_code == 200
    assert "Nho Đồng Du" in saved.text and "135.000" in saved.text
    assert (await queries.get_product(product.id)).price_vnd == 135_000
    listing = await client.get("/products")
    assert "Nho Đồng Du" in listing.text and "135.000" in listing.text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"price_vnd": "abc"}, "không phải số nguyên"),
        ({"price_vnd": ""}, "Vui lòng nhập giá bán."),
        ({"price_vnd": "0"}, "Giá phải là số đồng nguyên"),
        ({"unit": "tấn"}, "Đơn vị phải là một trong"),
        ({"name": "x"}, "Tên phải có từ 2 đến 200 ký tự."),
        ({"ocop_stars": "2"}, "Chỉ sản phẩm đạt 3, 4 hoặc 5 sao"),
        ({"ocop_decision_date": "31/02/2024"}, "không phải ngày"),
        ({"gtin": "8930000000001"}, "GTIN"),
        ({"stock": "-1"}, "không phải số nguyên"),
        ({"price_vnd": "9" * 5000}, "quá lớn: tối đa 30 chữ số"),  # Python will not read it
    ],
)
async def test_bad_product_input_is_refused_in_vietnamese_and_nothing_changes(
    client, change, message
):
    _, producer_id, product = await seller_with_product(client)
    new = await submit(
        client,
        f"/seller/{producer_id}/products",
        {**PRODUCT_FORM, **change},
        page=f"/seller/{producer_id}/products/new",
    )
    assert new.status_code == 422
    assert message in new.text
    assert 'aria-invalid="true"' in new.text
    edit_path = f"/seller/{producer_id}/products/{product.id}"
    edited = await submit(client, edit_path, {**PRODUCT_FORM, **change})
    assert edited.status_code == 422
    assert message in edited.text
    assert await ProductRow.count() == 1
    unchanged = await queries.get_product(product.id)
    assert (unchanged.name, unchanged.price_vnd) == (product.name, product.price_vnd)


async def test_another_seller_cannot_see_or_touch_a_producers_products(client):
    owner, producer_id, product = await seller_with_product(client)
    stranger = await new_seller("Lê Văn Nam")
    await new_producer(stranger, BA_THUOC)
    await log_in(client, stranger)
    base = f"/seller/{producer_id}"
    for path in (
        base,
        f"{base}/profile",
        f"{base}/products/new",
        f"{base}/products.csv",
        f"{base}/products/{product.id}",
    ):
        response = await client.get(path)
        assert response.status_code == 403, path
        assert "Bạn không có quyền với cơ sở sản xuất này." in response.text
    token = await csrf_token(client, "/seller")
    writes = [
        (f"{base}/products/{product.id}", {**PRODUCT_FORM, "price_vnd": "1"}, None),
        (f"{base}/products/{product.id}/archive", {}, None),
        (f"{base}/products", PRODUCT_FORM, None),
        (f"{base}/profile", {"name": "Bị chiếm", "kind": "hop_tac_xa"}, None),
        (
            f"{base}/products/{product.id}/photos",
            {},
            {"photo": ("a.jpg", jpeg_with_gps(), "image/jpeg")},
        ),
        (f"{base}/import", {}, {"file": ("a.csv", b"name,unit,price_vnd\nX,kg,1\n", "text/csv")}),
    ]
    for path, form, files in writes:
        response = await client.post(path, data={**form, "_csrf_token": token}, files=files)
        assert response.status_code == 403, path
    after = await queries.get_product(product.id)
    assert (after.price_vnd, after.status, after.photos) == (45_000, "active", ())
    assert await ProductRow.count() == 1
    assert (await queries.get_producer(producer_id)).name == "HTX Bưởi Ngọc Lũ"
    assert owner.id != stranger.id


async def test_a_product_of_another_producer_is_not_found_under_mine(client):
    _, my_producer, _ = await seller_with_product(client)
    other = await new_seller("Lê Văn Nam")
    their_product = await new_product(other, await new_producer(other, BA_THUOC), name="Mật ong")
    response = await client.get(f"/seller/{my_producer}/products/{their_product.id}")
    assert response.status_code == 404


async def test_a_photo_upload_is_resized_and_shown_and_a_wrong_file_is_refused(client):
    _, producer_id, product = await seller_with_product(client)
    path = f"/seller/{producer_id}/products/{product.id}"
    token = await csrf_token(client, path)
    uploaded = await client.post(
        f"{path}/photos",
        data={"_csrf_token": token, "alt": "Bưởi trên cành"},
        files={"photo": ("IMG_0001.jpg", jpeg_with_gps(), "image/jpeg")},
    )
    assert uploaded.status_code == 200
    assert "Đã thêm ảnh." in uploaded.text
    photo = (await queries.get_product(product.id)).photos[0]
    assert f"{photo.media_key}-240.jpg 240w" in uploaded.text
    served = await client.get(photo.url(480))
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"

    refused = await client.post(
        f"{path}/photos",
        data={"_csrf_token": token},
        files={"photo": ("notes.txt", b"just text", "image/jpeg")},
    )
    assert refused.status_code == 422
    assert "Không đọc được ảnh này." in refused.text
    nothing = await client.post(f"{path}/photos", data={"_csrf_token": token})
    assert nothing.status_code == 422
    assert "Vui lòng chọn một tệp." in nothing.text
    assert await ProductPhoto.count() == 1


async def test_deleting_a_photo_from_the_edit_page(client):
    _, producer_id, product = await seller_with_product(client)
    path = f"/seller/{producer_id}/products/{product.id}"
    token = await csrf_token(client, path)
    await client.post(
        f"{path}/photos",
        data={"_csrf_token": token},
        files={"photo": ("a.jpg", jpeg_with_gps(400, 300), "image/jpeg")},
    )
    photo = (await queries.get_product(product.id)).photos[0]
    unknown = await submit(client, f"{path}/photos/delete", {"media_key": "products/0/x"}, path)
    assert unknown.status_code == 404
    assert "Không tìm thấy ảnh này." in unknown.text
    assert await ProductPhoto.count() == 1
    response = await submit(client, f"{path}/photos/delete", {"media_key": photo.media_key}, path)
    assert response.status_code == 200
    assert await ProductPhoto.count() == 0
    assert await media.storage().read(f"{photo.media_key}-240.jpg") is None


async def test_archiving_takes_a_product_off_the_list(client):
    _, producer_id, product = await seller_with_product(client)
    path = f"/seller/{producer_id}/products/{product.id}"
    response = await submit(client, f"{path}/archive", {}, path)
    assert response.status_code == 200
    assert "Đã ngừng bán sản phẩm." in response.text
    assert (await queries.get_product(product.id)).status == "archived"
    assert "Bưởi Ngọc Lũ" not in (await client.get("/products")).text


async def test_csv_download_opens_in_excel_and_upload_reports_row_by_row(client):
    _, producer_id, _ = await seller_with_product(client)
    download = await client.get(f"/seller/{producer_id}/products.csv?sep=semicolon")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    assert download.content.startswith(b"\xef\xbb\xbfslug;name;unit;price_vnd")

    token = await csrf_token(client, f"/seller/{producer_id}")
    bad = "slug;name;unit;price_vnd\nbuoi-ngoc-lu;Bưởi Ngọc Lũ;quả;50.000\n;Mật ong;tấn;200000\n"
    refused = await client.post(
        f"/seller/{producer_id}/import",
        data={"_csrf_token": token},
        files={"file": ("san-pham.csv", bad.encode("utf-8"), "text/csv")},
    )
    assert refused.status_code == 422
    assert "Có 1 dòng lỗi nên chưa có thay đổi nào được lưu" in refused.text
    assert "Đơn vị phải là một trong" in refused.text
    assert (await queries.get_product_by_slug("buoi-ngoc-lu")).price_vnd == 45_000

    good = bad.replace("tấn", "hũ")
    accepted = await client.post(
        f"/seller/{producer_id}/import",
        data={"_csrf_token": token},
        files={"file": ("san-pham.csv", good.encode("utf-8"), "text/csv")},
    )
    assert accepted.status_code == 200
    assert "1 sản phẩm mới, 1 sản phẩm được cập nhật" in accepted.text
    assert (await queries.get_product_by_slug("buoi-ngoc-lu")).price_vnd == 50_000
    assert await ProductRow.count() == 2


async def test_the_owner_edits_the_profile_and_bad_input_changes_nothing(client):
    _, producer_id, _ = await seller_with_product(client)
    path = f"/seller/{producer_id}/profile"
    profile = await client.get(path)
    assert profile.status_code == 200
    assert "Vietcombank" in profile.text  # the bank picker lists real banks
    form = {
        "name": "HTX Bưởi Ngọc Lũ",
        "kind": "hop_tac_xa",
        "province_code": "37",
        "commune_code": "13540",
        "phone": "0912 000 111",
        "show_phone": "1",
        "bank_bin": "970436",
        "bank_account": "0011 0023 4567",
        "bank_holder": "Hợp tác xã Bưởi Ngọc Lũ",
        "latitude": "20,4601",
        "longitude": "106.0302",
        "action": "save",
    }
    bad = await submit(client, path, {**form, "latitude": "bắc"})
    assert bad.status_code == 422
    assert "Tọa độ phải là số." in bad.text
    assert (await queries.get_producer_private(producer_id)).bank is None

    saved = await submit(client, path, form)
    assert saved.status_code == 200 and "Đã lưu hồ sơ cơ sở." in saved.text
    private = await queries.get_producer_private(producer_id)
    assert private.bank.account == "001100234567"
    assert private.public.phone == "+84912000111"
    assert private.public.latitude == pytest.approx(20.4601)
