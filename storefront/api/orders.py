"""Carts, checkout and payment intents in the JSON API.

A cart is reached by its token, an order and its payment intent by the order's secret payment
token (references travel in bank messages, so they are not secrets).
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import Controller, get, post, put
from litestar.params import FromPath, JSONBody

from marketplace.banks import bank_by_bin
from marketplace.orders import carts, lifecycle
from marketplace.orders.checkout import place_orders
from marketplace.orders.queries import order_by_payment_token
from marketplace.orders.schemas import Address, Buyer, Cart, CartLine, Order, PaymentIntent
from marketplace.payments import intents
from storefront.api.money import Dong
from storefront.pages.checkout_form import check_checkout


class CartLineOut(msgspec.Struct):
    product_id: int
    product_slug: str
    product_name: str
    unit: str
    unit_price_vnd: int
    quantity: int
    line_total_vnd: int
    available: bool
    lot: str = ""  # the batch code asked for, "" for any
    lot_recalled: bool = False


class CartGroupOut(msgspec.Struct):
    producer_id: int
    producer_name: str
    subtotal_vnd: int
    lines: list[CartLineOut]


class CartOut(msgspec.Struct):
    token: str
    total_vnd: int
    item_count: int
    groups: list[CartGroupOut]


class CartLinePage(msgspec.Struct):
    items: list[CartLineOut]
    total: int
    page: int
    page_size: int


class CartItemCreate(msgspec.Struct):
    product_id: int
    quantity: int = 1
    lot: str | None = None  # a batch code (from the batch's QR page) to buy from


class CartItemUpdate(msgspec.Struct):
    quantity: int


class DeliveryChoice(msgspec.Struct):
    producer_id: int
    method: str


class CheckoutCreate(msgspec.Struct):
    buyer_name: str
    phone: str
    province_code: str = ""
    commune_code: str = ""
    address_line: str = ""
    deliveries: list[DeliveryChoice] = msgspec.field(default_factory=list)
    # the total (goods and delivery) the app showed the buyer: a price changed since is a 409
    # `price_changed` instead of a charge the buyer did not see
    expected_total_vnd: Dong | None = None


class PaymentIntentOut(msgspec.Struct):
    reference: str
    state: str
    order_state: str
    amount_vnd: int
    amount_received_vnd: int
    amount_due_vnd: int
    overpaid: bool
    needs_refund: bool
    currency: str
    bank_bin: str
    bank_name: str
    account: str
    holder: str
    transfer_message: str
    vietqr_payload: str
    qr_png_url: str
    expires_at: datetime
    succeeded_at: datetime | None


class OrderLineOut(msgspec.Struct):
    product_id: int
    product_name: str
    unit: str
    unit_price_vnd: int
    quantity: int
    line_total_vnd: int
    lot: str = ""


class OrderOut(msgspec.Struct):
    reference: str
    payment_token: str
    payment_url: str
    producer_id: int
    producer_name: str
    state: str
    delivery_method: str
    delivery_fee_vnd: int
    subtotal_vnd: int
    total_vnd: int
    created_at: datetime
    lines: list[OrderLineOut]
    payment_intent: PaymentIntentOut | None


class CheckoutOut(msgspec.Struct):
    checkout_token: str
    summary_url: str
    orders: list[OrderOut]


def cart_out(cart: Cart) -> CartOut:
    return CartOut(
        token=cart.token,
        total_vnd=cart.total_vnd,
        item_count=cart.item_count,
        groups=[
            CartGroupOut(
                producer_id=group.producer_id,
                producer_name=group.producer_name,
                subtotal_vnd=group.subtotal_vnd,
                lines=[_line_out(line) for line in group.lines],
            )
            for group in cart.groups
        ],
    )


def _line_out(line: CartLine) -> CartLineOut:
    return CartLineOut(
        product_id=line.product_id,
        product_slug=line.product_slug,
        product_name=line.product_name,
        unit=line.unit,
        unit_price_vnd=line.unit_price_vnd,
        quantity=line.quantity,
        line_total_vnd=line.line_total_vnd,
        available=line.available,
        lot=line.lot,
        lot_recalled=line.lot_recalled,
    )


def intent_out(intent: PaymentIntent, order: Order) -> PaymentIntentOut:
    return PaymentIntentOut(
        reference=intent.reference,
        state=intent.state,
        order_state=order.state,
        amount_vnd=intent.amount_vnd,
        amount_received_vnd=intent.amount_received_vnd,
        amount_due_vnd=intent.amount_due_vnd,
        overpaid=intent.overpaid,
        needs_refund=order.needs_refund,
        currency="VND",
        bank_bin=intent.bank_bin,
        bank_name=bank_by_bin(intent.bank_bin).short_name,
        account=intent.account,
        holder=intent.holder,
        transfer_message=intent.reference,
        vietqr_payload=intents.payable_payload(intent),
        qr_png_url=f"/pay/{order.payment_token}/qr.png",
        expires_at=intent.expires_at,
        succeeded_at=intent.succeeded_at,
    )


def order_out(order: Order) -> OrderOut:
    return OrderOut(
        reference=order.reference,
        payment_token=order.payment_token,
        payment_url=f"/pay/{order.payment_token}",
        producer_id=order.producer_id,
        producer_name=order.producer_name,
        state=order.state,
        delivery_method=order.delivery_method,
        delivery_fee_vnd=order.delivery_fee_vnd,
        subtotal_vnd=order.subtotal_vnd,
        total_vnd=order.total_vnd,
        created_at=order.created_at,
        lines=[OrderLineOut(**vars(line)) for line in order.lines],
        payment_intent=intent_out(order.intent, order) if order.intent else None,
    )


class CartsApi(Controller):
    path = "/api/v1/carts"
    tags = ["carts and orders"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @post("/", operation_id="CreateCart", status_code=201)
    async def create_cart(self) -> CartOut:
        """A new empty cart; keep its token, it is the only key to the cart."""
        return cart_out(await carts.get_cart(await carts.new_cart()))

    @get("/{token:str}", operation_id="GetCart")
    async def get_cart(self, token: FromPath[str]) -> CartOut:
        return cart_out(await carts.get_cart(token))

    @get("/{token:str}/items", operation_id="ListCartItems")
    async def list_items(self, token: FromPath[str]) -> CartLinePage:
        lines = (await carts.get_cart(token)).lines
        return CartLinePage(
            items=[_line_out(line) for line in lines],
            total=len(lines),
            page=1,
            page_size=max(len(lines), 1),
        )

    @post("/{token:str}/items", operation_id="AddCartItem", status_code=201)
    async def add_item(self, token: FromPath[str], data: JSONBody[CartItemCreate]) -> CartOut:
        """Add `quantity` of a product (added to what the cart already holds)."""
        return cart_out(await carts.add_to_cart(token, data.product_id, data.quantity, data.lot))

    @put("/{token:str}/items/{product_id:int}", operation_id="UpdateCartItem")
    async def update_item(
        self, token: FromPath[str], product_id: FromPath[int], data: JSONBody[CartItemUpdate]
    ) -> CartOut:
        """Set a line's quantity; 0 removes it."""
        return cart_out(await carts.update_cart_line(token, product_id, data.quantity))

    @post(
        "/{token:str}/items/{product_id:int}/remove", operation_id="RemoveCartItem", status_code=200
    )
    async def remove_item(self, token: FromPath[str], product_id: FromPath[int]) -> CartOut:
        return cart_out(await carts.remove_cart_line(token, product_id))

    @post("/{token:str}/checkout", operation_id="CheckoutCart", status_code=201)
    async def checkout(self, token: FromPath[str], data: JSONBody[CheckoutCreate]) -> CheckoutOut:
        """Place one order per producer as a guest; each non-COD order gets a VietQR intent.

        Every required field left empty is named at once in `errors` (the address is required
        unless every producer is picked up from). The same cart sent again after it became
        orders answers with those orders, so a retry never orders twice."""
        buyer = Buyer(data.buyer_name, data.phone)
        address = Address(data.province_code, data.commune_code, data.address_line)
        deliveries = {choice.producer_id: choice.method for choice in data.deliveries}
        await check_checkout(token, buyer, address, deliveries)
        orders = await place_orders(
            token, buyer, address, deliveries, expected_total_vnd=data.expected_total_vnd
        )
        checkout_token = orders[0].checkout_token
        return CheckoutOut(
            checkout_token=checkout_token,
            summary_url=f"/orders/{checkout_token}",
            orders=[order_out(order) for order in orders],
        )


