"""Each producer's delivery options: delivery (flat fee or a fee per province), pickup, COD.

A producer that never set them offers delivery at `DEFAULT_DELIVERY_FEE_VND`, paid by VietQR,
so that a new producer can sell at once; the seller changes it on the delivery page.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from marketplace import places
from marketplace.accounts.service import Account
from marketplace.catalogue import members
from marketplace.db import write_transaction
from marketplace.errors import NotFound, invalid_field
from marketplace.orders.schemas import DeliverySettings, DeliverySettingsInput
from marketplace.orders.tables import DeliverySettings as DeliverySettingsRow
from marketplace.text import normalize

DEFAULT_DELIVERY_FEE_VND = 30_000
MAX_DELIVERY_FEE_VND = 5_000_000


def default_settings(producer_id: int) -> DeliverySettings:
    return DeliverySettings(
        producer_id=producer_id,
        delivery_enabled=True,
        delivery_fee_vnd=DEFAULT_DELIVERY_FEE_VND,
        province_fees={},
        pickup_enabled=False,
        pickup_address="",
        cod_allowed=False,
    )


def _settings(row: dict[str, Any]) -> DeliverySettings:
    return DeliverySettings(
        producer_id=row["producer"],
        delivery_enabled=row["delivery_enabled"],
        delivery_fee_vnd=row["delivery_fee_vnd"],
        province_fees={str(k): int(v) for k, v in json.loads(row["province_fees"]).items()},
        pickup_enabled=row["pickup_enabled"],
        pickup_address=row["pickup_address"],
        cod_allowed=row["cod_allowed"],
    )


async def delivery_settings(producer_id: int) -> DeliverySettings:
    """The producer's delivery options (the defaults when it never set any)."""
    row = (
        await DeliverySettingsRow.select()
        .where(DeliverySettingsRow.producer == producer_id)
        .first()
    )
    return _settings(row) if row else default_settings(producer_id)


async def delivery_settings_of(producer_ids: list[int]) -> dict[int, DeliverySettings]:
    """Delivery options of several producers at once (checkout shows them side by side)."""
    rows = (
        await DeliverySettingsRow.select().where(DeliverySettingsRow.producer.is_in(producer_ids))
        if producer_ids
        else []
    )
    found = {row["producer"]: _settings(row) for row in rows}
    return {pid: found.get(pid) or default_settings(pid) for pid in producer_ids}


def _check_fee(fee: int, field: str) -> int:
    if isinstance(fee, bool) or not isinstance(fee, int) or not 0 <= fee <= MAX_DELIVERY_FEE_VND:
        raise invalid_field(
            field,
            "delivery_fee_invalid",
            "Phí giao hàng phải là số đồng nguyên, từ 0 đến 5.000.000 ₫.",
            "The delivery fee must be a whole number of đồng, 0 to 5,000,000.",
        )
    return fee


def _check_province_fees(fees: dict[str, int]) -> dict[str, int]:
    checked: dict[str, int] = {}
    for code, fee in fees.items():
        try:
            province = places.province(code)
        except NotFound:
            raise invalid_field(
                f"province_fee_{code}",
                "province_unknown",
                f"Không có tỉnh/thành phố nào mang mã {code!r}.",
                f"There is no province or city with code {code!r}.",
            ) from None
        checked[province.code] = _check_fee(fee, f"province_fee_{province.code}")
    return checked


def _check(data: DeliverySettingsInput) -> dict[str, Any]:
    pickup_address = normalize(data.pickup_address)
    if not data.delivery_enabled and not data.pickup_enabled:
        raise invalid_field(
            "delivery_enabled",
            "delivery_none",
            "Cần bật ít nhất một cách giao: giao hàng hoặc nhận tại cơ sở.",
            "Turn on at least one option: delivery or pickup.",
        )
    if data.pickup_enabled and not 5 <= len(pickup_address) <= 300:
        raise invalid_field(
            "pickup_address",
            "pickup_address_invalid",
            "Vui lòng ghi địa chỉ nhận hàng (5 đến 300 ký tự).",
            "Please give the pickup address (5 to 300 characters).",
        )
    return {
        "delivery_enabled": data.delivery_enabled,
        "delivery_fee_vnd": _check_fee(data.delivery_fee_vnd, "delivery_fee_vnd"),
        "province_fees": json.dumps(_check_province_fees(data.province_fees), sort_keys=True),
        "pickup_enabled": data.pickup_enabled,
        "pickup_address": pickup_address,
        # Cash on delivery needs a delivery.
        "cod_allowed": data.cod_allowed and data.delivery_enabled,
    }


async def save_delivery_settings(
    account: Account, producer_id: int, data: DeliverySettingsInput
) -> DeliverySettings:
    """Replace the producer's delivery options; any member of the producer may do it."""
    await members.require_member(account.id, producer_id)
    fields = _check(data)
    async with write_transaction():
        exists = await DeliverySettingsRow.exists().where(
            DeliverySettingsRow.producer == producer_id
        )
        if exists:
            await DeliverySettingsRow.update(**fields, updated_at=datetime.now(UTC)).where(
                DeliverySettingsRow.producer == producer_id
            )
        else:
            await DeliverySettingsRow.insert(DeliverySettingsRow(producer=producer_id, **fields))
    return await delivery_settings(producer_id)
