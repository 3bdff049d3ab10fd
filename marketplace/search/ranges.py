"""Numeric values of documents (price, last change) cut into buckets, for range filters and sorting.

Each bucket holds the documents whose value lies between two boundaries chosen at build time
(quantiles), as a posting list and a cached bitmap. A range filter ORs the buckets inside the
range and checks values only in the two buckets at its edges; sorting walks the buckets in
order and sorts only the candidates found in the first few. Both stay fast however many
documents match.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right

from marketplace.search import bitmaps

BUCKETS = 64


class RangeIndex:
    """Values by position, bucketed by quantiles of the values present when it was built."""

    def __init__(self, values: array[int], bucket_count: int = BUCKETS) -> None:
        self.values = values
        self.boundaries = _quantiles(sorted(values), bucket_count)
        self.buckets = [bitmaps.new_positions() for _ in range(len(self.boundaries) + 1)]
        self._bitmaps: list[int | None] = [None] * len(self.buckets)
        for position, value in enumerate(values):
            self.buckets[self._bucket_of(value)].append(position)

    def _bucket_of(self, value: int) -> int:
        return bisect_right(self.boundaries, value)

    def add(self, position: int, value: int) -> None:
        """Record the value of a new position (positions only ever grow)."""
        self.values.append(value)
        bucket = self._bucket_of(value)
        self.buckets[bucket].append(position)
        cached = self._bitmaps[bucket]
        if cached is not None:
            self._bitmaps[bucket] = cached | 1 << position

    def _bitmap(self, bucket: int) -> int:
        cached = self._bitmaps[bucket]
        if cached is None:
            cached = bitmaps.of_sorted(self.buckets[bucket])
            self._bitmaps[bucket] = cached
        return cached

    def between(self, low: int | None, high: int | None) -> int:
        """Positions whose value is within [low, high] (either end may be open)."""
        first = 0 if low is None else self._bucket_of(low)
        last = len(self.buckets) - 1 if high is None else self._bucket_of(high)
        result = 0
        for bucket in range(first, last + 1):
            whole = (low is None or bucket > first) and (high is None or bucket < last)
            if whole:
                result |= self._bitmap(bucket)
                continue
            values = self.values
            inside = [
                p
                for p in self.buckets[bucket]
                if (low is None or values[p] >= low) and (high is None or values[p] <= high)
            ]
            if inside:
                result |= bitmaps.from_positions(inside, inside[-1])
        return result

    def ordered(self, candidates: int, count: int, skip: int, descending: bool) -> list[int]:
        """`count` candidates in value order after skipping `skip`; ties: newest position first."""
        order = range(len(self.buckets) - 1, -1, -1) if descending else range(len(self.buckets))
        wanted = skip + count
        found: list[int] = []
        values = self.values
        for bucket in order:
            inside = candidates & self._bitmap(bucket)
            if not inside:
                continue
            size = inside.bit_count()
            if len(found) + size <= skip:
                found.extend([-1] * size)  # placeholders: only their number matters
                continue
            members = bitmaps.members(inside)
            if descending:
                members.sort(key=lambda p: (values[p], p), reverse=True)
            else:
                members.sort(key=lambda p: (values[p], -p))
            found.extend(members)
            if len(found) >= wanted:
                break
        return found[skip:wanted]


def _quantiles(ordered: list[int], bucket_count: int) -> list[int]:
    if not ordered:
        return []
    step = max(1, len(ordered) // bucket_count)
    cuts = {ordered[i] for i in range(step, len(ordered), step)}
    return sorted(cuts)
