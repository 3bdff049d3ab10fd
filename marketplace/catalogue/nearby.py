"""OCOP products made near a place: same commune first, then the same province, nearest first.

Heritage pages use it to lead visitors from a relic to the sellers around it. Distances are
ordered in SQL with an equirectangular approximation (plain arithmetic, so both SQLite and
PostgreSQL can sort by it) and reported with the haversine formula.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from marketplace import media
from marketplace.catalogue.tables import Product
from marketplace.places import commune, province

EARTH_RADIUS_KM = 6371.0
THUMBNAIL_BUCKET = 240  # the smallest rendition of marketplace.images
DEFAULT_LIMIT = 8

_SELECT = """
SELECT p.id, p.slug, p.name, p.price_vnd, p.unit,
       pr.name AS producer_name, pr.slug AS producer_slug,
       pr.province_code, pr.commune_code, pr.latitude, pr.longitude,
       (SELECT ph.media_key FROM catalogue_product_photo ph
         WHERE ph.product = p.id ORDER BY ph.position, ph.id LIMIT 1) AS media_key
FROM catalogue_product p JOIN catalogue_producer pr ON pr.id = p.producer
WHERE p.status = 'active' AND pr.province_code = {}
ORDER BY CASE WHEN pr.commune_code = {} THEN 0 ELSE 1 END,
"""
_BY_DISTANCE = """
         CASE WHEN pr.latitude IS NULL OR pr.longitude IS NULL THEN 1 ELSE 0 END,
         (pr.latitude - {}) * (pr.latitude - {})
           + (pr.longitude - {}) * {} * (pr.longitude - {}) * {},
"""
_TAIL = " p.name, p.id LIMIT {}"


@dataclass(frozen=True)
class NearbyProduct:
    """An active product and where it is made; `distance_km` when both places have a point."""

    product_id: int
    slug: str
    name: str
    price_vnd: int
    unit: str
    producer_name: str
    producer_slug: str
    commune_name: str
    province_name: str
    same_commune: bool
    distance_km: float | None
    photo_url: str | None

    @property
    def url(self) -> str:
        return f"/products/{self.slug}"


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


async def products_near(
    province_code: str,
    commune_code: str,
    latitude: float | None = None,
    longitude: float | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[NearbyProduct]:
    """Active products of producers in the province, those of the commune first, then nearest
    first where the place and the producer both have a map point, then by name."""
    sql, args = _query(province_code, commune_code, latitude, longitude, limit)
    rows = await Product.raw(sql, *args)
    return [_nearby(row, commune_code, latitude, longitude) for row in rows]


def _query(
    province_code: str,
    commune_code: str,
    latitude: float | None,
    longitude: float | None,
    limit: int,
) -> tuple[str, list[Any]]:
    args: list[Any] = [province_code, commune_code]
    sql = _SELECT
    if latitude is not None and longitude is not None:
        # One degree of longitude shrinks with the cosine of the latitude.
        shrink = math.cos(math.radians(latitude))
        sql += _BY_DISTANCE
        args += [latitude, latitude, longitude, shrink, longitude, shrink]
    return sql + _TAIL, [*args, limit]


def _nearby(
    row: dict[str, Any], commune_code: str, latitude: float | None, longitude: float | None
) -> NearbyProduct:
    distance = None
    producer_point = (row["latitude"], row["longitude"])
    if latitude is not None and longitude is not None and None not in producer_point:
        distance = round(distance_km(latitude, longitude, *producer_point), 1)
    media_key = row["media_key"]
    return NearbyProduct(
        product_id=int(row["id"]),
        slug=str(row["slug"]),
        name=str(row["name"]),
        price_vnd=int(row["price_vnd"]),
        unit=str(row["unit"]),
        producer_name=str(row["producer_name"]),
        producer_slug=str(row["producer_slug"]),
        commune_name=commune(row["commune_code"]).name,
        province_name=province(row["province_code"]).name,
        same_commune=row["commune_code"] == commune_code,
        distance_km=distance,
        photo_url=media.url(f"{media_key}-{THUMBNAIL_BUCKET}.jpg") if media_key else None,
    )
