"""Sellers, producers, products and photos for catalogue tests, made through the services."""

from __future__ import annotations

import io
import itertools
from dataclasses import replace
from datetime import date
from typing import Any

from PIL import Image

from marketplace.accounts.service import Account, sign_up
from marketplace.catalogue.producers import create_producer
from marketplace.catalogue.products import create_product
from marketplace.catalogue.schemas import ProducerInput, Product, ProductInput

PASSWORD = "mat-khau-ban-hang"
_numbers = itertools.count(1)

NGOC_LU = ProducerInput(
    name="HTX Bưởi Ngọc Lũ",
    kind="hop_tac_xa",
    province_code="37",
    commune_code="13540",  # xã Bình An, formerly Ngọc Lũ, Bình Lục, Hà Nam
    story="Bưởi trồng trên đất phù sa sông Châu.",
)
BA_THUOC = ProducerInput(
    name="HTX Mật ong Bá Thước",
    kind="hop_tac_xa",
    province_code="38",
    commune_code="14758",
)
BUOI = ProductInput(
    name="Bưởi Ngọc Lũ",
    unit="quả",
    price_vnd=45_000,
    stock=10,
    status="active",
    description_vi="Bưởi ngọt, tép mọng.",
    ocop_group=1,
    ocop_set=1,
    ocop_stars=4,
    ocop_decision_no="1456/QĐ-UBND",
    ocop_decision_date=date(2024, 8, 12),
    certifications=("vietgap",),
)


def next_phone() -> str:
    """A fresh Vietnamese mobile number in national format, e.g. 0913000001."""
    return f"0913{next(_numbers):06d}"


async def new_seller(name: str = "Nguyễn Thị Hoa", phone: str | None = None) -> Account:
    return await sign_up(phone or next_phone(), PASSWORD, name)


async def new_officer(province_code: str | None = "37") -> Account:
    return await sign_up(
        next_phone(),
        PASSWORD,
        "Trần Văn Minh",
        is_officer=True,
        officer_province_code=province_code,
    )


async def new_producer(seller: Account, data: ProducerInput = NGOC_LU, **changes: Any) -> int:
    producer = await create_producer(seller, replace(data, **changes))
    return producer.public.id


async def new_product(seller: Account, producer_id: int, **changes: Any) -> Product:
    return await create_product(seller, producer_id, replace(BUOI, **changes))


def jpeg_with_gps(width: int = 1200, height: int = 900) -> bytes:
    """A camera-like JPEG whose EXIF carries a GPS position and the camera make."""
    image = Image.new("RGB", (width, height), (200, 170, 40))
    for x in range(0, width, 40):
        for y in range(0, height, 40):
            image.putpixel((x, y), (20, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "LangsoCam"  # Make
    gps = {1: "N", 2: (20.0, 27.0, 36.0), 3: "E", 4: (106.0, 1.0, 48.0)}
    exif[0x8825] = gps  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), quality=90)
    return buffer.getvalue()


def png_bytes(width: int = 300, height: int = 200) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 90, 30)).save(buffer, "PNG")
    return buffer.getvalue()
