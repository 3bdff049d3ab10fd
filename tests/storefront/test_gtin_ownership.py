"""GTINs as sellers and scanners meet them: one product per GTIN, a printed code that keeps
resolving, and Digital Link answers that caches and resolvers can read."""

from tests.batch_support import GTIN, opened_batch
from tests.catalogue_factories import PASSWORD, new_producer, new_product, new_seller
from tests.storefront.test_seller_pages import PRODUCT_FORM
from tests.support import submit

ANOTHERS_GTIN = "08931234567897"


async def log_in(client, account):
    response = await submit(client, "/login", {"phone": account.phone, "password": PASSWORD})
    assert response.status_code == 200, response.text


async def api_token(client, account):
    await log_in(client, account)
    created = await client.post(
        "/api/v1/tokens",
        json={"name": "tool"},
        headers={"x-csrftoken": client.cookies["csrftoken"]},
    )
    assert created.status_code == 201, created.text
    client.cookies.clear()
    return {"authorization": f"Bearer {created.json()['secret']}"}


async def product_with_batch(gtin=GTIN, **producer):
    seller = await new_seller()
    producer_id = await new_producer(seller, **producer)
    product = await new_product(seller, producer_id, gtin=gtin)
    batch = await opened_batch(seller, product.id)
    return seller, producer_id, product, batch.code


async def test_a_seller_cannot_put_another_producers_gtin_on_their_product(client):
    _, _, _, first_lot = await product_with_batch(gtin=ANOTHERS_GTIN)
    second, _, own, own_lot = await product_with_batch(
        gtin=None, name="Cơ sở Mật ong Bình", phone="+84912000002"
    )
    seller = await api_token(client, second)
    patched = await client.patch(
        f"/api/v1/products/{own.id}", json={"gtin": ANOTHERS_GTIN}, headers=seller
    )
    assert patched.status_code == 409
    assert patched.json()["code"] == "gtin_taken"
    assert patched.json()["errors"][0]["field"] == "gtin"
    created = await client.post(
        f"/api/v1/producers/{own.producer_id}/products",
        json={"name": "Mật ong", "unit": "kg", "price_vnd": 1000, "gtin": "8931234567897"},
        headers=seller,
    )
    assert created.status_code == 409
    assert created.json()["code"] == "gtin_taken"
    assert (await client.get(f"/01/{ANOTHERS_GTIN}/10/{own_lot}")).status_code == 404
    assert (await client.get(f"/01/{ANOTHERS_GTIN}/10/{first_lot}")).status_code == 200


async def test_the_product_form_says_the_gtin_is_taken(client):
    await product_with_batch(gtin=ANOTHERS_GTIN)
    second = await new_seller("Lê Văn Bình")
    producer_id = await new_producer(second, name="Cơ sở Mật ong Bình")
    await log_in(client, second)
    page = await submit(
        client,
        f"/seller/{producer_id}/products",
        {**PRODUCT_FORM, "gtin": ANOTHERS_GTIN},
        page=f"/seller/{producer_id}/products/new",
    )
    assert page.status_code == 409
    assert "đã được dùng cho một sản phẩm khác" in page.text
    assert 'aria-invalid="true"' in page.text


async def test_a_gtin_on_printed_batches_cannot_be_changed_through_the_api(client):
    seller, _, product, lot = await product_with_batch()
    token = await api_token(client, seller)
    for change in (ANOTHERS_GTIN, None):
        refused = await client.patch(
            f"/api/v1/products/{product.id}", json={"gtin": change}, headers=token
        )
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "gtin_frozen"
        assert refused.json()["errors"][0]["field"] == "gtin"
    assert (await client.get(f"/api/v1/products/{product.slug}")).json()["gtin"] == GTIN
    assert (await client.get(f"/01/{GTIN}/10/{lot}")).status_code == 200
    unchanged = await client.patch(
        f"/api/v1/products/{product.id}", json={"gtin": GTIN, "price_vnd": 50000}, headers=token
    )
    assert unchanged.status_code == 200, unchanged.text


async def test_the_product_form_refuses_to_change_a_printed_gtin_and_says_why(client):
    seller, producer_id, product, lot = await product_with_batch()
    await log_in(client, seller)
    page = await submit(
        client, f"/seller/{producer_id}/products/{product.id}", {**PRODUCT_FORM, "gtin": ""}
    )
    assert page.status_code == 409
    assert "Không thể đổi hay xóa GTIN" in page.text
    assert (await client.get(f"/01/{GTIN}/10/{lot}")).status_code == 200


async def test_every_digital_link_answer_varies_on_accept(client, db):
    _, _, _, lot = await product_with_batch()
    base = f"/01/{GTIN}/10/{lot}"
    answers = [
        await client.get(base),
        await client.get(base, headers={"accept": "application/linkset+json"}),
        await client.get(f"{base}?linkType=gs1:pip", follow_redirects=False),
    ]
    for answer in answers:
        vary = {part.strip().lower() for part in answer.headers["vary"].split(",")}
        assert {"accept", "accept-language", "cookie"} <= vary


async def test_the_page_and_redirects_point_to_the_linkset_and_redirect_absolutely(client, app):
    _, _, _, lot = await product_with_batch()
    site = app.state.settings.base_url
    base = f"/01/{GTIN}/10/{lot}"
    expected = f'<{site}{base}?linkType=linkset>; rel="linkset"; type="application/linkset+json"'
    page = await client.get(base)
    assert page.status_code == 200 and page.headers["link"] == expected
    redirect = await client.get(f"{base}?linkType=gs1:traceability", follow_redirects=False)
    assert redirect.status_code == 307
    assert redirect.headers["location"] == f"{site}/t/{lot}"
    assert redirect.headers["link"] == expected
    linkset = await client.get(redirect.headers["link"][1:].split(">")[0].removeprefix(site))
    assert linkset.headers["content-type"].startswith("application/linkset+json")
