"""Load every seed, in dependency order; running it twice changes nothing."""

from __future__ import annotations

from seeds import people


async def load_seeds() -> dict[str, int]:
    summary: dict[str, int] = {}
    summary.update(await people.load())
    return summary
