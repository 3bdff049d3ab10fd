"""Reading batches: for their producer's members, for officers, and for checkout."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.accounts.service import Account, require_officer_for
from marketplace.catalogue.members import require_member
from marketplace.catalogue.schemas import Page
from marketplace.db import reading
from marketplace.errors import ApplicationError, PermissionDenied
from traceability.batches import records
from traceability.batches.schemas import (
    BatchStatus,
    BatchSummary,
    JournalEvent,
    RecalledBatch,
    VerifyResult,
)
from traceability.batches.tables import Batch, BatchLink
from traceability.batches.verify import check_rows
from traceability.codes import parse_batch_code

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class BatchJournal:
    """A batch with its whole journal, for its own producer's members."""

    batch: BatchSummary
    events: tuple[JournalEvent, ...]
    came_from: tuple[str, ...]
    went_to: tuple[str, ...]
    journal: VerifyResult


@dataclass(frozen=True)
class OfficerBatch:
    batch: BatchSummary
    journal: VerifyResult


async def batch_journal(account: Account, batch_code: str) -> BatchJournal:
    """Everything about a batch, public or not: its members and officers of its province."""
    async with reading():
        row = await records.batch_row(batch_code)
        await _require_member_or_officer(account, row)
        events = await records.event_rows(row["id"])
        photos = await records.photo_rows([event["id"] for event in events])
        came_from, went_to = await linked_codes(row["id"])
        [summary] = await records.summaries([row])
    return BatchJournal(
        batch=summary,
        events=tuple(records.journal_event(e, photos.get(e["id"], [])) for e in events),
        came_from=came_from,
        went_to=went_to,
        journal=check_rows(row, events, photos),
    )


async def _require_member_or_officer(account: Account, row: dict[str, object]) -> None:
    if account.is_officer:
        require_officer_for(account, str(row["province_code"]))
        return
    await require_member(account.id, int(str(row["producer"])))


async def recalled_upstream(batch_id: int, max_depth: int = 50) -> tuple[str, ...]:
    """Codes of the recalled batches this one was made from, directly or through others."""
    frontier, seen, recalled = {batch_id}, {batch_id}, set()
    for _ in range(max_depth):
        if not frontier:
            break
        rows = await BatchLink.select(
            BatchLink.from_batch, BatchLink.from_batch.code, BatchLink.from_batch.status
        ).where(BatchLink.to_batch.is_in(list(frontier)))
        recalled |= {
            row["from_batch.code"]
            for row in rows
            if row["from_batch.status"] == BatchStatus.RECALLED
        }
        frontier = {int(row["from_batch"]) for row in rows} - seen
        seen |= frontier
    return tuple(sorted(recalled))


async def linked_codes(batch_id: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Codes of the batches this one came from, and went to."""
    upstream = await BatchLink.select(BatchLink.from_batch.code).where(
        BatchLink.to_batch == batch_id
    )
    downstream = await BatchLink.select(BatchLink.to_batch.code).where(
        BatchLink.from_batch == batch_id
    )
    return (
        tuple(sorted(row["from_batch.code"] for row in upstream)),
        tuple(sorted(row["to_batch.code"] for row in downstream)),
    )


async def producer_batches(account: Account, producer_id: int) -> list[BatchSummary]:
    """The batches of a producer, newest first, for its members."""
    await require_member(account.id, producer_id)
    async with reading():
        rows = (
            await Batch.select()
            .where(Batch.producer == producer_id)
            .order_by(Batch.created_at, ascending=False)
            .order_by(Batch.id, ascending=False)
            .output(load_json=True)
        )
        return await records.summaries(rows)


async def province_batches(
    officer: Account, page: int = 1, page_size: int = 20
) -> Page[OfficerBatch]:
    """Batches from the officer's province (every province for a national officer), recalled
    first, each with the result of verifying its journal."""
    if not officer.is_officer:
        raise PermissionDenied(
            "officer_only", "Trang này chỉ dành cho cán bộ quản lý.", "This page is for officers."
        )
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    query = Batch.select().output(load_json=True)
    count = Batch.count()
    if officer.officer_province_code:
        query = query.where(Batch.province_code == officer.officer_province_code)
        count = count.where(Batch.province_code == officer.officer_province_code)
    async with reading():
        rows = (
            await query.order_by(Batch.status, ascending=False)
            .order_by(Batch.created_at, ascending=False)
            .order_by(Batch.id, ascending=False)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
        total = await count
        items = [
            OfficerBatch(summary, await _verified(row))
            for row, summary in zip(rows, await records.summaries(rows), strict=True)
        ]
    return Page(items=items, total=total, page=page, page_size=page_size)


async def _verified(row: dict[str, object]) -> VerifyResult:
    events = await records.event_rows(int(str(row["id"])))
    photos = await records.photo_rows([int(event["id"]) for event in events])
    return check_rows(row, events, photos)


async def is_batch_recalled(batch_code: str) -> bool:
    """Whether the batch with this code has been recalled (False for unknown codes): checkout
    refuses to sell a product from a recalled batch."""
    try:
        code = parse_batch_code(batch_code)
    except ApplicationError:
        return False
    return await Batch.exists().where(
        (Batch.code == code) & (Batch.status == BatchStatus.RECALLED.value)
    )


async def recalled_batches_of_product(product_id: int) -> list[RecalledBatch]:
    """The product's recalled batches, most recent recall first."""
    rows = (
        await Batch.select(Batch.code, Batch.recall_reason, Batch.recalled_at)
        .where((Batch.product == product_id) & (Batch.status == BatchStatus.RECALLED.value))
        .order_by(Batch.recalled_at, ascending=False)
    )
    return [RecalledBatch(row["code"], row["recall_reason"], row["recalled_at"]) for row in rows]
