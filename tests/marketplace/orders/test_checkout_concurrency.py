"""Concurrent buyers never oversell: the last units go to exactly as many buyers as they fill."""

import asyncio

from marketplace.catalogue.queries import get_product
from marketplace.errors import Conflict
from marketplace.orders import carts
from marketplace.orders.checkout import place_orders
from marketplace.orders.tables import Order as OrderRow
from tests.shop import ADDRESS, BUYER, build_shop, new_product


async def _cart(items):
    token = await carts.new_cart()
    for product_id, quantity in items.items():
        await carts.add_to_cart(token, product_id, quantity)
    return token


async def test_twenty_buyers_for_the_last_three_units_make_exactly_three_orders(db):
    shop = await build_shop()
    last_three = await new_product(
        shop.seller, shop.producer_ids["ngoc_lu"], "Bưởi đỏ cuối vụ", 60_000, 3
    )
    tokens = [await _cart({last_three: 1}) for _ in range(20)]

    results = await asyncio.gather(
        *(place_orders(token, BUYER, ADDRESS, {}) for token in tokens), return_exceptions=True
    )

    placed = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(placed) == 3
    assert len(refused) == 17
    assert {error.code for error in refused} == {"out_of_stock"}
    assert (await get_product(last_three)).stock == 0
    assert await OrderRow.count() == 3


async def test_crossing_carts_never_deadlock_and_never_go_negative(db):
    shop = await build_shop()
    first = await new_product(shop.seller, shop.producer_ids["ngoc_lu"], "Bưởi da xanh", 50_000, 4)
    second = await new_product(shop.seller, shop.producer_ids["hoa_lu"], "Gạo nếp cái", 40_000, 4)
    # Half the carts list the products one way round, half the other way.
    tokens = [
        await _cart({first: 1, second: 1} if n % 2 else {second: 1, first: 1}) for n in range(12)
    ]

    results = await asyncio.gather(
        *(place_orders(token, BUYER, ADDRESS, {}) for token in tokens), return_exceptions=True
    )

    placed = [r for r in results if isinstance(r, list)]
    assert len(placed) == 4
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, list))
    assert (await get_product(first)).stock == 0
    assert (await get_product(second)).stock == 0
    assert await OrderRow.count() == 8
