"""Product list API and product page against a trivial endpoint and a static file of the same
app, same server, same run.

Issue target: the list API (20 items) at ≥ 25 % of the trivial endpoint's requests per second;
a naive Piccolo-on-SQLite endpoint reaches about 2 % (a connection per query).
"""

from __future__ import annotations

import json
import urllib.request

from benchmarks.common import Ratio, quick, ratio
from benchmarks.http_load import STATIC_PATH, TRIVIAL_PATH, best_rates, load_tool, served

WORKERS = 1
TARGET_LIST_API_RATIO = 0.25


def run() -> dict[str, object]:
    rounds, seconds = (1, 3) if quick() else (3, 5)
    with served(workers=WORKERS) as url:
        with urllib.request.urlopen(f"{url}/api/v1/products?page_size=1") as response:
            slug = json.load(response)["items"][0]["slug"]
        rates = best_rates(
            url,
            {
                "trivial": TRIVIAL_PATH,
                "static": STATIC_PATH,
                "list_api": "/api/v1/products?page_size=20",
                "product_page": f"/products/{slug}",
            },
            rounds,
            seconds,
        )
    trivial, static = rates["trivial"], rates["static"]
    return {
        "tool": load_tool(),
        "workers": WORKERS,
        "trivial_endpoint": TRIVIAL_PATH,
        "static_file": STATIC_PATH,
        "trivial_rps": round(trivial),
        "static_rps": round(static),
        "list_api_rps": round(rates["list_api"]),
        "product_page_rps": round(rates["product_page"]),
        "list_api_ratio": round(rates["list_api"] / trivial, 3),
        "product_page_ratio": round(rates["product_page"] / trivial, 3),
        "list_api_ratio_to_static": round(rates["list_api"] / static, 3),
        "product_page_ratio_to_static": round(rates["product_page"] / static, 3),
        "target_list_api_ratio": TARGET_LIST_API_RATIO,
    }


def ratios(result: dict[str, object]) -> dict[str, Ratio]:
    def value(key: str) -> float:
        return float(str(result[key]))

    return {
        "catalogue.list_api_vs_trivial": ratio(
            value("list_api_ratio"), TRIVIAL_PATH, TARGET_LIST_API_RATIO
        ),
        "catalogue.list_api_vs_static": ratio(value("list_api_ratio_to_static"), STATIC_PATH),
        "catalogue.product_page_vs_trivial": ratio(value("product_page_ratio"), TRIVIAL_PATH),
        "catalogue.product_page_vs_static": ratio(
            value("product_page_ratio_to_static"), STATIC_PATH
        ),
    }
