"""Buying from the batch whose QR code the shopper scanned, and never from a recalled one."""

import pytest

from marketplace.catalogue.queries import get_product
from marketplace.catalogue.tables import ProductLot
from marketplace.errors import Conflict, NotFound
from marketplace.orders import carts
from marketplace.orders.checkout import place_orders
from marketplace.orders.tables import Order as OrderRow
from marketplace.orders.tables import OrderLine as OrderLineRow
from tests.shop import ADDRESS, BUYER, build_shop
from tests.support import submit
from traceability.batches import BatchDetails, open_batch, recall_batch

REASON = "Phát hiện dư lượng thuốc bảo vệ thực vật vượt ngưỡng"


async def _shop_with_batches():
    shop = await build_shop()
    buoi = shop.product_ids["buoi"]
    good = await open_batch(shop.seller, buoi, BatchDetails())
    bad = await open_batch(shop.seller, buoi, BatchDetails())
    return shop, buoi, good.code, bad.code


async def test_the_lot_asked_for_goes_from_cart_to_order_line(db):
    _, buoi, good, _ = await _shop_with_batches()
    token = await carts.new_cart()
    # As a person might type it from the sticker: lowercase, with a dash.
    cart = await carts.add_to_cart(token, buoi, 2, f"{good[:4].lower()}-{good[4:]}")
    assert [(line.lot, line.lot_recalled, line.available) for line in cart.lines] == [
        (good, False, True)
    ]
    [order] = await place_orders(token, BUYER, ADDRESS, {})
    assert [(line.product_id, line.quantity, line.lot) for line in order.lines] == [(buoi, 2, good)]


async def test_a_recalled_lot_cannot_be_put_in_a_cart(db):
    shop, buoi, _, bad = await _shop_with_batches()
    await recall_batch(shop.seller, bad, REASON)
    token = await carts.new_cart()
    with pytest.raises(Conflict) as refused:
        await carts.add_to_cart(token, buoi, 1, bad)
    assert refused.value.code == "batch_recalled"
    assert bad in refused.value.message_vi and "đã bị thu hồi" in refused.value.message_vi
    assert (await carts.get_cart(token)).lines == []


async def test_a_lot_recalled_while_in_the_cart_stops_checkout_and_nothing_is_written(db):
    shop, buoi, _, bad = await _shop_with_batches()
    gao = shop.product_ids["gao"]
    token = await carts.new_cart()
    await carts.add_to_cart(token, gao, 1)
    await carts.add_to_cart(token, buoi, 3, bad)
    await recall_batch(shop.seller, bad, REASON)

    cart = await carts.get_cart(token)
    recalled = next(line for line in cart.lines if line.product_id == buoi)
    assert recalled.lot_recalled and not recalled.available
    with pytest.raises(Conflict) as refused:
        await place_orders(token, BUYER, ADDRESS, {})
    assert refused.value.code == "batch_recalled"
    assert [f.field for f in refused.value.fields] == [f"line_{buoi}"]
    assert await OrderRow.count() == 0 and await OrderLineRow.count() == 0
    assert (await get_product(buoi)).stock == 10 and (await get_product(gao)).stock == 20

    # Taking the recalled lot out lets the rest of the cart through.
    await carts.remove_cart_line(token, buoi)
    [order] = await place_orders(token, BUYER, ADDRESS, {})
    assert [line.product_id for line in order.lines] == [gao]


async def test_the_same_product_from_any_batch_is_still_sold_after_a_recall(db):
    shop, buoi, good, bad = await _shop_with_batches()
    await recall_batch(shop.seller, bad, REASON)
    token = await carts.new_cart()
    await carts.add_to_cart(token, buoi, 1)
    await carts.add_to_cart(token, buoi, 1, good)
    [order] = await place_orders(token, BUYER, ADDRESS, {})
    assert [(line.quantity, line.lot) for line in order.lines] == [(2, good)]


async def test_a_code_of_another_product_or_of_no_batch_is_refused(db):
    shop, _, good, _ = await _shop_with_batches()
    token = await carts.new_cart()
    for code in (good, "CHX25A0901Q", "khong-co"):
        with pytest.raises(NotFound) as refused:
            await carts.add_to_cart(token, shop.product_ids["gao"], 1, code)
        assert refused.value.code == "lot_not_found"


