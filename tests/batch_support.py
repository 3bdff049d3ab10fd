"""Helpers for batch tests: a seller with a producer and a product, and journal entries."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from PIL import Image

from marketplace.accounts.service import sign_up
from marketplace.catalogue import producers, products
from marketplace.catalogue.schemas import ProducerInput, ProductInput
from traceability.batches import BatchDetails, EventInput, InputUsed, open_batch

NGOC_LU = ProducerInput(
    name="HTX Bưởi Ngọc Lũ",
    kind="hop_tac_xa",
    province_code="37",
    commune_code="13540",
    address_line="Thôn Ngọc Lũ",
    phone="+84912000001",
    latitude=20.478,
    longitude=106.021,
    show_phone=True,
    show_address=True,
)
BUOI = ProductInput(
    name="Bưởi Ngọc Lũ",
    unit="quả",
    price_vnd=45000,
    stock=10,
    status="active",
    description_en="Ngọc Lũ pomelo",
    description_vi="Bưởi Ngọc Lũ ngọt thanh",
    ocop_group=1,
    ocop_set=1,
    ocop_stars=4,
    ocop_decision_no="1456/QĐ-UBND",
    ocop_decision_date=date(2024, 8, 12),
    certifications=("vietgap",),
)
GTIN = "08930000000019"
START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


async def seller_with_product(phone="0912345678", gtin=None, product=BUOI, producer=NGOC_LU):
    """(seller account, producer id, product id)."""
    seller = await sign_up(phone, "mat-khau-1", "Người bán")
    created = await producers.create_producer(seller, producer)
    item = await products.create_product(
        seller, created.public.id, ProductInput(**{**product.__dict__, "gtin": gtin})
    )
    return seller, created.public.id, item.id


async def opened_batch(seller, product_id, **details):
    defaults = {"quantity": Decimal("500"), "unit": "quả", "growing_area_code": "VN-37-NL-001"}
    return await open_batch(seller, product_id, BatchDetails(**(defaults | details)))


def spraying(at=START, phi_days=7, **fields):
    values: dict[str, Any] = {
        "inputs": (InputUsed("Regent 800WG", "1 gói/bình 16 lít", phi_days),),
        "commune_code": "13540",
    }
    return EventInput("spraying", at, **(values | fields))


def harvest(at, **fields):
    values: dict[str, Any] = {"quantity": Decimal("480"), "unit": "quả", "commune_code": "13540"}
    return EventInput("harvest", at, **(values | fields))


def full_journal():
    """Planting → fertilising → spraying → harvest → packing → inspection → shipping."""
    return [
        EventInput("planting", START - timedelta(days=200), notes="Trồng 120 gốc"),
        EventInput(
            "fertilising",
            START - timedelta(days=60),
            inputs=(InputUsed("Phân NPK 16-16-8", "2 kg/gốc", 0),),
        ),
        spraying(START - timedelta(days=20)),
        harvest(START),
        EventInput("packing", START + timedelta(days=1), quantity=Decimal("470"), unit="quả"),
        EventInput(
            "inspection",
            START + timedelta(days=1, hours=2),
            inspection_passed=True,
            certificate_urls=("https://example.org/vietgap/VG-37-001",),
        ),
        EventInput("shipping", START + timedelta(days=2), actor="Xe Hùng Dũng"),
    ]


def jpeg_bytes(width=640, height=480, color=(40, 120, 60)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


def epcis_validator():
    """GS1's vendored EPCIS 2.0 JSON schema with the two format checks it relies on."""
    import json
    import re
    from importlib.resources import files

    import jsonschema

    date_time = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
    uri = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\"<>\\^`{|}]*")
    formats = jsonschema.FormatChecker(formats=())
    formats.checks("date-time", raises=ValueError)(
        lambda value: (
            not isinstance(value, str)
            or bool(date_time.fullmatch(value) and datetime.fromisoformat(value))
        )
    )
    formats.checks("uri")(lambda value: not isinstance(value, str) or bool(uri.fullmatch(value)))
    schema = files("traceability") / "data" / "epcis" / "EPCIS-JSON-Schema.json"
    return jsonschema.Draft7Validator(json.loads(schema.read_text("utf-8")), format_checker=formats)
