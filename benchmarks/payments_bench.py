"""VietQR payloads + SVG per second (cold and cached) and checkout throughput under contention.

Each figure is a ratio to a baseline measured in the same run on the same machine:
- payload + SVG against `json.dumps` of the same transfer fields (a trivial serialisation);
- checkouts of many concurrent buyers for a few units against plain one-row write transactions
  on the same temporary SQLite database (the engine's floor for a write).

The checkout part runs in a subprocess with its own temporary database, so it never touches
`var/` and the engine is configured before `marketplace.db` is imported. `checkout_bench`
measures the same contention over HTTP against a real server, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import Ratio, ratio

ROOT = Path(__file__).resolve().parent.parent
QR_CODES = 300
BUYERS = 120
UNITS = 20
BASELINE_WRITES = 120


def _per_second(work: Callable[[int], object], count: int) -> float:
    started = time.perf_counter()
    for number in range(count):
        work(number)
    return count / (time.perf_counter() - started)


def _qr_figures() -> dict[str, float]:
    from marketplace.payments import qrimage, vietqr

    def fields(number: int) -> dict[str, object]:
        return {
            "bin": "970422",
            "account": f"{number:010d}",
            "amount": 120_000 + number,
            "purpose": f"DH{number:06d}0",
        }

    def payload(number: int) -> str:
        f = fields(number)
        return vietqr.encode(
            str(f["bin"]),
            str(f["account"]),
            amount=int(str(f["amount"])),
            purpose=str(f["purpose"]),
        )

    def payload_and_svg(number: int) -> str:
        return qrimage.qr_svg(payload(number))

    baseline = _per_second(lambda n: json.dumps(fields(n)), QR_CODES * 20)
    qrimage.qr_svg.cache_clear()
    qrimage._symbol.cache_clear()
    cold = _per_second(payload_and_svg, QR_CODES)
    cached = _per_second(payload_and_svg, QR_CODES)
    payload_only = _per_second(payload, QR_CODES * 20)
    return {
        "baseline_json_dumps_per_s": round(baseline),
        "payload_per_s": round(payload_only),
        "payload_svg_cold_per_s": round(cold),
        "payload_svg_cached_per_s": round(cached),
        "payload_ratio": round(payload_only / baseline, 4),
        "payload_svg_cold_ratio": round(cold / baseline, 4),
        "payload_svg_cached_ratio": round(cached / baseline, 4),
        "cached_over_cold": round(cached / cold, 1),
    }


async def _last_units() -> int:
    """A producer with a bank account and a product with only UNITS left."""
    from marketplace.accounts.service import sign_up
    from marketplace.catalogue.producers import create_producer
    from marketplace.catalogue.products import create_product
    from marketplace.catalogue.schemas import ProducerInput, ProductInput

    seller = await sign_up("+84912345678", "mat-khau-ban-hang", "Nguyễn Thị Hoa")
    producer = await create_producer(
        seller,
        ProducerInput(
            name="HTX Bưởi Ngọc Lũ",
            kind="hop_tac_xa",
            province_code="37",
            commune_code="13540",
            bank_bin="970422",
            bank_account="0123456789",
            bank_holder="HTX BUOI NGOC LU",
        ),
    )
    product = await create_product(
        seller,
        producer.public.id,
        ProductInput(
            name="Bưởi cuối vụ", unit="quả", price_vnd=50_000, stock=UNITS, status="active"
        ),
    )
    return product.id


async def _contention() -> dict[str, float]:
    """Runs inside the subprocess, with DATABASE_URL pointing at a fresh temporary file."""
    from marketplace import db
    from marketplace.config import load_settings
    from marketplace.orders import carts
    from marketplace.orders.checkout import place_orders
    from marketplace.orders.schemas import Address, Buyer
    from storefront.migrations import migrate

    db.prepare_sqlite_file(load_settings())
    await migrate()
    product = await _last_units()

    started = time.perf_counter()
    await asyncio.gather(*(carts.new_cart() for _ in range(BASELINE_WRITES)))
    writes_per_s = BASELINE_WRITES / (time.perf_counter() - started)

    tokens = [await carts.new_cart() for _ in range(BUYERS)]
    for token in tokens:
        await carts.add_to_cart(token, product, 1)
    buyer, address = Buyer("Trần Thị Mai", "0987654321"), Address("01", "00004", "Số 12 Hàng Bạc")
    started = time.perf_counter()
    results = await asyncio.gather(
        *(place_orders(token, buyer, address, {}) for token in tokens), return_exceptions=True
    )
    elapsed = time.perf_counter() - started
    placed = sum(isinstance(result, list) for result in results)
    from marketplace.catalogue.queries import get_product

    stock_left = (await get_product(product)).stock
    return {
        "buyers": BUYERS,
        "units": UNITS,
        "orders_placed": placed,
        "stock_left": stock_left,
        "baseline_single_insert_writes_per_s": round(writes_per_s, 1),
        "checkout_attempts_per_s": round(BUYERS / elapsed, 1),
        "orders_placed_per_s": round(placed / elapsed, 1),
        "checkout_ratio": round((BUYERS / elapsed) / writes_per_s, 3),
    }


def _contention_in_subprocess() -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="langso-bench-") as workdir:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
            "LANGSO_VAR_DIR": f"{workdir}/var",
            "LANGSO_ARGON2_PROFILE": "test",
            "PICCOLO_CONF": "storefront.piccolo_conf",
            "SECRET_KEY": "bench-secret-" + "b" * 40,
        }
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.payments_bench", "--contention"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run() -> dict[str, object]:
    return {"vietqr": _qr_figures(), "checkout": _contention_in_subprocess()}


def ratios(result: dict[str, object]) -> dict[str, Ratio]:
    qr: dict[str, float] = result["vietqr"]  # type: ignore[assignment]
    checkout: dict[str, float] = result["checkout"]  # type: ignore[assignment]
    dumps = "json.dumps of the same fields"
    return {
        "payments.vietqr_payload_vs_json_dumps": ratio(qr["payload_ratio"], dumps),
        "payments.vietqr_svg_cold_vs_json_dumps": ratio(qr["payload_svg_cold_ratio"], dumps),
        "payments.vietqr_svg_cached_vs_json_dumps": ratio(qr["payload_svg_cached_ratio"], dumps),
        "payments.checkout_in_process_vs_plain_write": ratio(
            checkout["checkout_ratio"], "one-row write transactions"
        ),
    }


if __name__ == "__main__":
    if "--contention" in sys.argv:
        print(json.dumps(asyncio.run(_contention())))
    else:
        print(json.dumps(run(), indent=2))
