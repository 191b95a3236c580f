"""`make bench`: run every benchmark and print a Markdown table for the README.

Each benchmark reports medians of repeated runs; results also go to bench/results/ (ignored
by git) with the machine they ran on.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import bench_browser  # noqa: E402
import bench_compare  # noqa: E402
import bench_first_view  # noqa: E402
import bench_import  # noqa: E402
import bench_kpi  # noqa: E402
import bench_report  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


def machine() -> str:
    """CPU model and core count, for the README line that says where numbers came from."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def median_runs(fn, repeats: int = REPEATS) -> dict[str, dict[str, float]]:
    """Median per measured key over `repeats` runs of `fn` (which returns {case: {key: s}})."""
    runs = [fn() for _ in range(repeats)]
    return {case: {key: statistics.median(r[case][key] for r in runs) for key in runs[0][case]}
            for case in runs[0]}


def main() -> None:
    """Run all benchmarks and print the table."""
    results = {"machine": machine(), "import_100k_deltagare": median_runs(bench_import.run)}
    results.update(bench_kpi.run())
    with tempfile.TemporaryDirectory() as tmp:
        # One large demo database (`finsam demo --size large`) for both browser benchmarks.
        if not os.environ.get("FINSAM_BENCH_LARGE_DB"):
            os.environ["FINSAM_BENCH_LARGE_DB"] = bench_first_view.build_demo_db(
                Path(tmp) / "large.db", size="large")
        results.update(bench_browser.run())
        results.update(bench_first_view.run())
        results.update(bench_compare.run())
    results.update(bench_report.run())
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"Machine: {results['machine']}\n")
    print("| benchmark | case | measure | median (s) |\n|---|---|---|---|")
    for name, cases in results.items():
        if name == "machine" or not isinstance(cases, dict):
            continue
        for case, measures in cases.items():
            if isinstance(measures, dict):
                for key, value in measures.items():
                    print(f"| {name} | {case} | {key} | {value:.3f} |")
            else:
                print(f"| {name} | {case} | | {measures} |")
    print("\nFirst view and memory on the large demo (issue 11):\n")
    print("| measure | value | target |\n|---|---|---|")
    print("\n".join(bench_first_view.table_rows(results)))


if __name__ == "__main__":
    main()
