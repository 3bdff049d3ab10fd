"""Lots (lô) of a product that a buyer can ask for by code, and recalls that stop their sale.

A shopper who scans a batch's QR code and taps "buy" asks for that lot: the cart line and the
order line keep its code, so the seller knows which lot to ship, and checkout refuses a lot
that has been recalled. Traceability owns batches; it calls `register_lot` and `withdraw_lot`
inside its own write transactions, so this table never disagrees with the batch journal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from marketplace.catalogue.tables import ProductLot
from marketplace.codes import canonical
from marketplace.errors import Conflict, FieldError, NotFound

LOT_MAX_LENGTH = 20
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> date:
    """The day it is in Viet Nam, the day a best-before date speaks of."""
    return datetime.now(VIETNAM).date()


@dataclass(frozen=True)
class Lot:
    product_id: int
    code: str
    withdrawn_at: datetime | None
    withdraw_reason: str
    best_before: date | None = None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def expired(self) -> bool:
        """Past its best-before date: shown, but no longer sold."""
        return self.best_before is not None and self.best_before < today()


async def register_lot(product_id: int, code: str, best_before: date | None = None) -> None:
    """Record a new lot of a product (call inside the caller's write transaction)."""
    await ProductLot.insert(ProductLot(product=product_id, lot=code, best_before=best_before))


async def withdraw_lot(code: str, reason: str, at: datetime) -> None:
    """Stop every sale from this lot (call inside the caller's write transaction)."""
    await ProductLot.update(
        {ProductLot.withdrawn_at: at, ProductLot.withdraw_reason: reason}
    ).where(ProductLot.lot == code)


def _lot_not_found(field: str) -> NotFound:
    message_vi = "Sản phẩm này không có lô hàng mang mã đó."
    message_en = "This product has no batch with that code."
    return NotFound(
        "lot_not_found",
        message_vi,
        message_en,
        fields=[FieldError(field, "lot_not_found", message_vi, message_en)],
    )


def lot_expired(product_name: str, code: str, field: str = "lot") -> Conflict:
    """The refusal to sell from a lot past its best-before date."""
    return _not_sold(
        "batch_expired",
        product_name,
        code,
        field,
        "đã quá hạn sử dụng",
        "is past its best-before date",
    )


def lot_recalled(product_name: str, code: str, field: str = "lot") -> Conflict:
    """The refusal to sell from a recalled lot, naming the product and the lot."""
    return _not_sold(
        "batch_recalled", product_name, code, field, "đã bị thu hồi", "has been recalled"
    )


def _not_sold(
    reason: str, product_name: str, code: str, field: str, why_vi: str, why_en: str
) -> Conflict:
    message_vi = (
        f"Lô {code} của “{product_name}” {why_vi} nên không bán. "
        "Hãy bỏ lô này khỏi giỏ hoặc mua sản phẩm từ lô khác."
    )
    message_en = (
        f"Batch {code} of “{product_name}” {why_en} and is not sold. "
        "Remove it from the cart or buy the product from another batch."
    )
    return Conflict(
        reason, message_vi, message_en, fields=[FieldError(field, reason, message_vi, message_en)]
    )


async def lot_of_product(product_id: int, raw_code: str, field: str = "lot") -> Lot:
    """The product's lot with this code (typed or from a QR link); NotFound if it has none."""
    code = canonical(raw_code)
    if not code or len(code) > LOT_MAX_LENGTH:
        raise _lot_not_found(field)
    row = (
        await ProductLot.select(
            ProductLot.product,
            ProductLot.lot,
            ProductLot.withdrawn_at,
            ProductLot.withdraw_reason,
            ProductLot.best_before,
        )
        .where((ProductLot.lot == code) & (ProductLot.product == product_id))
        .first()
    )
    if row is None:
        raise _lot_not_found(field)
    return _lot(row)


async def recalled(codes: Iterable[str]) -> set[str]:
    """Which of these lot codes were recalled (the seller must not ship from them)."""
    wanted = sorted({code for code in codes if code})
    if not wanted:
        return set()
    rows = await ProductLot.select(ProductLot.lot).where(
        ProductLot.lot.is_in(wanted) & ProductLot.withdrawn_at.is_not_null()
    )
    return {str(row["lot"]) for row in rows}


async def not_sold(codes: Iterable[str]) -> tuple[set[str], set[str]]:
    """Which of these lot codes were recalled, and which are past their best-before date
    (one query, for a cart's lines)."""
    wanted = sorted({code for code in codes if code})
    if not wanted:
        return set(), set()
    rows = await ProductLot.select(
        ProductLot.lot, ProductLot.withdrawn_at, ProductLot.best_before
    ).where(
        ProductLot.lot.is_in(wanted)
        & (ProductLot.withdrawn_at.is_not_null() | (ProductLot.best_before < today()))
    )
    recalled = {str(row["lot"]) for row in rows if row["withdrawn_at"] is not None}
    day = today()
    expired = {str(row["lot"]) for row in rows if row["best_before"] and row["best_before"] < day}
    return recalled, expired


def _lot(row: dict[str, Any]) -> Lot:
    return Lot(
        product_id=int(row["product"]),
        code=str(row["lot"]),
        withdrawn_at=row["withdrawn_at"],
        withdraw_reason=str(row["withdraw_reason"] or ""),
        best_before=row["best_before"],
    )
