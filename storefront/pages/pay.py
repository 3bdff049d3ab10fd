"""The buyer's pages after checkout: the summary of a checkout and one payment page per order.

Both are reached by secret tokens in the URL, never by the order reference (which travels in
bank messages). The payment page follows the payment by itself (static/pay.js polls the JSON
API); without JavaScript a “Kiểm tra lại” link reloads it.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from marketplace import places
from marketplace.banks import bank_by_bin
from marketplace.errors import ApplicationError, NotFound
from marketplace.orders import lifecycle
from marketplace.orders.queries import order_by_payment_token, orders_of_checkout
from marketplace.orders.schemas import Order
from marketplace.payments.intents import intent_not_found, payable_payload
from marketplace.payments.qrimage import qr_png, qr_svg
from storefront import i18n
from storefront.middleware import language_of

QR_PNG_SCALE = 10


def place_name(order: Order) -> str:
    """“Phường Ba Đình, Hà Nội” for the order's delivery address ('' for pickup)."""
    if not order.commune_code:
        return ""
    try:
        commune = places.commune(order.commune_code)
        return f"{commune.full_name}, {places.province(commune.province_code).name}"
    except NotFound:
        return ""


def _pay_context(request: Request[Any, Any, Any], order: Order) -> dict[str, Any]:
    language = language_of(request.scope)
    intent = order.intent
    context: dict[str, Any] = {"order": order, "intent": intent, "place": place_name(order)}
    if intent is not None:
        title = i18n.gettext(language, "Mã VietQR chuyển khoản cho đơn {reference}")
        context["bank"] = bank_by_bin(intent.bank_bin)
        context["qr"] = qr_svg(
            payable_payload(intent), title=title.format(reference=order.reference)
        )
        context["expires_iso"] = intent.expires_at.isoformat()
    return context


class PayPages(Controller):
    include_in_schema = False

    @get("/orders/{checkout_token:str}", name="checkout_summary")
    async def summary(self, checkout_token: FromPath[str]) -> Template:
        """Every order of one checkout, each with a link to its own payment page."""
        orders = await orders_of_checkout(checkout_token)
        return Template(
            template_name="orders/summary.html",
            context={"orders": orders, "total": sum(order.total_vnd for order in orders)},
        )

    @get("/pay/{payment_token:str}", name="pay")
    async def pay_page(
        self, request: Request[Any, Any, Any], payment_token: FromPath[str]
    ) -> Template:
        await lifecycle.expire_if_due(payment_token)
        order = await order_by_payment_token(payment_token)
        return Template(template_name="orders/pay.html", context=_pay_context(request, order))

    @get("/pay/{payment_token:str}/qr.png", name="pay_qr_png")
    async def qr_image(self, payment_token: FromPath[str]) -> Response[bytes]:
        """The QR as a PNG to save: a buyer paying on this phone opens it in the bank app."""
        order = await order_by_payment_token(payment_token)
        if order.intent is None:
            raise intent_not_found()
        return Response(
            content=qr_png(payable_payload(order.intent), scale=QR_PNG_SCALE),
            media_type="image/png",
            headers={
                "content-disposition": f'attachment; filename="VietQR-{order.reference}.png"',
                "cache-control": "private, max-age=3600",
            },
        )

    @post("/pay/{payment_token:str}/cancel", name="pay_cancel")
    async def cancel(
        self, request: Request[Any, Any, Any], payment_token: FromPath[str]
    ) -> Template | Redirect:
        try:
            await lifecycle.cancel_order_as_buyer(payment_token)
        except ApplicationError as error:
            order = await order_by_payment_token(payment_token)
            context = _pay_context(request, order)
            context["error"] = error.message(language_of(request.scope))
            return Template(
                template_name="orders/pay.html", context=context, status_code=error.status
            )
        return Redirect(f"/pay/{payment_token}")

    @post("/pay/{payment_token:str}/renew", name="pay_renew")
    async def renew(
        self, request: Request[Any, Any, Any], payment_token: FromPath[str]
    ) -> Template | Redirect:
        """An expired order gets a new payment window if its products are still in stock."""
        try:
            await lifecycle.renew_payment(payment_token)
        except ApplicationError as error:
            order = await order_by_payment_token(payment_token)
            context = _pay_context(request, order)
            context["error"] = error.message(language_of(request.scope))
            return Template(
                template_name="orders/pay.html", context=context, status_code=error.status
            )
        return Redirect(f"/pay/{payment_token}")
