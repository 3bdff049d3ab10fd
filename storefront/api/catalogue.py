"""Products and producers in the JSON API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from marketplace import places
from marketplace.catalogue import producers as producer_service
from marketplace.catalogue import products as product_service
from marketplace.catalogue import queries
from marketplace.catalogue.schemas import (
    Producer,
    ProducerInput,
    Product,
    ProductFilters,
    ProductInput,
)
from storefront.api.money import Dong
from storefront.auth import require_account
from storefront.cache import TTLCache

Sort = Literal["newest", "price_asc", "price_desc", "name", "stars"]
_lists: TTLCache[bytes] = TTLCache(ttl=1.0)


class PlaceOut(msgspec.Struct):
    code: str
    name: str


class PhotoOut(msgspec.Struct):
    url_240: str
    url_480: str
    url_960: str
    width: int
    height: int
    alt: str


class OcopOut(msgspec.Struct):
    group: int | None
    product_set: int | None
    stars: int | None
    certified_stars: int | None
    decision_no: str | None
    decision_date: date | None
    valid_until: date | None
    expired: bool
    verified: bool


class ProducerRef(msgspec.Struct):
    id: int
    slug: str
    name: str


class ProductOut(msgspec.Struct):
    id: int
    slug: str
    url: str
    name: str
    description_vi: str
    description_en: str
    producer: ProducerRef
    province: PlaceOut
    commune: PlaceOut
    ocop: OcopOut
    certifications: list[str]
    unit: str
    price_vnd: int
    stock: int
    in_stock: bool
    gtin: str | None
    status: str
    photos: list[PhotoOut]
    updated_at: datetime


class ProductList(msgspec.Struct):
    items: list[ProductOut]
    total: int
    page: int
    page_size: int


class ProducerOut(msgspec.Struct):
    id: int
    slug: str
    url: str
    name: str
    kind: str
    story: str
    province: PlaceOut
    commune: PlaceOut
    address_line: str | None
    phone: str | None
    latitude: float | None
    longitude: float | None
    verified: bool
    product_count: int


class ProducerList(msgspec.Struct):
    items: list[ProducerOut]
    total: int
    page: int
    page_size: int


class ProductWrite(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    unit: str
    price_vnd: Dong
    stock: int = 0
    description_vi: str = ""
    description_en: str = ""
    ocop_group: int | None = None
    ocop_set: int | None = None
    ocop_stars: int | None = None
    ocop_decision_no: str | None = None
    ocop_decision_date: date | None = None
    certifications: list[str] = []
    gtin: str | None = None
    status: Literal["draft", "active", "archived"] = "draft"


class ProductPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    name: str | msgspec.UnsetType = msgspec.UNSET
    unit: str | msgspec.UnsetType = msgspec.UNSET
    price_vnd: Dong | msgspec.UnsetType = msgspec.UNSET
    stock: int | msgspec.UnsetType = msgspec.UNSET
    description_vi: str | msgspec.UnsetType = msgspec.UNSET
    description_en: str | msgspec.UnsetType = msgspec.UNSET
    ocop_group: int | msgspec.UnsetType | None = msgspec.UNSET
    ocop_set: int | msgspec.UnsetType | None = msgspec.UNSET
    ocop_stars: int | msgspec.UnsetType | None = msgspec.UNSET
    ocop_decision_no: str | msgspec.UnsetType | None = msgspec.UNSET
    ocop_decision_date: date | msgspec.UnsetType | None = msgspec.UNSET
    certifications: list[str] | msgspec.UnsetType = msgspec.UNSET
    gtin: str | msgspec.UnsetType | None = msgspec.UNSET
    status: Literal["draft", "active", "archived"] | msgspec.UnsetType = msgspec.UNSET


class ProducerWrite(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    kind: Literal["ho_kinh_doanh", "hop_tac_xa", "doanh_nghiep"]
    province_code: str
    commune_code: str
    story: str = ""
    phone: str = ""
    address_line: str = ""
    latitude: float | None = None
    longitude: float | None = None
    bank_bin: str | None = None
    bank_account: str | None = None
    bank_holder: str | None = None
    show_phone: bool = False
    show_address: bool = False


def product_out(product: Product) -> ProductOut:
    return ProductOut(
        id=product.id,
        slug=product.slug,
        url=f"/products/{product.slug}",
        name=product.name,
        description_vi=product.description_vi,
        description_en=product.description_en,
        producer=ProducerRef(product.producer_id, product.producer_slug, product.producer_name),
        province=PlaceOut(product.province_code, product.province_name),
        commune=PlaceOut(product.commune_code, product.commune_name),
        ocop=OcopOut(
            group=product.ocop_group,
            product_set=product.ocop_set,
            stars=product.ocop.stars,
            certified_stars=product.ocop.certified_stars,
            decision_no=product.ocop_decision_no,
            decision_date=product.ocop_decision_date,
            valid_until=product.ocop.valid_until,
            expired=product.ocop.expired,
            verified=product.ocop_verified,
        ),
        certifications=list(product.certifications),
        unit=product.unit,
        price_vnd=product.price_vnd,
        stock=product.stock,
        in_stock=product.stock > 0,
        gtin=product.gtin,
        status=product.status,
        photos=[
            PhotoOut(p.url(240), p.url(480), p.url(960), p.width, p.height, p.alt)
            for p in product.photos
        ],
        updated_at=product.updated_at,
    )


def producer_out(producer: Producer) -> ProducerOut:
    return ProducerOut(
        id=producer.id,
        slug=producer.slug,
        url=f"/producers/{producer.slug}",
        name=producer.name,
        kind=producer.kind,
        story=producer.story,
        province=PlaceOut(producer.province_code, producer.province_name),
        commune=PlaceOut(producer.commune_code, producer.commune_name),
        address_line=producer.address_line,
        phone=producer.phone,
        latitude=producer.latitude,
        longitude=producer.longitude,
        verified=producer.verified,
        product_count=producer.product_count,
    )


def _product_input(data: ProductWrite) -> ProductInput:
    fields = msgspec.structs.asdict(data)
    fields["certifications"] = tuple(fields["certifications"])
    return ProductInput(**fields)


class CatalogueApi(Controller):
    path = "/api/v1"
    tags = ["catalogue"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @get("/products", operation_id="ListProducts", cache=False)
    async def list_products(
        self,
        request: Request[Any, Any, Any],
        province: FromQuery[str | None] = None,
        commune: FromQuery[str | None] = None,
        group: Annotated[int | None, QueryParameter(ge=1, le=6)] = None,
        product_set: Annotated[int | None, QueryParameter(name="set", ge=1, le=26)] = None,
        stars: Annotated[int | None, QueryParameter(ge=3, le=5, description="at least")] = None,
        certification: FromQuery[str | None] = None,
        producer: FromQuery[str | None] = None,
        price_min: Annotated[int | None, QueryParameter(ge=0)] = None,
        price_max: Annotated[int | None, QueryParameter(ge=0)] = None,
        sort: FromQuery[Sort] = "newest",
        page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> ProductList:
        """Active products, filtered, sorted and paginated (cached for one second)."""
        filters = ProductFilters(
            province_code=province,
            commune_code=commune,
            ocop_group=group,
            ocop_set=product_set,
            min_stars=stars,
            certification=certification,
            producer_slug=producer,
            price_min=price_min,
            price_max=price_max,
        )

        async def load() -> bytes:
            result = await queries.list_products(filters, sort, page, page_size)
            listing = ProductList(
                [product_out(p) for p in result.items], result.total, page, page_size
            )
            return msgspec.json.encode(listing)

        body = await _lists.get_or_load(str(request.url.query), load)
        return msgspec.json.decode(body, type=ProductList)

    @get("/products/{slug:str}", operation_id="GetProduct")
    async def get_product(self, slug: FromPath[str]) -> ProductOut:
        return product_out(await queries.get_product_by_slug(slug))

    @post("/producers/{producer_id:int}/products", operation_id="CreateProduct", status_code=201)
    async def create_product(
        self,
        request: Request[Any, Any, Any],
        producer_id: FromPath[int],
        data: JSONBody[ProductWrite],
    ) -> ProductOut:
        """A new product of a producer the caller works for."""
        account = await require_account(request)
        product = await product_service.create_product(account, producer_id, _product_input(data))
        _lists.clear()
        return product_out(product)

    @patch("/products/{product_id:int}", operation_id="UpdateProduct")
    async def update_product(
        self,
        request: Request[Any, Any, Any],
        product_id: FromPath[int],
        data: JSONBody[ProductPatch],
    ) -> ProductOut:
        """Change some fields of a product of the caller's producer; the fields left out keep
        their stored values (stock sold meanwhile is not put back)."""
        account = await require_account(request)
        current = await queries.get_product(product_id)
        merged = ProductWrite(
            name=current.name,
            unit=current.unit,
            price_vnd=Dong(current.price_vnd),
            stock=current.stock,
            description_vi=current.description_vi,
            description_en=current.description_en,
            ocop_group=current.ocop_group,
            ocop_set=current.ocop_set,
            ocop_stars=current.ocop.certified_stars,
            ocop_decision_no=current.ocop_decision_no,
            ocop_decision_date=current.ocop_decision_date,
            certifications=list(current.certifications),
            gtin=current.gtin,
            status=current.status,  # type: ignore[arg-type]
        )
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        merged = msgspec.structs.replace(merged, **changes)
        product = await product_service.update_product(
            account, product_id, _product_input(merged), only=changes.keys()
        )
        _lists.clear()
        return product_out(product)

    @post("/products/{product_id:int}/archive", operation_id="ArchiveProduct", status_code=200)
    async def archive_product(
        self, request: Request[Any, Any, Any], product_id: FromPath[int]
    ) -> ProductOut:
        account = await require_account(request)
        product = await product_service.archive_product(account, product_id)
        _lists.clear()
        return product_out(product)

    @get("/producers", operation_id="ListProducers")
    async def list_producers(
        self,
        province: FromQuery[str | None] = None,
        verified: FromQuery[bool | None] = None,
        page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> ProducerList:
        result = await queries.list_producers(province, verified, page, page_size)
        return ProducerList([producer_out(p) for p in result.items], result.total, page, page_size)

    @get("/producers/{slug:str}", operation_id="GetProducer")
    async def get_producer(self, slug: FromPath[str]) -> ProducerOut:
        return producer_out(await queries.get_producer_by_slug(slug))

    @post("/producers", operation_id="CreateProducer", status_code=201)
    async def create_producer(
        self, request: Request[Any, Any, Any], data: JSONBody[ProducerWrite]
    ) -> ProducerOut:
        """Register a producer; the caller becomes its owner."""
        account = await require_account(request)
        producer = await producer_service.create_producer(
            account, ProducerInput(**msgspec.structs.asdict(data))
        )
        return producer_out(producer.public)

    @put("/producers/{producer_id:int}", operation_id="UpdateProducer")
    async def update_producer(
        self,
        request: Request[Any, Any, Any],
        producer_id: FromPath[int],
        data: JSONBody[ProducerWrite],
    ) -> ProducerOut:
        account = await require_account(request)
        producer = await producer_service.update_producer(
            account, producer_id, ProducerInput(**msgspec.structs.asdict(data))
        )
        _lists.clear()
        return producer_out(producer.public)


class ProvinceOut(msgspec.Struct):
    code: str
    name: str
    full_name: str


class CommuneOut(msgspec.Struct):
    code: str
    name: str
    full_name: str
    kind: str
    province_code: str


class PlaceResolutionOut(msgspec.Struct):
    commune: CommuneOut | None
    choices: list[CommuneOut]


class PlacesApi(Controller):
    path = "/api/v1/places"
    tags = ["places"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @get("/provinces", operation_id="ListProvinces")
    async def list_provinces(self) -> list[ProvinceOut]:
        """The 34 provincial units in force since 1 July 2025."""
        return [ProvinceOut(p.code, p.name, p.full_name) for p in places.provinces()]

    @get("/provinces/{code:str}/communes", operation_id="ListCommunes")
    async def list_communes(self, code: FromPath[str]) -> list[CommuneOut]:
        places.province(code)
        return [_commune(c) for c in places.communes(code)]

    @get("/resolve", operation_id="ResolvePlace")
    async def resolve(
        self, q: Annotated[str, QueryParameter(min_length=1, max_length=200)]
    ) -> PlaceResolutionOut:
        """Map an address written the old way ("Ngọc Lũ, Bình Lục, Hà Nam") to today's commune;
        when an old district became several communes, every choice is returned."""
        result = places.resolve_place(q)
        return PlaceResolutionOut(
            commune=_commune(result.commune) if result.commune else None,
            choices=[_commune(c) for c in result.choices],
        )


def _commune(commune: places.Commune) -> CommuneOut:
    return CommuneOut(
        commune.code, commune.name, commune.full_name, commune.kind, commune.province_code
    )
