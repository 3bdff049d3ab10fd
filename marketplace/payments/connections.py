"""Each producer's own SePay, Casso or payOS account, connected for bank-transfer webhooks.

A connection has a random public `endpoint_id` (the webhook URL names it) and the secrets that
authenticate the provider's requests, sealed at rest (`sealing`). Secrets are never shown again
after they are saved: a seller who lost one pastes a new one.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marketplace.accounts.service import Account
from marketplace.catalogue import members
from marketplace.config import get_settings
from marketplace.db import write_transaction
from marketplace.errors import NotFound, invalid_field
from marketplace.orders.tables import ProviderConnection as ConnectionRow
from marketplace.payments.providers import CASSO, PAYOS, SEPAY
from marketplace.payments.sealing import SealError, seal, unseal

PROVIDERS: dict[str, str] = {SEPAY: "SePay", CASSO: "Casso", PAYOS: "payOS"}
WEBHOOK_PATH = "/api/v1/payments/webhooks/{provider}/{endpoint_id}"


@dataclass(frozen=True)
class ProviderSecrets:
    """SePay: an API key and/or an HMAC secret. Casso and payOS: their checksum key."""

    api_key: str = ""
    hmac_secret: str = ""
    checksum_key: str = ""


@dataclass(frozen=True)
class Connection:
    id: int
    producer_id: int
    provider: str
    endpoint_id: str
    active: bool
    created_at: datetime
    last_webhook_at: datetime | None
    # Which secrets are set, never their values.
    secret_names: tuple[str, ...]

    @property
    def provider_name(self) -> str:
        return PROVIDERS[self.provider]

    @property
    def webhook_path(self) -> str:
        return WEBHOOK_PATH.format(provider=self.provider, endpoint_id=self.endpoint_id)


def _unknown_endpoint() -> NotFound:
    return NotFound(
        "webhook_endpoint_unknown",
        "Không có kết nối thanh toán nào với địa chỉ webhook này.",
        "No payment connection has this webhook address.",
    )


def _secrets(row: dict[str, Any]) -> ProviderSecrets:
    try:
        values = json.loads(unseal(row["sealed_secrets"], get_settings().secret_key))
    except SealError:
        # Sealed under another SECRET_KEY: the connection cannot authenticate anything.
        return ProviderSecrets()
    return ProviderSecrets(**values)


def _connection(row: dict[str, Any]) -> Connection:
    names = tuple(name for name, value in vars(_secrets(row)).items() if value)
    return Connection(
        id=row["id"],
        producer_id=row["producer"],
        provider=row["provider"],
        endpoint_id=row["endpoint_id"],
        active=row["active"],
        created_at=row["created_at"],
        last_webhook_at=row["last_webhook_at"],
        secret_names=names,
    )


def _clean_secret(value: str, field: str) -> str:
    secret = value.strip()
    if secret and not (8 <= len(secret) <= 300 and secret.isprintable()):
        raise invalid_field(
            field,
            "provider_secret_invalid",
            "Khóa bí mật phải có từ 8 đến 300 ký tự.",
            "The secret must have 8 to 300 characters.",
        )
    return secret


def _check(provider: str, given: ProviderSecrets) -> ProviderSecrets:
    if provider not in PROVIDERS:
        raise invalid_field(
            "provider",
            "provider_unknown",
            "Vui lòng chọn SePay, Casso hoặc payOS.",
            "Please choose SePay, Casso or payOS.",
        )
    cleaned = ProviderSecrets(
        api_key=_clean_secret(given.api_key, "api_key") if provider == SEPAY else "",
        hmac_secret=_clean_secret(given.hmac_secret, "hmac_secret") if provider == SEPAY else "",
        checksum_key=_clean_secret(given.checksum_key, "checksum_key") if provider != SEPAY else "",
    )
    if not any(vars(cleaned).values()):
        field = "api_key" if provider == SEPAY else "checksum_key"
        raise invalid_field(
            field,
            "provider_secret_missing",
            f"Vui lòng dán khóa bí mật lấy từ trang quản trị {PROVIDERS[provider]}.",
            f"Please paste the secret from your {PROVIDERS[provider]} dashboard.",
        )
    return cleaned


async def connect_provider(
    account: Account, producer_id: int, provider: str, given: ProviderSecrets
) -> Connection:
    """Connect a provider account to the producer (owners only); returns its webhook address."""
    await members.require_owner(account.id, producer_id)
    cleaned = _check(provider, given)
    sealed = seal(json.dumps(vars(cleaned)), get_settings().secret_key)
    async with write_transaction():
        rows = await ConnectionRow.insert(
            ConnectionRow(
                producer=producer_id,
                provider=provider,
                endpoint_id=secrets.token_urlsafe(18),
                sealed_secrets=sealed,
                created_by=account.id,
            )
        )
    return await _by_id(int(rows[0]["id"]))


async def disconnect_provider(account: Account, producer_id: int, connection_id: int) -> None:
    """Stop accepting webhooks at a connection (kept, inactive, for the transfers it recorded)."""
    await members.require_owner(account.id, producer_id)
    async with write_transaction():
        changed = (
            await ConnectionRow.update({ConnectionRow.active: False})
            .where((ConnectionRow.id == connection_id) & (ConnectionRow.producer == producer_id))
            .returning(ConnectionRow.id)
        )
    if not changed:
        raise NotFound(
            "connection_not_found",
            "Cơ sở này không có kết nối thanh toán đó.",
            "This producer has no such payment connection.",
        )


async def _by_id(connection_id: int) -> Connection:
    row = await ConnectionRow.select().where(ConnectionRow.id == connection_id).first()
    if row is None:
        raise _unknown_endpoint()
    return _connection(row)


async def connections_of(account: Account, producer_id: int) -> list[Connection]:
    """The producer's active connections, newest first."""
    await members.require_member(account.id, producer_id)
    rows = (
        await ConnectionRow.select()
        .where((ConnectionRow.producer == producer_id) & (ConnectionRow.active == True))  # noqa: E712
        .order_by(ConnectionRow.id, ascending=False)
    )
    return [_connection(row) for row in rows]


async def endpoint(provider: str, endpoint_id: str) -> tuple[Connection, ProviderSecrets]:
    """The active connection a webhook URL names, with its secrets; NotFound otherwise."""
    row = (
        await ConnectionRow.select()
        .where(
            (ConnectionRow.endpoint_id == endpoint_id)
            & (ConnectionRow.provider == provider)
            & (ConnectionRow.active == True)  # noqa: E712
        )
        .first()
    )
    if row is None:
        raise _unknown_endpoint()
    return _connection(row), _secrets(row)


async def producer_endpoint(producer_id: int) -> tuple[Connection, ProviderSecrets] | None:
    """The producer's newest active connection with its secrets (for simulated webhooks)."""
    row = (
        await ConnectionRow.select()
        .where((ConnectionRow.producer == producer_id) & (ConnectionRow.active == True))  # noqa: E712
        .order_by(ConnectionRow.id, ascending=False)
        .first()
    )
    return (_connection(row), _secrets(row)) if row else None


async def touch(connection_id: int) -> None:
    """Remember when the provider last reached us (shown to the seller)."""
    async with write_transaction():
        await ConnectionRow.update({ConnectionRow.last_webhook_at: datetime.now(UTC)}).where(
            ConnectionRow.id == connection_id
        )
