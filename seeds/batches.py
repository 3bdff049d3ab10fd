"""Seed batches with full production diaries, through the batch services.

Bưởi Ngọc Lũ (and the gift boxes packed from it, one step after), gạo thơm Bình Lục and chè
xanh Hợp Tiến, each planted → fertilised → sprayed → harvested → packed → inspected →
shipped; and one recalled batch of tea, harvested inside the pesticide's pre-harvest interval.
Codes are fixed (printed demo labels keep working); a second run adds nothing, and a run that
stopped half-way completes the missing events.

The diaries are written as of the 2025 season, then moved as a whole so that the bưởi harvest
falls five weeks before the day the seeds are loaded: the demo's batches are fresh, not past
their best-before dates, whenever it is set up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from marketplace.accounts.service import Account, account_by_phone
from marketplace.catalogue.tables import Product
from marketplace.codes import check_character
from traceability.batches import (
    BatchDetails,
    EventInput,
    InputUsed,
    append_trace_event,
    link_batches,
    open_batch,
    recall_batch,
)
from traceability.batches.tables import Batch, BatchLink


def _code(body: str) -> str:
    return body + check_character(body)


_VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_SHIFT = (datetime.now(_VIETNAM).date() - timedelta(days=35)) - date(2025, 10, 20)


def _day(year: int, month: int, day: int) -> date:
    """A day of the 2025 season's calendar, moved to the current one (see above)."""
    return date(year, month, day) + _SHIFT


