"""What the batch services take and give: plain frozen dataclasses, never table rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from babel.dates import format_date

_VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")  # the day a farmer reads a date as


class EventKind(StrEnum):
    """What happened to a batch: the production diary's entries (nhật ký sản xuất)."""

    PLANTING = "planting"
    FERTILISING = "fertilising"
    SPRAYING = "spraying"
    IRRIGATING = "irrigating"
    HARVEST = "harvest"
    PROCESSING = "processing"
    PACKING = "packing"
    INSPECTION = "inspection"
    STORING = "storing"
    SHIPPING = "shipping"
    RECEIVING = "receiving"
    CORRECTION = "correction"
    RECALL = "recall"


# Recall is written by `recall_batch` only, so that a recalled batch always has its status.
RECORDABLE_KINDS = tuple(kind for kind in EventKind if kind is not EventKind.RECALL)
INPUT_KINDS = frozenset({EventKind.FERTILISING, EventKind.SPRAYING})

KIND_LABELS: dict[str, tuple[str, str]] = {
    EventKind.PLANTING: ("Gieo trồng", "Planting"),
    EventKind.FERTILISING: ("Bón phân", "Fertilising"),
    EventKind.SPRAYING: ("Phun thuốc bảo vệ thực vật", "Spraying"),
    EventKind.IRRIGATING: ("Tưới nước", "Irrigating"),
    EventKind.HARVEST: ("Thu hoạch", "Harvest"),
    EventKind.PROCESSING: ("Sơ chế, chế biến", "Processing"),
    EventKind.PACKING: ("Đóng gói", "Packing"),
    EventKind.INSPECTION: ("Kiểm tra chất lượng", "Inspection"),
    EventKind.STORING: ("Bảo quản, lưu kho", "Storing"),
    EventKind.SHIPPING: ("Vận chuyển đi", "Shipping"),
    EventKind.RECEIVING: ("Nhận hàng", "Receiving"),
    EventKind.CORRECTION: ("Đính chính", "Correction"),
    EventKind.RECALL: ("Thu hồi lô hàng", "Recall"),
}


class BatchStatus(StrEnum):
    ACTIVE = "active"
    RECALLED = "recalled"
    CLOSED = "closed"


# Fields of a batch the seller may show or hide on public pages, JSON and EPCIS exports.
# Product and producer are always public: the printed label names them already. Address and
# phone also need the producer's own consent (Decree 13/2023), given in its profile.
PUBLIC_FIELDS: dict[str, tuple[str, str]] = {
    "dates": ("Ngày thu hoạch, đóng gói, hạn dùng", "Harvest, packing and best-before dates"),
    "growing_area": ("Mã số vùng trồng", "Growing-area code"),
    "inputs": ("Phân bón, thuốc đã dùng", "Fertilisers and pesticides used"),
    "certificates": ("Giấy chứng nhận", "Certificates"),
    "places": ("Xã, phường nơi diễn ra", "Commune where it happened"),
    "photos": ("Ảnh", "Photos"),
    "links": ("Lô trước, lô sau", "Batches before and after"),
    "address": ("Địa chỉ chi tiết", "Exact address"),
    "phone": ("Số điện thoại", "Phone number"),
    "quantity": ("Số lượng", "Quantity"),
    "map": ("Tọa độ chính xác", "Exact map point"),
    "notes": ("Ghi chú", "Notes"),
    "actors": ("Người thực hiện", "Who did it"),
}
DEFAULT_PUBLIC_FIELDS = (
    "dates",
    "growing_area",
    "inputs",
    "certificates",
    "places",
    "photos",
    "links",
    "address",
    "phone",
)
# Fields one event may hide even when the batch shows them.
EVENT_FIELDS = ("inputs", "certificates", "places", "map", "photos", "notes", "actors", "quantity")


@dataclass(frozen=True)
class InputUsed:
    """A fertiliser or pesticide applied: its name, the dose as written, and its pre-harvest
    interval (PHI, thời gian cách ly) in days."""

    name: str
    dose: str
    phi_days: int | None = None


@dataclass(frozen=True)
class PhotoUpload:
    """A photo as uploaded (JPEG, PNG or WebP bytes) with its description."""

    data: bytes
    alt: str = ""


@dataclass(frozen=True)
class BatchDetails:
    """What a seller says about a batch when opening it; dates may also come from events."""

    quantity: Decimal | None = None
    unit: str = ""
    harvested_on: date | None = None
    packed_on: date | None = None
    best_before: date | None = None
    growing_area_code: str = ""
    public_fields: tuple[str, ...] = DEFAULT_PUBLIC_FIELDS


@dataclass(frozen=True)
class EventInput:
    """One journal entry as recorded in the field. `corrects_sequence` is for corrections."""

    kind: str
    occurred_at: datetime
    commune_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    actor: str = ""
    notes: str = ""
    inputs: tuple[InputUsed, ...] = ()
    quantity: Decimal | None = None
    unit: str = ""
    inspection_passed: bool | None = None
    certificate_urls: tuple[str, ...] = ()
    photos: tuple[PhotoUpload, ...] = ()
    public: bool = True
    private_fields: frozenset[str] = frozenset()
    corrects_sequence: int | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class StoredPhoto:
    """A photo kept in a few widths (`WIDTHS` of marketplace.images, never upscaled)."""

    media_key: str
    width: int
    height: int
    alt: str

    def url(self, bucket: int) -> str:
        return f"/media/{self.media_key}-{bucket}.jpg"


