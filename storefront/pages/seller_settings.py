"""The seller's payment connections (SePay, Casso, payOS) and delivery options, as pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from marketplace import places
from marketplace.catalogue.queries import payment_account
from marketplace.catalogue.typed_values import parse_whole_number
from marketplace.errors import ApplicationError, InvalidInput, invalid_field
from marketplace.orders.delivery import delivery_settings, save_delivery_settings
from marketplace.orders.notifications import (
    clear_notification_url,
    notification_url,
    set_notification_url,
)
from marketplace.orders.schemas import DeliverySettingsInput
from marketplace.payments.connections import (
    PROVIDERS,
    ProviderSecrets,
    connect_provider,
    connections_of,
    disconnect_provider,
)
from storefront.middleware import language_of
from storefront.pages.forms import field_errors
from storefront.pages.seller_orders import seller_context


@dataclass(frozen=True)
class _NotificationForm:
    """The order-notification form as it is shown again: typed URL, new secret or error."""

    form: dict[str, str] = field(default_factory=dict)
    secret: str | None = None
    error: ApplicationError | None = None


def _base_url(request: Request[Any, Any, Any]) -> str:
    return str(request.base_url).rstrip("/")


async def _payments_page(
    request: Request[Any, Any, Any],
    producer_id: int,
    form: dict[str, str] | None = None,
    error: ApplicationError | None = None,
    connected_id: int | None = None,
    notifications: _NotificationForm | None = None,
) -> Template:
    context = await seller_context(request, producer_id)
    language = language_of(request.scope)
    notifications = notifications or _NotificationForm()
    notification_error = notifications.error
    failure = error or notification_error
    return Template(
        template_name="orders/seller_payments.html",
        context={
            **context,
            "notification_url": await notification_url(producer_id),
            "notification_form": notifications.form,
            "notification_secret": notifications.secret,
            "notification_error": (
                notification_error.message(language) if notification_error else None
            ),
            "notification_errors": (
                field_errors(notification_error, language) if notification_error else {}
            ),
            "connections": await connections_of(context["account"], producer_id),
            "bank": await payment_account(producer_id),
            "providers": PROVIDERS,
            "base_url": _base_url(request),
            "form": form or {},
            "connected_id": connected_id,
            "error": error.message(language) if error else None,
            "errors": field_errors(error, language) if error else {},
        },
        status_code=failure.status if failure else 200,
    )


def _fee(raw: str, field: str) -> int:
    """Read as the price field reads ("25000", "25.000", "25.000 ₫"); "15.000,00" or "30,5"
    are refused, never read as 1.500.000 or 305."""
    try:
        return parse_whole_number(raw, field)
    except InvalidInput:
        raise invalid_field(
            field,
            "delivery_fee_invalid",
            "Phí giao hàng phải là số đồng nguyên, từ 0 đến 5.000.000 ₫ (ví dụ: 25000 hoặc "
            "25.000).",
            "The delivery fee must be a whole number of đồng, 0 to 5,000,000 (e.g. 25000 or "
            "25.000).",
        ) from None


def _delivery_input(data: dict[str, str]) -> DeliverySettingsInput:
    province_fees = {
        key.removeprefix("province_fee_"): _fee(value, key)
        for key, value in data.items()
        if key.startswith("province_fee_") and value.strip()
    }
    return DeliverySettingsInput(
        delivery_enabled=data.get("delivery_enabled") == "on",
        delivery_fee_vnd=_fee(data.get("delivery_fee_vnd", "0") or "0", "delivery_fee_vnd"),
        province_fees=province_fees,
        pickup_enabled=data.get("pickup_enabled") == "on",
        pickup_address=data.get("pickup_address", ""),
        cod_allowed=data.get("cod_allowed") == "on",
    )


async def _delivery_page(
    request: Request[Any, Any, Any],
    producer_id: int,
    form: dict[str, str] | None = None,
    error: ApplicationError | None = None,
    saved: bool = False,
) -> Template:
    context = await seller_context(request, producer_id)
    language = language_of(request.scope)
    settings = await delivery_settings(producer_id)
    if form is None:
        form = {
            "delivery_enabled": "on" if settings.delivery_enabled else "",
            "delivery_fee_vnd": str(settings.delivery_fee_vnd),
            "pickup_enabled": "on" if settings.pickup_enabled else "",
            "pickup_address": settings.pickup_address,
            "cod_allowed": "on" if settings.cod_allowed else "",
            **{f"province_fee_{k}": str(v) for k, v in settings.province_fees.items()},
        }
    return Template(
        template_name="orders/seller_delivery.html",
        context={
            **context,
            "form": form,
            "has_province_fees": any(k.startswith("province_fee_") and v for k, v in form.items()),
            "provinces": places.provinces(),
            "saved": saved,
            "error": error.message(language) if error else None,
            "errors": field_errors(error, language) if error else {},
        },
        status_code=error.status if error else 200,
    )


class SellerSettingsPages(Controller):
    path = "/seller/{producer_id:int}"
    include_in_schema = False

    @get("/payments", name="seller_payments")
    async def payments(
        self, request: Request[Any, Any, Any], producer_id: FromPath[int]
    ) -> Template:
        return await _payments_page(request, producer_id)

    @post("/payments", name="seller_connect_provider")
    async def connect(
        self,
        request: Request[Any, Any, Any],
        producer_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Template:
        """Connect a provider; the page then shows the webhook URL to paste at the provider."""
        context = await seller_context(request, producer_id)
        form = {"provider": data.get("provider", "")}
        given = ProviderSecrets(
            api_key=data.get("api_key", ""),
            hmac_secret=data.get("hmac_secret", ""),
            checksum_key=data.get("checksum_key", ""),
        )
        try:
            connection = await connect_provider(
                context["account"], producer_id, form["provider"], given
            )
        except ApplicationError as error:
            if error.status == 403:
                raise
            return await _payments_page(request, producer_id, form, error)
        return await _payments_page(request, producer_id, connected_id=connection.id)

    @post("/payments/{connection_id:int}/disconnect", name="seller_disconnect_provider")
    async def disconnect(
        self,
        request: Request[Any, Any, Any],
        producer_id: FromPath[int],
        connection_id: FromPath[int],
    ) -> Redirect:
        context = await seller_context(request, producer_id)
        await disconnect_provider(context["account"], producer_id, connection_id)
        return Redirect(f"/seller/{producer_id}/payments")

    @post("/payments/notifications", name="seller_set_notification_url")
    async def set_notifications(
        self,
        request: Request[Any, Any, Any],
        producer_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Template:
        """Save the URL new and paid orders are POSTed to; the page shows the new secret once."""
        context = await seller_context(request, producer_id)
        form = {"notification_url": data.get("notification_url", "")}
        try:
            secret = await set_notification_url(
                context["account"], producer_id, form["notification_url"]
            )
        except ApplicationError as error:
            if error.status == 403:
                raise
            notice = _NotificationForm(form=form, error=error)
            return await _payments_page(request, producer_id, notifications=notice)
        notice = _NotificationForm(secret=secret)
        return await _payments_page(request, producer_id, notifications=notice)

    @post("/payments/notifications/clear", name="seller_clear_notification_url")
    async def clear_notifications(
        self, request: Request[Any, Any, Any], producer_id: FromPath[int]
    ) -> Redirect:
        context = await seller_context(request, producer_id)
        await clear_notification_url(context["account"], producer_id)
        return Redirect(f"/seller/{producer_id}/payments")

    @get("/delivery", name="seller_delivery")
    async def delivery(
        self, request: Request[Any, Any, Any], producer_id: FromPath[int]
    ) -> Template:
        return await _delivery_page(request, producer_id)

    @post("/delivery", name="seller_save_delivery")
    async def save_delivery(
        self,
        request: Request[Any, Any, Any],
        producer_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Template:
        context = await seller_context(request, producer_id)
        try:
            await save_delivery_settings(context["account"], producer_id, _delivery_input(data))
        except ApplicationError as error:
            if error.status == 403:
                raise
            return await _delivery_page(request, producer_id, dict(data), error)
        return await _delivery_page(request, producer_id, saved=True)
