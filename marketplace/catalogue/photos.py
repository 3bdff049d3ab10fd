"""Product photos: upload (resized, EXIF stripped), delete, reorder.

The renditions of one photo live at `<media_key>-<bucket>.jpg` with a random part in the key,
so a URL never changes content and can be cached for a year.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from marketplace import media
from marketplace.accounts.service import Account
from marketplace.catalogue import members
from marketplace.catalogue.products import reindex_product
from marketplace.catalogue.schemas import Photo
from marketplace.catalogue.tables import Product as ProductRow
from marketplace.catalogue.tables import ProductPhoto
from marketplace.catalogue.validation import check_text
from marketplace.db import write_transaction
from marketplace.errors import NotFound, invalid_field
from marketplace.images import WIDTHS, ProcessedPhoto, process_photo

MAX_PHOTOS_PER_PRODUCT = 8


async def _require_product_member(account: Account, product_id: int) -> None:
    row = await ProductRow.select(ProductRow.producer).where(ProductRow.id == product_id).first()
    if row is None:
        raise NotFound("product_not_found", "Không tìm thấy sản phẩm.", "Product not found.")
    await members.require_member(account.id, row["producer"])


def _too_many_photos() -> Exception:
    return invalid_field(
        "photo",
        "photo_limit",
        f"Mỗi sản phẩm có tối đa {MAX_PHOTOS_PER_PRODUCT} ảnh.",
        f"A product has at most {MAX_PHOTOS_PER_PRODUCT} photos.",
    )


async def _photo_rows(product_id: int) -> list[dict[str, Any]]:
    return list(
        await ProductPhoto.select(ProductPhoto.id, ProductPhoto.media_key, ProductPhoto.position)
        .where(ProductPhoto.product == product_id)
        .order_by(ProductPhoto.position)
        .order_by(ProductPhoto.id)
    )


async def _save_renditions(media_key: str, photo: ProcessedPhoto) -> None:
    for rendition in photo.renditions:
        await media.storage().save(
            f"{media_key}-{rendition.bucket}.jpg", rendition.data, "image/jpeg"
        )


async def _delete_renditions(media_key: str) -> None:
    for bucket in WIDTHS:
        await media.storage().delete(f"{media_key}-{bucket}.jpg")


async def add_product_photo(account: Account, product_id: int, data: bytes, alt: str) -> Photo:
    """Add a photo at the end of the product's photos (at most MAX_PHOTOS_PER_PRODUCT)."""
    await _require_product_member(account, product_id)
    alt_text = check_text(alt, "alt", 200)
    if len(await _photo_rows(product_id)) >= MAX_PHOTOS_PER_PRODUCT:
        raise _too_many_photos()
    processed = await asyncio.to_thread(process_photo, data)
    media_key = f"products/{product_id}/{secrets.token_hex(8)}"
    await _save_renditions(media_key, processed)
    try:
        async with write_transaction():
            rows = await _photo_rows(product_id)
            if len(rows) >= MAX_PHOTOS_PER_PRODUCT:
                raise _too_many_photos()
            position = max((row["position"] for row in rows), default=-1) + 1
            await ProductPhoto.insert(
                ProductPhoto(
                    product=product_id,
                    position=position,
                    media_key=media_key,
                    width=processed.width,
                    height=processed.height,
                    alt=alt_text,
                )
            )
            await reindex_product(product_id)
    except Exception:
        await _delete_renditions(media_key)
        raise
    return Photo(media_key, processed.width, processed.height, alt_text)


def _photo_not_found() -> Exception:
    return NotFound("photo_not_found", "Không tìm thấy ảnh này.", "Photo not found.")


async def delete_product_photo(account: Account, product_id: int, media_key: str) -> None:
    """Remove one photo of the product, its row first, then its files."""
    await _require_product_member(account, product_id)
    async with write_transaction():
        deleted = (
            await ProductPhoto.delete()
            .where((ProductPhoto.product == product_id) & (ProductPhoto.media_key == media_key))
            .returning(ProductPhoto.id)
        )
        if not deleted:
            raise _photo_not_found()
        await reindex_product(product_id)
    await _delete_renditions(media_key)


async def move_product_photo(
    account: Account, product_id: int, media_key: str, new_index: int
) -> None:
    """Put a photo at `new_index` (0 is the cover shown in lists), shifting the others."""
    await _require_product_member(account, product_id)
    async with write_transaction():
        rows = await _photo_rows(product_id)
        moving = next((row for row in rows if row["media_key"] == media_key), None)
        if moving is None:
            raise _photo_not_found()
        rows.remove(moving)
        rows.insert(max(0, min(new_index, len(rows))), moving)
        for position, row in enumerate(rows):
            if row["position"] != position:
                await ProductPhoto.update({ProductPhoto.position: position}).where(
                    ProductPhoto.id == row["id"]
                )
        await reindex_product(product_id)
