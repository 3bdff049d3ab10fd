"""Buyers keep buying while a seller edits a product: a save never puts back stock they took
(QA: a price-only save after a sale restored the stock, and the same units sold twice)."""

import asyncio
from dataclasses import replace

import pytest

from marketplace.catalogue import products
from marketplace.catalogue.queries import get_product
from marketplace.catalogue.schemas import ProductInput
from marketplace.errors import Conflict
from tests.shop import build_shop, checkout


def _edited(product, **changes) -> ProductInput:
    """The seller's form as it was filled in when the page was opened, with `changes`."""
    form = ProductInput(
        name=product.name,
        unit=product.unit,
        price_vnd=product.price_vnd,
        stock=product.stock,
        status=product.status,
    )
    return replace(form, **changes)


async def test_a_price_only_save_keeps_what_buyers_took_meanwhile(db):
    shop = await build_shop()
    opened = await get_product(shop.product_ids["mat_ong"])  # stock 5 in the form
    await checkout({opened.id: 5})  # a buyer takes all five

    saved = await products.update_product(
        shop.other_seller, opened.id, _edited(opened, price_vnd=260_000), stock_seen=5
    )

    assert saved.price_vnd == 260_000
    assert saved.stock == 0  # not 5: those units are sold


async def test_a_new_count_over_a_sale_meanwhile_is_refused_with_the_stock_as_it_is(db):
    shop = await build_shop()
    opened = await get_product(shop.product_ids["mat_ong"])
    await checkout({opened.id: 2})

    with pytest.raises(Conflict) as refused:
        await products.update_product(
            shop.other_seller,
            opened.id,
            _edited(opened, stock=20, price_vnd=260_000),
            stock_seen=5,
        )

    assert refused.value.code == "stock_changed"
    assert "nay còn 3 kg" in refused.value.message_vi
    assert refused.value.fields[0].field == "stock"
    now = await get_product(opened.id)
    assert (now.stock, now.price_vnd) == (3, 250_000)  # nothing of the save was written


async def test_a_new_count_with_no_sale_meanwhile_is_written(db):
    shop = await build_shop()
    opened = await get_product(shop.product_ids["mat_ong"])
    saved = await products.update_product(
        shop.other_seller, opened.id, _edited(opened, stock=40), stock_seen=5
    )
    assert saved.stock == 40


async def test_price_only_changes_while_buyers_check_out_never_restore_stock(db):
    """The API's PATCH writes only the fields it was given."""
    shop = await build_shop()
    product = await get_product(shop.product_ids["gao"])  # 20 in stock

    async def reprice(n: int) -> None:
        await products.update_product(
            shop.seller, product.id, _edited(product, price_vnd=30_000 + n), only={"price_vnd"}
        )

    await asyncio.gather(
        *(checkout({product.id: 1}) for _ in range(10)), *(reprice(n) for n in range(10))
    )

    assert (await get_product(product.id)).stock == 10
