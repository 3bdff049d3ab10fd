"""What the catalogue hands to search: one flat document per active product."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SearchDocument:
    """A product as search sees it. `ocop_stars` is None when the certificate has expired."""

    product_id: int
    slug: str
    name: str
    description_vi: str
    description_en: str
    producer_id: int
    producer_name: str
    producer_slug: str
    province_code: str
    province_name: str
    commune_code: str
    commune_name: str
    ocop_group: int | None
    ocop_set: int | None
    ocop_stars: int | None
    certifications: tuple[str, ...]
    price_vnd: int
    unit: str
    photo_url: str | None
    updated_at: datetime
    extra_keywords: tuple[str, ...] = field(default_factory=tuple)
