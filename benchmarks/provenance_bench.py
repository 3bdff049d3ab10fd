"""Provenance page `/t/{code}` against a trivial endpoint of the same app, served the same way.

Issue target: the provenance page at ≥ 0.6 × the requests per second of `/health/live`, with
`langso serve --workers 2` (granian) on a migrated, seeded SQLite database, loaded from the same
machine over 127.0.0.1 for a bounded time. Every page view also counts a scan (in memory,
flushed every few seconds), as in production. Also reports the page's weight (HTML + CSS).
"""

from __future__ import annotations

import re
import urllib.request

from benchmarks.http_load import load_tool, requests_per_second, served

SEEDED_BATCH = "BNG25A1001E"  # seeds/batches.py: bưởi Ngọc Lũ with a full journal
WORKERS = 2
ROUNDS = 2
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
    with served(workers=WORKERS) as url:
        weight = _page_weight(url, SEEDED_BATCH)
        trivial, provenance = [], []
        for _ in range(ROUNDS):  # interleaved, so that machine noise hits both alike
            trivial.append(requests_per_second(f"{url}/health/live"))
            provenance.append(requests_per_second(f"{url}/t/{SEEDED_BATCH}"))
    best_trivial, best_page = max(trivial), max(provenance)
    return {
        "tool": load_tool(),
        "workers": WORKERS,
        "trivial_endpoint": "/health/live",
        "trivial_rps": round(best_trivial),
        "provenance_rps": round(best_page),
        "ratio": round(best_page / best_trivial, 3),
        "target_ratio": TARGET_RATIO,
        "meets_target": best_page / best_trivial >= TARGET_RATIO,
        **weight,
        "page_under_30_kb": weight["total_bytes"] < 30 * 1024,
    }
