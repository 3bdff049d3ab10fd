"""Linking batches writes onto the provenance page of both batches, so only the producer that
owns each of them may do it: a seller cannot put their own batch on another producer's page."""

from html import unescape

from marketplace.accounts.service import account_by_phone, create_api_token
from marketplace.catalogue import producers, products
from marketplace.catalogue.schemas import ProducerInput
from tests.batch_support import BUOI, NGOC_LU, opened_batch, seller_with_product
from tests.support import csrf_token, sign_up_and_log_in
from traceability.batches import set_public_fields

SHARED = ["dates", "quantity", "links"]


async def bearer(account):
    _, secret = await create_api_token(account.id, "Máy tính ở kho")
    return {"authorization": f"Bearer {secret}"}


async def two_producers():
    """Seller A with batch `mine`, and another cooperative with batch `theirs` that shows its
    links publicly (as the seed's HTX Chè xanh Hợp Tiến does)."""
    seller, _, product_id = await seller_with_product("0912345678")
    other, _, other_product = await seller_with_product(
        "0987654321", producer=ProducerInput(**{**NGOC_LU.__dict__, "name": "HTX Chè Hợp Tiến"})
    )
    mine = await opened_batch(seller, product_id)
    theirs = await opened_batch(other, other_product)
    await set_public_fields(seller, mine.code, SHARED)
    await set_public_fields(other, theirs.code, SHARED)
    return seller, product_id, mine.code, theirs.code


async def test_a_seller_cannot_link_from_another_producers_batch(client, db):
    seller, _, mine, theirs = await two_producers()
    answer = await client.post(
        f"/api/v1/batches/{theirs}/links", json={"to_code": mine}, headers=await bearer(seller)
    )
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["code"] == "batch_link_not_yours"
    assert f"Lô {theirs} không thuộc cơ sở của bạn" in body["message_vi"]
    assert f"Batch {theirs} does not belong to your producer" in body["message_en"]
    their_page = await client.get(f"/t/{theirs}")
    assert their_page.status_code == 200
    assert "Đến lô" not in their_page.text and mine not in their_page.text
    my_page = await client.get(f"/t/{mine}")
    assert "Từ lô" not in my_page.text and theirs not in my_page.text
    data = (await client.get(f"/api/v1/batches/{theirs}")).json()
    assert data["went_to"] == [] and data["came_from"] == []


async def test_a_seller_cannot_link_their_batch_into_another_producers_batch(client, db):
    seller, _, mine, theirs = await two_producers()
    answer = await client.post(
        f"/api/v1/batches/{mine}/links", json={"to_code": theirs}, headers=await bearer(seller)
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "batch_link_not_yours"
    assert f"Lô {theirs} không thuộc cơ sở của bạn" in answer.json()["message_vi"]
    their_page = await client.get(f"/t/{theirs}")
    assert "Từ lô" not in their_page.text and mine not in their_page.text
    assert "Đến lô" not in (await client.get(f"/t/{mine}")).text


async def test_the_owner_links_their_own_batches_and_both_pages_show_it(client, db):
    seller, product_id, mine, _ = await two_producers()
    later = await opened_batch(seller, product_id)
    await set_public_fields(seller, later.code, SHARED)
    answer = await client.post(
        f"/api/v1/batches/{mine}/links", json={"to_code": later.code}, headers=await bearer(seller)
    )
    assert answer.status_code == 204
    assert (
        f'Đến lô <a class="code" href="/t/{later.code}">' in (await client.get(f"/t/{mine}")).text
    )
    assert f'Từ lô <a class="code" href="/t/{mine}">' in (await client.get(f"/t/{later.code}")).text


async def test_the_batch_page_refuses_another_producers_batch_as_a_source(client, db):
    other, _, other_product = await seller_with_product(
        "0987654321", producer=ProducerInput(**{**NGOC_LU.__dict__, "name": "HTX Chè Hợp Tiến"})
    )
    theirs = (await opened_batch(other, other_product)).code
    await set_public_fields(other, theirs, SHARED)
    await sign_up_and_log_in(client, phone="0912345678")
    seller = await account_by_phone("+84912345678")
    producer = await producers.create_producer(seller, NGOC_LU)
    product = await products.create_product(seller, producer.public.id, BUOI)
    mine = (await opened_batch(seller, product.id)).code
    path = f"/seller/{producer.public.id}/batches/{mine}"
    token = await csrf_token(client, path)
    for direction in ("from", "to"):
        refused = await client.post(
            f"{path}/links",
            data={"_csrf_token": token, "direction": direction, "other_code": theirs},
        )
        assert refused.status_code == 403
        assert f"Lô {theirs} không thuộc cơ sở của bạn" in unescape(refused.text)
    their_page = await client.get(f"/t/{theirs}")
    assert "Đến lô" not in their_page.text and "Từ lô" not in their_page.text
    assert mine not in their_page.text
