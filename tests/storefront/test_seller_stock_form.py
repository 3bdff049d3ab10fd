"""The seller's product form while buyers buy: the stock the form showed travels with it."""

import re

from marketplace.catalogue.products import reserve_stock
from marketplace.catalogue.queries import get_product
from tests.storefront.test_seller_pages import PRODUCT_FORM, seller_with_product
from tests.support import csrf_token

_SEEN = re.compile(r'name="stock_seen" value="(\d+)"')


async def _form(client, path, product):
    page = await client.get(path)
    seen = _SEEN.search(page.text)
    assert seen and int(seen.group(1)) == product.stock
    return {
        **PRODUCT_FORM,
        "name": product.name,
        "stock": str(product.stock),
        "stock_seen": seen.group(1),
        "_csrf_token": await csrf_token(client, path),
    }


async def _sell(product_id, quantity):
    """A buyer's checkout, as far as stock goes: it reserves the units."""
    assert await reserve_stock(product_id, quantity)


async def test_saving_a_new_price_after_a_sale_keeps_the_sale(client):
    _, producer_id, product = await seller_with_product(client)
    path = f"/seller/{producer_id}/products/{product.id}"
    form = await _form(client, path, product)
    await _sell(product.id, 3)

    saved = await client.post(path, data={**form, "price_vnd": "99.000"})

    assert saved.status_code == 200, saved.text
    after = await get_product(product.id)
    assert (after.price_vnd, after.stock) == (99_000, product.stock - 3)


async def test_a_new_count_typed_over_a_sale_comes_back_with_the_stock_as_it_is(client):
    _, producer_id, product = await seller_with_product(client)
    path = f"/seller/{producer_id}/products/{product.id}"
    form = await _form(client, path, product)
    await _sell(product.id, 3)
    left = product.stock - 3

    page = await client.post(path, data={**form, "stock": "50"})

    assert page.status_code == 409
    assert f"nay còn {left} {product.unit}" in page.text
    assert f'name="stock_seen" value="{left}"' in page.text  # saving again now counts as seen
    assert (await get_product(product.id)).stock == left
    again = await client.post(path, data={**form, "stock": "50", "stock_seen": str(left)})
    assert again.status_code == 200
    assert (await get_product(product.id)).stock == 50


async def test_a_photo_over_the_limit_comes_back_on_the_product_form_named(client):
    """A 14 MB phone photo used to end on a bare 413 page."""
    _, producer_id, product = await seller_with_product(client)
    path = f"/seller/{producer_id}/products/{product.id}"
    token = await csrf_token(client, path)
    page = await client.post(
        f"{path}/photos",
        data={"_csrf_token": token, "alt": "Bưởi chín trên cành"},
        files={
            "photo": ("IMG_2001.jpg", b"\xff\xd8\xff" + b"\x00" * (14 * 1024 * 1024), "image/jpeg")
        },
    )
    assert page.status_code == 422
    assert "quá lớn (tối đa 10 MB)" in page.text
    assert 'name="name"' in page.text  # the product's own form, not an error page
