"""Sellers and buyers are reached on Vietnamese numbers; officers reset only their province's."""

from datetime import UTC, datetime

import pytest

from marketplace.accounts.service import sign_up
from marketplace.accounts.tables import User
from marketplace.errors import InvalidInput
from marketplace.orders import carts
from marketplace.orders.checkout import place_orders
from marketplace.orders.schemas import Buyer
from tests.shop import ADDRESS, build_shop
from tests.support import submit

NOT_VIETNAMESE = ["+1 415 555 0100", "+44 20 7946 0958", "1900 1234", "1800 1234"]
PASSWORD = "mat-khau-an-toan-1"


@pytest.mark.parametrize("phone", NOT_VIETNAMESE)
async def test_sign_up_refuses_a_number_that_is_not_a_vietnamese_line(client, phone):
    response = await submit(
        client, "/signup", {"phone": phone, "password": PASSWORD, "display_name": "Lê Văn Tám"}
    )
    assert response.status_code == 422
    assert "số điện thoại di động hoặc cố định Việt Nam" in response.text
    assert await User.count() == 0


@pytest.mark.parametrize("phone", ["0912 345 678", "+84 912 345 678", "024 3825 3536"])
async def test_vietnamese_mobile_and_landline_numbers_are_accepted(db, phone):
    account = await sign_up(phone, PASSWORD, "Lê Văn Tám")
    assert account.phone.startswith("+84")


@pytest.mark.parametrize("phone", NOT_VIETNAMESE)
async def test_checkout_refuses_a_buyer_phone_that_is_not_vietnamese(db, phone):
    shop = await build_shop()
    token = await carts.new_cart()
    await carts.add_to_cart(token, shop.product_ids["buoi"], 1)
    with pytest.raises(InvalidInput) as refused:
        await place_orders(
            token, Buyer(name="Trần Thị Mai", phone=phone), ADDRESS, {}, datetime.now(UTC)
        )
    assert refused.value.code == "phone_not_vietnamese"


async def test_an_account_made_before_the_rule_still_logs_in(client):
    await sign_up("0912000999", PASSWORD, "Khách cũ")
    await User.update({User.phone: "+14155550100"}).where(User.phone == "+84912000999")
    response = await submit(client, "/login", {"phone": "+1 415 555 0100", "password": PASSWORD})
    assert response.status_code == 200
    assert "Khách cũ" in (await client.get("/account")).text
