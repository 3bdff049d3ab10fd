"""Checkout: a cart becomes one order per producer, all or nothing.

Everything happens in ONE write transaction: every line's stock is reserved with the
catalogue's conditional UPDATE (so concurrent buyers can never take the same last unit), the
orders, their lines and their payment intents are written and the cart is emptied. If any line
is short, a Conflict `out_of_stock` naming the product rolls all of it back.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from marketplace import places
from marketplace.catalogue import lots
from marketplace.catalogue.products import reserve_stock
from marketplace.catalogue.queries import payment_account
from marketplace.catalogue.schemas import BankAccount
from marketplace.codes import new_code
from marketplace.db import claim, write_transaction
from marketplace.errors import Conflict, FieldError, invalid_field
from marketplace.orders import carts, notifications
from marketplace.orders.delivery import delivery_settings_of
from marketplace.orders.queries import orders_of_checkout
from marketplace.orders.schemas import (
    AWAITING_PAYMENT,
    COD_PENDING,
    DELIVERY_COD,
    PICKUP,
    Address,
    Buyer,
    Cart,
    CartGroup,
    CartLine,
    DeliverySettings,
    Order,
)
from marketplace.orders.tables import Order as OrderRow
from marketplace.orders.tables import OrderLine as OrderLineRow
from marketplace.payments import intents
from marketplace.payments.references import ORDER_BODY_LENGTH, ORDER_PREFIX
from marketplace.phones import parse_phone
from marketplace.text import normalize

MAX_TRANSFER_VND = 500_000_000  # NAPAS' per-transfer ceiling at VietQR's launch


@dataclass(frozen=True)
class _Plan:
    """One producer's order, checked and priced before anything is written."""

    group: CartGroup
    method: str
    fee_vnd: int
    pickup_address: str
    bank: BankAccount | None

    @property
    def total_vnd(self) -> int:
        return self.group.subtotal_vnd + self.fee_vnd


def _clean_buyer(buyer: Buyer) -> Buyer:
    name = normalize(buyer.name)
    if not 2 <= len(name) <= 100:
        raise invalid_field(
            "buyer_name",
            "name_invalid",
            "Vui lòng nhập họ tên người nhận (2 đến 100 ký tự).",
            "Please enter the recipient's name (2 to 100 characters).",
        )
    return Buyer(name=name, phone=parse_phone(buyer.phone))


def _clean_address(address: Address) -> Address:
    if not address.province_code.strip():
        raise invalid_field(
            "province_code",
            "province_required",
            "Vui lòng chọn tỉnh, thành phố nhận hàng.",
            "Please choose the province or city to deliver to.",
        )
    if not address.commune_code.strip():
        raise invalid_field(
            "commune_code",
            "commune_required",
            "Vui lòng chọn xã, phường nhận hàng.",
            "Please choose the commune or ward to deliver to.",
        )
    commune = places.validate_address(address.province_code, address.commune_code)
    line = normalize(address.line)
    if not 3 <= len(line) <= 200:
        raise invalid_field(
            "address_line",
            "address_line_invalid",
            "Vui lòng ghi số nhà, thôn/xóm hoặc đường (3 đến 200 ký tự).",
            "Please give the house number, hamlet or street (3 to 200 characters).",
        )
    return Address(commune.province_code, commune.code, line)


def _choose_method(
    group: CartGroup, settings: DeliverySettings, deliveries: Mapping[int, str]
) -> str:
    method = deliveries.get(group.producer_id) or next(iter(settings.methods()), "")
    if method not in settings.methods():
        raise invalid_field(
            f"delivery_{group.producer_id}",
            "delivery_method_invalid",
            f"Vui lòng chọn cách giao hàng cho {group.producer_name}.",
            f"Please choose how {group.producer_name} delivers.",
        )
    return method


