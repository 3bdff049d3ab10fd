"""Officer pages: verify producers and OCOP certificates of one's province, watch expiries."""

from datetime import timedelta

from marketplace.catalogue import queries
from marketplace.catalogue.ocop import add_months
from marketplace.catalogue.queries import today_in_vietnam
from tests.catalogue_factories import (
    BA_THUOC,
    PASSWORD,
    new_officer,
    new_producer,
    new_product,
    new_seller,
)
from tests.support import csrf_token, submit


async def log_in(client, account):
    response = await submit(client, "/login", {"phone": account.phone, "password": PASSWORD})
    assert response.status_code == 200, response.text


async def two_provinces():
    seller = await new_seller()
    ngoc_lu = await new_producer(seller)  # Ninh Bình (37)
    ba_thuoc = await new_producer(seller, BA_THUOC)  # Thanh Hóa (38)
    buoi = await new_product(seller, ngoc_lu)
    che = await new_product(seller, ba_thuoc, name="Chè Thanh Hóa", ocop_group=2, ocop_set=11)
    return ngoc_lu, ba_thuoc, buoi, che


async def test_officer_pages_are_for_officers_only(client):
    assert (await client.get("/officer", follow_redirects=False)).status_code in (302, 303)
    await log_in(client, await new_seller())
    response = await client.get("/officer")
    assert response.status_code == 403
    assert "Trang này chỉ dành cho cán bộ quản lý." in response.text


async def test_a_provincial_officer_sees_and_verifies_producers_of_their_province(client):
    ngoc_lu, _, _, _ = await two_provinces()
    await log_in(client, await new_officer("37"))
    page = await client.get("/officer")
    assert page.status_code == 200
    assert "HTX Bưởi Ngọc Lũ" in page.text
    assert "HTX Mật ong Bá Thước" not in page.text

    verified = await submit(
        client, f"/officer/producers/{ngoc_lu}/verification", {"verified": "1"}, "/officer"
    )
    assert verified.status_code == 200 and "Đã xác minh cơ sở." in verified.text
    assert (await queries.get_producer(ngoc_lu)).verified

    undone = await submit(
        client, f"/officer/producers/{ngoc_lu}/verification", {"verified": "0"}, "/officer"
    )
    assert undone.status_code == 200
    assert not (await queries.get_producer(ngoc_lu)).verified


async def test_an_officer_cannot_verify_in_another_province(client):
    _, ba_thuoc, _, che = await two_provinces()
    await log_in(client, await new_officer("37"))
    token = await csrf_token(client, "/officer")
    producer = await client.post(
        f"/officer/producers/{ba_thuoc}/verification", data={"verified": "1", "_csrf_token": token}
    )
    assert producer.status_code == 403
    assert "Việc này thuộc tỉnh khác" in producer.text
    ocop = await client.post(
        f"/officer/products/{che.id}/ocop-verification",
        data={"verified": "1", "_csrf_token": token},
    )
    assert ocop.status_code == 403
    assert not (await queries.get_producer(ba_thuoc)).verified
    assert not (await queries.get_product(che.id)).ocop_verified


async def test_a_seller_cannot_verify_anything(client):
    ngoc_lu, _, buoi, _ = await two_provinces()
    await log_in(client, await new_seller("Lê Văn Nam"))
    token = await csrf_token(client, "/account")
    for path in (
        f"/officer/producers/{ngoc_lu}/verification",
        f"/officer/products/{buoi.id}/ocop-verification",
    ):
        response = await client.post(path, data={"verified": "1", "_csrf_token": token})
        assert response.status_code == 403
    assert not (await queries.get_producer(ngoc_lu)).verified
    assert not (await queries.get_product(buoi.id)).ocop_verified


async def test_the_officer_verifies_an_ocop_certificate(client):
    _, _, buoi, _ = await two_provinces()
    await log_in(client, await new_officer("37"))
    page = await client.get("/officer")
    assert "Chứng nhận OCOP chờ xác minh" in page.text and "1456/QĐ-UBND" in page.text
    response = await submit(
        client, f"/officer/products/{buoi.id}/ocop-verification", {"verified": "1"}, "/officer"
    )
    assert response.status_code == 200
    assert "Đã xác minh chứng nhận OCOP." in response.text
    assert (await queries.get_product(buoi.id)).ocop_verified
    assert "Không có chứng nhận nào chờ xác minh." in response.text


async def test_expired_and_soon_expiring_certificates_are_listed(client):
    seller = await new_seller()
    producer_id = await new_producer(seller)
    three_years_ago = add_months(today_in_vietnam(), -36)
    await new_product(
        seller, producer_id, name="Rượu cũ", ocop_decision_date=three_years_ago - timedelta(days=3)
    )
    await new_product(
        seller,
        producer_id,
        name="Mắm sắp hết",
        ocop_decision_date=three_years_ago + timedelta(days=20),
    )
    await new_product(
        seller, producer_id, name="Gạo còn lâu", ocop_decision_date=today_in_vietnam()
    )
    await log_in(client, await new_officer("37"))
    page = (await client.get("/officer")).text
    expiring = page.split("Chứng nhận sắp hết hạn")[1].split("Cơ sở đã xác minh")[0]
    assert "Rượu cũ" in expiring and "Hết hạn từ" in expiring
    assert "Mắm sắp hết" in expiring
    assert "Gạo còn lâu" not in expiring


async def test_a_national_officer_can_narrow_the_page_to_one_province(client):
    await two_provinces()
    await log_in(client, await new_officer(None))
    everywhere = (await client.get("/officer")).text
    assert "HTX Bưởi Ngọc Lũ" in everywhere and "HTX Mật ong Bá Thước" in everywhere
    thanh_hoa = (await client.get("/officer?province=38")).text
    assert "HTX Mật ong Bá Thước" in thanh_hoa and "HTX Bưởi Ngọc Lũ" not in thanh_hoa
