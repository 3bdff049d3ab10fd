"""A producer's products as a CSV file, out and back in, for sellers who live in spreadsheets.

Export is UTF-8 with a byte-order mark, which is how Excel recognises UTF-8 (without it,
Vietnamese diacritics turn into mojibake). Import takes comma or semicolon files (Excel writes
semicolons where the list separator is one), matches rows to this producer's products by slug
(an empty slug creates a product, a slug it does not have is a row error), checks every row
through the same service functions as the forms, and changes nothing unless every row is valid.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from typing import Any

from marketplace.accounts.service import Account
from marketplace.catalogue import members, products
from marketplace.catalogue.csv_files import (
    COLUMNS,
    MAX_IMPORT_ROWS,
    REQUIRED_COLUMNS,
    decode_csv,
    read_records,
    sniff_delimiter,
)
from marketplace.catalogue.queries import list_products
from marketplace.catalogue.schemas import Product, ProductFilters, ProductInput
from marketplace.catalogue.typed_values import parse_day, parse_whole_number
from marketplace.db import write_transaction
from marketplace.errors import ApplicationError, FieldError, InvalidInput, invalid_field
from marketplace.text import normalize

__all__ = [
    "COLUMNS",
    "MAX_IMPORT_ROWS",
    "REQUIRED_COLUMNS",
    "ImportReport",
    "RowResult",
    "decode_csv",
    "export_products_csv",
    "import_products_csv",
    "producer_products",
    "sniff_delimiter",
]

CREATED, UPDATED, ERROR = "created", "updated", "error"

_LIST_SEPARATORS = re.compile(r"[\s;,]+")


@dataclass(frozen=True)
class RowResult:
    """What happened (or, when nothing was applied, would have happened) to one data row.

    `row` is the spreadsheet row number: the header is row 1.
    """

    row: int
    status: str
    slug: str
    name: str
    errors: tuple[FieldError, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    rows: tuple[RowResult, ...]
    applied: bool

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)


# --- export -------------------------------------------------------------------------------


async def producer_products(producer_id: int) -> list[Product]:
    """Every product of the producer, whatever its status, by name."""
    found: list[Product] = []
    page_number = 1
    while True:
        page = await list_products(
            ProductFilters(producer_id=producer_id, status=""),
            sort="name",
            page=page_number,
            page_size=100,
        )
        found.extend(page.items)
        if len(found) >= page.total or not page.items:
            return found
        page_number += 1


def _cells(product: Product) -> list[str]:
    def text(value: object) -> str:
        return "" if value is None else str(value)

    decision_date = product.ocop_decision_date
    return [
        product.slug,
        product.name,
        product.unit,
        str(product.price_vnd),
        str(product.stock),
        product.status,
        product.description_vi,
        product.description_en,
        text(product.ocop_group),
        text(product.ocop_set),
        text(product.ocop.certified_stars),
        text(product.ocop_decision_no),
        decision_date.isoformat() if decision_date else "",
        " ".join(product.certifications),
        text(product.gtin),
        str(product.stock),
    ]


async def export_products_csv(account: Account, producer_id: int, delimiter: str = ",") -> str:
    """The producer's products as CSV text starting with a byte-order mark."""
    if delimiter not in (",", ";"):
        raise ValueError("delimiter must be ',' or ';'")
    await members.require_member(account.id, producer_id)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for product in await producer_products(producer_id):
        writer.writerow(_cells(product))
    return buffer.getvalue()


# --- reading one cell ---------------------------------------------------------------------


def _optional_number(raw: str, field: str) -> int | None:
    return parse_whole_number(raw, field) if raw.strip() else None


def _optional_text(raw: str) -> str | None:
    return normalize(raw) or None


def _parse_cell(column: str, raw: str) -> tuple[str, Any]:
    """The ProductInput field and value that one cell gives."""
    if column == "price_vnd":
        return column, parse_whole_number(raw, column) if raw.strip() else 0
    if column == "stock":
        return column, parse_whole_number(raw, column) if raw.strip() else 0
    if column in ("ocop_group", "ocop_set", "ocop_stars"):
        return column, _optional_number(raw, column)
    if column == "ocop_decision_date":
        return column, parse_day(raw)
    if column == "certifications":
        return column, tuple(code for code in _LIST_SEPARATORS.split(raw.lower()) if code)
    if column == "ocop_decision_no" and len(raw.strip()) > 60:
        raise invalid_field(
            column,
            "text_too_long",
            "Số quyết định quá dài (tối đa 60 ký tự).",
            "The decision number is too long (60 characters at most).",
        )
    if column in ("ocop_decision_no", "gtin"):
        return column, _optional_text(raw)
    if column in ("unit", "status"):
        return column, normalize(raw).lower()
    if column in ("description_vi", "description_en"):
        return column, raw.strip()
    return column, normalize(raw)


# --- one row ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PlannedRow:
    row: int
    slug: str
    name: str
    product_id: int | None
    data: ProductInput | None
    errors: tuple[FieldError, ...]
    fields: frozenset[str] = frozenset()  # the product fields the file has columns for
    stock_seen: int | None = None  # the stock_at_export cell


