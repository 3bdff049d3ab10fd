"""Seller pages for one producer's products: new, edit, archive, photos.

The product must belong to the producer in the URL, whose member the account must be; the
services check membership again on every write.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from marketplace.catalogue import photos, products
from marketplace.catalogue.ocop import CERTIFICATIONS, GROUPS, PRODUCT_SETS
from marketplace.catalogue.queries import get_producer_private, get_product
from marketplace.catalogue.schemas import UNITS, Product
from marketplace.errors import ApplicationError, NotFound
from marketplace.images import MAX_UPLOAD_BYTES
from storefront.pages.forms import form_with_errors
from storefront.pages.seller import seller_account, uploaded_bytes
from storefront.pages.seller_forms import (
    product_form_values,
    product_input,
    product_values,
    stock_seen,
)

Req = Request[Any, Any, Any]
FORM = "seller/product_form.html"


async def _product_of(producer_id: int, product_id: int) -> Product:
    product = await get_product(product_id)
    if product.producer_id != producer_id:
        raise NotFound("product_not_found", "Không tìm thấy sản phẩm.", "Product not found.")
    return product


def _choices() -> dict[str, Any]:
    return {
        "units": UNITS,
        "groups": GROUPS,
        "product_sets": PRODUCT_SETS,
        "certifications": CERTIFICATIONS,
    }


class SellerProductPages(Controller):
    path = "/seller/{producer_id:int}/products"
    include_in_schema = False

    async def _context(
        self, request: Req, producer_id: int, product: Product | None, values: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "producer": await get_producer_private(producer_id),
            "product": product,
            "form": values,
            "saved": request.query_params.get("saved", ""),
            **_choices(),
        }

    @get("/new", name="seller_product_new")
    async def new(self, request: Req, producer_id: FromPath[int]) -> Template:
        await seller_account(request, producer_id)
        values = {"unit": "kg", "status": "draft", "stock": "0", "certifications": []}
        context = await self._context(request, producer_id, None, values)
        return Template(template_name=FORM, context=context)

    @post("", name="seller_product_create")
    async def create(self, request: Req, producer_id: FromPath[int]) -> Template | Redirect:
        account = await seller_account(request, producer_id)
        values = product_form_values(await request.form())
        try:
            product = await products.create_product(
                account, producer_id, product_input(values, featured=False)
            )
        except ApplicationError as error:
            context = await self._context(request, producer_id, None, values)
            return form_with_errors(request, FORM, error, context)
        return Redirect(f"/seller/{producer_id}/products/{product.id}?saved=created")

    @get("/{product_id:int}", name="seller_product")
    async def edit(
        self, request: Req, producer_id: FromPath[int], product_id: FromPath[int]
    ) -> Template:
        await seller_account(request, producer_id)
        product = await _product_of(producer_id, product_id)
        context = await self._context(request, producer_id, product, product_values(product))
        return Template(template_name=FORM, context=context)

    @post("/{product_id:int}", name="seller_product_save")
    async def save(
        self, request: Req, producer_id: FromPath[int], product_id: FromPath[int]
    ) -> Template | Redirect:
        account = await seller_account(request, producer_id)
        product = await _product_of(producer_id, product_id)
        values = product_form_values(await request.form())
        try:
            data = product_input(values, featured=product.featured)
            await products.update_product(
                account, product_id, data, stock_seen=stock_seen(values, product.stock)
            )
        except ApplicationError as error:
            if error.code == "stock_changed":  # show the stock as it is now, to check and save
                values["stock_seen"] = str((await _product_of(producer_id, product_id)).stock)
            context = await self._context(request, producer_id, product, values)
            return form_with_errors(request, FORM, error, context)
        return Redirect(f"/seller/{producer_id}?saved=product")

    @post("/{product_id:int}/archive", name="seller_product_archive")
    async def archive(
        self, request: Req, producer_id: FromPath[int], product_id: FromPath[int]
    ) -> Redirect:
        account = await seller_account(request, producer_id)
        await _product_of(producer_id, product_id)
        await products.archive_product(account, product_id)
        return Redirect(f"/seller/{producer_id}?saved=archived")

    @post("/{product_id:int}/photos", name="seller_photo_add")
    async def add_photo(
        self, request: Req, producer_id: FromPath[int], product_id: FromPath[int]
    ) -> Template | Redirect:
        account = await seller_account(request, producer_id)
        product = await _product_of(producer_id, product_id)
        form = await request.form()
        chosen = (form.get("photo"), form.get("camera_photo"))
        upload = next((f for f in chosen if isinstance(f, UploadFile) and f.filename), None)
        try:
            data = await uploaded_bytes(upload, "photo", MAX_UPLOAD_BYTES)
            await photos.add_product_photo(account, product_id, data, str(form.get("alt") or ""))
        except ApplicationError as error:
            context = await self._context(request, producer_id, product, product_values(product))
            return form_with_errors(request, FORM, error, {**context, "photo_form": True})
        return Redirect(f"/seller/{producer_id}/products/{product_id}?saved=photo#photos")

    @post("/{product_id:int}/photos/delete", name="seller_photo_delete")
    async def delete_photo(
        self, request: Req, producer_id: FromPath[int], product_id: FromPath[int]
    ) -> Redirect:
        account = await seller_account(request, producer_id)
        await _product_of(producer_id, product_id)
        media_key = str((await request.form()).get("media_key") or "")
        await photos.delete_product_photo(account, product_id, media_key)
        return Redirect(f"/seller/{producer_id}/products/{product_id}?saved=photo_deleted#photos")

    @post("/{product_id:int}/photos/cover", name="seller_photo_cover")
    async def cover_photo(
        self, request: Req, producer_id: FromPath[int], product_id: FromPath[int]
    ) -> Redirect:
        account = await seller_account(request, producer_id)
        await _product_of(producer_id, product_id)
        media_key = str((await request.form()).get("media_key") or "")
        await photos.move_product_photo(account, product_id, media_key, 0)
        return Redirect(f"/seller/{producer_id}/products/{product_id}?saved=photo_moved#photos")
