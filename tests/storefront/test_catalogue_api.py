"""The catalogue through the JSON API, as a seller's tool and a buyer's app use it."""

from tests.support import sign_up_and_log_in

PRODUCER = {
    "name": "HTX Nho Đồng Du",
    "kind": "hop_tac_xa",
    "province_code": "37",
    "commune_code": "13504",
    "bank_bin": "970418",
    "bank_account": "48010000123456",
    "bank_holder": "HTX NHO DONG DU",
}
PRODUCT = {
    "name": "Nho hạ đen Đồng Du",
    "unit": "kg",
    "price_vnd": 80000,
    "stock": 20,
    "status": "active",
    "ocop_group": 1,
    "ocop_set": 1,
    "ocop_stars": 3,
    "ocop_decision_no": "2105/QĐ-UBND",
    "ocop_decision_date": "2024-12-05",
}


async def token_for(client, phone="0912345678"):
    await sign_up_and_log_in(client, phone=phone)
    csrf = client.cookies.get("csrftoken")
    created = await client.post(
        "/api/v1/tokens", json={"name": "tool"}, headers={"x-csrftoken": csrf}
    )
    client.cookies.clear()
    return {"authorization": f"Bearer {created.json()['secret']}"}


async def test_seller_tool_registers_producer_and_product_and_buyers_list_it(client):
    seller = await token_for(client)
    producer = await client.post("/api/v1/producers", json=PRODUCER, headers=seller)
    assert producer.status_code == 201, producer.text
    assert producer.json()["commune"] == {"code": "13504", "name": "Xã Bình Lục"}
    created = await client.post(
        f"/api/v1/producers/{producer.json()['id']}/products", json=PRODUCT, headers=seller
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["slug"] == "nho-ha-den-dong-du"
    assert body["ocop"]["stars"] == 3 and body["ocop"]["valid_until"] == "2027-12-05"

    listing = await client.get("/api/v1/products?province=37&stars=3")
    assert listing.status_code == 200
    assert set(listing.json()) == {"items", "total", "page", "page_size"}
    assert [p["name"] for p in listing.json()["items"]] == ["Nho hạ đen Đồng Du"]
    assert (await client.get("/api/v1/products?province=38")).json()["total"] == 0
    one = await client.get("/api/v1/products/nho-ha-den-dong-du")
    assert one.json()["producer"]["name"] == "HTX Nho Đồng Du"


async def test_patch_changes_only_the_given_fields(client):
    seller = await token_for(client)
    producer = (await client.post("/api/v1/producers", json=PRODUCER, headers=seller)).json()
    product = (
        await client.post(
            f"/api/v1/producers/{producer['id']}/products", json=PRODUCT, headers=seller
        )
    ).json()
    patched = await client.patch(
        f"/api/v1/products/{product['id']}", json={"price_vnd": 85000}, headers=seller
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["price_vnd"] == 85000
    assert patched.json()["stock"] == 20
    assert (await client.get("/api/v1/products/nho-ha-den-dong-du")).json()["price_vnd"] == 85000


async def test_another_seller_gets_403_and_nothing_changes(client):
    owner = await token_for(client)
    producer = (await client.post("/api/v1/producers", json=PRODUCER, headers=owner)).json()
    product = (
        await client.post(
            f"/api/v1/producers/{producer['id']}/products", json=PRODUCT, headers=owner
        )
    ).json()
    stranger = await token_for(client, phone="0987654321")
    patched = await client.patch(
        f"/api/v1/products/{product['id']}", json={"price_vnd": 1}, headers=stranger
    )
    assert patched.status_code == 403
    assert patched.json()["code"] == "not_a_member"
    assert (
        await client.post(f"/api/v1/products/{product['id']}/archive", headers=stranger)
    ).status_code == 403
    assert (
        await client.put(f"/api/v1/producers/{producer['id']}", json=PRODUCER, headers=stranger)
    ).status_code == 403
    assert (await client.get("/api/v1/products/nho-ha-den-dong-du")).json()["price_vnd"] == 80000


async def test_bad_input_answers_422_with_code_and_both_languages(client):
    seller = await token_for(client)
    producer = (await client.post("/api/v1/producers", json=PRODUCER, headers=seller)).json()
    bad = await client.post(
        f"/api/v1/producers/{producer['id']}/products",
        json={**PRODUCT, "gtin": "8930000000001"},
        headers=seller,
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "gtin_invalid"
    assert bad.json()["errors"][0]["field"] == "gtin"
    unknown_field = await client.post(
        f"/api/v1/producers/{producer['id']}/products",
        json={**PRODUCT, "colour": "red"},
        headers=seller,
    )
    assert unknown_field.status_code in (400, 422)
    wrong_type = await client.post(
        f"/api/v1/producers/{producer['id']}/products",
        json={**PRODUCT, "price_vnd": "80.000"},
        headers=seller,
    )
    assert wrong_type.status_code in (400, 422)
    assert wrong_type.json()["code"] == "invalid_input"
    assert (await client.get("/api/v1/products")).json()["total"] == 0
    bad_query = await client.get("/api/v1/products?page_size=1000")
    assert bad_query.status_code in (400, 422)


async def test_archived_products_leave_the_list(client):
    seller = await token_for(client)
    producer = (await client.post("/api/v1/producers", json=PRODUCER, headers=seller)).json()
    product = (
        await client.post(
            f"/api/v1/producers/{producer['id']}/products", json=PRODUCT, headers=seller
        )
    ).json()
    archived = await client.post(f"/api/v1/products/{product['id']}/archive", headers=seller)
    assert archived.json()["status"] == "archived"
    assert (await client.get("/api/v1/products")).json()["total"] == 0


async def test_old_addresses_resolve_to_todays_communes_with_choices_when_split(client):
    one = await client.get("/api/v1/places/resolve", params={"q": "Ngọc Lũ, Bình Lục, Hà Nam"})
    assert one.json()["commune"]["code"] == "13540"
    split = await client.get("/api/v1/places/resolve", params={"q": "huyện Bình Lục, Hà Nam"})
    assert split.json()["commune"] is None
    assert len(split.json()["choices"]) == 5
    provinces = await client.get("/api/v1/places/provinces")
    assert len(provinces.json()) == 34


async def test_money_must_be_a_json_integer_so_80_000_never_becomes_80_dong(client):
    seller = await token_for(client)
    producer = (await client.post("/api/v1/producers", json=PRODUCER, headers=seller)).json()
    for price in ("80.000", "80000", 80000.0, True):
        response = await client.post(
            f"/api/v1/producers/{producer['id']}/products",
            json={**PRODUCT, "price_vnd": price},
            headers=seller,
        )
        assert response.status_code in (400, 422), price
    spec = (await client.get("/schema/openapi.json")).json()
    assert (
        spec["components"]["schemas"]["ProductWrite"]["properties"]["price_vnd"]["type"]
        == "integer"
    )


async def test_a_price_change_shows_at_once_on_the_cached_product_page(client):
    seller = await token_for(client)
    producer = (await client.post("/api/v1/producers", json=PRODUCER, headers=seller)).json()
    product = (
        await client.post(
            f"/api/v1/producers/{producer['id']}/products", json=PRODUCT, headers=seller
        )
    ).json()
    assert "80.000" in (await client.get("/products/nho-ha-den-dong-du")).text
    await client.patch(
        f"/api/v1/products/{product['id']}", json={"price_vnd": 85000}, headers=seller
    )
    page = await client.get("/products/nho-ha-den-dong-du")
    assert "85.000" in page.text
    assert "80.000" not in page.text
