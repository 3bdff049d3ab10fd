"""Seed accounts: the demo sellers and officers whose credentials the README gives."""

from __future__ import annotations

from marketplace.accounts.service import sign_up
from marketplace.accounts.tables import User
from seeds.catalogue_data import SELLER_NAMES

DEMO_SELLER_PHONE = "+84912000001"
DEMO_SELLER_PASSWORD = "langso-seller"
SECOND_SELLER_PHONE = "+84912000002"
SECOND_SELLER_PASSWORD = "langso-seller2"
OTHER_SELLERS_PASSWORD = "langso-demo"
OFFICERS = (
    ("+84912000009", "Trần Văn Minh", "37"),  # Ninh Bình
    ("+84912000010", "Lê Thị Ngọc", "38"),  # Thanh Hóa
)
OFFICER_PASSWORD = "langso-officer"


def seller_password(phone: str) -> str:
    return {
        DEMO_SELLER_PHONE: DEMO_SELLER_PASSWORD,
        SECOND_SELLER_PHONE: SECOND_SELLER_PASSWORD,
    }.get(phone, OTHER_SELLERS_PASSWORD)


async def load() -> dict[str, int]:
    created = 0
    for phone, name in SELLER_NAMES.items():
        if not await User.exists().where(User.phone == phone):
            await sign_up(phone, seller_password(phone), name)
            created += 1
    for phone, name, province_code in OFFICERS:
        if not await User.exists().where(User.phone == phone):
            await sign_up(
                phone, OFFICER_PASSWORD, name, is_officer=True, officer_province_code=province_code
            )
            created += 1
    return {"accounts": created}
