"""Reading the catalogue: products and producers as buyers, sellers and other packages see them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from piccolo.columns.combination import And, Where, WhereRaw
from piccolo.query.methods.select import Select

from marketplace import places
from marketplace.catalogue.ocop import VALIDITY_MONTHS, add_months, ocop_status
from marketplace.catalogue.schemas import (
    BankAccount,
    Page,
    Photo,
    Producer,
    ProducerPrivate,
    Product,
    ProductFilters,
)
from marketplace.catalogue.tables import Producer as ProducerRow
from marketplace.catalogue.tables import Product as ProductRow
from marketplace.catalogue.tables import ProductPhoto
from marketplace.db import reading
from marketplace.errors import NotFound
from marketplace.search.documents import SearchDocument

MAX_PAGE_SIZE = 100

_PRODUCER_COLUMNS = (
    ProductRow.producer.slug,
    ProductRow.producer.name,
    ProductRow.producer.province_code,
    ProductRow.producer.commune_code,
)


def today_in_vietnam() -> date:
    return datetime.now(UTC).astimezone(places_timezone()).date()


def places_timezone() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Ho_Chi_Minh")


def _place_names(province_code: str, commune_code: str) -> tuple[str, str]:
    try:
        province = places.province(province_code).name
    except Exception:
        province = province_code
    try:
        commune = places.commune(commune_code).full_name
    except Exception:
        commune = commune_code
    return province, commune


def _certifications(stored: str) -> tuple[str, ...]:
    return tuple(code for code in stored.split(",") if code)


def _product(row: dict[str, Any], photos: Sequence[Photo], today: date) -> Product:
    province_name, commune_name = _place_names(
        row["producer.province_code"], row["producer.commune_code"]
    )
    return Product(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        description_vi=row["description_vi"],
        description_en=row["description_en"],
        producer_id=row["producer"],
        producer_slug=row["producer.slug"],
        producer_name=row["producer.name"],
        province_code=row["producer.province_code"],
        province_name=province_name,
        commune_code=row["producer.commune_code"],
        commune_name=commune_name,
        ocop_group=row["ocop_group"],
        ocop_set=row["ocop_set"],
        ocop=ocop_status(row["ocop_stars"], row["ocop_decision_date"], today),
        ocop_decision_no=row["ocop_decision_no"],
        ocop_decision_date=row["ocop_decision_date"],
        ocop_verified=row["ocop_verified"],
        certifications=_certifications(row["certifications"]),
        unit=row["unit"],
        price_vnd=row["price_vnd"],
        stock=row["stock"],
        gtin=row["gtin"],
        status=row["status"],
        featured=row["featured"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        photos=tuple(photos),
    )


def _product_query() -> Select[Any]:
    return ProductRow.select(*ProductRow.all_columns(), *_PRODUCER_COLUMNS)


def _where(filters: ProductFilters, today: date) -> list[Where | And | WhereRaw]:
    conditions: list[Any] = []
    if filters.status:
        conditions.append(ProductRow.status == filters.status)
    if filters.province_code:
        conditions.append(ProductRow.producer.province_code == filters.province_code)
    if filters.commune_code:
        conditions.append(ProductRow.producer.commune_code == filters.commune_code)
    if filters.ocop_group is not None:
        conditions.append(ProductRow.ocop_group == filters.ocop_group)
    if filters.ocop_set is not None:
        conditions.append(ProductRow.ocop_set == filters.ocop_set)
    if filters.min_stars is not None:
        cutoff = add_months(today, -VALIDITY_MONTHS)
        conditions.append(ProductRow.ocop_stars >= filters.min_stars)
        conditions.append(ProductRow.ocop_decision_date > cutoff)
    if filters.certification:
        conditions.append(ProductRow.certifications.like(f"%,{filters.certification},%"))
    if filters.producer_id is not None:
        conditions.append(ProductRow.producer == filters.producer_id)
    if filters.producer_slug:
        conditions.append(ProductRow.producer.slug == filters.producer_slug)
    if filters.price_min is not None:
        conditions.append(ProductRow.price_vnd >= filters.price_min)
    if filters.price_max is not None:
        conditions.append(ProductRow.price_vnd <= filters.price_max)
    if filters.featured is not None:
        conditions.append(ProductRow.featured == filters.featured)
    return conditions


def _ordered(query: Select[Any], sort: str) -> Select[Any]:
    if sort == "price_asc":
        return query.order_by(ProductRow.price_vnd).order_by(ProductRow.id)
    if sort == "price_desc":
        return query.order_by(ProductRow.price_vnd, ascending=False).order_by(ProductRow.id)
    if sort == "name":
        return query.order_by(ProductRow.slug).order_by(ProductRow.id)
    if sort == "stars":
        return query.order_by(ProductRow.ocop_stars, ascending=False).order_by(ProductRow.id)
    return query.order_by(ProductRow.created_at, ascending=False).order_by(
        ProductRow.id, ascending=False
    )


async def _photos_of(product_ids: list[int]) -> dict[int, list[Photo]]:
    if not product_ids:
        return {}
    rows = (
        await ProductPhoto.select(
            ProductPhoto.product,
            ProductPhoto.media_key,
            ProductPhoto.width,
            ProductPhoto.height,
            ProductPhoto.alt,
        )
        .where(ProductPhoto.product.is_in(product_ids))
        .order_by(ProductPhoto.position)
        .order_by(ProductPhoto.id)
    )
    photos: dict[int, list[Photo]] = {}
    for row in rows:
        photos.setdefault(row["product"], []).append(
            Photo(row["media_key"], row["width"], row["height"], row["alt"])
        )
    return photos


async def list_products(
    filters: ProductFilters, sort: str = "newest", page: int = 1, page_size: int = 20
) -> Page[Product]:
    """One page of products matching `filters`, with their total count."""
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    today = today_in_vietnam()
    conditions = _where(filters, today)
    async with reading():
        query = _product_query()
        count = ProductRow.count()
        for condition in conditions:
            query = query.where(condition)
            count = count.where(condition)
        rows = await _ordered(query, sort).limit(page_size).offset((page - 1) * page_size)
        total = await count
        photos = await _photos_of([row["id"] for row in rows])
    items = [_product(row, photos.get(row["id"], []), today) for row in rows]
    return Page(items=items, total=total, page=page, page_size=page_size)


async def get_product(product_id: int) -> Product:
    return await _one_product(ProductRow.id == product_id)


async def get_product_by_slug(slug: str) -> Product:
    return await _one_product(ProductRow.slug == slug)


async def _one_product(condition: Where) -> Product:
    async with reading():
        row = await _product_query().where(condition).first()
        if row is None:
            raise NotFound("product_not_found", "Không tìm thấy sản phẩm.", "Product not found.")
        photos = await _photos_of([row["id"]])
    return _product(row, photos.get(row["id"], []), today_in_vietnam())


def _producer(row: dict[str, Any], product_count: int = 0) -> Producer:
    province_name, commune_name = _place_names(row["province_code"], row["commune_code"])
    return Producer(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        kind=row["kind"],
        story=row["story"],
        province_code=row["province_code"],
        province_name=province_name,
        commune_code=row["commune_code"],
        commune_name=commune_name,
        address_line=row["address_line"] if row["show_address"] else None,
        phone=row["phone"] if row["show_phone"] and row["phone"] else None,
        latitude=row["latitude"],
        longitude=row["longitude"],
        verified=row["verified"],
        product_count=product_count,
    )


async def get_producer_by_slug(slug: str) -> Producer:
    return (await _producer_private(ProducerRow.slug == slug)).public


async def get_producer(producer_id: int) -> Producer:
    return (await _producer_private(ProducerRow.id == producer_id)).public


async def get_producer_private(producer_id: int) -> ProducerPrivate:
    """Everything about a producer; callers must have checked membership or officer rights."""
    return await _producer_private(ProducerRow.id == producer_id)


async def _producer_private(condition: Where) -> ProducerPrivate:
    async with reading():
        row = await ProducerRow.select().where(condition).first()
        if row is None:
            raise NotFound(
                "producer_not_found", "Không tìm thấy cơ sở sản xuất.", "Producer not found."
            )
        count = await ProductRow.count().where(
            (ProductRow.producer == row["id"]) & (ProductRow.status == "active")
        )
    bank = None
    if row["bank_bin"] and row["bank_account"]:
        bank = BankAccount(row["bank_bin"], row["bank_account"], row["bank_holder"] or "")
    return ProducerPrivate(
        public=_producer(row, count),
        phone=row["phone"],
        address_line=row["address_line"],
        show_phone=row["show_phone"],
        show_address=row["show_address"],
        bank=bank,
    )


async def list_producers(
    province_code: str | None = None,
    verified: bool | None = None,
    page: int = 1,
    page_size: int = 20,
) -> Page[Producer]:
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    query = ProducerRow.select().order_by(ProducerRow.name).order_by(ProducerRow.id)
    count = ProducerRow.count()
    if province_code:
        query, count = (
            query.where(ProducerRow.province_code == province_code),
            count.where(ProducerRow.province_code == province_code),
        )
    if verified is not None:
        query, count = (
            query.where(ProducerRow.verified == verified),
            count.where(ProducerRow.verified == verified),
        )
    async with reading():
        rows = await query.limit(page_size).offset((page - 1) * page_size)
        total = await count
    return Page([_producer(row) for row in rows], total, page, page_size)


async def payment_account(producer_id: int) -> BankAccount | None:
    """Where a buyer's transfer to this producer goes (its own account: there is no escrow)."""
    return (await get_producer_private(producer_id)).bank