async def _plan(
    group: CartGroup, settings: DeliverySettings, method: str, address: Address | None
) -> _Plan:
    bank = None if method == DELIVERY_COD else await payment_account(group.producer_id)
    if method != DELIVERY_COD and bank is None:
        raise Conflict(
            "payment_account_missing",
            f"{group.producer_name} chưa khai báo tài khoản nhận chuyển khoản; "
            "vui lòng chọn cách khác hoặc bỏ sản phẩm của cơ sở này khỏi giỏ.",
            f"{group.producer_name} has no bank account for transfers yet; "
            "choose another option or remove its products from the cart.",
        )
    province_code = address.province_code if address else None
    plan = _Plan(
        group=group,
        method=method,
        fee_vnd=settings.fee(method, province_code),
        pickup_address=settings.pickup_address if method == PICKUP else "",
        bank=bank,
    )
    if plan.bank is not None and plan.total_vnd > MAX_TRANSFER_VND:
        raise invalid_field(
            f"delivery_{group.producer_id}",
            "order_total_too_large",
            "Một lần chuyển khoản VietQR tối đa 500.000.000 ₫; vui lòng giảm số lượng.",
            "One VietQR transfer carries at most 500,000,000 ₫; please lower the quantities.",
        )
    return plan


def _check_lines_available(lines: list[CartLine]) -> None:
    for line in lines:
        if line.lot_recalled:
            raise lots.lot_recalled(line.product_name, line.lot, f"line_{line.product_id}")
        if line.lot_expired:
            raise lots.lot_expired(line.product_name, line.lot, f"line_{line.product_id}")
        if not line.on_sale:
            raise _no_longer_sold(line)
        if not line.available:
            raise _out_of_stock(line)


def _no_longer_sold(line: CartLine) -> Conflict:
    message_vi = f"Sản phẩm “{line.product_name}” đã ngừng bán; hãy bỏ nó khỏi giỏ hàng."
    message_en = f"“{line.product_name}” is no longer sold; please remove it from the cart."
    return Conflict(
        "product_unavailable",
        message_vi,
        message_en,
        fields=[
            FieldError(f"line_{line.product_id}", "product_unavailable", message_vi, message_en)
        ],
    )


def _out_of_stock(line: CartLine) -> Conflict:
    message_vi = f"Sản phẩm “{line.product_name}” không còn đủ {line.quantity} {line.unit}."
    message_en = f"“{line.product_name}” no longer has {line.quantity} {line.unit} in stock."
    return Conflict(
        "out_of_stock",
        message_vi,
        message_en,
        fields=[FieldError(f"line_{line.product_id}", "out_of_stock", message_vi, message_en)],
    )


async def _reserve_all(lines: list[CartLine]) -> None:
    # In product id order: two checkouts never wait on each other's rows in a cycle.
    for line in sorted(lines, key=lambda item: item.product_id):
        if not await reserve_stock(line.product_id, line.quantity):
            raise _out_of_stock(line)


async def _unused_reference() -> str:
    while True:
        reference = new_code(ORDER_PREFIX, ORDER_BODY_LENGTH)
        if not await OrderRow.exists().where(OrderRow.reference == reference):
            return reference


async def _write_order(
    plan: _Plan, buyer: Buyer, address: Address | None, checkout_token: str, now: datetime
) -> None:
    reference = await _unused_reference()
    shipped_to = address if plan.method != PICKUP and address else Address()
    rows = await OrderRow.insert(
        OrderRow(
            reference=reference,
            checkout_token=checkout_token,
            payment_token=secrets.token_urlsafe(24),
            producer=plan.group.producer_id,
            buyer_name=buyer.name,
            buyer_phone=buyer.phone,
            province_code=shipped_to.province_code,
            commune_code=shipped_to.commune_code,
            address_line=shipped_to.line,
            delivery_method=plan.method,
            delivery_fee_vnd=plan.fee_vnd,
            pickup_address=plan.pickup_address,
            subtotal_vnd=plan.group.subtotal_vnd,
            total_vnd=plan.total_vnd,
            state=COD_PENDING if plan.bank is None else AWAITING_PAYMENT,
            created_at=now,
            updated_at=now,
        )
    )
    order_id = int(rows[0]["id"])
    await OrderLineRow.insert(
        *[
            OrderLineRow(
                order=order_id,
                product=line.product_id,
                product_name=line.product_name,
                unit=line.unit,
                unit_price_vnd=line.unit_price_vnd,
                quantity=line.quantity,
                line_total_vnd=line.line_total_vnd,
                lot=line.lot,
            )
            for line in plan.group.lines
        ]
    )
    if plan.bank is not None:
        await intents.open_intent(order_id, reference, plan.total_vnd, plan.bank, now)
    await notifications.enqueue_order_notification(order_id, notifications.ORDER_CREATED, now)


