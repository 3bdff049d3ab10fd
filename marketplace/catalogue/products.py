"""Writing products: create, edit, archive, OCOP verification, stock reservations.

Every change also reaches search in the same transaction (`marketplace.search.product_changed`),
so the index can never miss a change that was committed.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from marketplace import search
from marketplace.accounts.service import Account, require_officer_for
from marketplace.catalogue import members
from marketplace.catalogue.ocop import check_certifications, check_ocop
from marketplace.catalogue.schemas import STATUSES, UNITS, Product, ProductInput
from marketplace.catalogue.tables import Product as ProductRow
from marketplace.catalogue.tables import ProductLot
from marketplace.catalogue.validation import base_slug, check_text, clean_name
from marketplace.db import claim, write_transaction
from marketplace.errors import Conflict, FieldError, NotFound, invalid_field
from marketplace.gs1 import validate_gtin

MAX_PRICE_VND = 500_000_000  # NAPAS' per-transfer ceiling at VietQR's launch


def _fields(data: ProductInput) -> dict[str, Any]:
    from marketplace.catalogue.queries import today_in_vietnam

    if data.unit not in UNITS:
        raise invalid_field(
            "unit",
            "unit_invalid",
            f"Đơn vị phải là một trong: {', '.join(UNITS)}.",
            f"The unit must be one of: {', '.join(UNITS)}.",
        )
    if not 1 <= data.price_vnd <= MAX_PRICE_VND:
        raise invalid_field(
            "price_vnd",
            "price_invalid",
            "Giá phải là số đồng nguyên, từ 1 đến 500.000.000 ₫.",
            "The price must be a whole number of đồng, 1 to 500,000,000.",
        )
    if not 0 <= data.stock <= 1_000_000:
        raise invalid_field(
            "stock", "stock_invalid", "Số lượng tồn kho không hợp lệ.", "Invalid stock."
        )
    if data.status not in STATUSES:
        raise invalid_field(
            "status", "status_invalid", "Trạng thái không hợp lệ.", "Invalid status."
        )
    check_ocop(
        data.ocop_group,
        data.ocop_set,
        data.ocop_stars,
        data.ocop_decision_no,
        data.ocop_decision_date,
        today_in_vietnam(),
    )
    certifications = check_certifications(list(data.certifications))
    return {
        "name": clean_name(data.name),
        "description_vi": check_text(data.description_vi, "description_vi", 10_000),
        "description_en": check_text(data.description_en, "description_en", 10_000),
        "ocop_group": data.ocop_group,
        "ocop_set": data.ocop_set,
        "ocop_stars": data.ocop_stars,
        "ocop_decision_no": (data.ocop_decision_no or "").strip() or None,
        "ocop_decision_date": data.ocop_decision_date,
        "certifications": f",{','.join(certifications)}," if certifications else "",
        "unit": data.unit,
        "price_vnd": data.price_vnd,
        "stock": data.stock,
        "gtin": validate_gtin(data.gtin) if data.gtin and data.gtin.strip() else None,
        "status": data.status,
        "featured": data.featured,
    }


async def _unique_slug(name: str, keep: int | None = None) -> str:
    base = base_slug(name)
    await claim(f"product-slug:{base}")
    slug, number = base, 1
    while await ProductRow.exists().where(
        (ProductRow.slug == slug) & (ProductRow.id != (keep or 0))
    ):
        number += 1
        slug = f"{base}-{number}"
    return slug


async def _check_gtin_free(gtin: str | None, keep: int | None = None) -> None:
    """Refuse a GTIN that another product already carries (`409 gtin_taken`).

    A GTIN names one trade item: two products under one GTIN would let a seller print codes
    that resolve as another producer's goods. The unique index on `catalogue_product.gtin`
    backs this check; call it inside the write transaction.
    """
    if gtin is None:
        return
    await claim(f"gtin:{gtin}")
    if await ProductRow.exists().where((ProductRow.gtin == gtin) & (ProductRow.id != (keep or 0))):
        raise _gtin_conflict(
            "gtin_taken",
            f"GTIN {gtin} đã được dùng cho một sản phẩm khác. Mỗi GTIN chỉ thuộc về một sản "
            "phẩm: hãy kiểm tra lại mã do GS1 Việt Nam cấp cho cơ sở của bạn.",
            f"The GTIN {gtin} is already used by another product. A GTIN belongs to one product "
            "only: please check the code GS1 Vietnam assigned to your producer.",
        )


async def _check_gtin_kept(product_id: int, new: str | None) -> None:
    """Refuse to change or remove a GTIN once the product has batches (`409 gtin_frozen`).

    Labels printed for its batches carry `/01/<GTIN>/10/<lot>` and EPCIS events name the lot by
    that GTIN: a code printed once must resolve forever. A product without a GTIN may still gain
    one (its batches keep their `/t/<code>` labels and gain a Digital Link path).
    """
    row = await ProductRow.select(ProductRow.gtin).where(ProductRow.id == product_id).first()
    current = row["gtin"] if row else None
    if current is None or new == current:
        return
    if await ProductLot.exists().where(ProductLot.product == product_id):
        raise _gtin_conflict(
            "gtin_frozen",
            f"Không thể đổi hay xóa GTIN {current}: sản phẩm đã có lô hàng, và mã QR in trên "
            "tem của các lô đó mang GTIN này. Nếu đây là một sản phẩm khác, hãy tạo sản phẩm "
            "mới với GTIN mới.",
            f"The GTIN {current} cannot be changed or removed: the product has batches, and the "
            "QR codes printed on their labels carry this GTIN. If this is a different product, "
            "create a new product with the new GTIN.",
        )


def _gtin_conflict(code: str, message_vi: str, message_en: str) -> Conflict:
    return Conflict(
        code, message_vi, message_en, fields=[FieldError("gtin", code, message_vi, message_en)]
    )


async def _product_row(product_id: int) -> dict[str, Any]:
    row = await ProductRow.select().where(ProductRow.id == product_id).first()
    if row is None:
        raise NotFound("product_not_found", "Không tìm thấy sản phẩm.", "Product not found.")
    return row


async def reindex_product(product_id: int) -> None:
    """Tell search what this product now looks like (call inside the write transaction)."""
    from marketplace.catalogue.queries import get_product, search_document

    await search.product_changed(search_document(await get_product(product_id)), product_id)


async def reindex_producer_products(producer_id: int) -> None:
    rows = await ProductRow.select(ProductRow.id).where(ProductRow.producer == producer_id)
    for row in rows:
        await reindex_product(row["id"])


async def create_product(account: Account, producer_id: int, data: ProductInput) -> Product:
    """A new product of `producer_id`; the account must work for that producer."""
    from marketplace.catalogue.queries import get_product

    await members.require_member(account.id, producer_id)
    fields = _fields(data)
    async with write_transaction():
        await _check_gtin_free(fields["gtin"])
        slug = await _unique_slug(fields["name"])
        rows = await ProductRow.insert(ProductRow(producer=producer_id, slug=slug, **fields))
        product_id = int(rows[0]["id"])
        await reindex_product(product_id)
    return await get_product(product_id)


async def update_product(
    account: Account,
    product_id: int,
    data: ProductInput,
    *,
    only: Collection[str] | None = None,
    stock_seen: int | None = None,
) -> Product:
    """Replace a product's editable fields. Its slug stays: links to it must keep working.

    `only` names the fields to write (an API PATCH); the others keep their stored values, so a
    concurrent change to them is not undone. Stock is sold while a seller edits: with
    `stock_seen` (the stock the seller's form showed), an unchanged stock field leaves the
    stock alone, and a changed one is refused (`409 stock_changed`) if buyers took some since.
    Changing the OCOP certificate withdraws the officer's verification until it is checked again.
    """
    from marketplace.catalogue.queries import get_product

    fields = _fields(data)
    if only is not None:
        fields = {key: value for key, value in fields.items() if key in only}
    async with write_transaction():
        current = await _product_row(product_id)
        await members.require_member(account.id, current["producer"])
        if stock_seen is not None and "stock" in fields:
            if fields["stock"] == stock_seen:
                del fields["stock"]  # the seller did not touch it: keep what sales left
            elif current["stock"] != stock_seen:
                raise _stock_changed(int(current["stock"]), str(current["unit"]))
        if any(
            key in fields and fields[key] != current[key]
            for key in (
                "ocop_stars",
                "ocop_decision_no",
                "ocop_decision_date",
                "ocop_group",
                "ocop_set",
            )
        ):
            fields["ocop_verified"] = False
        if "gtin" in fields:
            await _check_gtin_kept(product_id, fields["gtin"])
            await _check_gtin_free(fields["gtin"], keep=product_id)
        await ProductRow.update(**fields, updated_at=datetime.now(UTC)).where(
            ProductRow.id == product_id
        )
        await reindex_product(product_id)
    return await get_product(product_id)


def _stock_changed(stock: int, unit: str) -> Conflict:
    message_vi = (
        f"Số lượng còn vừa thay đổi (nay còn {stock} {unit}) vì có khách đặt mua trong lúc bạn "
        "sửa. Hãy kiểm tra lại số lượng rồi bấm Lưu lần nữa."
    )
    message_en = (
        f"The stock changed while you were editing (now {stock} {unit}): buyers ordered some. "
        "Please check the quantity and save again."
    )
    return Conflict(
        "stock_changed",
        message_vi,
        message_en,
        fields=[FieldError("stock", "stock_changed", message_vi, message_en)],
    )


async def archive_product(account: Account, product_id: int) -> Product:
    """Take a product off sale for good (its page and orders stay readable)."""
    from marketplace.catalogue.queries import get_product

    current = await _product_row(product_id)
    await members.require_member(account.id, current["producer"])
    async with write_transaction():
        await ProductRow.update(
            {ProductRow.status: "archived", ProductRow.updated_at: datetime.now(UTC)}
        ).where(ProductRow.id == product_id)
        await reindex_product(product_id)
    return await get_product(product_id)


async def set_ocop_verified(officer: Account, product_id: int, verified: bool) -> None:
    """An officer confirms the OCOP certificate against the province's decision."""
    from marketplace.catalogue.queries import get_product

    product = await get_product(product_id)
    require_officer_for(officer, product.province_code)
    async with write_transaction():
        await ProductRow.update({ProductRow.ocop_verified: verified}).where(
            ProductRow.id == product_id
        )


async def reserve_stock(product_id: int, quantity: int) -> bool:
    """Take `quantity` units off the shelf if they are there; False (nothing changed) if not.

    One conditional UPDATE, so two buyers can never both take the last unit. Call it inside the
    caller's write transaction (checkout), which commits or rolls back with it.
    """
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    async with write_transaction():
        rows = (
            await ProductRow.update({ProductRow.stock: ProductRow.stock - quantity})
            .where(
                (ProductRow.id == product_id)
                & (ProductRow.stock >= quantity)
                & (ProductRow.status == "active")
            )
            .returning(ProductRow.id)
        )
        if rows:
            await reindex_product(product_id)
    return bool(rows)


async def release_stock(product_id: int, quantity: int) -> None:
    """Put reserved units back (an unpaid order expired or was cancelled)."""
    async with write_transaction():
        await ProductRow.update({ProductRow.stock: ProductRow.stock + quantity}).where(
            ProductRow.id == product_id
        )
        await reindex_product(product_id)
