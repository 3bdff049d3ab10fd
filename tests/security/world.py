"""Two sellers, a buyer and two officers of different provinces, each with something to lose.

Built through the real services so that every owned write route has a real target: seller A's
producer (province 37) with a product, a photo, two batches, an order, a payment connection, an
unmatched transfer and an API token; officer 37's heritage site with a festival, a photo and a
narration. Seller B (province 38) owns a producer and product of his own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from marketplace.accounts.service import Account, create_api_token, sign_up
from marketplace.catalogue.photos import add_product_photo
from marketplace.catalogue.producers import create_producer
from marketplace.catalogue.products import create_product
from marketplace.catalogue.schemas import ProducerInput, ProductInput
from marketplace.orders import carts
from marketplace.orders.checkout import place_orders
from marketplace.orders.schemas import Address, Buyer
from marketplace.orders.tables import ReceivedTransfer
from marketplace.payments.connections import ProviderSecrets, connect_provider
from marketplace.payments.providers import Transfer
from marketplace.payments.transfers import record_transfer
from tests.conftest import make_client
from tests.heritage_sites import jpeg_with_gps, new_site, wav
from traceability.batches import BatchDetails, open_batch
from traceability.heritage import service as heritage
from traceability.heritage import uploads
from traceability.heritage.schemas import FestivalInput

PASSWORD = "mat-khau-an-toan-1"
SEPAY_KEY = "sepay-api-key-0123456789"
SEPAY_HMAC = "sepay-hmac-secret-0123456789"
PHONES = {
    "seller": "0913000001",
    "other_seller": "0913000002",
    "buyer": "0913000003",
    "officer": "0913000004",
    "other_officer": "0913000005",
}
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@dataclass
class World:
    accounts: dict[str, Account]
    api_tokens: dict[str, str]  # actor -> bearer secret
    producer: int
    product: int
    photo_key: str  # the second photo (not yet the cover)
    first_photo_key: str
    batch: str  # page writes
    closing_batch: str
    api_batch: str  # API writes
    other_batch: str  # link target
    order: int
    order_reference: str
    connection: int
    transfer: int
    token_ids: list[int]  # two spare tokens of seller A, to revoke
    other_producer: int
    other_product: int
    site: int
    festival: int
    site_photo: int
    endpoint_id: str


async def _producer(seller: Account, name: str, province: str, commune: str) -> int:
    producer = await create_producer(
        seller,
        ProducerInput(
            name=name,
            kind="hop_tac_xa",
            province_code=province,
            commune_code=commune,
            bank_bin="970422",
            bank_account="0123456789" if province == "37" else "5555666677",
            bank_holder=name,
        ),
    )
    return producer.public.id


async def _product(seller: Account, producer: int, name: str) -> int:
    product = await create_product(
        seller,
        producer,
        ProductInput(name=name, unit="kg", price_vnd=45_000, stock=50, status="active"),
    )
    return product.id


async def people() -> dict[str, Account]:
    """Just the five accounts (sellers, buyer, officers of provinces 37 and 38)."""
    return {
        key: await sign_up(
            phone,
            PASSWORD,
            key.replace("_", " ").title(),
            is_officer="officer" in key,
            officer_province_code={"officer": "37", "other_officer": "38"}.get(key),
        )
        for key, phone in PHONES.items()
    }


async def seller_product() -> int:
    """The five accounts and one product of seller A, on sale."""
    accounts = await people()
    producer = await _producer(accounts["seller"], "HTX Bưởi Ngọc Lũ", "37", "13540")
    return await _product(accounts["seller"], producer, "Bưởi Ngọc Lũ")


async def build_world() -> World:
    accounts = await people()
    seller, other = accounts["seller"], accounts["other_seller"]
    producer = await _producer(seller, "HTX Bưởi Ngọc Lũ", "37", "13540")
    product = await _product(seller, producer, "Bưởi Ngọc Lũ")
    first_photo = await add_product_photo(seller, product, jpeg_with_gps((160, 120)), "Bưởi")
    photo = await add_product_photo(seller, product, jpeg_with_gps((150, 100)), "Vườn")
    other_producer = await _producer(other, "HTX Mật ong Bá Thước", "38", "14758")
    other_product = await _product(other, other_producer, "Mật ong Bá Thước")
    details = BatchDetails(quantity=Decimal("100"), unit="kg")
    batch = await open_batch(seller, product, details)
    closing_batch = await open_batch(seller, product, details)
    api_batch = await open_batch(seller, product, details)
    other_batch = await open_batch(seller, product, details)

    cart = await carts.new_cart()
    await carts.add_to_cart(cart, product, 1)
    (order,) = await place_orders(
        cart,
        Buyer(name="Trần Thị Mai", phone="0987 654 321"),
        Address(province_code="01", commune_code="00004", line="Số 12 ngõ 5 phố Hàng Bạc"),
        {},
        datetime.now(UTC),
    )
    connection = await connect_provider(
        seller, producer, "sepay", ProviderSecrets(api_key=SEPAY_KEY, hmac_secret=SEPAY_HMAC)
    )
    await record_transfer(
        "sepay",
        connection.endpoint_id,
        Transfer("sepay", "555", "0123456789", order.total_vnd, "ck", datetime.now(UTC), "in", {}),
    )
    transfer = await ReceivedTransfer.select(ReceivedTransfer.id).first()
    assert transfer is not None

    tokens: dict[str, str] = {}
    for key, account in accounts.items():
        tokens[key] = (await create_api_token(account.id, f"cli-{key}"))[1]
    token_ids = [(await create_api_token(seller.id, f"spare-{n}"))[0].id for n in (1, 2)]

    officer = accounts["officer"]
    site = await new_site(officer)
    festival = await heritage.add_festival(
        officer, site.id, FestivalInput(names={"vi": "Hội đình"}, lunar_month=1, lunar_day=15)
    )
    site_photo = await uploads.add_photo(officer, site.id, jpeg_with_gps((160, 100)))
    await uploads.set_audio(officer, site.id, "vi", wav())
    return World(
        accounts=accounts,
        api_tokens=tokens,
        producer=producer,
        product=product,
        photo_key=photo.media_key,
        first_photo_key=first_photo.media_key,
        batch=batch.code,
        closing_batch=closing_batch.code,
        api_batch=api_batch.code,
        other_batch=other_batch.code,
        order=order.id,
        order_reference=order.reference,
        connection=connection.id,
        transfer=int(transfer["id"]),
        token_ids=token_ids,
        other_producer=other_producer,
        other_product=other_product,
        site=site.id,
        festival=festival,
        site_photo=site_photo,
        endpoint_id=connection.endpoint_id,
    )


async def page_token(client: httpx.AsyncClient, path: str = "/login") -> str:
    page = await client.get(path)
    match = _CSRF.search(page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def logged_in(app: Any, phone: str | None) -> tuple[httpx.AsyncClient, str]:
    """A browser (cookie session) signed in as `phone` (anonymous if None), with its token."""
    client = make_client(app)
    client.follow_redirects = False
    token = await page_token(client)
    if phone is not None:
        response = await client.post(
            "/login", data={"phone": phone, "password": PASSWORD, "_csrf_token": token}
        )
        assert response.status_code in (302, 303), response.text
        token = await page_token(client, "/account")
    return client, token
