"""A seller's order-notification URL cannot point the server into our own network (SSRF)."""

import pytest

from marketplace.errors import InvalidInput
from marketplace.orders import notifications
from marketplace.orders.tables import OrderNotification
from tests.shop import build_shop, checkout
from tests.support import submit

INTERNAL = [
    "https://127.0.0.1:8303/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.1/",
    "https://192.168.1.10/hook",
    "https://172.16.0.5/hook",
    "https://100.64.0.1/hook",
    "https://0.0.0.0/hook",
    "https://224.0.0.1/hook",
    "https://240.0.0.1/hook",
    "https://[::1]/hook",
    "https://[fe80::1]/hook",
    "https://[fc00::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://localhost/hook",
    "https://LOCALHOST.:8443/hook",
    "https://api.localhost/hook",
    "https://127.1/hook",
    "https://2130706433/hook",
]


@pytest.mark.parametrize("url", INTERNAL)
async def test_an_internal_address_is_refused_when_saved(db, url):
    shop = await build_shop()
    with pytest.raises(InvalidInput) as raised:
        await notifications.set_notification_url(shop.seller, shop.producer_ids["ngoc_lu"], url)
    assert raised.value.code == "notification_url_not_public"
    assert await notifications.notification_url(shop.producer_ids["ngoc_lu"]) is None


async def test_a_public_https_url_is_still_accepted(db):
    shop = await build_shop()
    producer = shop.producer_ids["ngoc_lu"]
    await notifications.set_notification_url(shop.seller, producer, "https://8.8.8.8/hook")
    assert await notifications.notification_url(producer) == "https://8.8.8.8/hook"


async def test_the_settings_page_explains_the_refusal_in_both_languages(client):
    shop = await build_shop()
    producer = shop.producer_ids["ngoc_lu"]
    login = await submit(
        client, "/login", {"phone": shop.seller.phone, "password": "mat-khau-ban-hang"}
    )
    assert login.status_code == 200
    page_path = f"/seller/{producer}/payments"
    for lang, words in (("vi", "địa chỉ IP nội bộ"), ("en", "private IP address")):
        client.cookies.set("lang", lang)
        response = await submit(
            client,
            f"{page_path}/notifications?lang={lang}",
            {"notification_url": "https://169.254.169.254/latest/meta-data/"},
            page_path,
        )
        assert response.status_code == 422
        assert words in response.text
    assert await notifications.notification_url(producer) is None


@pytest.mark.parametrize(
    "url", ["https://127.0.0.1:9/hook", "https://localhost:9/hook", "https://[::1]:9/hook"]
)
async def test_a_queued_message_to_an_internal_address_is_not_sent(db, url):
    """A host that resolves to an internal address when the message is sent (DNS rebinding,
    or a URL saved before the rule) is refused then, not connected to."""
    shop = await build_shop()
    producer = shop.producer_ids["ngoc_lu"]
    await notifications.set_notification_url(shop.seller, producer, "https://shop.example.vn/h")
    await checkout({shop.product_ids["buoi"]: 1})
    await OrderNotification.update({OrderNotification.url: url}, force=True)

    assert await notifications.deliver_notifications() == 0
    (row,) = await OrderNotification.select()
    assert row["state"] == "pending"
    assert row["attempts"] == 1
    assert row["last_error"].startswith("refused")
