"""Drawing helpers shared by label sheets and plaques: Vietnamese fonts, vector QR codes, text
that shrinks and wraps to fit a box.

The QR code is drawn as filled rectangles from segno's module matrix, never as a bitmap, so it
stays sharp at any printer resolution; a quiet zone of four modules is kept clear around it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import as_file, files

import segno
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import FILL_NON_ZERO, Canvas

from marketplace.text import normalize

FONT = "LangsoSans"
FONT_BOLD = "LangsoSans-Bold"
QUIET_ZONE_MODULES = 4
LEADING = 1.2
_FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}
_SEAM_OVERLAP = 0.02  # of a module: hides hairline gaps between touching rows when rasterised


@cache
def register_fonts() -> None:
    """Register DejaVu Sans (vendored), which has every Vietnamese letter, with reportlab."""
    for name, file_name in _FONT_FILES.items():
        with as_file(files("traceability") / "data" / "fonts" / file_name) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))


def draw_qr(canvas: Canvas, content: str, x: float, y: float, size: float) -> None:
    """Draw a QR code for `content` in the square at (`x`, `y`) of side `size`, quiet zone
    included, as one vector path of dark modules."""
    rows = _dark_runs_of(content)
    module = size / (len(rows) + 2 * QUIET_ZONE_MODULES)
    origin_x = x + QUIET_ZONE_MODULES * module
    top = y + size - QUIET_ZONE_MODULES * module
    path = canvas.beginPath()
    for row_index, runs in enumerate(rows):
        row_bottom = top - (row_index + 1) * module
        for start, length in runs:
            overlap = _SEAM_OVERLAP * module
            path.rect(
                origin_x + start * module, row_bottom - overlap, length * module, module + overlap
            )
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1, fillMode=FILL_NON_ZERO)


@lru_cache(maxsize=64)
def _dark_runs_of(content: str) -> tuple[tuple[tuple[int, int], ...], ...]:
    """The QR code's dark runs, row by row: a sheet repeats one code on every sticker, and
    encoding it is most of the cost of drawing it."""
    matrix = segno.make(content, error="m").matrix_iter(scale=1, border=0)
    return tuple(tuple(_dark_runs(row)) for row in matrix)


def _dark_runs(row: Iterable[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start = None
    for column, dark in enumerate([*row, 0]):
        if dark and start is None:
            start = column
        elif not dark and start is not None:
            runs.append((start, column - start))
            start = None
    return runs


@dataclass(frozen=True)
class TextLine:
    """One wish for a piece of text: font, size relative to the block's base size, line cap.

    `priority` 0 is kept at all costs; higher numbers give way first when space runs out.
    A `shrinkable` line (a code that must not be cut) gets smaller on its own to fit the width;
    a `shortenable` one (a long name) may lose its end to a '…' as a last resort.
    """

    text: str
    font: str = FONT
    scale: float = 1.0
    max_lines: int = 1
    gray: float = 0.0
    priority: int = 0
    shrinkable: bool = False
    shortenable: bool = False


@dataclass(frozen=True)
class PlacedLine:
    """A line ready to draw: its text, font, size and gray level."""

    text: str
    font: str
    size: float
    gray: float


def fit_block(
    wishes: Sequence[TextLine], width: float, height: float, sizes: tuple[float, float]
) -> list[PlacedLine]:
    """Lay out `wishes` (in reading order) in a `width` × `height` box at the largest base size
    in `sizes` (max, min) at which they fit; lines of lower priority give way when even the
    smallest size is too big, and only then are long lines shortened with an ellipsis."""
    register_fonts()
    cutoffs = sorted({wish.priority for wish in wishes}, reverse=True)
    for cutoff in cutoffs:
        if placed := _largest_fit(_kept(wishes, cutoff), width, height, sizes):
            return placed
    smallest = sizes[1]
    for cutoff in cutoffs:
        placed = [
            line for wish in _kept(wishes, cutoff) for line in _last_resort(wish, width, smallest)
        ]
        if block_height(placed) <= height:
            return placed
    return _shortened(wishes[0], width, smallest * wishes[0].scale)[:1]


def _last_resort(wish: TextLine, width: float, base: float) -> list[PlacedLine]:
    """The smallest setting of `wish`: shortened if it may be, else whole or not at all."""
    if wish.shortenable:
        return _shortened(wish, width, base * wish.scale)
    return _wrapped([wish], width, base) or []


def _kept(wishes: Sequence[TextLine], cutoff: int) -> list[TextLine]:
    return [wish for wish in wishes if wish.priority <= cutoff]


def _largest_fit(
    wishes: Sequence[TextLine], width: float, height: float, sizes: tuple[float, float]
) -> list[PlacedLine] | None:
    largest, smallest = sizes
    size = largest
    while size >= smallest:
        placed = _wrapped(wishes, width, size)
        if placed is not None and block_height(placed) <= height:
            return placed
        size -= 0.25
    return None


def block_height(lines: Sequence[PlacedLine]) -> float:
    """Height of lines set one under the other with the usual leading."""
    return sum(line.size * LEADING for line in lines)


def _wrapped(wishes: Sequence[TextLine], width: float, base: float) -> list[PlacedLine] | None:
    placed: list[PlacedLine] = []
    for wish in wishes:
        pieces, size = _broken(wish, width, base * wish.scale)
        if len(pieces) > wish.max_lines or _widest(pieces, wish.font, size) > width:
            return None
        placed += [PlacedLine(piece, wish.font, size, wish.gray) for piece in pieces]
    return placed


def _broken(wish: TextLine, width: float, size: float) -> tuple[list[str], float]:
    """The text broken into lines at spaces; a shrinkable one first shrinks to fit the width."""
    text = normalize(wish.text)
    pieces: list[str] = simpleSplit(text, wish.font, size, width)
    widest = _widest(pieces, wish.font, size)
    if wish.shrinkable and widest > width:
        size *= width / widest * 0.999  # just under: rounding must not push it over again
        pieces = simpleSplit(text, wish.font, size, width)
    return pieces, size


def _shortened(wish: TextLine, width: float, size: float) -> list[PlacedLine]:
    """At most `max_lines` lines, each within `width`; where text had to go, a '…' says so."""
    pieces, size = _broken(wish, width, size)
    if len(pieces) > wish.max_lines:
        tail = " ".join(pieces[wish.max_lines - 1 :])
        pieces = [*pieces[: wish.max_lines - 1], _with_ellipsis(tail, wish.font, size, width)]
    fitted = [
        piece
        if text_width(piece, wish.font, size) <= width
        else _with_ellipsis(piece, wish.font, size, width)
        for piece in pieces
    ]
    return [PlacedLine(piece, wish.font, size, wish.gray) for piece in fitted]


def _with_ellipsis(text: str, font: str, size: float, width: float) -> str:
    """`text` cut, at a space when one is left, until it fits `width` with a '…'."""
    text = text.rstrip()
    while len(text) > 1 and text_width(text + "…", font, size) > width:
        text = text.rsplit(" ", 1)[0].rstrip() if " " in text else text[:-1]
    return text + "…"


def _widest(pieces: Sequence[str], font: str, size: float) -> float:
    return max((text_width(piece, font, size) for piece in pieces), default=0.0)


def text_width(text: str, font: str, size: float) -> float:
    """Width of `text` in points."""
    return float(pdfmetrics.stringWidth(text, font, size))


def draw_lines(canvas: Canvas, lines: Sequence[PlacedLine], left: float, top: float) -> None:
    """Draw `lines` left-aligned at `left`, downwards from `top`."""
    for line, baseline in _baselines(lines, top):
        _set(canvas, line)
        canvas.drawString(left, baseline, line.text)


def draw_centred_lines(
    canvas: Canvas, lines: Sequence[PlacedLine], centre: float, top: float
) -> None:
    """Draw `lines` centred on the vertical line `centre`, downwards from `top`."""
    for line, baseline in _baselines(lines, top):
        _set(canvas, line)
        canvas.drawCentredString(centre, baseline, line.text)


def _baselines(lines: Sequence[PlacedLine], top: float) -> list[tuple[PlacedLine, float]]:
    placed = []
    bottom = top
    for line in lines:
        bottom -= line.size * LEADING
        # The baseline sits above the descenders, half the leading above the line's bottom.
        placed.append((line, bottom + line.size * (LEADING - 1) / 2 + line.size * 0.24))
    return placed


def _set(canvas: Canvas, line: PlacedLine) -> None:
    canvas.setFont(line.font, line.size)
    canvas.setFillGray(line.gray)
