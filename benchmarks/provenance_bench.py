"""Provenance page `/t/{code}` against a trivial endpoint and a static file of the same app,
served the same way, in the same run.

Issue target: the provenance page at ≥ 0.6 × the requests per second of `/health/live`, with
`langso serve --workers 2` (granian) on a migrated, seeded SQLite database, loaded from the same
machine over 127.0.0.1 for a bounded time. Every page view also counts a scan (in memory,
flushed every few seconds), as in production. The static file (a stylesheet served by the same
server) is the second baseline. Also reports the page's weight (HTML + CSS).
"""

from __future__ import annotations

import re
import urllib.request

from benchmarks.common import Ratio, quick, ratio
from benchmarks.http_load import STATIC_PATH, TRIVIAL_PATH, best_rates, load_tool, served

SEEDED_BATCH = "BNG25A1001E"  # seeds/batches.py: bưởi Ngọc Lũ with a full journal
WORKERS = 2
TARGET_RATIO = 0.6


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


def _page_weight(url: str, code: str) -> dict[str, int]:
    html = _get(f"{url}/t/{code}")
    sheets = re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html)
    css = sum(len(_get(url + sheet.decode())) for sheet in sheets)
    return {"html_bytes": len(html), "css_bytes": css, "total_bytes": len(html) + css}


def run() -> dict[str, object]:
    rounds, seconds = (1, 3) if quick() else (3, 5)
    with served(workers=WORKERS) as url:
        weight = _page_weight(url, SEEDED_BATCH)
        rates = best_rates(
            url,
            {"trivial": TRIVIAL_PATH, "static": STATIC_PATH, "provenance": f"/t/{SEEDED_BATCH}"},
            rounds,
            seconds,
        )
    trivial, static, page = rates["trivial"], rates["static"], rates["provenance"]
    return {
        "tool": load_tool(),
        "workers": WORKERS,
        "trivial_endpoint": TRIVIAL_PATH,
        "static_file": STATIC_PATH,
        "trivial_rps": round(trivial),
        "static_rps": round(static),
        "provenance_rps": round(page),
        "ratio": round(page / trivial, 3),
        "ratio_to_static": round(page / static, 3),
        "target_ratio": TARGET_RATIO,
        "meets_target": page / trivial >= TARGET_RATIO,
        **weight,
        "page_under_30_kb": weight["total_bytes"] < 30 * 1024,
    }


def ratios(result: dict[str, object]) -> dict[str, Ratio]:
    return {
        "provenance.page_vs_trivial": ratio(
            float(str(result["ratio"])), TRIVIAL_PATH, TARGET_RATIO
        ),
        "provenance.page_vs_static": ratio(float(str(result["ratio_to_static"])), STATIC_PATH),
    }
