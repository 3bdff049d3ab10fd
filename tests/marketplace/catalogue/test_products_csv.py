"""A producer's products out to CSV and back: round trip, row report, all or nothing."""

import csv
import io
import unicodedata
from datetime import date

import pytest

from marketplace.catalogue import queries
from marketplace.catalogue.csv_io import (
    COLUMNS,
    decode_csv,
    export_products_csv,
    import_products_csv,
    producer_products,
)
from marketplace.catalogue.tables import Product as ProductRow
from marketplace.errors import InvalidInput, PermissionDenied
from tests.catalogue_factories import BA_THUOC, new_producer, new_product, new_seller

HEADER = (
    "slug,name,unit,price_vnd,stock,status,ocop_group,ocop_set,ocop_stars,"
    "ocop_decision_no,ocop_decision_date,certifications"
)


async def seller_with_products():
    seller = await new_seller()
    producer_id = await new_producer(seller)
    await new_product(seller, producer_id)
    await new_product(
        seller,
        producer_id,
        name="Chuối ngự An Ninh",
        unit="nải",
        price_vnd=60_000,
        description_vi="Chuối tiến vua.\nThơm, ngọt.",
        description_en="The king's banana.",
        ocop_stars=None,
        ocop_decision_no=None,
        ocop_decision_date=None,
        certifications=("organic", "vietgap"),
        gtin="8934567890120",
        status="draft",
    )
    return seller, producer_id


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


async def snapshot(producer_id):
    return [
        (p.slug, p.name, p.price_vnd, p.stock, p.status, p.updated_at)
        for p in await producer_products(producer_id)
    ]


async def test_export_starts_with_a_bom_and_keeps_vietnamese_and_every_field(db):
    seller, producer_id = await seller_with_products()
    text = await export_products_csv(seller, producer_id)
    assert text.startswith("\ufeff")
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    rows = rows_of(text)
    assert list(rows[0]) == list(COLUMNS)
    by_slug = {row["slug"]: row for row in rows}
    assert by_slug["buoi-ngoc-lu"]["name"] == "Bưởi Ngọc Lũ"
    assert by_slug["buoi-ngoc-lu"]["ocop_stars"] == "4"
    assert by_slug["buoi-ngoc-lu"]["ocop_decision_date"] == "2024-08-12"
    assert by_slug["chuoi-ngu-an-ninh"]["certifications"] == "organic vietgap"
    assert by_slug["chuoi-ngu-an-ninh"]["description_vi"] == "Chuối tiến vua.\nThơm, ngọt."
    assert by_slug["chuoi-ngu-an-ninh"]["gtin"].lstrip("0") == "8934567890120"
    assert by_slug["chuoi-ngu-an-ninh"]["status"] == "draft"


async def test_an_exported_file_imported_back_updates_the_same_products_unchanged(db):
    seller, producer_id = await seller_with_products()
    before = await producer_products(producer_id)
    text = await export_products_csv(seller, producer_id, delimiter=";")
    report = await import_products_csv(seller, producer_id, text)
    assert report.applied
    assert [(r.row, r.status) for r in report.rows] == [(2, "updated"), (3, "updated")]
    after = await producer_products(producer_id)
    fields = (
        "slug",
        "name",
        "unit",
        "price_vnd",
        "stock",
        "status",
        "description_vi",
        "description_en",
        "ocop_group",
        "ocop_set",
        "ocop_decision_no",
        "ocop_decision_date",
        "certifications",
        "gtin",
        "ocop",
    )
    assert [[getattr(p, f) for f in fields] for p in after] == [
        [getattr(p, f) for f in fields] for p in before
    ]


async def test_rows_with_a_slug_update_and_rows_without_create(db):
    seller, producer_id = await seller_with_products()
    text = (
        "\ufeffslug;name;unit;price_vnd;stock;status;certifications\n"
        "buoi-ngoc-lu;Bưởi Ngọc Lũ loại 1;quả;52.000;30;active;vietgap\n"
        ";Nho Đồng Du;kg;120.000 ₫;15;active;vietgap;\n"
    ).replace(";vietgap;\n", ";vietgap\n")
    report = await import_products_csv(seller, producer_id, text)
    assert report.applied
    assert [(r.row, r.status, r.slug) for r in report.rows] == [
        (2, "updated", "buoi-ngoc-lu"),
        (3, "created", "nho-dong-du"),
    ]
    buoi = await queries.get_product_by_slug("buoi-ngoc-lu")
    assert (buoi.name, buoi.price_vnd, buoi.stock) == ("Bưởi Ngọc Lũ loại 1", 52_000, 30)
    assert buoi.ocop.certified_stars == 4  # columns left out keep their values
    assert buoi.ocop_decision_date == date(2024, 8, 12)
    nho = await queries.get_product_by_slug("nho-dong-du")
    assert (nho.price_vnd, nho.unit, nho.producer_id) == (120_000, "kg", producer_id)


