"""Bad input gets a 4xx that names what is wrong, in the right words, beside the right field."""

import re

import pytest

from marketplace.accounts.service import account_by_phone
from marketplace.catalogue import producers, products, queries
from marketplace.catalogue.producers import set_verified
from marketplace.orders.tables import Order as OrderRow
from tests.batch_support import BUOI, NGOC_LU
from tests.catalogue_factories import PASSWORD, new_officer, new_producer, new_seller
from tests.shop import build_shop
from tests.support import csrf_token, sign_up_and_log_in, submit
from traceability.batches import producer_batches


def flagged(page_html):
    """The fields the page marks as wrong."""
    return set(re.findall(r'id="f-(\w+)"[^>]*aria-invalid="true"', page_html))


def note(page_html, field):
    found = re.search(rf'<span class="error-text" id="f-{field}-note">([^<]*)</span>', page_html)
    assert found, f"no message beside {field}"
    return found.group(1)


async def _seller_with_batch_page(client):
    await sign_up_and_log_in(client, phone="0912345678")
    seller = await account_by_phone("+84912345678")
    producer = await producers.create_producer(seller, NGOC_LU)
    product = await products.create_product(seller, producer.public.id, BUOI)
    return seller, producer.public.id, product.id


async def _open(client, producer_id, form):
    return await submit(client, f"/seller/{producer_id}/batches", form)


async def test_an_empty_open_batch_form_asks_for_the_product(client, db):
    seller, producer_id, _ = await _seller_with_batch_page(client)
    page = await _open(client, producer_id, {})
    assert page.status_code == 422
    assert flagged(page.text) == {"product_id"}
    assert note(page.text, "product_id") == "Hãy chọn sản phẩm."
    assert await producer_batches(seller, producer_id) == []


async def test_a_quantity_too_large_is_called_too_large(client, db):
    seller, producer_id, product_id = await _seller_with_batch_page(client)
    page = await _open(client, producer_id, {"product_id": str(product_id), "quantity": "9" * 30})
    assert page.status_code == 422
    assert "Số lượng quá lớn: tối đa 1.000.000.000.000." in note(page.text, "quantity")
    assert "không âm" not in page.text
    assert await producer_batches(seller, producer_id) == []


async def test_every_wrong_field_of_the_open_batch_form_is_flagged_at_once(client, db):
    _, producer_id, _ = await _seller_with_batch_page(client)
    page = await _open(client, producer_id, {"quantity": "9" * 30, "best_before": "31/02"})
    assert page.status_code == 422
    assert flagged(page.text) == {"product_id", "quantity", "best_before"}
    assert "Vui lòng sửa các ô được đánh dấu bên dưới." in page.text


async def test_the_api_calls_a_quantity_too_large_too_large(client, db):
    seller, producer_id, product_id = await _seller_with_batch_page(client)
    headers = {"x-csrftoken": client.cookies.get("csrftoken")}
    response = await client.post(
        "/api/v1/batches",
        content=f'{{"product_id": {product_id}, "quantity": {"9" * 30}, "unit": "quả"}}',
        headers={**headers, "content-type": "application/json"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "quantity_too_large"
    assert body["message_en"] == "The quantity is too large: at most 1,000,000,000,000."
    assert await producer_batches(seller, producer_id) == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-3", "Thời gian cách ly là số ngày, không được là số âm."),
        ("ba", "Hãy nhập một số nguyên."),
        ("3" * 40, "Số này quá lớn."),
    ],
)
async def test_a_wrong_pre_harvest_interval_says_what_is_wrong(client, db, typed, message):
    _, producer_id, product_id = await _seller_with_batch_page(client)
    opened = await _open(client, producer_id, {"product_id": str(product_id)})
    code = re.search(r"/batches/([0-9A-Z]{11})", str(opened.url)).group(1)
    path = f"/seller/{producer_id}/batches/{code}"
    token = await csrf_token(client, path)
    page = await client.post(
        f"{path}/events",
        data={
            "_csrf_token": token,
            "kind": "spraying",
            "occurred_at": "2026-01-05T07:30",
            "input_name": "Regent 800WG",
            "dose": "1 gói/bình",
            "phi_days": typed,
        },
    )
    assert page.status_code == 422
    assert message in page.text
    assert 'value="Regent 800WG"' in page.text


CHECKOUT_FIELDS = {"buyer_name", "phone", "province_code", "commune_code", "address_line"}


async def _cart(client, shop):
    token = await csrf_token(client, "/login")
    await client.post(
        "/cart/items",
        data={"product_id": str(shop.product_ids["buoi"]), "quantity": "1", "_csrf_token": token},
    )


async def test_an_empty_checkout_flags_every_required_field(client):
    shop = await build_shop()
    await _cart(client, shop)
    page = await submit(client, "/checkout", {"action": "place"})
    assert page.status_code == 422
    assert flagged(page.text) == CHECKOUT_FIELDS
    assert "Vui lòng sửa các ô được đánh dấu bên dưới." in page.text
    assert note(page.text, "phone").startswith("Vui lòng nhập số điện thoại")
    assert note(page.text, "province_code") == "Vui lòng chọn tỉnh, thành phố nhận hàng."
    assert await OrderRow.count() == 0


async def test_an_empty_checkout_in_english_says_so_in_english(client):
    shop = await build_shop()
    await _cart(client, shop)
    page = await submit(client, "/checkout?lang=en", {"action": "place"}, "/checkout?lang=en")
    assert page.status_code == 422
    assert note(page.text, "buyer_name") == "Please enter the recipient&#39;s name."
    assert "Please correct the marked fields below." in page.text


async def test_the_api_says_the_province_is_required(client):
    shop = await build_shop()
    await client.get("/cart")
    headers = {"x-csrftoken": client.cookies.get("csrftoken")}
    cart = (await client.post("/api/v1/carts", headers=headers)).json()["token"]
    await client.post(
        f"/api/v1/carts/{cart}/items",
        json={"product_id": shop.product_ids["buoi"], "quantity": 1},
        headers=headers,
    )
    response = await client.post(
        f"/api/v1/carts/{cart}/checkout",
        json={
            "buyer_name": "Trần Thị Mai",
            "phone": "0987654321",
            "commune_code": "00004",
            "address_line": "Số 12 ngõ 5 phố Hàng Bạc",
        },
        headers=headers,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "province_required"
    assert body["message_vi"] == "Vui lòng chọn tỉnh, thành phố nhận hàng."
    assert body["message_en"] == "Please choose the province or city to deliver to."
    assert [e["field"] for e in body["errors"]] == ["province_code"]
    assert "mang mã" not in body["message_vi"]
    assert await OrderRow.count() == 0


async def test_an_officer_form_with_an_unclear_verified_value_is_refused(client):
    seller = await new_seller()
    producer_id = await new_producer(seller)
    officer = await new_officer("37")
    await set_verified(officer, producer_id, True)
    await submit(client, "/login", {"phone": officer.phone, "password": PASSWORD})
    response = await submit(
        client, f"/officer/producers/{producer_id}/verification", {"verified": "maybe"}, "/officer"
    )
    assert response.status_code == 422
    assert "“verified” phải là 1 (xác minh) hoặc 0 (bỏ xác minh)" in response.text
    assert (await queries.get_producer(producer_id)).verified
