"""Opening, recalling, closing and linking batches, and choosing what the public sees."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from marketplace.accounts.service import Account
from marketplace.catalogue import lots
from marketplace.catalogue.members import OWNER, require_member, role_in
from marketplace.catalogue.queries import get_product
from marketplace.db import write_transaction
from marketplace.errors import Conflict, PermissionDenied, invalid_field
from traceability.batches import records, validation
from traceability.batches.cache import batch_changed
from traceability.batches.journal import append_locked
from traceability.batches.schemas import (
    BatchDetails,
    BatchStatus,
    BatchSummary,
    EventKind,
)
from traceability.batches.tables import Batch, BatchLink
from traceability.codes import new_batch_code, parse_batch_code

MAX_LINK_DEPTH = 50
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
EARLIEST_DAY = date(2000, 1, 1)


async def open_batch(
    account: Account,
    product_id: int,
    details: BatchDetails | None = None,
    *,
    code: str | None = None,
) -> BatchSummary:
    """Open a new batch (lô) of a product; the account must work for its producer.

    `code` lets an import or the seeds keep a code already printed; by default a fresh random
    code is drawn.
    """
    details = details or BatchDetails()
    product = await get_product(product_id)
    await require_member(account.id, product.producer_id)
    quantity, unit = validation.quantity(details.quantity, details.unit or product.unit)
    _check_dates(details)
    values: dict[str, Any] = {
        "product": product.id,
        "producer": product.producer_id,
        "province_code": product.province_code,
        "quantity": quantity,
        "unit": unit,
        "harvested_on": details.harvested_on,
        "packed_on": details.packed_on,
        "best_before": details.best_before,
        "growing_area_code": validation.growing_area(details.growing_area_code),
        "public_fields": validation.public_fields(details.public_fields),
        "created_by": account.id,
    }
    async with write_transaction():
        batch_code = await _free_code(code)
        await Batch.insert(Batch(code=batch_code, **values))
        await lots.register_lot(product.id, batch_code, values["best_before"])
    row = await records.batch_row(batch_code)
    return records.batch_summary(row, product)


async def _free_code(wanted: str | None) -> str:
    if wanted is not None:
        code = parse_batch_code(wanted)
        if await Batch.exists().where(Batch.code == code):
            raise Conflict(
                "batch_code_taken", "Mã lô này đã được dùng.", "This batch code is already used."
            )
        return code
    while True:
        code = new_batch_code()
        if not await Batch.exists().where(Batch.code == code):
            return code


def _check_dates(details: BatchDetails) -> None:
    """Harvest and packing happened (not after tomorrow in Viet Nam, which leaves room for
    any timezone, nor before 2000), packing after harvest, and best-before after both."""
    latest = datetime.now(VIETNAM).date() + timedelta(days=1)
    for field, day in (("harvested_on", details.harvested_on), ("packed_on", details.packed_on)):
        if day is not None and not EARLIEST_DAY <= day <= latest:
            raise invalid_field(
                field,
                f"{field}_invalid",
                "Ngày này không hợp lệ: không thể ở tương lai hoặc trước năm 2000.",
                "This date is not valid: it cannot be in the future or before 2000.",
            )
    if details.packed_on and details.harvested_on and details.packed_on < details.harvested_on:
        raise invalid_field(
            "packed_on",
            "packed_before_harvest",
            "Ngày đóng gói không thể trước ngày thu hoạch.",
            "The packing date cannot come before the harvest.",
        )
    earlier = [day for day in (details.harvested_on, details.packed_on) if day is not None]
    if details.best_before and details.best_before < max(earlier, default=EARLIEST_DAY):
        raise invalid_field(
            "best_before",
            "best_before_before_harvest",
            "Hạn sử dụng không thể trước ngày thu hoạch, ngày đóng gói hoặc năm 2000.",
            "The best-before date cannot come before the harvest, the packing or 2000.",
        )


async def recall_batch(account: Account, batch_code: str, reason: str) -> BatchSummary:
    """Recall a batch (thu hồi): its page says so in red and its product cannot be bought from
    it. Owners of the producer and officers of its province may recall."""
    batch = await records.batch_row(batch_code)
    await _require_owner_or_officer(account, batch)
    why = validation.recall_reason(reason)
    async with write_transaction():
        status = await Batch.select(Batch.status).where(Batch.id == batch["id"]).first()
        if status is not None and status["status"] == BatchStatus.RECALLED:
            raise Conflict(
                "batch_already_recalled",
                "Lô hàng này đã bị thu hồi.",
                "This batch has already been recalled.",
            )
        now = datetime.now(UTC)
        await Batch.update(
            {
                Batch.status: BatchStatus.RECALLED.value,
                Batch.recall_reason: why,
                Batch.recalled_at: now,
            }
        ).where(Batch.id == batch["id"])
        await append_locked(batch["id"], account.id, _recall_event(why, now))
        await lots.withdraw_lot(batch["code"], why, now)
    batch_changed(batch["code"])
    return await _summary(batch["code"])


def _recall_event(reason: str, now: datetime) -> dict[str, Any]:
    return {
        "kind": EventKind.RECALL.value,
        "occurred_at": now,
        "recorded_at": now,
        "commune_code": None,
        "latitude": None,
        "longitude": None,
        "actor": "",
        "notes": reason,
        "inputs": [],
        "quantity": None,
        "unit": "",
        "inspection_passed": None,
        "certificate_urls": [],
        "public": True,
        "private_fields": [],
        "corrects_sequence": None,
        "photos": [],
    }


async def close_batch(account: Account, batch_code: str) -> BatchSummary:
    """Close a sold-out batch: only corrections can be recorded afterwards."""
    batch = await records.batch_row(batch_code)
    await require_member(account.id, int(batch["producer"]))
    async with write_transaction():
        await Batch.update(
            {Batch.status: BatchStatus.CLOSED.value, Batch.updated_at: datetime.now(UTC)}
        ).where((Batch.id == batch["id"]) & (Batch.status == BatchStatus.ACTIVE.value))
    batch_changed(batch["code"])
    return await _summary(batch["code"])


async def set_public_fields(
    account: Account, batch_code: str, fields: list[str] | tuple[str, ...]
) -> BatchSummary:
    """Choose which fields of the batch the public page, JSON and EPCIS export show."""
    batch = await records.batch_row(batch_code)
    await require_member(account.id, int(batch["producer"]))
    chosen = validation.public_fields(fields)
    async with write_transaction():
        await Batch.update(
            {Batch.public_fields: chosen, Batch.updated_at: datetime.now(UTC)}
        ).where(Batch.id == batch["id"])
    batch_changed(batch["code"])
    return await _summary(batch["code"])


async def link_batches(account: Account, from_code: str, to_code: str) -> None:
    """Record that goods of batch `from_code` went into batch `to_code` ("một bước trước –
    một bước sau").

    A link is shown on the pages of both batches (`went_to` of the first, `came_from` of the
    second), so the account must work for the producer of each of them: nobody writes onto
    the provenance page of a batch they do not own. A link between two producers' batches
    would need both of them to agree, which nothing records yet, so it is refused.
    """
    source = await records.batch_row(from_code)
    target = await records.batch_row(to_code)
    if source["id"] == target["id"]:
        raise _link_refused("batch_link_self", "một lô với chính nó", "a batch to itself")
    for batch in (source, target):
        if await role_in(account.id, int(batch["producer"])) is None:
            raise PermissionDenied(
                "batch_link_not_yours",
                f"Lô {batch['code']} không thuộc cơ sở của bạn: chỉ cơ sở sở hữu lô mới được "
                "nối nó với lô khác, vì liên kết hiện trên trang truy xuất của lô đó.",
                f"Batch {batch['code']} does not belong to your producer: only the producer "
                "that owns a batch may link it, as the link shows on that batch's provenance "
                "page.",
            )
    async with write_transaction():
        if await BatchLink.exists().where(
            (BatchLink.from_batch == source["id"]) & (BatchLink.to_batch == target["id"])
        ):
            raise Conflict(
                "batch_link_exists", "Hai lô này đã được nối.", "These batches are already linked."
            )
        if await Batch.exists().where(
            (Batch.id == source["id"]) & (Batch.status == BatchStatus.RECALLED.value)
        ):
            raise Conflict(
                "batch_link_recalled",
                f"Lô {source['code']} đã bị thu hồi: không thể dùng nó làm nguồn của lô khác.",
                f"Batch {source['code']} has been recalled: it cannot be the source of another "
                "batch.",
            )
        if await _reaches(target["id"], source["id"]):
            raise _link_refused("batch_link_cycle", "thành vòng tròn", "into a circle")
        await BatchLink.insert(
            BatchLink(from_batch=source["id"], to_batch=target["id"], created_by=account.id)
        )
    batch_changed(source["code"])
    batch_changed(target["code"])


async def _reaches(start: int, goal: int) -> bool:
    """Whether following links downstream from `start` arrives at `goal`."""
    frontier, seen = {start}, set()
    for _ in range(MAX_LINK_DEPTH):
        if goal in frontier:
            return True
        seen |= frontier
        if not frontier:
            return False
        rows = await BatchLink.select(BatchLink.to_batch).where(
            BatchLink.from_batch.is_in(list(frontier))
        )
        frontier = {int(row["to_batch"]) for row in rows} - seen
    return True


def _link_refused(code: str, vi: str, en: str) -> Conflict:
    return Conflict(code, f"Không thể nối {vi}.", f"Cannot link {en}.")


async def _require_owner_or_officer(account: Account, batch: dict[str, Any]) -> None:
    if account.is_officer and account.officer_province_code in (None, batch["province_code"]):
        return
    if await role_in(account.id, int(batch["producer"])) != OWNER:
        raise PermissionDenied(
            "recall_not_allowed",
            "Chỉ chủ cơ sở hoặc cán bộ quản lý của tỉnh mới được thu hồi lô hàng.",
            "Only an owner of the producer or an officer of its province may recall a batch.",
        )


async def _summary(code: str) -> BatchSummary:
    row = await records.batch_row(code)
    return records.batch_summary(row, await get_product(int(row["product"])))
