"""Catalogue services as sellers and officers use them, on SQLite and PostgreSQL."""

import asyncio
from datetime import date

import pytest

from marketplace.accounts.service import sign_up
from marketplace.catalogue import producers, products, queries
from marketplace.catalogue.schemas import ProducerInput, ProductFilters, ProductInput
from marketplace.errors import InvalidInput, PermissionDenied

NGOC_LU = ProducerInput(
    name="HTX Bưởi Ngọc Lũ",
    kind="hop_tac_xa",
    province_code="37",
    commune_code="13540",
    bank_bin="970405",
    bank_account="3500 2051 23456",
    bank_holder="HTX Bưởi Ngọc Lũ",
)
BUOI = ProductInput(
    name="Bưởi Ngọc Lũ",
    unit="quả",
    price_vnd=45000,
    stock=10,
    status="active",
    ocop_group=1,
    ocop_set=1,
    ocop_stars=4,
    ocop_decision_no="1456/QĐ-UBND",
    ocop_decision_date=date(2024, 8, 12),
    certifications=("vietgap",),
)


async def seller_with_producer(phone="0912345678"):
    seller = await sign_up(phone, "mat-khau-1", "Người bán")
    producer = await producers.create_producer(seller, NGOC_LU)
    return seller, producer.public.id


async def test_registering_a_producer_makes_the_seller_its_owner_and_keeps_bank_details(db):
    _seller, producer_id = await seller_with_producer()
    private = await queries.get_producer_private(producer_id)
    assert private.public.slug == "htx-buoi-ngoc-lu"
    assert private.public.commune_name == "Xã Bình An"
    assert private.public.province_name == "Ninh Bình"
    assert private.bank.account == "3500205123456"
    assert private.bank.holder == "HTX BUOI NGOC LU"
    assert private.public.phone is None  # no consent, no phone on public pages


async def test_unknown_bank_bin_and_foreign_commune_are_refused(db):
    seller = await sign_up("0912345678", "mat-khau-1", "Người bán")
    with pytest.raises(InvalidInput) as bank:
        await producers.create_producer(
            seller, ProducerInput(**{**NGOC_LU.__dict__, "bank_bin": "999999"})
        )
    assert bank.value.code == "bank_unknown"
    with pytest.raises(InvalidInput) as place:
        await producers.create_producer(
            seller, ProducerInput(**{**NGOC_LU.__dict__, "province_code": "38"})
        )
    assert place.value.code == "commune_not_in_province"
    assert (await queries.list_producers()).total == 0


async def test_product_shows_stars_until_its_certificate_expires(db):
    seller, producer_id = await seller_with_producer()
    fresh = await products.create_product(seller, producer_id, BUOI)
    assert fresh.ocop.stars == 4 and not fresh.ocop.expired
    assert fresh.ocop.valid_until == date(2027, 8, 12)
    old = await products.create_product(
        seller,
        producer_id,
        ProductInput(
            **{**BUOI.__dict__, "name": "Bưởi cũ", "ocop_decision_date": date(2021, 3, 1)}
        ),
    )
    assert old.ocop.stars is None and old.ocop.expired and old.ocop.certified_stars == 4
    listed = await queries.list_products(ProductFilters(min_stars=3))
    assert [p.slug for p in listed.items] == ["buoi-ngoc-lu"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"price_vnd": 0}, "price_invalid"),
        ({"unit": "tấn"}, "unit_invalid"),
        ({"ocop_stars": 2}, "ocop_stars_invalid"),
        ({"ocop_set": 11}, "ocop_set_not_in_group"),
        ({"gtin": "8930000000001"}, "gtin_invalid"),
        ({"certifications": ("halal-ish",)}, "certification_unknown"),
        ({"name": " "}, "name_invalid"),
    ],
)
async def test_invalid_products_are_refused_and_nothing_is_saved(db, change, code):
    seller, producer_id = await seller_with_producer()
    with pytest.raises(InvalidInput) as error:
        await products.create_product(
            seller, producer_id, ProductInput(**{**BUOI.__dict__, **change})
        )
    assert error.value.code == code
    assert error.value.message_vi and error.value.message_en
    assert (await queries.list_products(ProductFilters(status=""))).total == 0


async def test_another_seller_cannot_touch_a_product(db):
    seller, producer_id = await seller_with_producer()
    product = await products.create_product(seller, producer_id, BUOI)
    stranger = await sign_up("0987654321", "mat-khau-2", "Người lạ")
    with pytest.raises(PermissionDenied):
        await products.update_product(
            stranger, product.id, ProductInput(**{**BUOI.__dict__, "price_vnd": 1})
        )
    with pytest.raises(PermissionDenied):
        await products.archive_product(stranger, product.id)
    with pytest.raises(PermissionDenied):
        await products.create_product(stranger, producer_id, BUOI)
    assert (await queries.get_product(product.id)).price_vnd == 45000


