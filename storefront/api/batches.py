"""Batches in the JSON API: public provenance and EPCIS export, and the seller's writes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from storefront.auth import current_account, require_account
from storefront.middleware import language_of
from storefront.pages.batch_forms import quantity_in_range
from storefront.pages.provenance import rendition_size, srcset
from traceability.batches import (
    BatchDetails,
    BatchSummary,
    EventInput,
    InputUsed,
    JournalEvent,
    PhiWarning,
    Provenance,
    append_trace_event,
    batch_journal,
    cached_provenance,
    epcis_for_batch,
    link_batches,
    open_batch,
    producer_batches,
    recall_batch,
)
from traceability.batches.schemas import DEFAULT_PUBLIC_FIELDS, StoredPhoto

EPCIS_MEDIA_TYPE = "application/ld+json"


class PhotoOut(msgspec.Struct):
    url: str
    srcset: list[str]
    width: int
    height: int
    alt: str


class InputOut(msgspec.Struct):
    name: str
    dose: str
    phi_days: int | None


class PublicEventOut(msgspec.Struct):
    sequence: int
    kind: str
    kind_label: str
    occurred_at: datetime
    commune: str | None
    province: str | None
    latitude: float | None
    longitude: float | None
    actor: str | None
    notes: str | None
    inputs: list[InputOut]
    quantity: Decimal | None
    unit: str | None
    inspection_passed: bool | None
    certificate_urls: list[str]
    photos: list[PhotoOut]
    corrected: str | None
    warnings: list[str]
    hash: str


class CertificateOut(msgspec.Struct):
    code: str
    label: str
    valid_until: date | None
    expired: bool
    reference: str | None


class ProductRefOut(msgspec.Struct):
    name: str
    slug: str
    url: str
    gtin: str | None
    ocop_stars: int | None
    certificates: list[CertificateOut]
    buyable: bool


class ProducerRefOut(msgspec.Struct):
    name: str
    slug: str
    commune: str
    province: str
    address_line: str | None
    phone: str | None
    latitude: float | None
    longitude: float | None
    verified: bool


class LinkedBatchOut(msgspec.Struct):
    code: str
    product_name: str
    producer_name: str
    status: str


class JournalCheckOut(msgspec.Struct):
    ok: bool
    first_bad_sequence: int | None
    problem: str | None
    checked: int


class ScansOut(msgspec.Struct):
    total: int
    first_scan_at: datetime | None
    suspicious: bool


class ProvenanceOut(msgspec.Struct):
    """What the public may know about a batch (only what the seller made public)."""

    code: str
    url: str
    status: str
    recall_reason: str | None
    recalled_at: datetime | None
    product: ProductRefOut
    producer: ProducerRefOut
    quantity: Decimal | None
    unit: str | None
    harvested_on: date | None
    packed_on: date | None
    best_before: date | None
    growing_area_code: str | None
    events: list[PublicEventOut]
    came_from: list[LinkedBatchOut]
    went_to: list[LinkedBatchOut]
    journal: JournalCheckOut
    head_hash: str
    scans: ScansOut
    warnings: list[str]
    recalled_sources: list[str]
    past_best_before: bool


class BatchOut(msgspec.Struct):
    code: str
    url: str
    product_id: int
    product_name: str
    producer_id: int
    status: str
    quantity: Decimal | None
    unit: str
    harvested_on: date | None
    packed_on: date | None
    best_before: date | None
    growing_area_code: str
    recall_reason: str
    recalled_at: datetime | None
    public_fields: list[str]
    event_count: int
    head_hash: str
    created_at: datetime


class BatchList(msgspec.Struct):
    items: list[BatchOut]
    total: int
    page: int
    page_size: int


class BatchCreate(msgspec.Struct, forbid_unknown_fields=True):
    product_id: int
    quantity: Decimal | None = None
    unit: str = ""
    harvested_on: date | None = None
    packed_on: date | None = None
    best_before: date | None = None
    growing_area_code: str = ""
    public_fields: list[str] = msgspec.field(default_factory=lambda: list(DEFAULT_PUBLIC_FIELDS))


class InputIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    dose: str
    phi_days: int | None = None


class EventCreate(msgspec.Struct, forbid_unknown_fields=True):
    """One journal entry. `occurred_at` without a timezone (`2026-11-01T07:00:00`) is read as
    Viet Nam time (Asia/Ho_Chi_Minh, UTC+7), as the seller pages do. `idempotency_key` (1–64
    letters, digits, `-`, `_`; or the `Idempotency-Key` header) records the event once: a
    repeat with the same key for the same batch answers 201 with the event already recorded."""

    kind: str
    occurred_at: datetime
    commune_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    actor: str = ""
    notes: str = ""
    inputs: list[InputIn] = msgspec.field(default_factory=list)
    quantity: Decimal | None = None
    unit: str = ""
    inspection_passed: bool | None = None
    certificate_urls: list[str] = msgspec.field(default_factory=list)
    public: bool = True
    private_fields: list[str] = msgspec.field(default_factory=list)
    corrects_sequence: int | None = None
    idempotency_key: str | None = None


class EventOut(msgspec.Struct):
    sequence: int
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    commune_code: str | None
    latitude: float | None
    longitude: float | None
    actor: str
    notes: str
    inputs: list[InputOut]
    quantity: Decimal | None
    unit: str
    inspection_passed: bool | None
    certificate_urls: list[str]
    photos: list[PhotoOut]
    public: bool
    private_fields: list[str]
    corrects_sequence: int | None
    warnings: list[str]
    previous_hash: str
    hash: str


class EventCreated(msgspec.Struct):
    event: EventOut
    warnings: list[str]


class JournalOut(msgspec.Struct):
    batch: BatchOut
    events: list[EventOut]
    came_from: list[str]
    went_to: list[str]
    journal: JournalCheckOut


class RecallIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class LinkIn(msgspec.Struct, forbid_unknown_fields=True):
    to_code: str


def _photo(photo: StoredPhoto) -> PhotoOut:
    width, height = rendition_size(photo, 480)
    return PhotoOut(photo.url(480), srcset(photo).split(", "), width, height, photo.alt)


def _inputs(items: Any) -> list[InputOut]:
    return [InputOut(item.name, item.dose, item.phi_days) for item in items]


def provenance_out(data: Provenance, base_url: str) -> ProvenanceOut:
    return ProvenanceOut(
        code=data.code,
        url=f"{base_url}/t/{data.code}",
        status=data.status,
        recall_reason=data.recall_reason,
        recalled_at=data.recalled_at,
        product=ProductRefOut(
            name=data.product.name,
            slug=data.product.slug,
            url=f"{base_url}/products/{data.product.slug}",
            gtin=data.product.gtin,
            ocop_stars=data.product.ocop_stars,
            certificates=[
                msgspec.convert(c, CertificateOut, from_attributes=True)
                for c in data.product.certificates
            ],
            buyable=data.product.buyable,
        ),
        producer=ProducerRefOut(
            name=data.producer.name,
            slug=data.producer.slug,
            commune=data.producer.commune_name,
            province=data.producer.province_name,
            address_line=data.producer.address_line,
            phone=data.producer.phone,
            latitude=data.producer.latitude,
            longitude=data.producer.longitude,
            verified=data.producer.verified,
        ),
        quantity=data.quantity,
        unit=data.unit,
        harvested_on=data.harvested_on,
        packed_on=data.packed_on,
        best_before=data.best_before,
        growing_area_code=data.growing_area_code,
        events=[
            PublicEventOut(
                sequence=e.sequence,
                kind=e.kind,
                kind_label=e.kind_label,
                occurred_at=e.occurred_at,
                commune=e.commune_name,
                province=e.province_name,
                latitude=e.latitude,
                longitude=e.longitude,
                actor=e.actor,
                notes=e.notes,
                inputs=_inputs(e.inputs),
                quantity=e.quantity,
                unit=e.unit,
                inspection_passed=e.inspection_passed,
                certificate_urls=list(e.certificate_urls),
                photos=[_photo(photo) for photo in e.photos],
                corrected=e.corrected_by,
                warnings=list(e.warnings),
                hash=e.hash,
            )
            for e in data.events
        ],
        came_from=[
            LinkedBatchOut(b.code, b.product_name, b.producer_name, b.status)
            for b in data.came_from
        ],
        went_to=[
            LinkedBatchOut(b.code, b.product_name, b.producer_name, b.status) for b in data.went_to
        ],
        journal=msgspec.convert(data.journal, JournalCheckOut, from_attributes=True),
        head_hash=data.head_hash,
        scans=ScansOut(data.scans.total, data.scans.first_scan_at, data.scans.suspicious),
        warnings=list(data.warnings),
        recalled_sources=list(data.recalled_sources),
        past_best_before=data.past_best_before,
    )


def batch_out(batch: BatchSummary, base_url: str) -> BatchOut:
    return BatchOut(
        code=batch.code,
        url=f"{base_url}/t/{batch.code}",
        product_id=batch.product_id,
        product_name=batch.product_name,
        producer_id=batch.producer_id,
        status=batch.status,
        quantity=batch.quantity,
        unit=batch.unit,
        harvested_on=batch.harvested_on,
        packed_on=batch.packed_on,
        best_before=batch.best_before,
        growing_area_code=batch.growing_area_code,
        recall_reason=batch.recall_reason,
        recalled_at=batch.recalled_at,
        public_fields=list(batch.public_fields),
        event_count=batch.event_count,
        head_hash=batch.head_hash,
        created_at=batch.created_at,
    )


def _warnings(warnings: tuple[PhiWarning, ...], language: str) -> list[str]:
    return [warning.message(language) for warning in warnings]


def event_out(event: JournalEvent, language: str) -> EventOut:
    return EventOut(
        sequence=event.sequence,
        kind=event.kind,
        occurred_at=event.occurred_at,
        recorded_at=event.recorded_at,
        commune_code=event.commune_code,
        latitude=event.latitude,
        longitude=event.longitude,
        actor=event.actor,
        notes=event.notes,
        inputs=_inputs(event.inputs),
        quantity=event.quantity,
        unit=event.unit,
        inspection_passed=event.inspection_passed,
        certificate_urls=list(event.certificate_urls),
        photos=[_photo(photo) for photo in event.photos],
        public=event.public,
        private_fields=sorted(event.private_fields),
        corrects_sequence=event.corrects_sequence,
        warnings=_warnings(event.warnings, language),
        previous_hash=event.previous_hash,
        hash=event.hash,
    )


def event_input(data: EventCreate, idempotency_key: str | None = None) -> EventInput:
    return EventInput(
        kind=data.kind,
        occurred_at=data.occurred_at,
        commune_code=data.commune_code,
        latitude=data.latitude,
        longitude=data.longitude,
        actor=data.actor,
        notes=data.notes,
        inputs=tuple(InputUsed(i.name, i.dose, i.phi_days) for i in data.inputs),
        quantity=quantity_in_range(data.quantity),
        unit=data.unit,
        inspection_passed=data.inspection_passed,
        certificate_urls=tuple(data.certificate_urls),
        public=data.public,
        private_fields=frozenset(data.private_fields),
        corrects_sequence=data.corrects_sequence,
        idempotency_key=data.idempotency_key or idempotency_key,
    )


def _base_url(request: Request[Any, Any, Any]) -> str:
    return str(request.app.state.settings.base_url)


class BatchesApi(Controller):
    path = "/api/v1"
    tags = ["batches"]  # noqa: RUF012 - Litestar reads it as a class attribute

    @get("/batches/{batch_code:str}", operation_id="GetBatchProvenance", cache=False)
    async def get_batch(
        self, request: Request[Any, Any, Any], batch_code: FromPath[str]
    ) -> ProvenanceOut:
        """The public provenance of a batch, in the language asked (`?lang=vi|en`)."""
        data = await cached_provenance(batch_code, language_of(request.scope))
        return provenance_out(data, _base_url(request))

    @get(
        "/batches/{batch_code:str}/epcis",
        operation_id="ExportBatchEpcis",
        media_type=EPCIS_MEDIA_TYPE,
        cache=False,
    )
    async def export_epcis(
        self,
        request: Request[Any, Any, Any],
        batch_code: FromPath[str],
        export_scope: Annotated[Literal["public", "all"], QueryParameter(name="scope")] = "public",
    ) -> Response[dict[str, Any]]:
        """The batch's journal as an EPCIS 2.0 JSON-LD document: public events only, or with
        `?scope=all` and the producer's bearer token, everything."""
        everything = export_scope == "all"
        account = await current_account(request) if everything else None
        document = await epcis_for_batch(batch_code, public_only=not everything, account=account)
        return Response(document, media_type=EPCIS_MEDIA_TYPE)

    @get("/batches/{batch_code:str}/journal", operation_id="GetBatchJournal")
    async def get_journal(
        self, request: Request[Any, Any, Any], batch_code: FromPath[str]
    ) -> JournalOut:
        """The whole journal, private events included, for the producer's people."""
        account = await require_account(request)
        found = await batch_journal(account, batch_code)
        language = language_of(request.scope)
        return JournalOut(
            batch=batch_out(found.batch, _base_url(request)),
            events=[event_out(event, language) for event in found.events],
            came_from=list(found.came_from),
            went_to=list(found.went_to),
            journal=msgspec.convert(found.journal, JournalCheckOut, from_attributes=True),
        )

    @get("/producers/{producer_id:int}/batches", operation_id="ListProducerBatches")
    async def list_batches(
        self,
        request: Request[Any, Any, Any],
        producer_id: FromPath[int],
        page: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
        page_size: Annotated[int, QueryParameter(name="page_size", ge=1, le=100)] = 20,
    ) -> BatchList:
        """The producer's batches, newest first (its members only)."""
        account = await require_account(request)
        batches = await producer_batches(account, producer_id)
        chosen = batches[(page - 1) * page_size : page * page_size]
        return BatchList(
            items=[batch_out(batch, _base_url(request)) for batch in chosen],
            total=len(batches),
            page=page,
            page_size=page_size,
        )

    @post("/batches", operation_id="OpenBatch", status_code=201)
    async def create_batch(
        self, request: Request[Any, Any, Any], data: JSONBody[BatchCreate]
    ) -> BatchOut:
        """Open a batch of one of your producer's products; its code is drawn for you. Harvest
        and packing days cannot be in the future nor before 2000; packing comes after harvest
        and best-before after both."""
        account = await require_account(request)
        details = BatchDetails(
            quantity=quantity_in_range(data.quantity),
            unit=data.unit,
            harvested_on=data.harvested_on,
            packed_on=data.packed_on,
            best_before=data.best_before,
            growing_area_code=data.growing_area_code,
            public_fields=tuple(data.public_fields),
        )
        batch = await open_batch(account, data.product_id, details)
        return batch_out(batch, _base_url(request))

    @post("/batches/{batch_code:str}/events", operation_id="AppendBatchEvent", status_code=201)
    async def append_event(
        self,
        request: Request[Any, Any, Any],
        batch_code: FromPath[str],
        data: JSONBody[EventCreate],
    ) -> EventCreated:
        """Record an event in the batch's journal; `warnings` lists pre-harvest-interval
        warnings (the event is stored all the same). A time without a timezone is Viet Nam
        time. With an idempotency key (`idempotency_key` or the `Idempotency-Key` header) a
        repeated request records nothing new and answers with the event already recorded. A
        recalled batch takes only corrections (`409 batch_recalled`), and a recall cannot be
        corrected (`409 recall_not_correctable`)."""
        account = await require_account(request)
        key = request.headers.get("idempotency-key")
        result = await append_trace_event(account, batch_code, event_input(data, key))
        language = language_of(request.scope)
        return EventCreated(
            event=event_out(result.event, language),
            warnings=_warnings(result.warnings, language),
        )

    @post("/batches/{batch_code:str}/recall", operation_id="RecallBatch", status_code=200)
    async def recall(
        self,
        request: Request[Any, Any, Any],
        batch_code: FromPath[str],
        data: JSONBody[RecallIn],
    ) -> BatchOut:
        """Recall the batch: its page turns red and its product cannot be bought from it; it
        takes no more production events. Owners of the producer and officers of its province
        may recall; `reason` is required."""
        account = await require_account(request)
        batch = await recall_batch(account, batch_code, data.reason)
        return batch_out(batch, _base_url(request))

    @post("/batches/{batch_code:str}/links", operation_id="LinkBatches", status_code=204)
    async def link(
        self,
        request: Request[Any, Any, Any],
        batch_code: FromPath[str],
        data: JSONBody[LinkIn],
    ) -> None:
        """Record that this batch went into batch `to_code` (one step after); a recalled batch
        cannot be the source (`409 batch_link_recalled`)."""
        account = await require_account(request)
        await link_batches(account, batch_code, data.to_code)