class PaymentIntentCreate(msgspec.Struct):
    payment_token: str


class PaymentIntentsApi(Controller):
    path = "/api/v1/payment-intents"
    tags = ["payment intents"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @post("/", operation_id="CreatePaymentIntent", status_code=201)
    async def create_intent(self, data: JSONBody[PaymentIntentCreate]) -> PaymentIntentOut:
        """The order's live intent; an expired one is renewed if the stock is still there."""
        order = await lifecycle.renew_payment(data.payment_token)
        if order.intent is None:
            raise intents.intent_not_found()
        return intent_out(order.intent, order)

    @get("/{token:str}", operation_id="GetPaymentIntent", cache=False)
    async def get_intent(self, token: FromPath[str]) -> PaymentIntentOut:
        """The intent of the order behind a secret payment token: poll it to follow payment."""
        await lifecycle.expire_if_due(token)
        order = await order_by_payment_token(token)
        if order.intent is None:
            raise intents.intent_not_found()
        return intent_out(order.intent, order)

    @post("/{token:str}/cancel", operation_id="CancelPaymentIntent", status_code=200)
    async def cancel_intent(self, token: FromPath[str]) -> PaymentIntentOut:
        """Cancel an order nothing was paid for; its stock goes back on sale."""
        order = await lifecycle.cancel_order_as_buyer(token)
        if order.intent is None:
            raise intents.intent_not_found()
        return intent_out(order.intent, order)
