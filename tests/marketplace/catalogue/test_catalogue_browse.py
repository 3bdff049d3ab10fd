"""Browsing summaries and officer watch lists: counts by province and group, expiring OCOP."""

from dataclasses import replace
from datetime import timedelta

from marketplace.catalogue import browse, products
from marketplace.catalogue.ocop import add_months
from marketplace.catalogue.queries import today_in_vietnam
from tests.catalogue_factories import (
    BA_THUOC,
    BUOI,
    new_officer,
    new_producer,
    new_product,
    new_seller,
)


async def test_provinces_and_groups_count_only_products_on_sale(db):
    seller = await new_seller()
    ninh_binh = await new_producer(seller)
    thanh_hoa = await new_producer(seller, BA_THUOC)
    await new_product(seller, ninh_binh, name="Bưởi Ngọc Lũ")
    await new_product(seller, ninh_binh, name="Chuối ngự", ocop_group=1, ocop_set=7)
    await new_product(seller, ninh_binh, name="Nháp", status="draft")
    await new_product(seller, thanh_hoa, name="Chè", ocop_group=2, ocop_set=11)

    provinces = await browse.provinces_with_products()
    assert [(p.code, p.name, p.products) for p in provinces] == [
        ("37", "Ninh Bình", 2),
        ("38", "Thanh Hóa", 1),
    ]
    groups = await browse.groups_with_products()
    assert [(g.group, g.name_vi, g.products) for g in groups] == [
        (1, "Thực phẩm", 2),
        (2, "Đồ uống", 1),
    ]


async def test_expiring_lists_expired_and_soon_to_expire_certificates_of_one_province(db):
    today = today_in_vietnam()
    three_years_ago = add_months(today, -36)
    seller = await new_seller()
    ninh_binh = await new_producer(seller)
    thanh_hoa = await new_producer(seller, BA_THUOC)
    await new_product(
        seller, ninh_binh, name="Hết hạn", ocop_decision_date=three_years_ago - timedelta(days=10)
    )
    await new_product(
        seller, ninh_binh, name="Sắp hết", ocop_decision_date=three_years_ago + timedelta(days=30)
    )
    await new_product(
        seller, ninh_binh, name="Còn lâu", ocop_decision_date=three_years_ago + timedelta(days=120)
    )
    await new_product(
        seller, thanh_hoa, name="Tỉnh khác", ocop_decision_date=three_years_ago + timedelta(days=5)
    )
    gone = await new_product(seller, ninh_binh, name="Đã bỏ", ocop_decision_date=three_years_ago)
    await products.archive_product(seller, gone.id)

    expiring = await browse.expiring_certificates("37")
    assert [(c.product_name, c.expired) for c in expiring] == [
        ("Hết hạn", True),
        ("Sắp hết", False),
    ]
    assert expiring[1].valid_until == add_months(three_years_ago + timedelta(days=30), 36)
    everywhere = await browse.expiring_certificates(None)
    assert [c.product_name for c in everywhere] == ["Hết hạn", "Tỉnh khác", "Sắp hết"]


async def test_a_verified_certificate_leaves_the_waiting_list_until_it_changes(db):
    seller = await new_seller()
    producer_id = await new_producer(seller)
    product = await new_product(seller, producer_id)
    await new_product(
        seller,
        producer_id,
        name="Không OCOP",
        ocop_stars=None,
        ocop_decision_no=None,
        ocop_decision_date=None,
        ocop_group=None,
        ocop_set=None,
    )
    assert [c.product_name for c in await browse.certificates_to_verify("37")] == ["Bưởi Ngọc Lũ"]

    await products.set_ocop_verified(await new_officer("37"), product.id, True)
    assert await browse.certificates_to_verify("37") == []

    assert (await browse.expiring_certificates("37", within_days=100_000))[0].verified

    await products.update_product(seller, product.id, replace(BUOI, ocop_decision_no="99/QĐ-UBND"))
    waiting = await browse.certificates_to_verify("37")
    assert [(c.product_name, c.decision_no) for c in waiting] == [("Bưởi Ngọc Lũ", "99/QĐ-UBND")]
