"""Benchmarks: `make bench` runs every `*_bench.py` module here.

Each module has `def run() -> dict[str, object]` and reports its figures as ratios against a
baseline measured in the same run (these machines are shared and noisy). The combined report
goes to `benchmarks/results/report.json`.
"""
