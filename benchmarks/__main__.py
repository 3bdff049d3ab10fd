"""Run every benchmark module (or those named on the command line) and write one JSON report.

    python -m benchmarks                  # every *_bench.py (make bench)
    python -m benchmarks search checkout  # some of them
    BENCH_QUICK=1 python -m benchmarks    # shorter loads and fewer rounds; noisier figures

The report (`benchmarks/results/report.json`) starts with `ratios`: one row per figure, the
ratio of the measured value to a baseline measured in the same run on the same machine, the
target where an issue gives one and whether it is met; `benchmarks` holds each bench's details.
A bench that fails is reported as an error and the others still run.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import re
import shutil
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import Ratio, quick, ratio

HERE = Path(__file__).parent
RESULTS = HERE / "results"
QUICK_SEARCH_SIZES = "10000,30000"  # labels follow the sizes: ..._30k_...


def search_ratios(result: dict[str, Any]) -> dict[str, Ratio]:
    """Summary rows of `search_bench` (which has no `ratios()` of its own), read from its
    per-engine summary whatever sizes it ran: p95 against the raw FTS floor, the 2-letter
    prefix p95 (an absolute target in ms) and the growth between sizes."""
    targets: dict[str, float] = result.get("targets", {})
    rows: dict[str, Ratio] = {}
    for engine, found in result.get("engines", {}).items():
        summary = found.get("summary") if isinstance(found, dict) else None
        if not isinstance(summary, dict):
            continue
        for key, value in summary.items():
            if not isinstance(value, int | float) or isinstance(value, bool):
                continue
            name = f"search.{engine}.{key}"
            if key.startswith("p95_ratio_to_floor"):
                rows[name] = ratio(
                    value, "raw ranked FTS query", targets.get("p95_ratio_max"), "lower"
                )
            elif re.match(r"prefix2_p95_ms", key):
                rows[name] = ratio(
                    value, "absolute, in ms", targets.get("prefix2_p95_ms_max"), "lower"
                )
            elif key.startswith("growth_p95") and key.split("_to_")[-1].startswith("100k"):
                # The growth target is for 10k -> 100k; 1M is reported, not judged.
                rows[name] = ratio(value, "smallest catalogue", targets.get("growth_max"), "lower")
            elif key.startswith(("growth_", "floor_growth_")):
                rows[name] = ratio(value, "smallest catalogue", better="lower")
    return rows


def _nested_errors(found: object, where: str) -> list[str]:
    """Where a bench reported an error inside its result (an engine that failed, say)."""
    if not isinstance(found, dict):
        return []
    if "error" in found:
        return [where]
    return [e for key, value in found.items() for e in _nested_errors(value, f"{where}.{key}")]


def _rows_of(name: str, module: Any, result: dict[str, Any]) -> dict[str, Ratio]:
    """The summary rows of one bench's result: its own `ratios()`, or the search adapter."""
    if "error" in result:
        return {}
    if hasattr(module, "ratios"):
        rows: dict[str, Ratio] = module.ratios(result)
        return rows
    if name == "search_bench":
        return search_ratios(result)
    return {}


def _summary_table(rows: dict[str, Ratio]) -> str:
    width = max((len(name) for name in rows), default=10)
    lines = [f"{'figure':<{width}}  {'ratio':>9}  {'target':>10}  result"]
    for name, row in rows.items():
        target = ""
        if row["target"] is not None:
            target = ("≥ " if row["better"] == "higher" else "≤ ") + f"{row['target']:g}"
        verdict = {True: "pass", False: "FAIL", None: "-"}[row["passed"]]
        lines.append(f"{name:<{width}}  {row['ratio']:>9.4g}  {target:>10}  {verdict}")
    return "\n".join(lines)


def _previous(chosen: list[str], modules: list[str]) -> dict[str, Any]:
    """The last report's results of the benches not run now (a partial run keeps them)."""
    try:
        found: dict[str, Any] = json.loads((RESULTS / "report.json").read_text())["benchmarks"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {name: found[name] for name in modules if name in found and name not in chosen}


def _run_one(name: str) -> dict[str, Any]:
    began, started_at = time.perf_counter(), datetime.now(UTC)
    try:
        result: dict[str, Any] = importlib.import_module(f"benchmarks.{name}").run()
    except Exception:
        result = {"error": traceback.format_exc()[-4000:]}
    result["started_at"] = started_at.isoformat(timespec="seconds")
    result["quick"] = quick()
    result["seconds"] = round(time.perf_counter() - began, 1)
    return result


def main(names: list[str]) -> int:
    if quick():
        os.environ.setdefault("LANGSO_BENCH_SIZES", QUICK_SEARCH_SIZES)
    modules = sorted(p.stem for p in HERE.glob("*_bench.py"))
    chosen = [m for m in modules if not names or m in names or m.removesuffix("_bench") in names]
    unknown = [n for n in names if n not in modules and f"{n}_bench" not in modules]
    if unknown:
        print(f"no such benchmark: {', '.join(unknown)}; there are: {', '.join(modules)}")
        return 2
    started_at, started = datetime.now(UTC), time.perf_counter()
    details = _previous(chosen, modules)
    for name in chosen:
        print(f"== {name}", flush=True)
        details[name] = _run_one(name)
        print(json.dumps(details[name], indent=2, ensure_ascii=False), flush=True)
    details = {name: details[name] for name in modules if name in details}
    rows: dict[str, Ratio] = {}
    errors: list[str] = []
    for name, result in details.items():
        errors += _nested_errors(result, name)
        rows.update(_rows_of(name, importlib.import_module(f"benchmarks.{name}"), result))
    with_target = [row for row in rows.values() if row["target"] is not None]
    report = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        "run_now": chosen,
        "kept_from_the_last_report": [name for name in details if name not in chosen],
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "http_load_tool": "wrk" if shutil.which("wrk") else "python-asyncio (no wrk)",
        },
        "summary": {
            "figures": len(rows),
            "with_target": len(with_target),
            "passed": sum(row["passed"] is True for row in with_target),
            "failed": [name for name, row in rows.items() if row["passed"] is False],
            "errors": errors,
        },
        "ratios": rows,
        "benchmarks": details,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    failed = [name for name, row in rows.items() if row["passed"] is False]
    print()
    print(_summary_table(rows))
    print(
        f"\n{len(with_target) - len(failed)}/{len(with_target)} targets met"
        + (f"; failed: {', '.join(failed)}" if failed else "")
        + (f"; errors in: {', '.join(errors)}" if errors else "")
        + f"; {report['seconds']} s{' (quick)' if quick() else ''}"
    )
    print(f"report: {RESULTS / 'report.json'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
