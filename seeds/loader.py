"""Load every seed, in dependency order; running it twice changes nothing."""

from __future__ import annotations

from seeds import batches, catalogue, heritage, people


async def load_seeds() -> dict[str, int]:
    summary: dict[str, int] = {}
    summary.update(await people.load())
    summary.update(await catalogue.load())
    summary.update(await batches.load())
    summary.update(await heritage.load())
    return summary