async def _plans(
    cart_groups: list[CartGroup], deliveries: Mapping[int, str], address: Address
) -> tuple[list[_Plan], Address | None]:
    settings = await delivery_settings_of([group.producer_id for group in cart_groups])
    methods = {
        g.producer_id: _choose_method(g, settings[g.producer_id], deliveries) for g in cart_groups
    }
    needs_address = any(method != PICKUP for method in methods.values())
    shipped_to = _clean_address(address) if needs_address else None
    plans = [
        await _plan(group, settings[group.producer_id], methods[group.producer_id], shipped_to)
        for group in cart_groups
    ]
    return plans, shipped_to


async def place_orders(
    cart_token: str,
    buyer: Buyer,
    address: Address,
    deliveries: Mapping[int, str],
    now: datetime | None = None,
    *,
    quote: str | None = None,
    expected_total_vnd: int | None = None,
) -> list[Order]:
    """Turn the cart into one order per producer, reserving stock; the orders placed.

    `deliveries` maps producer id → delivery method (`delivery`, `delivery_cod`, `pickup`);
    a producer left out gets its first offered method. The address may be empty when every
    producer is picked up from.

    The same cart sent again once it has become orders (a double tap, a retry after a lost
    answer) gets those orders back: one checkout, never two. With `quote` (what the checkout
    page showed, see `quote_of`) or `expected_total_vnd` (the total an app showed), a price or
    delivery fee changed since is refused (`409 price_changed`) rather than charged unseen.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    checked_buyer = _clean_buyer(buyer)
    checkout_token = secrets.token_urlsafe(18)
    async with write_transaction():
        await claim(f"cart:{cart_token}")  # the same cart sent twice at once: one at a time
        cart = await carts.get_cart(cart_token)
        if not cart.lines:
            placed = await carts.checked_out_as(cart_token)
            if placed is None:
                raise Conflict("cart_empty", "Giỏ hàng đang trống.", "The cart is empty.")
            checkout_token = placed
        else:
            _check_lines_available(cart.lines)
            plans, shipped_to = await _plans(cart.groups, deliveries, address)
            if quote is not None and quote != await quote_of(cart, address.province_code):
                raise _price_changed()
            total = sum(plan.total_vnd for plan in plans)
            if expected_total_vnd is not None and total != expected_total_vnd:
                raise _price_changed(total)
            await _reserve_all(cart.lines)
            for plan in plans:
                await _write_order(plan, checked_buyer, shipped_to, checkout_token, now)
            await carts.empty_cart(await carts.cart_id_of(cart_token), checkout_token)
    return await orders_of_checkout(checkout_token)


async def quote_of(cart: Cart, province_code: str) -> str:
    """A short fingerprint of what the checkout page shows for this cart and province: every
    line's price and quantity, and every delivery fee offered. The page sends it back; a
    different one at checkout means the buyer did not see what would be charged."""
    settings = await delivery_settings_of([group.producer_id for group in cart.groups])
    parts = []
    for group in cart.groups:
        offered = settings[group.producer_id]
        lines = ",".join(
            f"{line.product_id}x{line.quantity}@{line.unit_price_vnd}" for line in group.lines
        )
        fees = ",".join(f"{m}={offered.fee(m, province_code or None)}" for m in offered.methods())
        parts.append(f"{group.producer_id}:{lines}:{fees}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _price_changed(total_vnd: int | None = None) -> Conflict:
    amount = f"{total_vnd or 0:,}".replace(",", ".") + "\u00a0₫"  # đồng, the Vietnamese way
    now_vi = f" Tổng mới: {amount}." if total_vnd is not None else ""
    now_en = f" The new total is {amount}." if total_vnd is not None else ""
    return Conflict(
        "price_changed",
        "Giá hoặc phí giao hàng vừa thay đổi." + now_vi + " Hãy xem lại đơn hàng bên dưới "
        "rồi bấm “Đặt hàng” lần nữa.",
        "A price or delivery fee has just changed." + now_en + " Please check the order "
        "below and press “Place order” again.",
    )
