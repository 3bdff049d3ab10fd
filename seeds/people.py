"""The demo seller and demo officer whose credentials the README gives."""

from __future__ import annotations

from marketplace.accounts.service import sign_up
from marketplace.accounts.tables import User

DEMO_SELLER_PHONE = "+84912000001"
DEMO_SELLER_PASSWORD = "langso-seller"
DEMO_OFFICER_PHONE = "+84912000009"
DEMO_OFFICER_PASSWORD = "langso-officer"


async def load() -> dict[str, int]:
    created = 0
    if not await User.exists().where(User.phone == DEMO_SELLER_PHONE):
        await sign_up(DEMO_SELLER_PHONE, DEMO_SELLER_PASSWORD, "Nguyễn Thị Hoa")
        created += 1
    if not await User.exists().where(User.phone == DEMO_OFFICER_PHONE):
        await sign_up(
            DEMO_OFFICER_PHONE,
            DEMO_OFFICER_PASSWORD,
            "Trần Văn Minh",
            is_officer=True,
            officer_province_code="37",
        )
        created += 1
    return {"accounts": created}
