"""Product photos drawn locally (no downloads): a still life in the colours of the product group.

Deterministic: the same product name always gives the same picture.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from importlib import resources

from PIL import Image, ImageDraw, ImageFont

SIZE = (960, 720)
PALETTES = {
    1: ((246, 214, 140), (116, 160, 64)),  # food: straw and leaf green
    2: ((214, 232, 200), (64, 120, 72)),  # beverages: tea green
    3: ((236, 222, 240), (120, 80, 140)),  # herbs: lavender
    4: ((236, 220, 196), (150, 110, 60)),  # handicrafts: sedge brown
    5: ((220, 236, 226), (60, 140, 100)),
    6: ((210, 226, 240), (60, 100, 150)),
}


@lru_cache(maxsize=2)
def _font(size: int) -> ImageFont.FreeTypeFont:
    font = resources.files("traceability") / "data" / "fonts" / "DejaVuSans-Bold.ttf"
    with resources.as_file(font) as path:
        return ImageFont.truetype(str(path), size)


def product_photo(name: str, group: int | None) -> bytes:
    """A JPEG of `name` on a background of its OCOP group's colours."""
    digest = hashlib.sha256(name.encode()).digest()
    light, dark = PALETTES.get(group or 1, PALETTES[1])
    image = Image.new("RGB", SIZE, light)
    draw = ImageDraw.Draw(image)
    for y in range(SIZE[1]):
        shade = y / SIZE[1]
        draw.line([(0, y), (SIZE[0], y)], fill=tuple(int(c * (1 - 0.18 * shade)) for c in light))
    for index in range(3 + digest[0] % 3):
        x = 180 + (digest[index + 1] * 3) % 600
        y = 200 + (digest[index + 5] * 2) % 260
        radius = 70 + digest[index + 9] % 70
        draw.ellipse(
            [x - radius, y - radius, x + radius, y + radius],
            fill=dark,
            outline=(40, 60, 30),
            width=4,
        )
        draw.ellipse(
            [x - radius // 3, y - radius // 2, x, y - radius // 5],
            fill=tuple(min(255, c + 70) for c in dark),
        )
    draw.rectangle([0, SIZE[1] - 120, SIZE[0], SIZE[1]], fill=(255, 255, 255))
    draw.text((40, SIZE[1] - 95), name, font=_font(48), fill=(30, 40, 30))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()