async def test_filters_sorting_and_pagination(db):
    seller, producer_id = await seller_with_producer()
    for i, price in enumerate([30000, 10000, 20000]):
        await products.create_product(
            seller,
            producer_id,
            ProductInput(**{**BUOI.__dict__, "name": f"Bưởi loại {i}", "price_vnd": price}),
        )
    cheap_first = await queries.list_products(
        ProductFilters(), sort="price_asc", page=1, page_size=2
    )
    assert [p.price_vnd for p in cheap_first.items] == [10000, 20000]
    assert cheap_first.total == 3
    second = await queries.list_products(ProductFilters(), sort="price_asc", page=2, page_size=2)
    assert [p.price_vnd for p in second.items] == [30000]
    assert (await queries.list_products(ProductFilters(price_max=15000))).total == 1
    assert (await queries.list_products(ProductFilters(province_code="38"))).total == 0
    assert (await queries.list_products(ProductFilters(certification="vietgap"))).total == 3
    assert (await queries.list_products(ProductFilters(certification="organic"))).total == 0


async def test_changing_the_certificate_withdraws_the_officers_verification(db):
    seller, producer_id = await seller_with_producer()
    officer = await sign_up(
        "0988000111", "can-bo-123", "Cán bộ", is_officer=True, officer_province_code="37"
    )
    product = await products.create_product(seller, producer_id, BUOI)
    await products.set_ocop_verified(officer, product.id, True)
    assert (await queries.get_product(product.id)).ocop_verified
    await products.update_product(
        seller, product.id, ProductInput(**{**BUOI.__dict__, "ocop_stars": 5})
    )
    assert not (await queries.get_product(product.id)).ocop_verified


async def test_officers_act_only_in_their_province(db):
    _seller, producer_id = await seller_with_producer()
    thanh_hoa = await sign_up(
        "0988000222", "can-bo-123", "Cán bộ", is_officer=True, officer_province_code="38"
    )
    with pytest.raises(PermissionDenied):
        await producers.set_verified(thanh_hoa, producer_id, True)
    assert not (await queries.get_producer(producer_id)).verified


async def test_concurrent_reservations_never_oversell(db):
    seller, producer_id = await seller_with_producer()
    product = await products.create_product(
        seller, producer_id, ProductInput(**{**BUOI.__dict__, "stock": 3})
    )
    results = await asyncio.gather(*(products.reserve_stock(product.id, 1) for _ in range(12)))
    assert results.count(True) == 3
    assert (await queries.get_product(product.id)).stock == 0
    await products.release_stock(product.id, 2)
    assert (await queries.get_product(product.id)).stock == 2


@pytest.mark.parametrize("backend", ["memory", "native"])
async def test_buyers_find_rated_products_by_ocop_and_stars(db, backend):
    from marketplace import search
    from marketplace.search import SearchQuery
    from tests.catalogue_factories import BUOI, new_producer, new_product, new_seller

    search.use_backend(backend if backend == "memory" else search.available_backends()[1])
    try:
        seller = await new_seller()
        producer_id = await new_producer(seller)
        four = await new_product(seller, producer_id, name="Bưởi Ngọc Lũ")
        three = await new_product(seller, producer_id, name="Mật ong Cúc Phương", ocop_stars=3)
        unrated = await new_product(
            seller,
            producer_id,
            name="Chè xanh",
            ocop_group=None,
            ocop_set=None,
            ocop_stars=None,
            ocop_decision_no="",
            ocop_decision_date=None,
        )
        assert BUOI.ocop_stars == 4

        async def found(text):
            result = await search.search(SearchQuery(text=text))
            return {hit.product_id for hit in result.hits}

        assert await found("ocop") == {four.id, three.id}
        assert await found("ocop 4 sao") == {four.id}
        assert await found("sản phẩm ocop 3 sao") == {four.id, three.id}  # at least 3 stars
        assert unrated.id in await found("che xanh")
    finally:
        search.use_backend(None)


@pytest.mark.parametrize("backend", ["memory", "native"])
async def test_buyers_find_products_by_the_place_names_before_the_merger(db, backend):
    # Ngọc Lũ was in Bình Lục district of Hà Nam until 2025; it is now xã Bình An, Ninh Bình.
    from marketplace import places, search
    from marketplace.search import SearchQuery
    from tests.catalogue_factories import BA_THUOC, NGOC_LU, new_producer, new_product, new_seller

    search.use_backend(backend if backend == "memory" else search.available_backends()[1])
    try:
        seller = await new_seller()
        pomelo = await new_product(seller, await new_producer(seller, NGOC_LU))
        honey = await new_product(seller, await new_producer(seller, BA_THUOC), name="Mật ong")
        assert places.commune(NGOC_LU.commune_code).province_code == "37"

        async def found(text):
            result = await search.search(SearchQuery(text=text))
            return {hit.product_id for hit in result.hits}

        assert await found("bưởi hà nam") == {pomelo.id}
        assert await found("binh luc") == {pomelo.id}
        assert await found("ninh binh") == {pomelo.id}
        assert await found("mat ong thanh hoa") == {honey.id}
    finally:
        search.use_backend(None)