@dataclass(frozen=True)
class PhiWarning:
    """A harvest inside the pre-harvest interval of an input applied before it."""

    input_name: str
    input_sequence: int
    applied_at: datetime
    phi_days: int
    harvest_sequence: int | None
    harvested_at: datetime
    safe_from: datetime
    code: str = "harvest_inside_phi"

    def message(self, language: str) -> str:
        day = format_date(
            self.safe_from.astimezone(_VIETNAM).date(),
            "medium",
            locale="en_US" if language == "en" else "vi_VN",
        )
        if language == "en":
            return (
                f"Harvested before the {self.phi_days}-day pre-harvest interval of "
                f"“{self.input_name}” had passed (safe from {day})."
            )
        return (
            f"Thu hoạch khi chưa hết thời gian cách ly {self.phi_days} ngày của "
            f"“{self.input_name}” (an toàn từ {day})."
        )


@dataclass(frozen=True)
class JournalEvent:
    """One stored journal entry, everything included (for the batch's own members)."""

    sequence: int
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    commune_code: str | None
    latitude: float | None
    longitude: float | None
    actor: str
    notes: str
    inputs: tuple[InputUsed, ...]
    quantity: Decimal | None
    unit: str
    inspection_passed: bool | None
    certificate_urls: tuple[str, ...]
    photos: tuple[StoredPhoto, ...]
    public: bool
    private_fields: frozenset[str]
    corrects_sequence: int | None
    warnings: tuple[PhiWarning, ...]
    previous_hash: str
    hash: str


@dataclass(frozen=True)
class AppendResult:
    """The recorded event; `repeated` when its idempotency key had already recorded it."""

    event: JournalEvent
    warnings: tuple[PhiWarning, ...]
    repeated: bool = False


@dataclass(frozen=True)
class BatchSummary:
    """A batch as its producer's members and officers see it."""

    code: str
    product_id: int
    product_name: str
    product_slug: str
    producer_id: int
    producer_name: str
    province_code: str
    status: str
    quantity: Decimal | None
    unit: str
    harvested_on: date | None
    packed_on: date | None
    best_before: date | None
    growing_area_code: str
    recall_reason: str
    recalled_at: datetime | None
    public_fields: tuple[str, ...]
    event_count: int
    head_hash: str
    created_at: datetime


@dataclass(frozen=True)
class VerifyResult:
    """Whether the stored journal is the one that was written: every hash recomputed, every
    link followed. `problem` is `edited`, `deleted` or `reordered` at `first_bad_sequence`."""

    ok: bool
    first_bad_sequence: int | None = None
    problem: str | None = None
    checked: int = 0


@dataclass(frozen=True)
class RecalledBatch:
    code: str
    reason: str
    recalled_at: datetime | None


@dataclass(frozen=True)
class ScanStats:
    """How often a code was scanned; `suspicious` when the recent pattern looks like a copied
    label (thresholds in traceability.batches.scans)."""

    total: int = 0
    first_scan_at: datetime | None = None
    recent_scans: int = 0
    recent_networks: int = 0
    suspicious: bool = False


@dataclass(frozen=True)
class PublicInput:
    name: str
    dose: str
    phi_days: int | None


@dataclass(frozen=True)
class PublicEvent:
    """A journal entry as the public sees it: hidden fields are None or empty."""

    sequence: int
    kind: str
    kind_label: str
    occurred_at: datetime
    commune_name: str | None
    province_name: str | None
    latitude: float | None
    longitude: float | None
    actor: str | None
    notes: str | None
    inputs: tuple[PublicInput, ...]
    quantity: Decimal | None
    unit: str | None
    inspection_passed: bool | None
    certificate_urls: tuple[str, ...]
    photos: tuple[StoredPhoto, ...]
    corrected_by: str | None  # the reason of a later correction, if any
    corrects_sequence: int | None
    warnings: tuple[str, ...]
    hash: str


@dataclass(frozen=True)
class PublicProducer:
    name: str
    slug: str
    kind: str
    commune_name: str
    province_name: str
    address_line: str | None
    phone: str | None
    latitude: float | None
    longitude: float | None
    verified: bool


@dataclass(frozen=True)
class Certificate:
    """A certificate shown on the page: OCOP stars or a standard such as VietGAP."""

    code: str
    label: str
    valid_until: date | None = None
    expired: bool = False
    reference: str | None = None


@dataclass(frozen=True)
class PublicProduct:
    name: str
    slug: str
    description: str
    unit: str
    gtin: str | None
    ocop_stars: int | None
    ocop_certified_stars: int | None
    ocop_valid_until: date | None
    ocop_expired: bool
    certificates: tuple[Certificate, ...]
    photo: StoredPhoto | None
    buyable: bool


@dataclass(frozen=True)
class LinkedBatch:
    code: str
    product_name: str
    producer_name: str
    status: str = BatchStatus.ACTIVE

    @property
    def recalled(self) -> bool:
        return self.status == BatchStatus.RECALLED


@dataclass(frozen=True)
class Provenance:
    """Everything the public may know about a batch, in one language: only public fields and
    events, plus whether the journal verifies and how often the code was scanned."""

    code: str
    language: str
    status: str
    recall_reason: str | None
    recalled_at: datetime | None
    product: PublicProduct
    producer: PublicProducer
    quantity: Decimal | None
    unit: str | None
    harvested_on: date | None
    packed_on: date | None
    best_before: date | None
    growing_area_code: str | None
    events: tuple[PublicEvent, ...]
    came_from: tuple[LinkedBatch, ...]
    went_to: tuple[LinkedBatch, ...]
    journal: VerifyResult
    head_hash: str
    scans: ScanStats
    generated_at: datetime
    warnings: tuple[str, ...] = field(default_factory=tuple)
    # Recalled batches this one was made from (through links, however far back).
    recalled_sources: tuple[str, ...] = ()
    past_best_before: bool = False  # the best-before day is over (even when dates are hidden)

    @property
    def recalled(self) -> bool:
        return self.status == BatchStatus.RECALLED