def search_document(product: Product) -> SearchDocument | None:
    """The product as search indexes it, or None when buyers must not find it."""
    if product.status != "active":
        return None
    return SearchDocument(
        product_id=product.id,
        slug=product.slug,
        name=product.name,
        description_vi=product.description_vi,
        description_en=product.description_en,
        producer_id=product.producer_id,
        producer_name=product.producer_name,
        producer_slug=product.producer_slug,
        province_code=product.province_code,
        province_name=product.province_name,
        commune_code=product.commune_code,
        commune_name=product.commune_name,
        ocop_group=product.ocop_group,
        ocop_set=product.ocop_set,
        ocop_stars=product.ocop.stars,
        certifications=product.certifications,
        price_vnd=product.price_vnd,
        unit=product.unit,
        photo_url=product.photos[0].url(480) if product.photos else None,
        updated_at=product.updated_at,
        # and the names people still give the place from before the 2025 merger ("Hà Nam")
        extra_keywords=(
            *_ocop_keywords(product.ocop.stars),
            *places.former_names(product.commune_code),
        ),
    )


def _ocop_keywords(stars: int | None) -> tuple[str, ...]:
    """What buyers type for a rated product ("ocop", "ocop 4 sao") and no text of it says."""
    return ("OCOP", f"OCOP {stars} sao") if stars else ()


async def search_documents(product_ids: list[int] | None) -> list[SearchDocument]:
    """Search documents of the given products (None: every active product)."""
    today = today_in_vietnam()
    query = _product_query().where(ProductRow.status == "active").order_by(ProductRow.id)
    if product_ids is not None:
        if not product_ids:
            return []
        query = query.where(ProductRow.id.is_in(product_ids))
    async with reading():
        rows = await query
        photos = await _photos_of([row["id"] for row in rows])
    documents = [search_document(_product(r, photos.get(r["id"], []), today)) for r in rows]
    return [d for d in documents if d is not None]
