"""What a producer records about a batch, as plain data, and how each kind maps onto CBV 2.0.

Harvest is CBV `commissioning` (the lot comes into being: action ADD, with lot master data);
packing, inspecting, storing, shipping and receiving are CBV steps; field activities, processing
and recall have no CBV step and use Langso's own vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from urllib.parse import quote

from marketplace.errors import invalid_field
from marketplace.gs1 import validate_gtin
from marketplace.text import fold, normalize
from traceability.epcis.identifiers import CANONICAL_STEM
from traceability.epcis.vocabulary import LANGSO_VOCAB, langso_term

VIET_NAM_OFFSET = "+07:00"
_OFFSET = re.compile(r"[+-]((0\d|1[0-3]):[0-5]\d|14:00)")


class TraceEventKind(StrEnum):
    """The kinds of event in a batch's production diary (nhật ký sản xuất)."""

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
    RECALL = "recall"
    OTHER = "other"


@dataclass(frozen=True)
class Place:
    """Where an event happened: a commune code (reference/admin_units.md) and/or coordinates."""

    commune_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None

    def __post_init__(self) -> None:
        if self.commune_code is not None and not (
            self.commune_code.isascii() and self.commune_code.isdigit()
        ):
            raise invalid_field(
                "commune_code",
                "commune_code_invalid",
                "Mã xã chỉ gồm chữ số.",
                "A commune code has only digits.",
            )
        if (self.latitude is None) != (self.longitude is None) or not _on_earth(
            self.latitude, self.longitude
        ):
            raise invalid_field(
                "coordinates",
                "coordinates_invalid",
                "Tọa độ cần cả vĩ độ (−90 đến 90) và kinh độ (−180 đến 180).",
                "Coordinates need both a latitude (−90 to 90) and a longitude (−180 to 180).",
            )


@dataclass(frozen=True)
class AppliedInput:
    """A fertiliser or pesticide applied: name, dose as written, pre-harvest interval in days."""

    name: str
    dose: str
    pre_harvest_interval_days: int | None = None


@dataclass(frozen=True)
class TraceEventData:
    """One journal entry of a batch, ready to export.

    `epc_class` names the lot (see `lot_class_uri`); `event_time` is timezone-aware;
    `inspection_passed` gives an inspection's disposition; `previous_event_id` (the hash of the
    entry before) chains the journal so that an edited history shows.
    """

    kind: TraceEventKind
    event_time: datetime
    epc_class: str
    batch_code: str
    place: Place | None = None
    quantity: int | float | Decimal | None = None
    unit: str | None = None
    inputs: tuple[AppliedInput, ...] = ()
    inspection_passed: bool | None = None
    certificate_urls: tuple[str, ...] = ()
    notes: str | None = None
    previous_event_id: str | None = None
    time_zone_offset: str = VIET_NAM_OFFSET

    def __post_init__(self) -> None:
        # Accept the plain string stored in a database column ("harvest") as well.
        object.__setattr__(self, "kind", TraceEventKind(self.kind))
        if self.event_time.utcoffset() is None:
            raise ValueError("event_time must be timezone-aware")
        if not _OFFSET.fullmatch(self.time_zone_offset):
            raise ValueError(f"not a time zone offset: {self.time_zone_offset!r}")


@dataclass(frozen=True)
class CbvStep:
    """How a kind of event is written in EPCIS: business step, action, default disposition."""

    biz_step: str
    action: str = "OBSERVE"
    disposition: str | None = None


CBV_STEPS: dict[TraceEventKind, CbvStep] = {
    TraceEventKind.PLANTING: CbvStep(langso_term("bizstep", "planting")),
    TraceEventKind.FERTILISING: CbvStep(langso_term("bizstep", "fertilising")),
    TraceEventKind.SPRAYING: CbvStep(langso_term("bizstep", "spraying")),
    TraceEventKind.IRRIGATING: CbvStep(langso_term("bizstep", "irrigating")),
    TraceEventKind.HARVEST: CbvStep("commissioning", "ADD", "active"),
    TraceEventKind.PROCESSING: CbvStep(
        langso_term("bizstep", "processing"), disposition="in_progress"
    ),
    TraceEventKind.PACKING: CbvStep("packing", disposition="in_progress"),
    TraceEventKind.INSPECTION: CbvStep("inspecting"),
    TraceEventKind.STORING: CbvStep("storing", disposition="sellable_not_accessible"),
    TraceEventKind.SHIPPING: CbvStep("shipping", disposition="in_transit"),
    TraceEventKind.RECEIVING: CbvStep("receiving", disposition="in_progress"),
    TraceEventKind.RECALL: CbvStep(langso_term("bizstep", "recalling"), disposition="recalled"),
    TraceEventKind.OTHER: CbvStep("other"),
}

# UN/CEFACT Recommendation 20 codes. Exact spellings first: folding would merge tạ (100 kg)
# and tá (dozen).
_EXACT_UNITS = {"tạ": "DTN", "tá": "DZN", "m²": "MTK"}
_FOLDED_UNITS = {
    **dict.fromkeys(("kg", "kgs", "kilogram", "kilogam", "kilo", "ki lo gam"), "KGM"),
    **dict.fromkeys(("g", "gam", "gram"), "GRM"),
    **dict.fromkeys(("tan", "t", "tonne"), "TNE"),
    **dict.fromkeys(("l", "lit", "litre", "liter"), "LTR"),
    "ml": "MLT",
    "m": "MTR",
    "m2": "MTK",
    **dict.fromkeys(
        ("piece", "pieces", "pcs", "cai", "chiec", "qua", "trai", "con", "cu", "bo", "hop",
         "chai", "tui", "goi", "lo", "hu", "bao", "thung", "vi", "banh", "cay"),
        "H87",
    ),
}  # fmt: skip
_CODES = frozenset(_FOLDED_UNITS.values()) | frozenset(_EXACT_UNITS.values())


def unit_code(unit: str) -> str:
    """The UN/CEFACT code for a unit as a producer writes it: `kg` → KGM, `hộp`/`chai` → H87."""
    written = normalize(unit).lower()
    if written.upper() in _CODES:
        return written.upper()
    code = _EXACT_UNITS.get(written) or _FOLDED_UNITS.get(fold(written))
    if code is None:
        raise invalid_field(
            "unit",
            "unit_unknown",
            f"Không nhận ra đơn vị “{unit}”: hãy dùng kg, g, tấn, lít, ml "
            "hoặc đơn vị đếm (quả, hộp, chai, túi…).",
            f"Unknown unit “{unit}”: use kg, g, tonne, litre, ml "
            "or a count (piece, box, bottle, bag…).",
        )
    return code


def lot_class_uri(batch_code: str, gtin14: str | None = None) -> str:
    """The EPC class of a lot: the canonical Digital Link when the product has a GTIN, else
    a URI in Langso's namespace (batch codes are unique across Langso)."""
    lot = quote(batch_code, safe="")
    if gtin14 is not None:
        return f"{CANONICAL_STEM}/01/{validate_gtin(gtin14)}/10/{lot}"
    return f"{LANGSO_VOCAB}lot/{lot}"


def _on_earth(latitude: float | None, longitude: float | None) -> bool:
    if latitude is None or longitude is None:
        return True
    return -90 <= latitude <= 90 and -180 <= longitude <= 180