async def test_one_invalid_row_changes_nothing_and_every_row_is_reported(db):
    seller, producer_id = await seller_with_products()
    before = await snapshot(producer_id)
    text = "\n".join(
        [
            HEADER,
            "buoi-ngoc-lu,Bưởi Ngọc Lũ,quả,99000,5,active,1,1,4,1456/QĐ-UBND,12/08/2024,vietgap",
            ",Gạo tám Hoa Lư,kg,30000,100,active,,,,,,",
            ",Mật ong rừng,tấn,250000,5,active,,,,,,",
            ",Nem chua Thanh Hóa,hộp,abc,5,active,,,,,,",
            ",Chè,kg,80000,5,active,1,11,,,,",
        ]
    )
    report = await import_products_csv(seller, producer_id, text)
    assert not report.applied
    statuses = [(r.row, r.status) for r in report.rows]
    assert statuses == [(2, "updated"), (3, "created"), (4, "error"), (5, "error"), (6, "error")]
    errors = {r.row: r.errors[0] for r in report.rows if r.errors}
    assert (errors[4].field, errors[4].code) == ("unit", "unit_invalid")
    assert (errors[5].field, errors[5].code) == ("price_vnd", "not_a_whole_number")
    assert "abc" in errors[5].message_vi and "120.000" in errors[5].message_vi
    assert (errors[6].field, errors[6].code) == ("ocop_set", "ocop_set_not_in_group")
    assert await snapshot(producer_id) == before
    assert await ProductRow.count() == 2


async def test_the_same_product_twice_in_a_file_is_an_error(db):
    seller, producer_id = await seller_with_products()
    text = "slug,name,unit,price_vnd\nbuoi-ngoc-lu,Bưởi,quả,1000\nbuoi-ngoc-lu,Bưởi,quả,2000\n"
    report = await import_products_csv(seller, producer_id, text)
    assert not report.applied
    assert report.rows[1].errors[0].code == "slug_repeated"
    assert (await queries.get_product_by_slug("buoi-ngoc-lu")).price_vnd == 45_000


async def test_a_slug_of_another_producer_is_a_row_error_and_nothing_is_written(db):
    _seller, _producer_id = await seller_with_products()
    other = await new_seller("Lê Văn Nam")
    other_producer = await new_producer(other, BA_THUOC)
    report = await import_products_csv(
        other, other_producer, "slug,name,unit,price_vnd\nbuoi-ngoc-lu,Bưởi giả,quả,1000\n"
    )
    assert not report.applied
    [row] = report.rows
    assert (row.row, row.status, row.slug) == (2, "error", "buoi-ngoc-lu")
    assert (row.errors[0].field, row.errors[0].code) == ("slug", "slug_unknown")
    assert row.errors[0].message_vi.startswith("Dòng 2: cơ sở của bạn không có sản phẩm")
    assert "“buoi-ngoc-lu”" in row.errors[0].message_vi
    original = await queries.get_product_by_slug("buoi-ngoc-lu")
    assert (original.name, original.price_vnd) == ("Bưởi Ngọc Lũ", 45_000)
    assert await producer_products(other_producer) == []
    assert await ProductRow.count() == 2


async def test_an_unknown_slug_is_a_row_error_among_valid_rows(db):
    seller, producer_id = await seller_with_products()
    before = await snapshot(producer_id)
    text = (
        "slug,name,unit,price_vnd\n"
        "buoi-ngoc-lu,Bưởi Ngọc Lũ,quả,50000\n"
        ",Nho Đồng Du,kg,120000\n"
        "nho-dong-du-cu,Nho Đồng Du cũ,kg,90000\n"
    )
    report = await import_products_csv(seller, producer_id, text)
    assert not report.applied
    assert [(r.row, r.status) for r in report.rows] == [
        (2, "updated"),
        (3, "created"),
        (4, "error"),
    ]
    assert report.rows[2].errors[0].message_en == (
        "Row 4: your producer has no product with the slug “nho-dong-du-cu”. To create a new "
        "product, leave the slug cell empty."
    )
    assert await snapshot(producer_id) == before
    assert await ProductRow.count() == 2


async def test_only_members_export_or_import(db):
    _seller, producer_id = await seller_with_products()
    stranger = await new_seller("Lê Văn Nam")
    with pytest.raises(PermissionDenied):
        await export_products_csv(stranger, producer_id)
    with pytest.raises(PermissionDenied):
        await import_products_csv(stranger, producer_id, "name,unit,price_vnd\nX,kg,1000\n")
    assert await ProductRow.count() == 2


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("name,unit\nBưởi,quả\n", "csv_column_missing"),
        ("name,unit,price_vnd,colour\nBưởi,quả,1000,vàng\n", "csv_column_unknown"),
        ("name,unit,price_vnd\n", "csv_empty"),
    ],
)
async def test_a_file_with_wrong_columns_is_refused_whole(db, text, code):
    seller, producer_id = await seller_with_products()
    with pytest.raises(InvalidInput) as error:
        await import_products_csv(seller, producer_id, text)
    assert error.value.code == code
    assert await ProductRow.count() == 2


def windows_1258(text):
    """Encode as Windows does for Vietnamese: tone marks as combining characters."""
    encoded = b""
    for character in text:
        try:
            encoded += character.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", character)
            base = unicodedata.normalize("NFC", decomposed[:-1])
            encoded += base.encode("cp1258") + decomposed[-1].encode("cp1258")
    return encoded


def test_files_saved_by_excel_in_windows_vietnamese_encoding_are_read():
    text = "name,unit,price_vnd\nBưởi Ngọc Lũ,quả,45000\n"
    assert decode_csv(windows_1258(text)) == text
    assert decode_csv(("\ufeff" + text).encode("utf-8")) == text
