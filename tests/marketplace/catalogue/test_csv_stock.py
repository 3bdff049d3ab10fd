"""A CSV exported, edited in Excel and imported again never puts back stock sold meanwhile
(QA: changing only a price in the file restored 5 units a buyer had just bought)."""

import csv
import io

from marketplace.catalogue.csv_io import export_products_csv, import_products_csv
from marketplace.catalogue.products import reserve_stock
from marketplace.catalogue.queries import get_product
from tests.catalogue_factories import new_producer, new_product, new_seller


def _edited(exported: str, **cells: str) -> str:
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    for row in rows:
        row.update(cells)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


async def _one_product():
    seller = await new_seller()
    producer = await new_producer(seller)
    product = await new_product(seller, producer)  # stock 10
    return seller, producer, product


async def test_a_price_changed_in_the_file_keeps_the_units_sold_since_the_export(db):
    seller, producer, product = await _one_product()
    exported = await export_products_csv(seller, producer)
    assert await reserve_stock(product.id, 4)  # a buyer checks out meanwhile

    report = await import_products_csv(seller, producer, _edited(exported, price_vnd="52000"))

    assert report.applied
    after = await get_product(product.id)
    assert (after.price_vnd, after.stock) == (52_000, 6)


async def test_a_new_count_over_sales_since_the_export_is_a_row_error_and_nothing_changes(db):
    seller, producer, product = await _one_product()
    exported = await export_products_csv(seller, producer)
    assert await reserve_stock(product.id, 4)

    report = await import_products_csv(
        seller, producer, _edited(exported, stock="30", price_vnd="52000")
    )

    assert not report.applied
    [row] = report.rows
    assert [problem.code for problem in row.errors] == ["stock_changed"]
    after = await get_product(product.id)
    assert (after.price_vnd, after.stock) == (product.price_vnd, 6)


async def test_a_file_without_the_export_column_still_sets_the_stock_it_gives(db):
    seller, producer, product = await _one_product()
    exported = await export_products_csv(seller, producer)
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    hand_made = "slug,name,unit,price_vnd,stock\n" + ",".join(
        [rows[0]["slug"], rows[0]["name"], rows[0]["unit"], rows[0]["price_vnd"], "25"]
    )
    report = await import_products_csv(seller, producer, hand_made)
    assert report.applied
    assert (await get_product(product.id)).stock == 25
