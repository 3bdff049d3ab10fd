"""Carts: a buyer's products of several producers, kept under a random token until checkout.

The storefront keeps the token in the session; API clients keep it themselves. Nothing is
reserved while a product sits in a cart: stock is taken at checkout, atomically.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from marketplace.catalogue import lots
from marketplace.catalogue.queries import get_product
from marketplace.db import claim, reading, write_transaction
from marketplace.errors import Conflict, NotFound, invalid_field
from marketplace.orders.schemas import Cart, CartGroup, CartLine
from marketplace.orders.tables import Cart as CartRow
from marketplace.orders.tables import CartLine as CartLineRow

MAX_QUANTITY = 999
MAX_LINES = 50


def _cart_not_found() -> NotFound:
    return NotFound("cart_not_found", "Không tìm thấy giỏ hàng.", "Cart not found.")


def _check_quantity(quantity: int, allow_zero: bool = False) -> int:
    lowest = 0 if allow_zero else 1
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        quantity = -1
    if not lowest <= quantity <= MAX_QUANTITY:
        raise invalid_field(
            "quantity",
            "quantity_invalid",
            f"Số lượng phải từ {lowest} đến {MAX_QUANTITY}.",
            f"The quantity must be from {lowest} to {MAX_QUANTITY}.",
        )
    return quantity


async def new_cart() -> str:
    """A new empty cart; its token is the only key to it."""
    token = secrets.token_urlsafe(18)
    async with write_transaction():
        await CartRow.insert(CartRow(token=token))
    return token


async def _cart_id(token: str) -> int:
    row = await CartRow.select(CartRow.id).where(CartRow.token == token).first()
    if row is None:
        raise _cart_not_found()
    return int(row["id"])


def _line(row: dict[str, Any], recalled: set[str], expired: set[str]) -> CartLine:
    lot = row["lot"] or ""
    return CartLine(
        product_id=row["product"],
        product_slug=row["product.slug"],
        product_name=row["product.name"],
        unit=row["product.unit"],
        unit_price_vnd=row["product.price_vnd"],
        quantity=row["quantity"],
        stock=row["product.stock"],
        available=row["product.status"] == "active"
        and row["product.stock"] >= row["quantity"]
        and lot not in recalled
        and lot not in expired,
        producer_id=row["product.producer.id"],
        producer_name=row["product.producer.name"],
        lot=lot,
        lot_recalled=lot in recalled,
        lot_expired=lot in expired,
        on_sale=row["product.status"] == "active",
    )


async def get_cart(token: str) -> Cart:
    """The cart's lines grouped by producer (one future order each), in the order added."""
    async with reading():
        cart_id = await _cart_id(token)
        rows = (
            await CartLineRow.select(
                CartLineRow.product,
                CartLineRow.quantity,
                CartLineRow.lot,
                CartLineRow.product.slug,
                CartLineRow.product.name,
                CartLineRow.product.unit,
                CartLineRow.product.price_vnd,
                CartLineRow.product.stock,
                CartLineRow.product.status,
                CartLineRow.product._.producer._.id,
                CartLineRow.product._.producer._.name,
            )
            .where(CartLineRow.cart == cart_id)
            .order_by(CartLineRow.id)
        )
        recalled, expired = await lots.not_sold(row["lot"] for row in rows)
    groups: dict[int, list[CartLine]] = {}
    names: dict[int, str] = {}
    for line in (_line(row, recalled, expired) for row in rows):
        groups.setdefault(line.producer_id, []).append(line)
        names[line.producer_id] = line.producer_name
    return Cart(
        token=token,
        groups=[CartGroup(pid, names[pid], lines) for pid, lines in groups.items()],
    )


async def _check_can_buy(product_id: int, quantity: int) -> None:
    product = await get_product(product_id)
    if product.status != "active":
        raise Conflict(
            "product_unavailable",
            f"Sản phẩm “{product.name}” hiện không bán.",
            f"“{product.name}” is not on sale.",
        )
    if quantity > product.stock:
        raise Conflict(
            "out_of_stock",
            f"Sản phẩm “{product.name}” chỉ còn {product.stock} {product.unit}.",
            f"Only {product.stock} {product.unit} of “{product.name}” are left.",
        )


async def _current_quantity(cart_id: int, product_id: int) -> int | None:
    row = (
        await CartLineRow.select(CartLineRow.quantity)
        .where((CartLineRow.cart == cart_id) & (CartLineRow.product == product_id))
        .first()
    )
    return int(row["quantity"]) if row else None


