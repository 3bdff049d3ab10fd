"""Sets of documents as Python integers: bit `p` is set when the document at position `p` is in.

Python's arbitrary-size integers give AND, OR and population count in C over 64-bit words:
with 100,000 documents a set is 12.5 KB and intersecting two takes about a microsecond, which
is what makes facet counts and bucket ranking cost almost nothing (Meilisearch does the same
with roaring bitmaps). Posting lists are kept as sorted `array('I')` of positions and turned
into bitmaps when a query needs them.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

_BITS_OF_BYTE: tuple[tuple[int, ...], ...] = tuple(
    tuple(bit for bit in range(7, -1, -1) if byte >> bit & 1) for byte in range(256)
)


def new_positions() -> array[int]:
    return array("I")


def from_positions(positions: Iterable[int], highest: int) -> int:
    """The bitmap of `positions`, all of which are at most `highest`."""
    buffer = bytearray((highest >> 3) + 1)
    for position in positions:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


def of_sorted(positions: array[int]) -> int:
    """The bitmap of an ascending posting list."""
    if not positions:
        return 0
    if len(positions) <= 8:
        bitmap = 0
        for position in positions:
            bitmap |= 1 << position
        return bitmap
    return from_positions(positions, positions[-1])


def highest(bitmap: int, count: int, skip: int = 0) -> list[int]:
    """Up to `count` set positions from the top, after skipping the `skip` highest ones."""
    wanted = skip + count
    if wanted <= 24:
        found: list[int] = []
        while bitmap and len(found) < wanted:
            position = bitmap.bit_length() - 1
            found.append(position)
            bitmap ^= 1 << position
        return found[skip:]
    return _highest_by_bytes(bitmap, wanted)[skip:]


def _highest_by_bytes(bitmap: int, wanted: int) -> list[int]:
    data = bitmap.to_bytes((bitmap.bit_length() + 7) >> 3, "little")
    found: list[int] = []
    for index in range(len(data) - 1, -1, -1):
        byte = data[index]
        if byte:
            base = index << 3
            for bit in _BITS_OF_BYTE[byte]:
                found.append(base + bit)
            if len(found) >= wanted:
                return found[:wanted]
    return found


def members(bitmap: int) -> list[int]:
    """Every set position, highest first."""
    return _highest_by_bytes(bitmap, bitmap.bit_count())
