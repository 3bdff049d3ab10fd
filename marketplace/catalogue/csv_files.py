"""Reading a products CSV file: its encoding, its delimiter, its header."""

from __future__ import annotations

import csv
import io
import unicodedata

from marketplace.errors import FieldError, InvalidInput

COLUMNS = (
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
    "ocop_stars",
    "ocop_decision_no",
    "ocop_decision_date",
    "certifications",
    "gtin",
    # the stock when the file was exported: a "stock" cell left as it was keeps what buyers
    # bought meanwhile, a changed one over such sales is refused (products.update_product)
    "stock_at_export",
)
REQUIRED_COLUMNS = ("name", "unit", "price_vnd")
MAX_IMPORT_ROWS = 2000


def _file_error(code: str, message_vi: str, message_en: str) -> InvalidInput:
    return InvalidInput(
        code, message_vi, message_en, fields=[FieldError("file", code, message_vi, message_en)]
    )


def decode_csv(data: bytes) -> str:
    """Text of an uploaded CSV: UTF-8 (with or without BOM), else Windows Vietnamese (cp1258)."""
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return unicodedata.normalize("NFC", normalize_newlines(data.decode(encoding)))
        except UnicodeDecodeError:
            continue
    raise _file_error(
        "csv_encoding",
        "Không đọc được tệp: hãy lưu tệp dạng CSV UTF-8.",
        "The file cannot be read: save it as CSV UTF-8.",
    )


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sniff_delimiter(header_line: str) -> str:
    """`;` when the header has more semicolons than commas (and tabs), else `,` or tab."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter])


def read_records(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (lowercased column names) and the non-empty data rows with their row numbers
    as a spreadsheet shows them (the header is row 1); InvalidInput for a file unfit to import."""
    text = normalize_newlines(text.removeprefix("\ufeff"))
    first_line = next((line for line in text.split("\n") if line.strip()), "")
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(first_line))
    numbered = [
        (number, row)
        for number, row in enumerate(reader, start=1)
        if any(cell.strip() for cell in row)
    ]
    if len(numbered) < 2:
        raise _file_error(
            "csv_empty",
            "Tệp không có dòng sản phẩm nào dưới dòng tiêu đề.",
            "The file has no product rows below its header.",
        )
    if len(numbered) - 1 > MAX_IMPORT_ROWS:
        raise _file_error(
            "csv_too_many_rows",
            f"Tệp có quá nhiều dòng (tối đa {MAX_IMPORT_ROWS}).",
            f"The file has too many rows ({MAX_IMPORT_ROWS} at most).",
        )
    header = [cell.strip().lower() for cell in numbered[0][1]]
    _check_header(header)
    return header, numbered[1:]


def _check_header(header: list[str]) -> None:
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        raise _file_error(
            "csv_column_unknown",
            f"Cột không rõ: {', '.join(unknown)}. Các cột dùng được: {', '.join(COLUMNS)}.",
            f"Unknown column: {', '.join(unknown)}. Known columns: {', '.join(COLUMNS)}.",
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise _file_error(
            "csv_column_missing",
            f"Thiếu cột bắt buộc: {', '.join(missing)}.",
            f"Missing required column: {', '.join(missing)}.",
        )
    if len(set(header) - {""}) != len([name for name in header if name]):
        raise _file_error(
            "csv_column_repeated",
            "Một cột xuất hiện hai lần trong dòng tiêu đề.",
            "A column appears twice in the header.",
        )
