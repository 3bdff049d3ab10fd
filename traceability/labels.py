"""Printable PDFs: sheets of batch labels for common A4 sticker paper, and heritage plaques.

Each label carries a vector QR code (the provenance URL) and, beside it, the product, the
producer, the batch code and the dates, in Vietnamese with a font that has every Vietnamese
letter. On small stickers the text shrinks first, then the least important lines give way.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from marketplace.errors import invalid_field
from traceability.pdf_drawing import (
    FONT,
    FONT_BOLD,
    PlacedLine,
    TextLine,
    block_height,
    draw_centred_lines,
    draw_lines,
    draw_qr,
    fit_block,
    register_fonts,
)


@dataclass(frozen=True)
class LabelData:
    """What one label shows; `url` is what its QR code holds (e.g. https://host/t/CODE)."""

    url: str
    product_name: str
    batch_code: str
    producer_name: str
    harvested_on: date | None = None
    packed_on: date | None = None
    best_before: date | None = None


@dataclass(frozen=True)
class LabelLayout:
    """A sheet of identical stickers on A4 portrait paper; lengths in millimetres."""

    columns: int
    rows: int
    label_width: float
    label_height: float
    left_margin: float
    top_margin: float
    column_pitch: float
    row_pitch: float
    description: str

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


LAYOUTS: dict[str, LabelLayout] = {
    "a4-3x8": LabelLayout(3, 8, 70, 37, 0, 0.5, 70, 37, "24 nhãn 70 × 37 mm (Avery 3474)"),
    "a4-2x7": LabelLayout(
        2, 7, 99.1, 38.1, 4.65, 15.15, 101.6, 38.1, "14 nhãn 99,1 × 38,1 mm (L7163)"
    ),
    "a4-4x10": LabelLayout(4, 10, 48.5, 25.4, 8, 21.5, 48.5, 25.4, "40 nhãn 48,5 × 25,4 mm (3657)"),
    "a4-5x13": LabelLayout(
        5, 13, 38.1, 21.2, 4.75, 10.7, 40.6, 21.2, "65 nhãn 38,1 × 21,2 mm (L7651)"
    ),
}
DEFAULT_LAYOUT = "a4-3x8"
_PLAQUE_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "A5": A5}
_A4_WIDTH: float = A4[0]
_MM: float = mm


def label_sheet_pdf(labels: Sequence[LabelData], layout: str = DEFAULT_LAYOUT) -> bytes:
    """A PDF of `labels` placed left to right, top to bottom, as many pages as needed."""
    if layout not in LAYOUTS:
        raise invalid_field(
            "layout",
            "label_layout_unknown",
            "Không có khổ giấy nhãn này; hãy chọn một khổ trong danh sách.",
            "Unknown label sheet layout; please pick one from the list.",
        )
    if not labels:
        raise ValueError("a label sheet needs at least one label")
    sheet = LAYOUTS[layout]
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle("Nhãn truy xuất nguồn gốc")
    canvas.setAuthor("Langso")
    for index, label in enumerate(labels):
        if index and index % sheet.per_page == 0:
            canvas.showPage()
        _draw_label(canvas, label, *_label_origin(sheet, index % sheet.per_page), sheet)
    canvas.save()
    return buffer.getvalue()


def _label_origin(sheet: LabelLayout, slot: int) -> tuple[float, float]:
    row, column = divmod(slot, sheet.columns)
    x = (sheet.left_margin + column * sheet.column_pitch) * mm
    top = A4[1] - (sheet.top_margin + row * sheet.row_pitch) * mm
    return x, top - sheet.label_height * mm


def _draw_label(canvas: Canvas, label: LabelData, x: float, y: float, sheet: LabelLayout) -> None:
    width, height = sheet.label_width * mm, sheet.label_height * mm
    padding = min(2 * mm, height * 0.07)
    qr_side = height - 2 * padding
    draw_qr(canvas, label.url, x + padding, y + padding, qr_side)
    text_left = x + padding + qr_side + 1 * mm
    text_width = width - (text_left - x) - padding
    lines = fit_block(_label_lines(label), text_width, height - 2 * padding, (8.5, 5.0))
    top = y + height - padding - (height - 2 * padding - block_height(lines)) / 2
    draw_lines(canvas, lines, text_left, top)
    canvas.setStrokeGray(0.85)
    canvas.setLineWidth(0.3)
    canvas.rect(x, y, width, height, stroke=1, fill=0)