def _at(day: date, hour: int = 7) -> datetime:
    """`hour` o'clock in Viet Nam on `day`, as UTC."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=7)


@dataclass(frozen=True)
class SeedBatch:
    code: str
    product_slug: str
    owner_phone: str
    details: BatchDetails
    events: tuple[EventInput, ...]
    recall_reason: str | None = None
    came_from: tuple[str, ...] = field(default_factory=tuple)


def _diary(
    commune: str,
    planted: date,
    harvested: date,
    spray: InputUsed,
    fertiliser: InputUsed,
    quantity: tuple[str, str],
    sprayed_days_before: int,
) -> tuple[EventInput, ...]:
    amount, unit = Decimal(quantity[0]), quantity[1]
    sprayed = harvested - timedelta(days=sprayed_days_before)
    return (
        EventInput(
            "planting",
            _at(planted),
            commune_code=commune,
            actor="Tổ sản xuất số 1",
            notes="Xuống giống, bón lót phân chuồng hoai mục.",
        ),
        EventInput(
            "fertilising",
            _at(harvested - timedelta(days=45)),
            commune_code=commune,
            inputs=(fertiliser,),
        ),
        EventInput(
            "spraying",
            _at(sprayed, 16),
            commune_code=commune,
            inputs=(spray,),
            notes="Phun chiều mát, không mưa.",
        ),
        EventInput("harvest", _at(harvested, 6), commune_code=commune, quantity=amount, unit=unit),
        EventInput(
            "packing",
            _at(harvested + timedelta(days=1), 9),
            commune_code=commune,
            quantity=amount * Decimal("0.97"),
            unit=unit,
        ),
        EventInput(
            "inspection",
            _at(harvested + timedelta(days=1), 14),
            commune_code=commune,
            inspection_passed=True,
            actor="Cán bộ khuyến nông xã",
            certificate_urls=("https://vietgap.langso.vn/chung-nhan/VG-2025-0137",),
        ),
        EventInput(
            "shipping",
            _at(harvested + timedelta(days=2), 5),
            commune_code=commune,
            actor="Xe hàng HTX",
            notes="Giao cho cửa hàng nông sản sạch ở Hà Nội.",
        ),
    )


BUOI = "+84912000001"
GAO = "+84912000005"
CHE = "+84912000008"

SEED_BATCHES: tuple[SeedBatch, ...] = (
    SeedBatch(
        code=_code("BNG25A1001"),
        product_slug="buoi-ngoc-lu",
        owner_phone=BUOI,
        details=BatchDetails(
            Decimal("600"), "quả", best_before=_day(2026, 1, 20), growing_area_code="NB-BUOI-0012"
        ),
        events=_diary(
            "13540",
            _day(2025, 2, 10),
            _day(2025, 10, 20),
            InputUsed("Bt (Bacillus thuringiensis)", "25 g/bình 16 lít", 3),
            InputUsed("Phân hữu cơ vi sinh", "3 kg/gốc", 0),
            ("600", "quả"),
            21,
        ),
    ),
    SeedBatch(
        code=_code("BNG25A1002"),
        product_slug="hop-qua-buoi-ngoc-lu",
        owner_phone=BUOI,
        details=BatchDetails(
            Decimal("80"),
            "hộp",
            packed_on=_day(2025, 10, 22),
            best_before=_day(2026, 1, 20),
            growing_area_code="NB-BUOI-0012",
        ),
        events=(
            EventInput(
                "receiving",
                _at(_day(2025, 10, 21), 10),
                commune_code="13540",
                quantity=Decimal("160"),
                unit="quả",
                notes=f"Nhận 160 quả từ lô bưởi thu hoạch ngày {_day(2025, 10, 20):%d/%m}.",
            ),
            EventInput(
                "packing",
                _at(_day(2025, 10, 22), 9),
                commune_code="13540",
                quantity=Decimal("80"),
                unit="hộp",
            ),
        ),
        came_from=(_code("BNG25A1001"),),
    ),
    SeedBatch(
        code=_code("GTB25A1001"),
        product_slug="gao-thom-binh-luc",
        owner_phone=GAO,
        details=BatchDetails(
            Decimal("2000"), "kg", best_before=_day(2026, 10, 1), growing_area_code="NB-LUA-0031"
        ),
        events=_diary(
            "13531",
            _day(2025, 6, 15),
            _day(2025, 9, 28),
            InputUsed("Validamycin 5SL", "30 ml/bình 16 lít", 7),
            InputUsed("Phân NPK 16-16-8", "15 kg/sào", 0),
            ("2000", "kg"),
            20,
        ),
    ),
    SeedBatch(
        code=_code("CHX25A1001"),
        product_slug="che-xanh-hop-tien",
        owner_phone=CHE,
        details=BatchDetails(
            Decimal("120"), "kg", best_before=_day(2026, 10, 15), growing_area_code="TH-CHE-0007"
        ),
        events=_diary(
            "15682",
            _day(2024, 3, 1),
            _day(2025, 10, 14),
            InputUsed("Chế phẩm nấm xanh Metarhizium", "50 g/bình 16 lít", 0),
            InputUsed("Phân bón lá hữu cơ", "40 ml/bình 16 lít", 0),
            ("120", "kg"),
            12,
        ),
    ),
    SeedBatch(
        code=_code("CHX25A0901"),
        product_slug="che-xanh-hop-tien",
        owner_phone=CHE,
        details=BatchDetails(Decimal("90"), "kg", growing_area_code="TH-CHE-0007"),
        events=_diary(
            "15682",
            _day(2024, 3, 1),
            _day(2025, 9, 5),
            InputUsed("Abamectin 3.6EC", "15 ml/bình 16 lít", 7),
            InputUsed("Phân NPK 20-10-10", "10 kg/sào", 0),
            ("90", "kg"),
            3,
        ),
        recall_reason="Kiểm nghiệm phát hiện dư lượng Abamectin vượt mức cho phép: chè được "
        "hái khi chưa hết thời gian cách ly. Đề nghị người mua ngừng sử dụng và liên hệ HTX "
        "để được hoàn tiền.",
    ),
)


async def _product_id(slug: str) -> int | None:
    row = await Product.select(Product.id).where(Product.slug == slug).first()
    return int(row["id"]) if row else None


async def _ensure_batch(seed: SeedBatch, owner: Account, product_id: int) -> int:
    """Open the batch if needed and append the events it still lacks; returns events added."""
    row = await Batch.select(Batch.event_count, Batch.status).where(Batch.code == seed.code).first()
    if row is None:
        await open_batch(owner, product_id, seed.details, code=seed.code)
        row = {"event_count": 0, "status": "active"}
    recorded = int(row["event_count"]) - (1 if row["status"] == "recalled" else 0)
    for entry in seed.events[recorded:]:
        await append_trace_event(owner, seed.code, entry)
    if seed.recall_reason and row["status"] != "recalled":
        await recall_batch(owner, seed.code, seed.recall_reason)
    return len(seed.events[recorded:])


async def _ensure_links(seed: SeedBatch, owner: Account) -> None:
    target = await Batch.select(Batch.id).where(Batch.code == seed.code).first()
    for source_code in seed.came_from:
        source = await Batch.select(Batch.id).where(Batch.code == source_code).first()
        if source is None or target is None:
            continue
        if not await BatchLink.exists().where(
            (BatchLink.from_batch == source["id"]) & (BatchLink.to_batch == target["id"])
        ):
            await link_batches(owner, source_code, seed.code)


async def load() -> dict[str, int]:
    """Load the seed batches; products come from the catalogue seeds, loaded before."""
    opened = events = 0
    for seed in SEED_BATCHES:
        product_id = await _product_id(seed.product_slug)
        if product_id is None:
            print(
                f"Bỏ qua lô {seed.code}: chưa có sản phẩm “{seed.product_slug}” "
                f"(hãy nạp dữ liệu mẫu sản phẩm trước) / skipped: no product {seed.product_slug}"
            )
            continue
        owner = await account_by_phone(seed.owner_phone)
        existed = await Batch.exists().where(Batch.code == seed.code)
        events += await _ensure_batch(seed, owner, product_id)
        opened += not existed
        await _ensure_links(seed, owner)
    return {"batches": opened, "batch_events": events}
