"""Summaries of the catalogue for browsing and for officers: counts by province and OCOP group,
certificates waiting for an officer, certificates about to expire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count

from marketplace import places
from marketplace.catalogue.ocop import GROUPS, VALIDITY_MONTHS, add_months, ocop_status
from marketplace.catalogue.queries import today_in_vietnam
from marketplace.catalogue.tables import Product as ProductRow
from marketplace.db import reading
from marketplace.errors import NotFound

EXPIRY_WARNING_DAYS = 90


@dataclass(frozen=True)
class ProvinceCount:
    code: str
    name: str
    products: int


@dataclass(frozen=True)
class GroupCount:
    group: int
    name_vi: str
    name_en: str
    products: int


@dataclass(frozen=True)
class Certificate:
    """A product's OCOP certificate as an officer checks it."""

    product_id: int
    product_slug: str
    product_name: str
    product_status: str
    producer_name: str
    province_code: str
    stars: int
    decision_no: str | None
    decision_date: date
    valid_until: date
    expired: bool
    verified: bool


def _province_name(code: str) -> str:
    try:
        return places.province(code).name
    except NotFound:
        return code


async def provinces_with_products() -> list[ProvinceCount]:
    """Provinces that have at least one product on sale, with how many, by name."""
    async with reading():
        rows = (
            await ProductRow.select(ProductRow.producer.province_code, Count(alias="products"))
            .where(ProductRow.status == "active")
            .group_by(ProductRow.producer.province_code)
        )
    counts = [
        ProvinceCount(row["producer.province_code"], "", int(row["products"])) for row in rows
    ]
    named = [ProvinceCount(c.code, _province_name(c.code), c.products) for c in counts]
    return sorted(named, key=lambda count: count.name)


async def groups_with_products() -> list[GroupCount]:
    """OCOP groups that have at least one product on sale, with how many, in group order."""
    async with reading():
        rows = (
            await ProductRow.select(ProductRow.ocop_group, Count(alias="products"))
            .where((ProductRow.status == "active") & ProductRow.ocop_group.is_not_null())
            .group_by(ProductRow.ocop_group)
        )
    counts = [
        GroupCount(group, *GROUPS[group], int(row["products"]))
        for row in rows
        if (group := row["ocop_group"]) in GROUPS
    ]
    return sorted(counts, key=lambda count: count.group)


_CERTIFICATE_COLUMNS = (
    ProductRow.id,
    ProductRow.slug,
    ProductRow.name,
    ProductRow.status,
    ProductRow.ocop_stars,
    ProductRow.ocop_decision_no,
    ProductRow.ocop_decision_date,
    ProductRow.ocop_verified,
    ProductRow.producer.name,
    ProductRow.producer.province_code,
)


def _certificate(row: dict[str, Any], today: date) -> Certificate:
    status = ocop_status(row["ocop_stars"], row["ocop_decision_date"], today)
    assert status.valid_until is not None
    return Certificate(
        product_id=row["id"],
        product_slug=row["slug"],
        product_name=row["name"],
        product_status=row["status"],
        producer_name=row["producer.name"],
        province_code=row["producer.province_code"],
        stars=row["ocop_stars"],
        decision_no=row["ocop_decision_no"],
        decision_date=row["ocop_decision_date"],
        valid_until=status.valid_until,
        expired=status.expired,
        verified=row["ocop_verified"],
    )


async def _certificates(province_code: str | None, *conditions: Any) -> list[dict[str, Any]]:
    query = (
        ProductRow.select(*_CERTIFICATE_COLUMNS)
        .where(ProductRow.status != "archived")
        .where(ProductRow.ocop_stars.is_not_null())
        .where(ProductRow.ocop_decision_date.is_not_null())
        .order_by(ProductRow.ocop_decision_date)
        .order_by(ProductRow.id)
    )
    if province_code:
        query = query.where(ProductRow.producer.province_code == province_code)
    for condition in conditions:
        query = query.where(condition)
    return list(await query.limit(500))


async def certificates_to_verify(province_code: str | None) -> list[Certificate]:
    """Certificates of products not yet checked by an officer (oldest decision first)."""
    today = today_in_vietnam()
    rows = await _certificates(province_code, ProductRow.ocop_verified == False)  # noqa: E712
    return [_certificate(row, today) for row in rows]


async def expiring_certificates(
    province_code: str | None, within_days: int = EXPIRY_WARNING_DAYS, today: date | None = None
) -> list[Certificate]:
    """Certificates already expired or expiring within `within_days`, soonest first."""
    today = today or today_in_vietnam()
    horizon = today + timedelta(days=within_days)
    # A coarse bound in SQL (a day of slack around month ends), the exact rule below.
    latest_decision = add_months(horizon, -VALIDITY_MONTHS) + timedelta(days=3)
    rows = await _certificates(province_code, ProductRow.ocop_decision_date <= latest_decision)
    certificates = [_certificate(row, today) for row in rows]
    return [c for c in certificates if c.valid_until <= horizon]
