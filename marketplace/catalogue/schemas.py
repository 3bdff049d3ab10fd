"""What the catalogue services take and give: plain frozen dataclasses, never table rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

from marketplace.catalogue.ocop import OcopStatus

T = TypeVar("T")

PRODUCER_KINDS: dict[str, tuple[str, str]] = {
    "ho_kinh_doanh": ("Hộ kinh doanh", "Household business"),
    "hop_tac_xa": ("Hợp tác xã", "Cooperative"),
    "doanh_nghiep": ("Doanh nghiệp", "Company"),
}
UNITS = (
    "kg",
    "g",
    "hộp",
    "chai",
    "túi",
    "gói",
    "hũ",
    "lọ",
    "quả",
    "nải",
    "chiếc",
    "bó",
    "lít",
    "thùng",
)
STATUSES = ("draft", "active", "archived")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class BankAccount:
    bank_bin: str
    account: str
    holder: str


@dataclass(frozen=True)
class ProducerInput:
    name: str
    kind: str
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


@dataclass(frozen=True)
class Producer:
    """A producer as the public may see it: phone and exact address only with consent."""

    id: int
    slug: str
    name: str
    kind: str
    story: str
    province_code: str
    province_name: str
    commune_code: str
    commune_name: str
    address_line: str | None
    phone: str | None
    latitude: float | None
    longitude: float | None
    verified: bool
    product_count: int = 0


@dataclass(frozen=True)
class ProducerPrivate:
    """Everything about a producer, for its own members and officers."""

    public: Producer
    phone: str
    address_line: str
    show_phone: bool
    show_address: bool
    bank: BankAccount | None


@dataclass(frozen=True)
class ProductInput:
    name: str
    unit: str
    price_vnd: int
    stock: int = 0
    description_vi: str = ""
    description_en: str = ""
    ocop_group: int | None = None
    ocop_set: int | None = None
    ocop_stars: int | None = None
    ocop_decision_no: str | None = None
    ocop_decision_date: date | None = None
    certifications: tuple[str, ...] = ()
    gtin: str | None = None
    status: str = "draft"
    featured: bool = False


@dataclass(frozen=True)
class Photo:
    media_key: str
    width: int
    height: int
    alt: str

    def url(self, width: int) -> str:
        return f"/media/{self.media_key}-{width}.jpg"


@dataclass(frozen=True)
class Product:
    id: int
    slug: str
    name: str
    description_vi: str
    description_en: str
    producer_id: int
    producer_slug: str
    producer_name: str
    province_code: str
    province_name: str
    commune_code: str
    commune_name: str
    ocop_group: int | None
    ocop_set: int | None
    ocop: OcopStatus
    ocop_decision_no: str | None
    ocop_decision_date: date | None
    ocop_verified: bool
    certifications: tuple[str, ...]
    unit: str
    price_vnd: int
    stock: int
    gtin: str | None
    status: str
    featured: bool
    created_at: datetime
    updated_at: datetime
    photos: tuple[Photo, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ProductFilters:
    province_code: str | None = None
    commune_code: str | None = None
    ocop_group: int | None = None
    ocop_set: int | None = None
    min_stars: int | None = None
    certification: str | None = None
    producer_id: int | None = None
    producer_slug: str | None = None
    price_min: int | None = None
    price_max: int | None = None
    featured: bool | None = None
    status: str = "active"


SORTS = ("newest", "price_asc", "price_desc", "name", "stars")
