"""Product list API and product page against a trivial endpoint of the same app, same server.

Issue target: the list API (20 items) at ≥ 25 % of the trivial endpoint's requests per second;
a naive Piccolo-on-SQLite endpoint reaches about 2 % (a connection per query).
"""

from __future__ import annotations

import json
import urllib.request

from benchmarks.http_load import load_tool, requests_per_second, served


def run() -> dict[str, object]:
    with served(workers=1) as url:
        with urllib.request.urlopen(f"{url}/api/v1/products?page_size=1") as response:
            slug = json.load(response)["items"][0]["slug"]
        trivial = requests_per_second(f"{url}/health/live")
        listing = requests_per_second(f"{url}/api/v1/products?page_size=20")
        page = requests_per_second(f"{url}/products/{slug}")
    return {
        "tool": load_tool(),
        "workers": 1,
        "trivial_rps": round(trivial),
        "list_api_rps": round(listing),
        "product_page_rps": round(page),
        "list_api_ratio": round(listing / trivial, 3),
        "product_page_ratio": round(page / trivial, 3),
        "target_list_api_ratio": 0.25,
    }
