"""Heritage test data built through the real services: officers, sites, photos, narrations,
and OCOP producers and products around a site."""

from __future__ import annotations

import io
import itertools
import struct
import wave
from pathlib import Path

from PIL import Image

from marketplace.accounts.service import Account, sign_up
from marketplace.catalogue.producers import create_producer
from marketplace.catalogue.products import create_product
from marketplace.catalogue.schemas import ProducerInput, ProductInput
from traceability.heritage import service
from traceability.heritage.schemas import ContentInput, SiteInput, SiteRecord

SEED_MEDIA = Path(__file__).resolve().parents[1] / "seeds" / "media" / "heritage"
OFFICER_PASSWORD = "mat-khau-can-bo"
BINH_GIANG = ("37", "13531")  # xã Bình Giang, Ninh Bình
TRIEU_HOI_POINT = (20.523, 106.052)
_numbers = itertools.count(1)


async def new_officer(province_code: str | None = "37", name: str = "Trần Văn Minh") -> Account:
    number = next(_numbers)
    return await sign_up(
        f"+8490{number:07d}",
        OFFICER_PASSWORD,
        name,
        is_officer=True,
        officer_province_code=province_code,
    )


def site_input(name: str = "Đình Triều Hội", **changes: object) -> SiteInput:
    values: dict[str, object] = {
        "name": name,
        "kind": "dinh",
        "ranking": "quoc_gia",
        "province_code": BINH_GIANG[0],
        "commune_code": BINH_GIANG[1],
        "address_line": "Thôn Triều Hội",
        "latitude": TRIEU_HOI_POINT[0],
        "longitude": TRIEU_HOI_POINT[1],
        "opening_hours": "7:00–17:00",
    }
    values.update(changes)
    return SiteInput(**values)  # type: ignore[arg-type]


VI_CONTENT = ContentInput(
    title="Đình Triều Hội",
    plaque_line="Di tích lịch sử cấp quốc gia",
    summary="Ngôi đình cổ bên đê sông Châu.",
    history="Đình thờ Cao Mang tôn thần.\n\nNăm 1930 nơi đây diễn ra cuộc biểu tình của nông dân.",
    architecture="Kiến trúc kiểu chữ Tam.",
    worshipped="Cao Mang tôn thần; tiến sĩ Trần Xuân Vinh.",
)
EN_CONTENT = ContentInput(
    title="Triều Hội Communal House",
    plaque_line="National historic relic",
    summary="An old communal house beside the Châu river dyke.",
    history="The house honours the general Cao Mang.\n\nIn 1930 villagers demonstrated here.",
)


async def new_site(
    officer: Account, name: str = "Đình Triều Hội", *, english: bool = True, **changes: object
) -> SiteRecord:
    site = await service.create_site(officer, site_input(name, **changes))
    await service.set_content(officer, site.id, "vi", VI_CONTENT)
    if english:
        await service.set_content(officer, site.id, "en", EN_CONTENT)
    return site


def jpeg_with_gps(size: tuple[int, int] = (1600, 1000)) -> bytes:
    """A JPEG photo whose EXIF says where it was taken (which must not survive an upload)."""
    image = Image.new("RGB", size, (180, 140, 90))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (20.0, 31.0, 22.0)}  # GPS IFD
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png(size: tuple[int, int] = (400, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 90, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def wav(seconds: float = 0.2) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as output:
        output.setnchannels(1)
        output.setsampwidth(2)
        output.setframerate(8000)
        output.writeframes(struct.pack("<h", 0) * int(8000 * seconds))
    return buffer.getvalue()


async def new_product_near(
    seller: Account,
    name: str,
    commune_code: str,
    point: tuple[float, float] | None,
    province_code: str = "37",
    status: str = "active",
) -> int:
    latitude, longitude = point if point else (None, None)
    producer = await create_producer(
        seller,
        ProducerInput(
            name=f"HTX {name}",
            kind="hop_tac_xa",
            province_code=province_code,
            commune_code=commune_code,
            latitude=latitude,
            longitude=longitude,
        ),
    )
    product = await create_product(
        seller,
        producer.public.id,
        ProductInput(name=name, unit="kg", price_vnd=50_000, stock=10, status=status),
    )
    return product.id
