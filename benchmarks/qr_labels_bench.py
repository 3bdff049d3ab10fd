"""QR codes and printable labels per second, each as a ratio to a baseline of the same library
measured in the same run.

- QR: the provenance page's QR of a batch as SVG and PNG (`storefront.pages.provenance`, segno
  with automatic mask, uncached, a different batch URL each time) and a heritage site's QR
  (`marketplace.payments.qrimage`, fixed mask, as the plaque pages draw it). Baseline: segno
  encoding a fixed short string ("LANGSO", level M) into a symbol, nothing written.
- Labels: A4 label sheets (`traceability.labels.label_sheet_pdf`), pages per second for every
  sticker layout, each sheet full of one batch's labels as `batch_labels_pdf` prints them (every
  label draws its vector QR code), the default layout again with a different batch on every
  label, and a heritage plaque PDF. Baseline: a minimal reportlab page (the same Vietnamese
  font, one line of text).
"""

from __future__ import annotations

import io
import itertools
from datetime import date

import segno
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from benchmarks.common import Ratio, best_per_second, quick, ratio
from traceability.labels import DEFAULT_LAYOUT, LAYOUTS, LabelData, label_sheet_pdf, plaque_pdf
from traceability.pdf_drawing import FONT, register_fonts

BASE_URL = "https://langso.vn"


def _rounds() -> int:
    return 2 if quick() else 3


def _batch_url(number: int) -> str:
    return f"{BASE_URL}/t/BNG25A{number:04d}E"


def _qr_figures() -> dict[str, float]:
    from marketplace.payments.qrimage import qr_png, qr_svg
    from storefront.pages.provenance import _qr_png, _qr_svg

    count = 60 if quick() else 200
    rounds = _rounds()
    numbers = itertools.count(1)  # every call draws a new URL: no cache can answer

    def fresh(_: int) -> int:
        return next(numbers)

    baseline = best_per_second(lambda n: segno.make("LANGSO", error="m"), count * 5, rounds)
    figures = {
        "provenance_svg": best_per_second(
            lambda n: _qr_svg.__wrapped__(_batch_url(fresh(n))), count, rounds
        ),
        "provenance_png": best_per_second(
            lambda n: _qr_png.__wrapped__(_batch_url(fresh(n))), count, rounds
        ),
        "heritage_svg": best_per_second(
            lambda n: qr_svg(f"{BASE_URL}/h/den-{fresh(n)}", title="Đền"), count, rounds
        ),
        "heritage_png": best_per_second(
            lambda n: qr_png(f"{BASE_URL}/h/den-{fresh(n)}", scale=16), count, rounds
        ),
    }
    return {
        "baseline_segno_make_short_per_s": round(baseline, 1),
        **{f"{name}_per_s": round(rate, 1) for name, rate in figures.items()},
        **{f"{name}_ratio": round(rate / baseline, 4) for name, rate in figures.items()},
    }


def _minimal_page(number: int) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setFont(FONT, 12)
    canvas.drawString(72, 770, f"Trang {number}: Bưởi Ngọc Lũ")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _labels(count: int, first: int) -> list[LabelData]:
    return [
        LabelData(
            url=_batch_url(first + number),
            product_name="Bưởi Ngọc Lũ loại đặc biệt",
            batch_code=f"BNG25A{first + number:04d}E",
            producer_name="HTX Bưởi Ngọc Lũ",
            harvested_on=date(2025, 9, 2),
            packed_on=date(2025, 9, 3),
            best_before=date(2025, 10, 3),
        )
        for number in range(count)
    ]


def _sheet_rate(
    layout: str, sheets: list[list[LabelData]], pages: int, per_page: int, baseline: float
) -> dict[str, float]:
    def sheet(number: int) -> bytes:
        return label_sheet_pdf(sheets[number % len(sheets)], layout)

    pages_per_s = best_per_second(sheet, 1 if quick() else 2, len(sheets)) * pages
    return {
        "labels_per_page": per_page,
        "pages_per_s": round(pages_per_s, 2),
        "labels_per_s": round(pages_per_s * per_page, 1),
        "ratio": round(pages_per_s / baseline, 4),
    }


def _label_figures() -> dict[str, object]:
    register_fonts()
    rounds = _rounds()
    pages = 2 if quick() else 5
    baseline = best_per_second(_minimal_page, 20 if quick() else 60, rounds)
    per_layout: dict[str, dict[str, float]] = {}
    for name, layout in LAYOUTS.items():
        # As `batch_labels_pdf` prints them: a sheet of identical labels of one batch.
        sheets = [_labels(1, first) * layout.per_page * pages for first in range(rounds)]
        per_layout[name] = _sheet_rate(name, sheets, pages, layout.per_page, baseline)
    distinct = [_labels(LAYOUTS[DEFAULT_LAYOUT].per_page * pages, 100 * n) for n in range(rounds)]
    mixed = _sheet_rate(DEFAULT_LAYOUT, distinct, pages, LAYOUTS[DEFAULT_LAYOUT].per_page, baseline)
    plaques = best_per_second(
        lambda n: plaque_pdf(f"{BASE_URL}/h/den-{n}", "Đền Đinh Tiên Hoàng", "Quét mã", "Scan"),
        4 if quick() else 10,
        rounds,
    )
    return {
        "baseline_minimal_page_per_s": round(baseline, 1),
        "pages_per_pdf": pages,
        "layouts": per_layout,
        "distinct_batches_a4_3x8": mixed,
        "plaque_pdf_per_s": round(plaques, 2),
        "plaque_ratio": round(plaques / baseline, 4),
    }


def run() -> dict[str, object]:
    return {"qr": _qr_figures(), "labels": _label_figures()}


def ratios(result: dict[str, object]) -> dict[str, Ratio]:
    qr: dict[str, float] = result["qr"]  # type: ignore[assignment]
    labels: dict[str, object] = result["labels"]  # type: ignore[assignment]
    layouts: dict[str, dict[str, float]] = labels["layouts"]  # type: ignore[assignment]
    segno_short = "segno.make('LANGSO')"
    page = "minimal reportlab page"
    rows = {
        f"qr.{name}_vs_segno_short": ratio(qr[f"{name}_ratio"], segno_short)
        for name in ("provenance_svg", "provenance_png", "heritage_svg", "heritage_png")
    }
    for name, figures in layouts.items():
        rows[f"labels.{name}_pages_vs_minimal_page"] = ratio(figures["ratio"], page)
    distinct: dict[str, float] = labels["distinct_batches_a4_3x8"]  # type: ignore[assignment]
    rows["labels.a4-3x8_distinct_batches_pages_vs_minimal_page"] = ratio(distinct["ratio"], page)
    rows["labels.plaque_vs_minimal_page"] = ratio(float(str(labels["plaque_ratio"])), page)
    return rows