async def test_the_migration_records_batches_opened_before_lots_existed(db):
    """Databases older than lots get them from their batches, recalls included."""
    from traceability.batches.piccolo_migrations.batches_2026_11_24t04_30_00_000000 import (
        forwards,
    )

    shop, buoi, good, bad = await _shop_with_batches()
    await recall_batch(shop.seller, bad, REASON)
    await ProductLot.delete(force=True)
    await (await forwards()).run()
    rows = await ProductLot.select(
        ProductLot.lot, ProductLot.product, ProductLot.withdraw_reason
    ).order_by(ProductLot.lot)
    assert sorted((r["lot"], r["product"], r["withdraw_reason"]) for r in rows) == sorted(
        [(good, buoi, ""), (bad, buoi, REASON)]
    )
    token = await carts.new_cart()
    with pytest.raises(Conflict):
        await carts.add_to_cart(token, buoi, 1, bad)


async def test_the_batch_page_buy_link_carries_the_lot_to_the_product_page_and_cart(client):
    _, buoi, good, _ = await _shop_with_batches()
    slug = (await get_product(buoi)).slug
    page = await client.get(f"/t/{good}")
    assert f'href="/products/{slug}?lot={good}"' in page.text

    product_page = await client.get(f"/products/{slug}?lot={good}")
    assert "Bạn mua từ lô" in product_page.text
    assert f'<input type="hidden" name="lot" value="{good}">' in product_page.text

    added = await submit(
        client,
        "/cart/items",
        {"product_id": str(buoi), "quantity": "1", "lot": good},
        page=f"/products/{slug}?lot={good}",
    )
    assert added.url.path == "/cart" and added.status_code == 200
    assert f'href="/t/{good}"' in added.text


async def test_a_recalled_lot_link_says_so_and_offers_no_purchase_from_it(client):
    shop, buoi, _, bad = await _shop_with_batches()
    await recall_batch(shop.seller, bad, REASON)
    slug = (await get_product(buoi)).slug
    page = await client.get(f"/products/{slug}?lot={bad}&lang=en")
    assert f"Batch {bad} has been recalled" in page.text
    assert 'name="lot"' not in page.text

    forged = await submit(
        client,
        "/cart/items",
        {"product_id": str(buoi), "quantity": "1", "lot": bad},
        page=f"/products/{slug}",
    )
    assert forged.status_code == 409
    assert "has been recalled" in forged.text


async def test_the_api_refuses_a_recalled_lot_with_a_machine_code(client):
    shop, buoi, good, bad = await _shop_with_batches()
    await recall_batch(shop.seller, bad, REASON)
    token = (await client.post("/api/v1/carts", headers={"authorization": ""})).json()["token"]
    refused = await client.post(
        f"/api/v1/carts/{token}/items", json={"product_id": buoi, "quantity": 1, "lot": bad}
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "batch_recalled"
    added = await client.post(
        f"/api/v1/carts/{token}/items", json={"product_id": buoi, "quantity": 1, "lot": good}
    )
    assert added.status_code == 201
    [line] = added.json()["groups"][0]["lines"]
    assert (line["lot"], line["lot_recalled"]) == (good, False)


async def test_the_seller_is_told_not_to_ship_a_lot_recalled_after_the_order(client):
    shop, buoi, _, bad = await _shop_with_batches()
    token = await carts.new_cart()
    await carts.add_to_cart(token, buoi, 2, bad)
    [order] = await place_orders(token, BUYER, ADDRESS, {})
    await submit(client, "/login", {"phone": shop.seller.phone, "password": "mat-khau-ban-hang"})
    base = f"/seller/{order.producer_id}/orders/{order.id}"
    before = await client.get(base)
    assert bad in before.text and "không giao" not in before.text

    await recall_batch(shop.seller, bad, REASON)
    page = await client.get(base)
    assert "Lô này đã bị thu hồi: không giao" in page.text
    sheet = await client.get(f"{base}/packing-list")
    assert "LÔ ĐÃ BỊ THU HỒI — KHÔNG GIAO" in sheet.text
