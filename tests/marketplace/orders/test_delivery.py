"""Each producer sets its own delivery options: flat or per-province fee, pickup, COD."""

import pytest

from marketplace.errors import InvalidInput, PermissionDenied
from marketplace.orders.delivery import (
    DEFAULT_DELIVERY_FEE_VND,
    delivery_settings,
    save_delivery_settings,
)
from marketplace.orders.schemas import DELIVERY, DELIVERY_COD, PICKUP, DeliverySettingsInput
from tests.shop import build_shop


async def test_a_producer_that_set_nothing_offers_delivery_at_the_default_fee(db):
    shop = await build_shop()
    settings = await delivery_settings(shop.producer_ids["ngoc_lu"])
    assert settings.methods() == [DELIVERY]
    assert settings.fee(DELIVERY, "01") == DEFAULT_DELIVERY_FEE_VND


async def test_province_fees_override_the_flat_fee_and_pickup_is_free(db):
    shop = await build_shop()
    settings = await save_delivery_settings(
        shop.seller,
        shop.producer_ids["ngoc_lu"],
        DeliverySettingsInput(
            delivery_fee_vnd=40_000,
            province_fees={"37": 15_000, "1": 25_000},
            pickup_enabled=True,
            pickup_address="Thôn Ngọc Lũ, xã Bình An",
            cod_allowed=True,
        ),
    )
    assert settings.methods() == [DELIVERY, DELIVERY_COD, PICKUP]
    assert settings.fee(DELIVERY, "37") == 15_000
    assert settings.fee(DELIVERY_COD, "01") == 25_000  # "1" was read as Hà Nội's "01"
    assert settings.fee(DELIVERY, "38") == 40_000
    assert settings.fee(PICKUP, "38") == 0
    assert await delivery_settings(shop.producer_ids["ngoc_lu"]) == settings


@pytest.mark.parametrize(
    ("given", "code"),
    [
        (DeliverySettingsInput(delivery_enabled=False), "delivery_none"),
        (DeliverySettingsInput(delivery_fee_vnd=-1), "delivery_fee_invalid"),
        (DeliverySettingsInput(province_fees={"99": 1000}), "province_unknown"),
        (DeliverySettingsInput(pickup_enabled=True, pickup_address=""), "pickup_address_invalid"),
    ],
)
async def test_impossible_delivery_options_are_refused(db, given, code):
    shop = await build_shop()
    with pytest.raises(InvalidInput) as raised:
        await save_delivery_settings(shop.seller, shop.producer_ids["ngoc_lu"], given)
    assert raised.value.code == code


async def test_cash_on_delivery_needs_delivery(db):
    shop = await build_shop()
    settings = await save_delivery_settings(
        shop.seller,
        shop.producer_ids["ngoc_lu"],
        DeliverySettingsInput(
            delivery_enabled=False,
            pickup_enabled=True,
            pickup_address="Nhà văn hóa thôn",
            cod_allowed=True,
        ),
    )
    assert settings.methods() == [PICKUP]


async def test_only_the_producers_people_change_its_delivery_options(db):
    shop = await build_shop()
    with pytest.raises(PermissionDenied):
        await save_delivery_settings(
            shop.other_seller, shop.producer_ids["ngoc_lu"], DeliverySettingsInput()
        )