async def _set_quantity(
    cart_id: int, product_id: int, quantity: int, lot: str | None = None
) -> None:
    """Set the line's quantity (0 removes it) and, when `lot` is given, the lot asked for."""
    existing = await _current_quantity(cart_id, product_id)
    where = (CartLineRow.cart == cart_id) & (CartLineRow.product == product_id)
    if quantity == 0:
        await CartLineRow.delete().where(where)
    elif existing is None:
        if await CartLineRow.count().where(CartLineRow.cart == cart_id) >= MAX_LINES:
            raise Conflict(
                "cart_full",
                f"Giỏ hàng có tối đa {MAX_LINES} sản phẩm.",
                f"A cart holds at most {MAX_LINES} products.",
            )
        await CartLineRow.insert(
            CartLineRow(cart=cart_id, product=product_id, quantity=quantity, lot=lot or "")
        )
    elif lot is not None:
        await CartLineRow.update({CartLineRow.quantity: quantity, CartLineRow.lot: lot}).where(
            where
        )
    else:
        await CartLineRow.update({CartLineRow.quantity: quantity}).where(where)
    await CartRow.update({CartRow.updated_at: datetime.now(UTC)}).where(CartRow.id == cart_id)


async def add_to_cart(
    token: str, product_id: int, quantity: int = 1, lot: str | None = None
) -> Cart:
    """Put `quantity` more of a product in the cart (added to what is already there).

    `lot` is a batch code the buyer asks for (from the batch's QR page): the line then keeps
    it, replacing any lot asked for before; a recalled lot is refused (`batch_recalled`).
    """
    _check_quantity(quantity)
    async with write_transaction():
        await claim(f"cart:{token}")
        cart_id = await _cart_id(token)
        total = (await _current_quantity(cart_id, product_id) or 0) + quantity
        _check_quantity(total)
        await _check_can_buy(product_id, total)
        chosen = await _check_lot(product_id, lot) if lot else None
        await _set_quantity(cart_id, product_id, total, chosen)
    return await get_cart(token)


async def _check_lot(product_id: int, raw_code: str) -> str:
    lot = await lots.lot_of_product(product_id, raw_code)
    if lot.withdrawn:
        product = await get_product(product_id)
        raise lots.lot_recalled(product.name, lot.code)
    if lot.expired:
        product = await get_product(product_id)
        raise lots.lot_expired(product.name, lot.code)
    return lot.code


async def update_cart_line(token: str, product_id: int, quantity: int) -> Cart:
    """Set a line's quantity; 0 removes the line."""
    _check_quantity(quantity, allow_zero=True)
    async with write_transaction():
        await claim(f"cart:{token}")
        cart_id = await _cart_id(token)
        if quantity and await _current_quantity(cart_id, product_id) is None:
            raise NotFound(
                "cart_line_not_found",
                "Sản phẩm này không có trong giỏ hàng.",
                "This product is not in the cart.",
            )
        if quantity:
            await _check_can_buy(product_id, quantity)
        await _set_quantity(cart_id, product_id, quantity)
    return await get_cart(token)


async def remove_cart_line(token: str, product_id: int) -> Cart:
    """Take a product out of the cart (nothing happens if it was not there)."""
    return await update_cart_line(token, product_id, 0)


async def empty_cart(cart_id: int, checked_out_as: str = "") -> None:
    """Remove every line (checkout calls it inside its own transaction, with the checkout
    token of the orders the cart became)."""
    async with write_transaction():
        await CartLineRow.delete().where(CartLineRow.cart == cart_id)
        await CartRow.update({CartRow.checked_out_as: checked_out_as}).where(CartRow.id == cart_id)


async def checked_out_as(token: str) -> str | None:
    """The checkout token of the orders this cart last became, while it holds nothing since."""
    row = (
        await CartRow.select(CartRow.id, CartRow.checked_out_as)
        .where(CartRow.token == token)
        .first()
    )
    if row is None or not row["checked_out_as"]:
        return None
    if await CartLineRow.exists().where(CartLineRow.cart == row["id"]):
        return None
    return str(row["checked_out_as"])


async def cart_id_of(token: str) -> int:
    """The database id behind a cart token; NotFound when there is no such cart."""
    return await _cart_id(token)
