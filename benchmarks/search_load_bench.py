"""Search throughput under load: `GET /api/v1/search` and the search page `/search`, each
cycling through a buyer-like mix of queries, against a trivial endpoint and a static file of
the same server (2 workers, seeded SQLite catalogue) in the same run.

The mix is what buyers type on phone keyboards: full diacritics, none, typos, 1–2 letter
prefixes of the last word, filters and sorts, an empty query and nonsense. Latency against
catalogue size is `search_bench`'s job; this one measures requests per second of the whole
stack (routing, search, facets, JSON or the HTML template) under concurrent load.
"""

from __future__ import annotations

import urllib.request
from urllib.parse import urlencode

from benchmarks.common import Ratio, quick, ratio
from benchmarks.http_load import STATIC_PATH, TRIVIAL_PATH, best_rates, load_tool, served

WORKERS = 2
# (query text, extra parameters): seeds/catalogue_data.py holds 44 products of Ninh Bình (37)
# and Thanh Hóa (38): bưởi, chuối ngự, nho, gạo, mật ong, nem chua, chè, nước mắm, cói, rượu.
QUERIES: tuple[tuple[str, dict[str, str]], ...] = (
    ("bưởi Ngọc Lũ", {}),
    ("buoi ngoc lu", {}),
    ("bưởii", {}),
    ("nuoc mam", {}),
    ("nước mắm Tiên Trang", {}),
    ("mat ong", {}),
    ("mật o", {}),
    ("dac san thanh hoa", {}),
    ("nem chua", {"province": "38"}),
    ("gao", {"sort": "price_asc"}),
    ("che xanh", {"stars": "4"}),
    ("ruou nep kim son", {}),
    ("chuoi ngu", {}),
    ("nho", {}),
    ("co", {}),
    ("b", {}),
    ("ch", {}),
    ("mien dong", {}),
    ("", {"province": "37"}),
    ("xyzzy qwerty", {}),
)


def query_paths(base: str) -> list[str]:
    """Every query of the mix as an encoded path under `base` (/api/v1/search or /search)."""
    return [f"{base}?{urlencode({'q': text, **extra})}" for text, extra in QUERIES]


def _check(url: str, paths: list[str]) -> None:
    """Every path answers 200 before it is loaded (wrk would count errors as fast answers)."""
    for path in paths:
        with urllib.request.urlopen(url + path, timeout=10) as response:
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")


def run() -> dict[str, object]:
    rounds, seconds = (1, 3) if quick() else (3, 5)
    api, page = query_paths("/api/v1/search"), query_paths("/search")
    with served(workers=WORKERS) as url:
        _check(url, api + page)
        rates = best_rates(
            url,
            {"trivial": TRIVIAL_PATH, "static": STATIC_PATH, "api": api, "page": page},
            rounds,
            seconds,
        )
    trivial, static = rates["trivial"], rates["static"]
    return {
        "tool": load_tool(),
        "workers": WORKERS,
        "queries": len(QUERIES),
        "trivial_endpoint": TRIVIAL_PATH,
        "static_file": STATIC_PATH,
        "trivial_rps": round(trivial),
        "static_rps": round(static),
        "search_api_rps": round(rates["api"]),
        "search_page_rps": round(rates["page"]),
        "search_api_ratio": round(rates["api"] / trivial, 3),
        "search_page_ratio": round(rates["page"] / trivial, 3),
        "search_api_ratio_to_static": round(rates["api"] / static, 3),
        "search_page_ratio_to_static": round(rates["page"] / static, 3),
    }


def ratios(result: dict[str, object]) -> dict[str, Ratio]:
    def value(key: str) -> float:
        return float(str(result[key]))

    return {
        "search_load.api_vs_trivial": ratio(value("search_api_ratio"), TRIVIAL_PATH),
        "search_load.api_vs_static": ratio(value("search_api_ratio_to_static"), STATIC_PATH),
        "search_load.page_vs_trivial": ratio(value("search_page_ratio"), TRIVIAL_PATH),
        "search_load.page_vs_static": ratio(value("search_page_ratio_to_static"), STATIC_PATH),
    }
