"""The seller's order queue, one order with its actions, the packing list, unmatched transfers."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from marketplace.accounts.service import Account
from marketplace.catalogue import lots, members
from marketplace.catalogue.queries import get_producer
from marketplace.errors import ApplicationError
from marketplace.orders import lifecycle
from marketplace.orders.notifications import mark_orders_seen, new_order_count
from marketplace.orders.queries import seller_order, seller_orders, state_counts
from marketplace.orders.schemas import Order
from marketplace.payments.intents import events_of
from marketplace.payments.transfers import assign_transfer, transfers_of_order, unmatched_transfers
from storefront.auth import require_account
from storefront.middleware import language_of
from storefront.pages.pay import place_name

ACTIONS = {
    "confirm-payment": lifecycle.confirm_paid_by_hand,
    "packing": lifecycle.mark_packing,
    "shipped": lifecycle.mark_shipped,
    "cancel": lifecycle.cancel_order_as_seller,
}


async def seller_context(request: Request[Any, Any, Any], producer_id: int) -> dict[str, Any]:
    """What every seller page shows: the producer, the account and the new-order badge."""
    account = await require_account(request)
    await members.require_member(account.id, producer_id)
    return {
        "account": account,
        "producer": await get_producer(producer_id),
        "new_orders": await new_order_count(account.id, producer_id),
    }


async def recalled_lots(order: Order) -> set[str]:
    """The lots of the order that were recalled: the seller must not ship from them."""
    return await lots.recalled(line.lot for line in order.lines)


async def _order_page(
    request: Request[Any, Any, Any],
    producer_id: int,
    order_id: int,
    error: ApplicationError | None = None,
) -> Template:
    context = await seller_context(request, producer_id)
    account: Account = context["account"]
    order = await seller_order(account, producer_id, order_id)
    return Template(
        template_name="orders/seller_order.html",
        context={
            **context,
            "order": order,
            "place": place_name(order),
            "recalled_lots": await recalled_lots(order),
            "events": await events_of(order.intent.id) if order.intent else [],
            "transfers": await transfers_of_order(order.id),
            "error": error.message(language_of(request.scope)) if error else None,
        },
        status_code=error.status if error else 200,
    )


class SellerOrderPages(Controller):
    path = "/seller/{producer_id:int}"
    include_in_schema = False

    @get("/orders", name="seller_orders")
    async def queue(
        self,
        request: Request[Any, Any, Any],
        producer_id: FromPath[int],
        state_filter: Annotated[str | None, QueryParameter(name="state")] = None,
        page: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
    ) -> Template:
        """Orders by state; opening the queue clears the new-order badge."""
        context = await seller_context(request, producer_id)
        account: Account = context["account"]
        orders = await seller_orders(account, producer_id, state_filter or None, page)
        template = Template(
            template_name="orders/seller_orders.html",
            context={
                **context,
                "orders": orders,
                "state": state_filter or "",
                "counts": await state_counts(account, producer_id),
                "unmatched": await unmatched_transfers(account, producer_id),
            },
        )
        await mark_orders_seen(account.id, producer_id)
        return template

    @get("/orders/{order_id:int}", name="seller_order")
    async def order_page(
        self, request: Request[Any, Any, Any], producer_id: FromPath[int], order_id: FromPath[int]
    ) -> Template:
        return await _order_page(request, producer_id, order_id)

    @post("/orders/{order_id:int}/{action:str}", name="seller_order_action")
    async def act(
        self,
        request: Request[Any, Any, Any],
        producer_id: FromPath[int],
        order_id: FromPath[int],
        action: FromPath[str],
    ) -> Template | Redirect:
        """“Đã nhận tiền”, “Bắt đầu đóng gói”, “Đã gửi hàng” and “Hủy đơn”."""
        account = await require_account(request)
        change = ACTIONS.get(action)
        if change is None:
            return await _order_page(request, producer_id, order_id)
        try:
            await change(account, producer_id, order_id)
        except ApplicationError as error:
            if error.status in (401, 403, 404):
                raise
            return await _order_page(request, producer_id, order_id, error)
        return Redirect(f"/seller/{producer_id}/orders/{order_id}")

    @get("/orders/{order_id:int}/packing-list", name="seller_packing_list")
    async def packing_list(
        self, request: Request[Any, Any, Any], producer_id: FromPath[int], order_id: FromPath[int]
    ) -> Template:
        """A printable sheet to put in the parcel and to pack from."""
        context = await seller_context(request, producer_id)
        order: Order = await seller_order(context["account"], producer_id, order_id)
        return Template(
            template_name="orders/packing_list.html",
            context={
                **context,
                "order": order,
                "place": place_name(order),
                "recalled_lots": await recalled_lots(order),
            },
        )

    @post("/transfers/{transfer_id:int}/assign", name="seller_assign_transfer")
    async def assign(
        self,
        request: Request[Any, Any, Any],
        producer_id: FromPath[int],
        transfer_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Template | Redirect:
        """“Gán cho đơn”: an unmatched credit pays the order the seller names."""
        account = await require_account(request)
        try:
            outcome = await assign_transfer(
                account, producer_id, transfer_id, data.get("order_reference", "")
            )
        except ApplicationError as error:
            if error.status in (401, 403):
                raise
            context = await seller_context(request, producer_id)
            return Template(
                template_name="orders/seller_orders.html",
                context={
                    **context,
                    "orders": await seller_orders(account, producer_id),
                    "state": "",
                    "counts": await state_counts(account, producer_id),
                    "unmatched": await unmatched_transfers(account, producer_id),
                    "error": error.message(language_of(request.scope)),
                    "assign_transfer_id": transfer_id,
                },
                status_code=error.status,
            )
        return Redirect(f"/seller/{producer_id}/orders?assigned={outcome.order_reference}")