def _input_of(product: Product) -> ProductInput:
    return ProductInput(
        name=product.name,
        unit=product.unit,
        price_vnd=product.price_vnd,
        stock=product.stock,
        description_vi=product.description_vi,
        description_en=product.description_en,
        ocop_group=product.ocop_group,
        ocop_set=product.ocop_set,
        ocop_stars=product.ocop.certified_stars,
        ocop_decision_no=product.ocop_decision_no,
        ocop_decision_date=product.ocop_decision_date,
        certifications=product.certifications,
        gtin=product.gtin,
        status=product.status,
        featured=product.featured,
    )


def _plan_row(
    number: int, header: list[str], cells: list[str], existing: dict[str, Product]
) -> _PlannedRow:
    values = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))
    slug = values.pop("slug", "").strip().lower()
    values.pop("", None)
    exported = values.pop("stock_at_export", "").strip()
    current = existing.get(slug) if slug else None
    base = _input_of(current) if current else ProductInput(name="", unit="", price_vnd=0)
    changes: dict[str, Any] = {}
    errors: list[FieldError] = []
    for column, raw in values.items():
        try:
            field, value = _parse_cell(column, raw)
        except InvalidInput as problem:
            errors.extend(problem.fields)
            continue
        changes[field] = value
    if not changes.get("status", base.status):
        changes["status"] = base.status
    if slug and current is None:
        errors.insert(0, _unknown_slug(number, slug))
    stock_seen = None
    if exported:
        try:
            stock_seen = parse_whole_number(exported, "stock_at_export")
        except InvalidInput as problem:
            errors.extend(problem.fields)
    name = normalize(values.get("name", ""))
    data = replace(base, **changes) if not errors else None
    return _PlannedRow(
        number,
        slug,
        name,
        current.id if current else None,
        data,
        tuple(errors),
        frozenset(changes),
        stock_seen,
    )


def _unknown_slug(number: int, slug: str) -> FieldError:
    """A slug that names none of this producer's products: creating a product in its place
    would be a surprise (a typo, or a row copied from another producer's file)."""
    return FieldError(
        "slug",
        "slug_unknown",
        f"Dòng {number}: cơ sở của bạn không có sản phẩm nào mang mã “{slug}”. Để tạo sản "
        "phẩm mới, hãy để trống ô slug.",
        f"Row {number}: your producer has no product with the slug “{slug}”. To create a new "
        "product, leave the slug cell empty.",
    )


def _mark_repeated_slugs(planned: list[_PlannedRow]) -> list[_PlannedRow]:
    seen: set[str] = set()
    marked: list[_PlannedRow] = []
    for row in planned:
        if row.slug and row.product_id is not None and row.slug in seen:
            problem = FieldError(
                "slug",
                "slug_repeated",
                f"Mã “{row.slug}” đã có ở một dòng phía trên.",
                f"The slug “{row.slug}” already appears in a row above.",
            )
            row = replace(row, data=None, errors=(*row.errors, problem))
        seen.add(row.slug)
        marked.append(row)
    return marked


async def _apply(account: Account, producer_id: int, row: _PlannedRow) -> RowResult:
    if row.data is None:
        return RowResult(row.row, ERROR, row.slug, row.name, row.errors)
    try:
        if row.product_id is not None:
            product = await products.update_product(
                account, row.product_id, row.data, only=row.fields, stock_seen=row.stock_seen
            )
            return RowResult(row.row, UPDATED, product.slug, product.name)
        product = await products.create_product(account, producer_id, row.data)
        return RowResult(row.row, CREATED, product.slug, product.name)
    except ApplicationError as error:
        problems = tuple(error.fields) or (
            FieldError("", error.code, error.message_vi, error.message_en),
        )
        return RowResult(row.row, ERROR, row.slug, row.name, problems)


class _RollBack(Exception):
    def __init__(self, results: list[RowResult]) -> None:
        super().__init__("an import row is invalid")
        self.results = results


async def import_products_csv(account: Account, producer_id: int, text: str) -> ImportReport:
    """Create or update the producer's products from CSV text: every row or none.

    A row whose slug names one of this producer's products updates it (columns left out keep
    their stored values, and with `stock_at_export` a stock cell left as exported keeps what
    was sold since); a row without a slug creates a product; a row whose slug names no product
    of this producer (unknown, or another producer's) is an error. Each row goes through
    create_product or update_product inside one transaction, which is rolled back when any
    row fails.
    """
    await members.require_member(account.id, producer_id)
    header, records = read_records(text)
    existing = {product.slug: product for product in await producer_products(producer_id)}
    planned = _mark_repeated_slugs(
        [_plan_row(number, header, cells, existing) for number, cells in records]
    )
    try:
        async with write_transaction():
            results = [await _apply(account, producer_id, row) for row in planned]
            if any(result.status == ERROR for result in results):
                raise _RollBack(results)
    except _RollBack as rollback:
        return ImportReport(tuple(rollback.results), applied=False)
    return ImportReport(tuple(results), applied=True)
