"""Run every benchmark module (or those named on the command line) and write one JSON report."""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).parent
RESULTS = HERE / "results"


def main(names: list[str]) -> int:
    modules = sorted(p.stem for p in HERE.glob("*_bench.py"))
    chosen = [m for m in modules if not names or m in names or m.removesuffix("_bench") in names]
    report: dict[str, object] = {
        "started_at": datetime.now(UTC).isoformat(),
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "benchmarks": {},
    }
    for name in chosen:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"benchmarks.{name}")
        result = module.run()
        result["seconds"] = round(time.perf_counter() - started, 1)
        report["benchmarks"][name] = result  # type: ignore[index]
        print(json.dumps(result, indent=2, ensure_ascii=False), flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"report: {RESULTS / 'report.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
