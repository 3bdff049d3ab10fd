"""A GTIN belongs to one product, and a product's GTIN stays once codes carry it."""

import sqlite3

import pytest
from asyncpg.exceptions import UniqueViolationError

from marketplace.catalogue import products, queries
from marketplace.catalogue.csv_io import import_products_csv
from marketplace.catalogue.piccolo_migrations import catalogue_2026_11_24t08_00_00_000000 as m
from marketplace.catalogue.schemas import ProductInput
from marketplace.catalogue.tables import Product as ProductRow
from marketplace.db import DB, write_transaction
from marketplace.errors import Conflict
from tests.batch_support import opened_batch
from tests.catalogue_factories import BUOI, new_producer, new_product, new_seller

ANOTHERS_GTIN = "08931234567897"


async def two_producers():
    first = await new_seller()
    first_producer = await new_producer(first)
    taken = await new_product(first, first_producer, gtin=ANOTHERS_GTIN)
    second = await new_seller("Lê Văn Bình")
    second_producer = await new_producer(second, name="Cơ sở Mật ong Bình")
    return first, taken, second, second_producer


@pytest.mark.parametrize("typed", [ANOTHERS_GTIN, "893 1234 56789 7", "8931234567897"])
async def test_a_new_product_cannot_take_another_producers_gtin(db, typed):
    _, taken, second, second_producer = await two_producers()
    with pytest.raises(Conflict) as refused:
        await new_product(second, second_producer, name="Mật ong rừng", gtin=typed)
    assert refused.value.code == "gtin_taken"
    assert refused.value.fields[0].field == "gtin"
    assert "đã được dùng" in refused.value.message_vi
    assert "already used by another product" in refused.value.message_en
    assert await ProductRow.count() == 1
    assert (await queries.get_product(taken.id)).gtin == ANOTHERS_GTIN


async def test_an_existing_product_cannot_be_given_another_products_gtin(db):
    _, _, second, second_producer = await two_producers()
    own = await new_product(second, second_producer, name="Mật ong rừng")
    with pytest.raises(Conflict) as refused:
        await products.update_product(
            second, own.id, ProductInput(**{**BUOI.__dict__, "gtin": ANOTHERS_GTIN})
        )
    assert refused.value.code == "gtin_taken"
    assert (await queries.get_product(own.id)).gtin is None


async def test_a_product_saved_with_its_own_gtin_is_not_refused(db):
    first, taken, _, _ = await two_producers()
    saved = await products.update_product(
        first,
        taken.id,
        ProductInput(**{**BUOI.__dict__, "gtin": ANOTHERS_GTIN, "price_vnd": 50_000}),
    )
    assert (saved.gtin, saved.price_vnd) == (ANOTHERS_GTIN, 50_000)


async def test_a_csv_import_reports_a_taken_gtin_on_its_row_and_applies_nothing(db):
    _, _, second, second_producer = await two_producers()
    text = (
        "name,unit,price_vnd,stock,status,gtin\n"
        "Mật ong rừng,kg,250000,5,active,\n"
        f"Mật ong bạc hà,kg,300000,5,active,{ANOTHERS_GTIN}\n"
    )
    report = await import_products_csv(second, second_producer, text)
    assert not report.applied
    assert [(r.row, r.status) for r in report.rows] == [(2, "created"), (3, "error")]
    [problem] = report.rows[1].errors
    assert (problem.field, problem.code) == ("gtin", "gtin_taken")
    assert await ProductRow.count() == 1


async def test_two_csv_rows_with_one_gtin_are_refused(db):
    seller = await new_seller()
    producer_id = await new_producer(seller)
    text = (
        "name,unit,price_vnd,stock,status,gtin\n"
        f"Mật ong rừng,kg,250000,5,active,{ANOTHERS_GTIN}\n"
        f"Mật ong bạc hà,kg,300000,5,active,{ANOTHERS_GTIN}\n"
    )
    report = await import_products_csv(seller, producer_id, text)
    assert not report.applied
    assert [r.status for r in report.rows] == ["created", "error"]
    assert report.rows[1].errors[0].code == "gtin_taken"
    assert await ProductRow.count() == 0


async def test_a_gtin_can_change_while_no_batch_carries_it_and_be_added_later(db):
    seller = await new_seller()
    producer_id = await new_producer(seller)
    product = await new_product(seller, producer_id, gtin=ANOTHERS_GTIN)
    changed = await products.update_product(
        seller, product.id, ProductInput(**{**BUOI.__dict__, "gtin": "08930000000019"})
    )
    assert changed.gtin == "08930000000019"
    plain = await new_product(seller, producer_id, name="Mật ong rừng")
    await opened_batch(seller, plain.id)
    gained = await products.update_product(
        seller,
        plain.id,
        ProductInput(**{**BUOI.__dict__, "name": "Mật ong rừng", "gtin": ANOTHERS_GTIN}),
    )
    assert gained.gtin == ANOTHERS_GTIN


async def test_the_migration_keeps_the_first_of_duplicate_gtins_and_clears_the_later(db):
    seller = await new_seller()
    producer_id = await new_producer(seller)
    first = await new_product(seller, producer_id)
    second = await new_product(seller, producer_id, name="Bưởi Diễn")
    third = await new_product(seller, producer_id, name="Bưởi Da Xanh", gtin="08930000000019")
    await DB.run_ddl(f"DROP INDEX IF EXISTS {m._INDEX}")  # the database before the migration
    try:
        for product_id in (first.id, second.id):
            await ProductRow.update({ProductRow.gtin: ANOTHERS_GTIN}).where(
                ProductRow.id == product_id
            )
        manager = await m.forwards()
        async with write_transaction():
            for step in manager.raw:
                await step()
    finally:
        await DB.run_ddl(
            f"CREATE UNIQUE INDEX IF NOT EXISTS {m._INDEX} ON catalogue_product (gtin)"
        )
    assert (await queries.get_product(first.id)).gtin == ANOTHERS_GTIN
    assert (await queries.get_product(second.id)).gtin is None
    assert (await queries.get_product(third.id)).gtin == "08930000000019"
    with pytest.raises((sqlite3.IntegrityError, UniqueViolationError)):
        await ProductRow.update({ProductRow.gtin: ANOTHERS_GTIN}).where(ProductRow.id == third.id)
