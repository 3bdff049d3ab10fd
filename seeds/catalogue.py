"""Seed producers and products through the catalogue services; a second run changes nothing."""

from __future__ import annotations

from marketplace.accounts.service import Account, account_by_phone
from marketplace.catalogue import photos
from marketplace.catalogue import producers as producer_service
from marketplace.catalogue import products as product_service
from marketplace.catalogue.schemas import ProducerInput, ProductInput
from marketplace.catalogue.tables import Producer, Product
from marketplace.catalogue.validation import base_slug
from seeds.catalogue_data import PRODUCERS, SeedProducer, SeedProduct
from seeds.people import OFFICERS
from seeds.photos import product_photo


async def _officer_for(province_code: str) -> Account:
    phone = next(p for p, _, province in OFFICERS if province == province_code)
    return await account_by_phone(phone)


async def _producer_id(seed: SeedProducer, owner: Account) -> tuple[int, bool]:
    row = await Producer.select(Producer.id).where(Producer.slug == base_slug(seed.name)).first()
    if row is not None:
        return int(row["id"]), False
    created = await producer_service.create_producer(
        owner,
        ProducerInput(
            name=seed.name,
            kind=seed.kind,
            province_code=seed.province_code,
            commune_code=seed.commune_code,
            story=seed.story,
            phone=seed.phone,
            address_line=seed.address_line,
            latitude=seed.latitude,
            longitude=seed.longitude,
            bank_bin=seed.bank_bin,
            bank_account=seed.bank_account,
            bank_holder=seed.bank_holder,
            show_phone=seed.show_phone,
        ),
    )
    if seed.verified:
        await producer_service.set_verified(
            await _officer_for(seed.province_code), created.public.id, True
        )
    return created.public.id, True


async def _ensure_product(
    seed: SeedProduct, producer_id: int, owner: Account, province_code: str
) -> bool:
    if await Product.exists().where(Product.slug == base_slug(seed.name)):
        return False
    product = await product_service.create_product(
        owner,
        producer_id,
        ProductInput(
            name=seed.name,
            unit=seed.unit,
            price_vnd=seed.price_vnd,
            stock=seed.stock,
            description_vi=seed.description_vi,
            description_en=seed.description_en,
            ocop_group=seed.ocop_group,
            ocop_set=seed.ocop_set,
            ocop_stars=seed.stars,
            ocop_decision_no=seed.decision_no,
            ocop_decision_date=seed.decision_date,
            certifications=seed.certifications,
            status="active",
            featured=seed.featured,
        ),
    )
    await photos.add_product_photo(
        owner, product.id, product_photo(seed.name, seed.ocop_group), seed.name
    )
    if seed.stars and seed.ocop_verified:
        await product_service.set_ocop_verified(await _officer_for(province_code), product.id, True)
    return True


async def load() -> dict[str, int]:
    producers = products = 0
    for seed in PRODUCERS:
        owner = await account_by_phone(seed.owner_phone)
        producer_id, created = await _producer_id(seed, owner)
        producers += created
        for product in seed.products:
            products += await _ensure_product(product, producer_id, owner, seed.province_code)
    return {"producers": producers, "products": products}
