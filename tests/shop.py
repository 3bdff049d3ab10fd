"""A small shop for order and payment tests, built through the real services.

Two producers of one seller (each with its own bank account) and a third of another seller,
each with a product; a buyer's cart and checkout in one call.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marketplace.accounts.service import Account, sign_up
from marketplace.catalogue.producers import create_producer
from marketplace.catalogue.products import create_product
from marketplace.catalogue.schemas import ProducerInput, ProductInput
from marketplace.orders import carts
from marketplace.orders.checkout import place_orders
from marketplace.orders.schemas import Address, Buyer, Order
from marketplace.payments.connections import ProviderSecrets, connect_provider

_phones = itertools.count(1)
BUYER = Buyer(name="Trần Thị Mai", phone="0987 654 321")
ADDRESS = Address(province_code="01", commune_code="00004", line="Số 12 ngõ 5 phố Hàng Bạc")
SEPAY_KEY = "sepay-api-key-0123456789"
SEPAY_HMAC = "sepay-hmac-secret-0123456789"
CASSO_KEY = "casso-checksum-key-0123456789"
PAYOS_KEY = "payos-checksum-key-0123456789"


@dataclass
class Shop:
    seller: Account
    other_seller: Account
    producer_ids: dict[str, int]
    product_ids: dict[str, int]
    accounts: dict[str, str]  # producer key -> bank account number


async def new_seller(name: str = "Nguyễn Thị Hoa") -> Account:
    number = next(_phones)
    return await sign_up(f"+8491{number:07d}", "mat-khau-ban-hang", name)


async def new_producer(
    seller: Account, name: str, account_number: str | None, province_code: str = "37"
) -> int:
    commune = "13540" if province_code == "37" else "14758"
    bank: dict[str, Any] = {}
    if account_number:
        bank = {"bank_bin": "970422", "bank_account": account_number, "bank_holder": name}
    producer = await create_producer(
        seller,
        ProducerInput(
            name=name,
            kind="hop_tac_xa",
            province_code=province_code,
            commune_code=commune,
            **bank,
        ),
    )
    return producer.public.id


async def new_product(
    seller: Account, producer_id: int, name: str, price_vnd: int, stock: int
) -> int:
    product = await create_product(
        seller,
        producer_id,
        ProductInput(name=name, unit="kg", price_vnd=price_vnd, stock=stock, status="active"),
    )
    return product.id


async def build_shop() -> Shop:
    seller = await new_seller()
    other = await new_seller("Lê Văn Nam")
    accounts = {"ngoc_lu": "0123456789", "hoa_lu": "9876543210", "ba_thuoc": "5555666677"}
    producers = {
        "ngoc_lu": await new_producer(seller, "HTX Bưởi Ngọc Lũ", accounts["ngoc_lu"]),
        "hoa_lu": await new_producer(seller, "HTX Gạo Hoa Lư", accounts["hoa_lu"]),
        "ba_thuoc": await new_producer(other, "HTX Mật ong Bá Thước", accounts["ba_thuoc"], "38"),
    }
    products = {
        "buoi": await new_product(seller, producers["ngoc_lu"], "Bưởi Ngọc Lũ", 45_000, 10),
        "gao": await new_product(seller, producers["hoa_lu"], "Gạo tám Hoa Lư", 30_000, 20),
        "mat_ong": await new_product(other, producers["ba_thuoc"], "Mật ong Bá Thước", 250_000, 5),
    }
    return Shop(seller, other, producers, products, accounts)


async def checkout(
    items: dict[int, int],
    deliveries: dict[int, str] | None = None,
    now: datetime | None = None,
) -> list[Order]:
    """A fresh cart with `items` (product id -> quantity), checked out by a guest."""
    token = await carts.new_cart()
    for product_id, quantity in items.items():
        await carts.add_to_cart(token, product_id, quantity)
    return await place_orders(token, BUYER, ADDRESS, deliveries or {}, now or datetime.now(UTC))


async def connect(shop: Shop, producer_key: str = "ngoc_lu", provider: str = "sepay") -> str:
    """Connect a provider to one of the shop's producers; its endpoint id."""
    seller = shop.other_seller if producer_key == "ba_thuoc" else shop.seller
    given = {
        "sepay": ProviderSecrets(api_key=SEPAY_KEY, hmac_secret=SEPAY_HMAC),
        "casso": ProviderSecrets(checksum_key=CASSO_KEY),
        "payos": ProviderSecrets(checksum_key=PAYOS_KEY),
    }[provider]
    connection = await connect_provider(seller, shop.producer_ids[producer_key], provider, given)
    return connection.endpoint_id
