"""The buyer's cart and guest checkout, as pages; the cart token lives in the session."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from marketplace import places
from marketplace.catalogue.queries import payment_account
from marketplace.errors import ApplicationError, NotFound, invalid_field
from marketplace.orders import carts
from marketplace.orders.checkout import place_orders, quote_of
from marketplace.orders.delivery import delivery_settings_of
from marketplace.orders.schemas import DELIVERY_COD, Address, Buyer, Cart
from storefront.middleware import language_of
from storefront.pages.checkout_form import check_checkout
from storefront.pages.forms import field_errors
from storefront.sessions import session_of

CART_KEY = "cart"
CHECKOUT_FIELDS = ("buyer_name", "phone", "province_code", "commune_code", "address_line")


def _session_token(request: Request[Any, Any, Any]) -> str | None:
    token = session_of(request.scope).get(CART_KEY)
    return token if isinstance(token, str) else None


async def current_cart(request: Request[Any, Any, Any]) -> Cart | None:
    """The session's cart, or None when it has none (or it vanished)."""
    token = _session_token(request)
    if token is None:
        return None
    try:
        return await carts.get_cart(token)
    except NotFound:
        return None


async def ensure_cart_token(request: Request[Any, Any, Any]) -> str:
    """The session's cart token, making a cart on first use."""
    if await current_cart(request) is not None:
        return _session_token(request) or ""
    token = await carts.new_cart()
    session_of(request.scope)[CART_KEY] = token
    return token


def _quantity(raw: str | None) -> int:
    try:
        return int((raw or "").strip())
    except ValueError:
        raise invalid_field(
            "quantity",
            "quantity_invalid",
            "Số lượng phải là một số nguyên.",
            "The quantity must be a whole number.",
        ) from None


def _product_id(raw: str | None) -> int:
    try:
        return int((raw or "").strip())
    except ValueError:
        raise NotFound(
            "product_not_found", "Không tìm thấy sản phẩm.", "Product not found."
        ) from None


async def _cart_page(
    request: Request[Any, Any, Any], error: ApplicationError | None = None
) -> Template:
    language = language_of(request.scope)
    return Template(
        template_name="orders/cart.html",
        context={
            "cart": await current_cart(request),
            "error": error.message(language) if error else None,
        },
        status_code=error.status if error else 200,
    )


async def _delivery_choices(cart: Cart, province_code: str) -> list[dict[str, Any]]:
    """Per producer: the methods it offers this buyer (with fees) and whether it can take VietQR."""
    settings = await delivery_settings_of([group.producer_id for group in cart.groups])
    choices = []
    for group in cart.groups:
        offered = settings[group.producer_id]
        has_bank = await payment_account(group.producer_id) is not None
        methods = [m for m in offered.methods() if has_bank or m == DELIVERY_COD]
        choices.append(
            {
                "group": group,
                "methods": [(m, offered.fee(m, province_code or None)) for m in methods],
                "pickup_address": offered.pickup_address,
                "has_bank": has_bank,
            }
        )
    return choices


def _form(data: dict[str, str]) -> dict[str, str]:
    form = {name: data.get(name, "") for name in CHECKOUT_FIELDS}
    form.update({k: v for k, v in data.items() if k.startswith("delivery_")})
    return form


async def _checkout_page(
    request: Request[Any, Any, Any],
    cart: Cart,
    form: dict[str, str],
    error: ApplicationError | None = None,
) -> Template:
    language = language_of(request.scope)
    province_code = form.get("province_code", "")
    try:
        communes = places.communes(province_code) if province_code else []
    except NotFound:
        communes = []
    return Template(
        template_name="orders/checkout.html",
        context={
            "cart": cart,
            "form": form,
            "provinces": places.provinces(),
            "communes": communes,
            "choices": await _delivery_choices(cart, province_code),
            "quote": await quote_of(cart, province_code),
            "error": error.message(language) if error else None,
            "errors": field_errors(error, language) if error else {},
        },
        status_code=error.status if error else 200,
    )


def _deliveries(form: dict[str, str]) -> dict[int, str]:
    chosen: dict[int, str] = {}
    for key, value in form.items():
        producer = key.removeprefix("delivery_")
        if key.startswith("delivery_") and producer.isascii() and producer.isdigit():
            chosen[int(producer)] = value
    return chosen


class CartPages(Controller):
    include_in_schema = False

    @get("/cart", name="cart")
    async def cart_page(self, request: Request[Any, Any, Any]) -> Template:
        return await _cart_page(request)

    @post("/cart/items", name="cart_add")
    async def add_item(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[dict[str, str]]
    ) -> Template | Redirect:
        """The product page's “Thêm vào giỏ” form."""
        try:
            quantity = _quantity(data.get("quantity") or "1")
            token = await ensure_cart_token(request)
            await carts.add_to_cart(
                token, _product_id(data.get("product_id")), quantity, data.get("lot") or None
            )
        except ApplicationError as error:
            return await _cart_page(request, error)
        return Redirect("/cart?added=1")

    @post("/cart/items/{product_id:int}", name="cart_update")
    async def update_item(
        self,
        request: Request[Any, Any, Any],
        product_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Template | Redirect:
        token = _session_token(request)
        try:
            if token is None:
                raise NotFound("cart_not_found", "Không tìm thấy giỏ hàng.", "Cart not found.")
            quantity = 0 if data.get("action") == "remove" else _quantity(data.get("quantity"))
            await carts.update_cart_line(token, product_id, quantity)
        except ApplicationError as error:
            return await _cart_page(request, error)
        return Redirect("/cart")

    @get("/checkout", name="checkout")
    async def checkout_form(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        cart = await current_cart(request)
        if cart is None or not cart.lines:
            return Redirect("/cart")
        return await _checkout_page(request, cart, {})

    @post("/checkout")
    async def checkout(
        self, request: Request[Any, Any, Any], data: URLEncodedBody[dict[str, str]]
    ) -> Template | Redirect:
        """Place the orders; “Cập nhật” (or a changed province) only redraws the form."""
        cart = await current_cart(request)
        if cart is None or not cart.lines:
            placed = await carts.checked_out_as(cart.token) if cart is not None else None
            if placed is not None:  # the form sent again (a double tap): show what it placed
                return Redirect(f"/orders/{placed}")
            return Redirect("/cart")
        form = _form(data)
        if data.get("action") == "refresh":
            return await _checkout_page(request, cart, form)
        buyer = Buyer(form["buyer_name"], form["phone"])
        address = Address(form["province_code"], form["commune_code"], form["address_line"])
        try:
            await check_checkout(cart.token, buyer, address, _deliveries(form))
            orders = await place_orders(
                cart.token, buyer, address, _deliveries(form), quote=data.get("quote") or None
            )
        except ApplicationError as error:
            fresh = await current_cart(request) or cart
            return await _checkout_page(request, fresh, form, error)
        return Redirect(f"/orders/{orders[0].checkout_token}")
