"""A provider's webhook request, from raw bytes to recorded transfers.

The request is authenticated before anything is read or written: a forged, tampered or stale
request (wrong HMAC, wrong API key, timestamp more than 5 minutes away) records nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from marketplace.errors import invalid_field
from marketplace.orders.schemas import TransferOutcome
from marketplace.payments import providers
from marketplace.payments._webhook_fields import json_object
from marketplace.payments.connections import PROVIDERS, ProviderSecrets, endpoint, touch
from marketplace.payments.providers import Transfer
from marketplace.payments.transfers import record_transfer


def _check_provider(provider: str) -> None:
    if provider not in PROVIDERS:
        raise invalid_field(
            "provider",
            "provider_unknown",
            "Nhà cung cấp phải là sepay, casso hoặc payos.",
            "The provider must be sepay, casso or payos.",
        )


def authenticate(
    provider: str,
    secrets: ProviderSecrets,
    headers: Mapping[str, str],
    raw_body: bytes,
    now: datetime,
) -> None:
    """Raise Unauthenticated unless the provider really sent this request just now."""
    if provider == providers.SEPAY:
        providers.verify_sepay(
            headers,
            raw_body,
            api_key=secrets.api_key or None,
            hmac_secret=secrets.hmac_secret or None,
            now=now,
        )
    elif provider == providers.CASSO:
        providers.verify_casso(headers, raw_body, checksum_key=secrets.checksum_key, now=now)
    else:
        providers.verify_payos(raw_body, checksum_key=secrets.checksum_key)


def _is_payos_non_payment(raw_body: bytes) -> bool:
    # payOS also posts a signed test ping when the webhook URL is saved, and failed payments.
    body = json_object(raw_body)
    data = body.get("data") if isinstance(body, dict) else None
    code = body.get("code") if isinstance(body, dict) else None
    return code != "00" or (isinstance(data, dict) and data.get("code", "00") != "00")


def transfers_in(provider: str, raw_body: bytes) -> list[Transfer]:
    """The transfers an authenticated body reports (a payOS non-payment reports none)."""
    if provider == providers.SEPAY:
        return [providers.parse_sepay(raw_body)]
    if provider == providers.CASSO:
        return providers.parse_casso(raw_body)
    if _is_payos_non_payment(raw_body):
        return []
    return [providers.parse_payos(raw_body)]


@dataclass(frozen=True)
class AuthenticatedWebhook:
    """A request the provider connected at `endpoint_id` really sent, not yet read further."""

    provider: str
    endpoint_id: str
    connection_id: int
    raw_body: bytes
    received_at: datetime


async def authenticate_webhook(
    provider: str,
    endpoint_id: str,
    headers: Mapping[str, str],
    raw_body: bytes,
    now: datetime | None = None,
) -> AuthenticatedWebhook:
    """Check the provider, the endpoint and the request's signature or key; nothing is written.

    Raises InvalidInput, NotFound or Unauthenticated for a request not from the provider.
    """
    _check_provider(provider)
    now = now or datetime.now(UTC)
    connection, secrets = await endpoint(provider, endpoint_id)
    authenticate(provider, secrets, headers, raw_body, now)
    return AuthenticatedWebhook(provider, endpoint_id, connection.id, raw_body, now)


async def record_webhook(webhook: AuthenticatedWebhook) -> list[TransferOutcome]:
    """Record each transfer an authenticated request reports (idempotent)."""
    outcomes = [
        await record_transfer(webhook.provider, webhook.endpoint_id, transfer, webhook.received_at)
        for transfer in transfers_in(webhook.provider, webhook.raw_body)
    ]
    await touch(webhook.connection_id)
    return outcomes


async def receive_webhook(
    provider: str,
    endpoint_id: str,
    headers: Mapping[str, str],
    raw_body: bytes,
    now: datetime | None = None,
) -> list[TransferOutcome]:
    """Authenticate a webhook request, then record each transfer it reports."""
    webhook = await authenticate_webhook(provider, endpoint_id, headers, raw_body, now)
    return await record_webhook(webhook)
