"""`POST /api/v1/payments/webhooks/{provider}/{endpoint_id}`: bank-transfer notifications.

SePay, Casso and payOS each call the URL a producer pasted into their dashboard; the endpoint
id selects that producer's connection and secret. CSRF does not apply here (the request is
authenticated by the provider's signature or API key instead, see storefront/app.py).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, post
from litestar.params import FromPath

from marketplace.errors import ApplicationError
from marketplace.payments.webhooks import authenticate_webhook, record_webhook
from storefront import ratelimit
from storefront.app_state import counters
from storefront.clients import client_address


class WebhookAck(msgspec.Struct):
    """What every provider accepts as "received": SePay reads `success`, payOS `error` = 0."""

    success: bool
    error: int
    message: str
    recorded: int
    duplicates: int


@post(
    "/api/v1/payments/webhooks/{provider:str}/{endpoint_id:str}",
    operation_id="ReceivePaymentWebhook",
    tags=["payments"],
    status_code=200,
)
async def receive_payment_webhook(
    request: Request[Any, Any, Any], provider: FromPath[str], endpoint_id: FromPath[str]
) -> WebhookAck:
    """Authenticate a provider's webhook and record the transfers it reports (idempotent).

    A request that fails authentication counts against its client address only; past that
    limit the address gets 429. Authenticated deliveries count against their endpoint.
    """
    raw_body = await request.body()
    try:
        webhook = await authenticate_webhook(provider, endpoint_id, dict(request.headers), raw_body)
    except ApplicationError:
        await ratelimit.enforce(
            counters(request), ratelimit.WEBHOOK_FAILURES_PER_ADDRESS, client_address(request)
        )
        raise
    await ratelimit.enforce(
        counters(request), ratelimit.WEBHOOK_PER_ENDPOINT, f"{provider}:{endpoint_id}"
    )
    outcomes = await record_webhook(webhook)
    duplicates = sum(outcome.duplicate for outcome in outcomes)
    return WebhookAck(
        success=True,
        error=0,
        message="Ok",
        recorded=len(outcomes) - duplicates,
        duplicates=duplicates,
    )