def _label_lines(label: LabelData) -> list[TextLine]:
    """The label's lines in reading order; dates, then the producer, give way on small stickers.
    The batch code is never dropped: it shrinks instead, as people type it from the label."""
    lines = [
        TextLine(label.product_name, FONT_BOLD, 1.2, max_lines=2, shortenable=True),
        TextLine(label.producer_name, FONT, 1.0, max_lines=1, priority=1, shortenable=True),
        TextLine(f"Lô: {label.batch_code}", FONT_BOLD, 1.0, max_lines=2, shrinkable=True),
    ]
    for caption, day in (
        ("Thu hoạch", label.harvested_on),
        ("Đóng gói", label.packed_on),
        ("HSD", label.best_before),
    ):
        if day is not None:
            lines.append(TextLine(f"{caption}: {day:%d/%m/%Y}", FONT, 0.95, gray=0.2, priority=2))
    return lines


def plaque_pdf(url: str, title: str, line_vi: str, line_en: str, size: str = "A4") -> bytes:
    """A portrait plaque for a heritage site: its name, a large QR code, a line in Vietnamese
    and one in English, and the address written out for phones that cannot scan."""
    if size not in _PLAQUE_SIZES:
        raise invalid_field(
            "size", "plaque_size_unknown", "Khổ biển chỉ có A4 hoặc A5.", "A plaque is A4 or A5."
        )
    register_fonts()
    page = _PlaquePage(*_PLAQUE_SIZES[size])
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page.width, page.height), invariant=True)
    canvas.setTitle(title)
    canvas.setAuthor("Langso")
    _draw_plaque(canvas, page, url, _plaque_blocks(page, url, title, line_vi, line_en))
    canvas.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class _PlaquePage:
    width: float
    height: float

    @property
    def scale(self) -> float:
        return self.width / _A4_WIDTH

    @property
    def margin(self) -> float:
        return 16 * _MM * self.scale

    @property
    def text_width(self) -> float:
        return self.width - 2 * self.margin


def _plaque_blocks(
    page: _PlaquePage, url: str, title: str, line_vi: str, line_en: str
) -> tuple[list[PlacedLine], list[PlacedLine], list[PlacedLine]]:
    scale, width = page.scale, page.text_width
    heading = fit_block(
        [TextLine(title, FONT_BOLD, max_lines=3, shortenable=True)],
        width,
        120 * scale,
        (40 * scale, 16 * scale),
    )
    captions = fit_block(
        [
            TextLine(line_vi, FONT, 1.0, max_lines=3, shortenable=True),
            TextLine(line_en, FONT, 0.9, max_lines=3, gray=0.3, shortenable=True),
        ],
        width,
        130 * scale,
        (22 * scale, 9 * scale),
    )
    footer = fit_block([TextLine(url, FONT, gray=0.35)], width, 20 * scale, (11 * scale, 6 * scale))
    return heading, captions, footer


def _draw_plaque(
    canvas: Canvas,
    page: _PlaquePage,
    url: str,
    blocks: tuple[list[PlacedLine], list[PlacedLine], list[PlacedLine]],
) -> None:
    heading, captions, footer = blocks
    gap = 6 * mm * page.scale
    centre = page.width / 2
    top = page.height - page.margin
    draw_centred_lines(canvas, heading, centre, top)
    top -= block_height(heading) + gap
    room = top - page.margin - block_height(captions) - block_height(footer) - 2 * gap
    qr_side = min(page.text_width * 0.85, room)
    draw_qr(canvas, url, centre - qr_side / 2, top - qr_side, qr_side)
    draw_centred_lines(canvas, captions, centre, top - qr_side - gap)
    draw_centred_lines(canvas, footer, centre, page.margin + block_height(footer))
    canvas.setStrokeGray(0.4)
    canvas.setLineWidth(1.2 * page.scale)
    inset = page.margin / 2
    canvas.rect(inset, inset, page.width - 2 * inset, page.height - 2 * inset, stroke=1, fill=0)


def write_pdf_file(path: Path, data: bytes) -> bool:
    """Write the PDF; when the folder is missing or not writable, say so in both languages."""
    try:
        path.write_bytes(data)
    except OSError as error:
        reason = error.strerror or str(error)
        print(
            f"Không ghi được tệp {path}: {reason}. Hãy kiểm tra thư mục và quyền ghi.\n"
            f"Cannot write {path}: {reason}. Check the folder exists and is writable.",
            file=sys.stderr,
        )
        return False
    return True
