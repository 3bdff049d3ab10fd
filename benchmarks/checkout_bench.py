"""Checkout under contention over HTTP: N concurrent buyers checking out the same few products
from a real server (`langso serve --workers 2`), on SQLite and on PostgreSQL when reachable.

For each crowd size N (20 and 50), three seeded products are given just enough stock for 80 %
of the checkouts aimed at them; N buyers, each on its own connection, then check out carts
(prepared beforehand, one unit each, the products taken in turn) as fast as the server answers:
`POST /api/v1/carts/{token}/checkout`, the buyer's real request. Measured: orders placed per
second and the p95 latency of a checkout, as ratios to the trivial endpoint `/health/live`
loaded by the same client (`http_load.Connection`, kept-alive, one per buyer) with the same N
connections in the same run, just before and just after the crowd (pooled). Asserted, from
the database after the run: no product oversold, every unit sold exactly once (stock left is
0, units in orders equal the stock given), and every refused checkout a clean 409.

`payments_bench` measures the same reservation in-process (no HTTP) against plain writes; this
one is what a crowd of phones sees.

    python -m benchmarks checkout
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from benchmarks.common import Ratio, median, quantile, quick, ratio
from benchmarks.http_load import (
    TRIVIAL_PATH,
    Connection,
    fresh_postgres_database,
    postgres_reachable,
    served,
)

WORKERS = 2
PRODUCTS_PER_CROWD = 3
SOLD_SHARE = 0.8  # of the checkouts succeed; the rest find the stock gone
CHECKOUT = {
    "buyer_name": "Trần Thị Mai",
    "phone": "0987654321",
    "province_code": "01",
    "commune_code": "00004",
    "address_line": "Số 12 ngõ 5 phố Hàng Bạc",
}


def _crowds() -> tuple[int, ...]:
    return (20,) if quick() else (20, 50)


def _checkouts_per_crowd() -> int:
    return 90 if quick() else 240


def _stock_per_product() -> int:
    return int(_checkouts_per_crowd() * SOLD_SHARE) // PRODUCTS_PER_CROWD


# -- the database, read and written directly before and after the server runs ----------------


def _query(database_url: str, statement: str) -> list[tuple[object, ...]]:
    if database_url.startswith("sqlite:///"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            with connection:
                return list(connection.execute(statement).fetchall())
        finally:
            connection.close()
    return asyncio.run(_postgres_query(database_url, statement))


async def _postgres_query(database_url: str, statement: str) -> list[tuple[object, ...]]:
    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information

    connection = await asyncpg.connect(database_url, timeout=10)
    try:
        if statement.lstrip().upper().startswith("SELECT"):
            return [tuple(row) for row in await connection.fetch(statement)]
        await connection.execute(statement)
        return []
    finally:
        await connection.close()


@dataclass
class _Stock:
    """Which seeded products each crowd buys, and the stock each was given."""

    products: dict[int, list[int]] = field(default_factory=dict)
    units: int = 0
    database_url: str = ""

    def give(self, database_url: str) -> None:
        self.database_url = database_url
        crowds = _crowds()
        rows = _query(
            database_url,
            "SELECT id FROM catalogue_product WHERE status = 'active' ORDER BY id "
            f"LIMIT {PRODUCTS_PER_CROWD * len(crowds)}",
        )
        ids = [int(str(row[0])) for row in rows]
        if len(ids) < PRODUCTS_PER_CROWD * len(crowds):
            raise RuntimeError("the seed has too few active products for the checkout bench")
        self.units = _stock_per_product()
        for index, crowd in enumerate(crowds):
            self.products[crowd] = ids[
                index * PRODUCTS_PER_CROWD : (index + 1) * PRODUCTS_PER_CROWD
            ]
        listed = ",".join(str(i) for i in ids)
        _query(
            database_url,
            f"UPDATE catalogue_product SET stock = {self.units} WHERE id IN ({listed})",
        )


def _sold(database_url: str, products: Sequence[int]) -> dict[int, dict[str, int]]:
    listed = ",".join(str(i) for i in products)
    stock = _query(database_url, f"SELECT id, stock FROM catalogue_product WHERE id IN ({listed})")
    sold = _query(
        database_url,
        "SELECT product, SUM(quantity), COUNT(*) FROM orders_order_line "
        f"WHERE product IN ({listed}) GROUP BY product",
    )
    found = {
        int(str(p)): {"stock_left": int(str(s)), "units_sold": 0, "lines": 0} for p, s in stock
    }
    for product, units, lines in sold:
        found[int(str(product))].update(units_sold=int(str(units)), lines=int(str(lines)))
    return found


# -- the crowd, over HTTP ------------------------------------------------------------------------


@dataclass
class _Timed:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0
    sample_error: str = ""

    def count(self, status: int, ms: float) -> None:
        self.latencies_ms.append(ms)
        self.statuses[status] = self.statuses.get(status, 0) + 1


async def _trivial(url: str, crowd: int, seconds: float) -> _Timed:
    timed = _Timed()
    deadline = time.monotonic() + seconds

    async def buyer() -> None:
        connection = Connection(url)
        try:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                status, _ = await connection.request("GET", TRIVIAL_PATH)
                timed.count(status, (time.perf_counter() - started) * 1000)
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(buyer() for _ in range(crowd)))
    timed.seconds = time.perf_counter() - started
    return timed


async def _carts(client: httpx.AsyncClient, url: str, products: list[int], count: int) -> list[str]:
    """`count` carts holding one unit each, of the products in turn (prepared, not timed)."""
    limit = asyncio.Semaphore(8)

    async def one(number: int) -> str:
        async with limit:
            response = await client.post(f"{url}/api/v1/carts")
            response.raise_for_status()
            token = str(response.json()["token"])
            product = products[number % len(products)]
            added = await client.post(
                f"{url}/api/v1/carts/{token}/items", json={"product_id": product, "quantity": 1}
            )
            if added.status_code != 201:
                raise RuntimeError(f"adding product {product} failed: {added.text[:500]}")
            return token

    return list(await asyncio.gather(*(one(n) for n in range(count))))


async def _checkouts(url: str, crowd: int, tokens: list[str]) -> _Timed:
    timed = _Timed()
    queue = list(reversed(tokens))
    body = json.dumps(CHECKOUT).encode()

    async def buyer() -> None:
        connection = Connection(url)
        try:
            while queue:
                token = queue.pop()
                started = time.perf_counter()
                status, answer = await connection.request(
                    "POST", f"/api/v1/carts/{token}/checkout", body
                )
                timed.count(status, (time.perf_counter() - started) * 1000)
                if status not in (201, 409) and not timed.sample_error:
                    timed.sample_error = f"{status}: {answer[:500].decode(errors='replace')}"
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(buyer() for _ in range(crowd)))
    timed.seconds = time.perf_counter() - started
    return timed


async def _crowd(url: str, crowd: int, products: list[int]) -> dict[str, object]:
    async with httpx.AsyncClient(timeout=60) as client:
        tokens = await _carts(client, url, products, _checkouts_per_crowd())
    seconds = 2.0 if quick() else 3.0
    before = await _trivial(url, crowd, seconds)
    checkout = await _checkouts(url, crowd, tokens)
    after = await _trivial(url, crowd, seconds)
    # The baseline is loaded just before and just after the crowd, and the two pooled, so that
    # the machine's load (other processes on the same cores) weighs on both sides alike.
    trivial = _Timed(
        latencies_ms=before.latencies_ms + after.latencies_ms,
        seconds=before.seconds + after.seconds,
    )
    trivial_rps = len(trivial.latencies_ms) / trivial.seconds
    placed = checkout.statuses.get(201, 0)
    orders_per_s = placed / checkout.seconds
    trivial_p95, checkout_p95 = (
        quantile(trivial.latencies_ms, 0.95),
        quantile(checkout.latencies_ms, 0.95),
    )
    return {
        "buyers": crowd,
        "products": products,
        "checkouts": len(tokens),
        "statuses": {str(k): v for k, v in sorted(checkout.statuses.items())},
        "sample_error": checkout.sample_error,
        "trivial_rps": round(trivial_rps, 1),
        "trivial_p50_ms": round(median(trivial.latencies_ms), 2),
        "trivial_p95_ms": round(trivial_p95, 2),
        "orders_per_s": round(orders_per_s, 1),
        "checkout_attempts_per_s": round(len(tokens) / checkout.seconds, 1),
        "checkout_p50_ms": round(median(checkout.latencies_ms), 2),
        "checkout_p95_ms": round(checkout_p95, 2),
        "orders_per_s_ratio": round(orders_per_s / trivial_rps, 4),
        "p95_ratio": round(checkout_p95 / trivial_p95, 2),
    }


def _engine(database_url: str | None) -> dict[str, object]:
    """Every crowd against one server; `None` is a temporary SQLite file."""
    stock = _Stock()
    crowds: dict[str, dict[str, object]] = {}
    with served(workers=WORKERS, database_url=database_url, prepare=stock.give) as url:
        for crowd in _crowds():
            crowds[str(crowd)] = asyncio.run(_crowd(url, crowd, stock.products[crowd]))
        # Checked while the server still runs: the SQLite file goes with `served`'s folder.
        for size, result in crowds.items():
            _verify(result, stock.database_url, stock.products[int(size)], stock.units)
    return {"stock_per_product": stock.units, "crowds": crowds}


def _verify(result: dict[str, object], database_url: str, products: list[int], units: int) -> None:
    """Check, from the database, that nothing was oversold and every refusal was clean."""
    sold = _sold(database_url, products)
    statuses: dict[str, int] = result["statuses"]  # type: ignore[assignment]
    result["stock"] = {str(k): v for k, v in sold.items()}
    oversold = [p for p, s in sold.items() if s["units_sold"] > units or s["stock_left"] < 0]
    result["no_oversell"] = not oversold
    result["every_unit_sold_once"] = all(
        s["units_sold"] == units and s["stock_left"] == 0 and s["lines"] == units
        for s in sold.values()
    )
    result["orders_match_201s"] = sum(s["lines"] for s in sold.values()) == statuses.get("201")
    result["only_201_and_409"] = set(statuses) <= {"201", "409"}
    buyers = result["buyers"]
    assert not oversold, f"oversold with {buyers} buyers: {sold}"
    assert result["every_unit_sold_once"], f"stock and orders disagree ({buyers}): {sold}"
    assert result["orders_match_201s"], f"orders ≠ answers 201 ({buyers}): {statuses}"
    assert result["only_201_and_409"], f"unexpected answers ({buyers}): {result['sample_error']}"


def run() -> dict[str, object]:
    engines: dict[str, object] = {"sqlite": _engine(None)}
    if postgres_reachable():
        with fresh_postgres_database() as database_url:
            engines["postgresql"] = _engine(database_url)
    else:
        engines["postgresql"] = {"skipped": "PostgreSQL not reachable (LANGSO_BENCH_POSTGRES_URL)"}
    return {
        "workers": WORKERS,
        "client": "http_load.Connection (one kept-alive connection per buyer)",
        "trivial_endpoint": TRIVIAL_PATH,
        "sold_share": SOLD_SHARE,
        "engines": engines,
    }


def ratios(result: dict[str, object]) -> dict[str, Ratio]:
    rows: dict[str, Ratio] = {}
    engines: dict[str, dict[str, object]] = result["engines"]  # type: ignore[assignment]
    for engine, found in engines.items():
        crowds: dict[str, dict[str, object]] = found.get("crowds", {})  # type: ignore[assignment]
        for crowd, figures in crowds.items():
            name = f"checkout.{engine}.{crowd}_buyers"
            rows[f"{name}.orders_per_s_vs_trivial_rps"] = ratio(
                float(str(figures["orders_per_s_ratio"])), TRIVIAL_PATH
            )
            rows[f"{name}.p95_vs_trivial_p95"] = ratio(
                float(str(figures["p95_ratio"])), TRIVIAL_PATH, better="lower"
            )
    return rows
