"""A lot past its best-before date is shown as such and not sold (QA: the seed's lot with
'Hạn sử dụng 20 thg 12, 2025' was sold as normal a year later)."""

from datetime import date, timedelta

import pytest

from marketplace.catalogue.lots import today
from marketplace.catalogue.tables import ProductLot
from marketplace.db import write_transaction
from marketplace.errors import Conflict
from marketplace.orders import carts
from marketplace.orders.checkout import place_orders
from marketplace.orders.tables import Order as OrderRow
from tests.shop import ADDRESS, BUYER, build_shop
from traceability.batches import BatchDetails, open_batch
from traceability.batches.piccolo_migrations import batches_2026_11_24t13_00_00_000000 as m

OLD = BatchDetails(harvested_on=date(2025, 11, 1), best_before=date(2025, 12, 20))


async def test_an_expired_lot_cannot_be_put_in_a_cart(db):
    shop = await build_shop()
    old = await open_batch(shop.seller, shop.product_ids["buoi"], OLD)
    token = await carts.new_cart()
    with pytest.raises(Conflict) as refused:
        await carts.add_to_cart(token, shop.product_ids["buoi"], 1, old.code)
    assert refused.value.code == "batch_expired"
    assert "quá hạn sử dụng" in refused.value.message_vi
    assert (await carts.get_cart(token)).lines == []


async def test_a_lot_expiring_while_in_the_cart_stops_checkout_and_nothing_is_written(db):
    shop = await build_shop()
    buoi = shop.product_ids["buoi"]
    fresh = await open_batch(
        shop.seller, buoi, BatchDetails(best_before=today() + timedelta(days=1))
    )
    token = await carts.new_cart()
    await carts.add_to_cart(token, buoi, 1, fresh.code)
    await ProductLot.update({ProductLot.best_before: today() - timedelta(days=1)}).where(
        ProductLot.lot == fresh.code
    )  # the night passed

    line = (await carts.get_cart(token)).lines[0]
    assert line.lot_expired and not line.available
    with pytest.raises(Conflict) as refused:
        await place_orders(token, BUYER, ADDRESS, {})
    assert refused.value.code == "batch_expired"
    assert await OrderRow.count() == 0


async def test_the_product_page_from_an_expired_lot_says_so_and_sells_from_any_lot(client):
    shop = await build_shop()
    old = await open_batch(shop.seller, shop.product_ids["buoi"], OLD)
    page = await client.get("/products/buoi-ngoc-lu", params={"lot": old.code})
    assert page.status_code == 200
    assert f"Lô {old.code} đã quá hạn sử dụng" in page.text
    assert f'name="lot" value="{old.code}"' not in page.text  # the cart form sells any lot


async def test_the_migration_copies_best_before_dates_of_existing_batches(db):
    shop = await build_shop()
    old = await open_batch(shop.seller, shop.product_ids["buoi"], OLD)
    await ProductLot.update({ProductLot.best_before: None}).where(ProductLot.lot == old.code)
    manager = await m.forwards()
    async with write_transaction():
        for step in manager.raw:
            await step()
    row = await ProductLot.select(ProductLot.best_before).where(ProductLot.lot == old.code).first()
    assert row == {"best_before": date(2025, 12, 20)}
