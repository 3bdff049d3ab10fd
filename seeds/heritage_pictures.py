"""Illustrations of the seed relics, drawn locally with Pillow (no downloads, no photographs).

Deterministic: the same site and view always give the same picture. Each is captioned as an
illustration so that nobody mistakes it for a photograph of the place.
"""

from __future__ import annotations

import io
from functools import lru_cache
from importlib import resources

from PIL import Image, ImageDraw, ImageFont

SIZE = (1280, 860)
SKIES = {"day": ((120, 170, 215), (236, 226, 200)), "dusk": ((70, 60, 110), (240, 170, 110))}
GROUND = (96, 128, 72)
ROOF = (120, 52, 40)
WALL = (214, 196, 160)
STONE = (150, 150, 140)


@lru_cache(maxsize=2)
def _font(size: int) -> ImageFont.FreeTypeFont:
    font = resources.files("traceability") / "data" / "fonts" / "DejaVuSans-Bold.ttf"
    with resources.as_file(font) as path:
        return ImageFont.truetype(str(path), size)


def _sky(draw: ImageDraw.ImageDraw, view: str) -> None:
    top, bottom = SKIES[view]
    for y in range(SIZE[1]):
        share = y / SIZE[1]
        colour = tuple(int(a + (b - a) * share) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (SIZE[0], y)], fill=colour)
    draw.rectangle([0, 600, SIZE[0], SIZE[1]], fill=GROUND)


def _temple(draw: ImageDraw.ImageDraw) -> None:
    """A hall with a curved, upturned roof: the silhouette of a đình or đền."""
    draw.rectangle([330, 430, 950, 610], fill=WALL, outline=(90, 60, 40), width=4)
    for x in range(380, 920, 90):
        draw.rectangle([x, 470, x + 50, 610], fill=(110, 70, 45))
    draw.polygon([(250, 440), (1030, 440), (900, 330), (380, 330)], fill=ROOF)
    draw.polygon([(250, 440), (210, 400), (270, 420)], fill=ROOF)
    draw.polygon([(1030, 440), (1070, 400), (1010, 420)], fill=ROOF)
    draw.line([(380, 330), (900, 330)], fill=(70, 30, 20), width=8)
    draw.ellipse([610, 300, 670, 340], fill=(200, 160, 60))


def _citadel(draw: ImageDraw.ImageDraw) -> None:
    """A stone gate with three vaulted passages, as at the Hồ citadel's south gate."""
    draw.rectangle([160, 360, 1120, 620], fill=STONE, outline=(90, 90, 85), width=4)
    for row in range(360, 620, 40):
        draw.line([(160, row), (1120, row)], fill=(120, 120, 112), width=2)
    for centre in (440, 640, 840):
        draw.rectangle([centre - 60, 470, centre + 60, 620], fill=(60, 55, 50))
        draw.pieslice([centre - 60, 410, centre + 60, 530], 180, 360, fill=(60, 55, 50))


def _caption(draw: ImageDraw.ImageDraw, title: str, note: str) -> None:
    draw.rectangle([0, SIZE[1] - 130, SIZE[0], SIZE[1]], fill=(250, 248, 240))
    draw.text((40, SIZE[1] - 115), title, font=_font(52), fill=(30, 36, 30))
    draw.text((42, SIZE[1] - 48), note, font=_font(26), fill=(70, 76, 70))


def site_picture(title: str, shape: str, view: str) -> bytes:
    """A JPEG illustration of a site: `shape` temple | citadel, `view` day | dusk."""
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    _sky(draw, view)
    (_citadel if shape == "citadel" else _temple)(draw)
    _caption(draw, title, "Tranh minh hoạ · Illustration")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
