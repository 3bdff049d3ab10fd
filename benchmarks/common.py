"""What every bench shares: the quick mode, timing helpers and the summary rows of ratios.

`BENCH_QUICK=1` makes every bench shorter (fewer rounds, shorter loads, smaller sizes); the
figures are noisier but still ratios to baselines measured in the same run.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Literal, TypedDict

Direction = Literal["higher", "lower"]


class Ratio(TypedDict):
    """One row of the report's summary: `ratio` = measured ÷ `baseline`, both in the same run."""

    ratio: float
    baseline: str
    target: float | None
    better: Direction
    passed: bool | None


def quick() -> bool:
    """True when `BENCH_QUICK=1` asks for a shorter, noisier run."""
    return os.environ.get("BENCH_QUICK", "") not in ("", "0")


def ratio(
    value: float, baseline: str, target: float | None = None, better: Direction = "higher"
) -> Ratio:
    """A summary row; `passed` is None when the issue gives no target for it."""
    passed = None
    if target is not None:
        passed = value >= target if better == "higher" else value <= target
    return {
        "ratio": round(value, 4),
        "baseline": baseline,
        "target": target,
        "better": better,
        "passed": passed,
    }


def per_second(work: Callable[[int], object], count: int) -> float:
    """How many calls of `work(0)`, `work(1)`, … run per second, one after the other."""
    started = time.perf_counter()
    for number in range(count):
        work(number)
    return count / (time.perf_counter() - started)


def best_per_second(work: Callable[[int], object], count: int, rounds: int) -> float:
    """The best of `rounds` runs of `per_second`: the least disturbed by other processes."""
    return max(per_second(work, count) for _ in range(rounds))


def quantile(values: list[float], fraction: float) -> float:
    """The `fraction` quantile of `values` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return float(statistics.median(values))
