"""Benchmark: `metrics.compare` over every förbund of the large demo, against a loop.

The comparison of one förbund with all 60 (`finsam compare`, the Jämförelse page) reads the
episodes once for every förbund. Measured against the straightforward way: one
`suppress_kpis(compute_kpis(...))` per förbund. Both run on frames passed once through
`metrics.prepare` (as the dashboard caches them), for a year without and with participant
filters; every förbund's value must agree. Target on the 2-core machine: ≤ 300 ms.

`FINSAM_BENCH_LARGE_DB` may name an existing large demo database (`finsam demo --size
large`; a SQLAlchemy URL or a SQLite file); otherwise one is built (a few minutes).
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from bench_kpi import median_seconds  # noqa: E402

from loaders.frames import load_frames  # noqa: E402
from loaders.schema import make_engine  # noqa: E402
from metrics import compute_kpis, prepare, suppress_kpis  # noqa: E402
from metrics.compare import compare, default_units, unit_selection  # noqa: E402
from metrics.selection import Selection  # noqa: E402

RUNS = 7
LOOP_RUNS = 3
TARGET_S = 0.300


def loop(frames, sel: Selection, units) -> dict:
    """Unit -> its suppressed result, one `compute_kpis` per förbund."""
    return {u: suppress_kpis(compute_kpis(frames, unit_selection(sel, "forbund", u)))
            for u in units}


def agree(comparison, results: dict) -> None:
    """Every förbund's value in the comparison is the loop's (floats to 1e-12)."""
    for key, c in comparison.kpis.items():
        base, _, actor = key.partition(".")
        shown = dict(c.values)
        for unit, r in results.items():
            want = r.values[base]
            want = (want or {}).get(actor) if actor else want
            got = shown.get(unit)
            same = got == want or (isinstance(got, float) and isinstance(want, float)
                                   and math.isclose(got, want, rel_tol=1e-12))
            assert same, f"{key} {unit}: comparison {got} != loop {want}"


def _load(url: str):
    engine = make_engine(url)
    try:
        return load_frames(engine)
    finally:
        engine.dispose()


def _frames():
    db = os.environ.get("FINSAM_BENCH_LARGE_DB")
    if db:
        return _load(db if "://" in db else f"sqlite:///{db}")
    from dashboard.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'large.db'}"
        if main(["--db", url, "demo", "--size", "large"]) != 0:
            raise RuntimeError("finsam demo --size large failed")
        return _load(url)


def run() -> dict:
    """Time the comparison and the loop on the large demo, per case."""
    frames = prepare(_frames())
    year = date(2024, 1, 1), date(2024, 12, 31)
    first = Selection(forbund=("x",), date_from=year[0], date_to=year[1])
    units = default_units(frames, first, "forbund")
    cases = {
        "year": Selection(forbund=units[:1], date_from=year[0], date_to=year[1]),
        "year_kon_remittent": Selection(forbund=units[:1], date_from=year[0],
                                        date_to=year[1], kon=("Kvinna",),
                                        remittent=("Försäkringskassan",)),
    }
    out = {}
    for name, sel in cases.items():
        compare_s, comparison = median_seconds(
            lambda sel=sel: compare(frames, sel, min_units=1), RUNS)
        loop_s, results = median_seconds(lambda sel=sel: loop(frames, sel, units), LOOP_RUNS)
        agree(comparison, results)
        out[name] = {"forbund": len(units), "compare_s": compare_s, "loop_s": loop_s,
                     "loop_over_compare": loop_s / compare_s}
    return {"compare_all_forbund": out}


def main() -> None:
    """Print the comparison and loop times, their ratio and the machine load."""
    results = run()["compare_all_forbund"]
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"{os.cpu_count()} cores, load average {load}")
    for name, r in results.items():
        verdict = ("within" if r["compare_s"] <= TARGET_S else "over") + \
            f" the {TARGET_S * 1000:.0f} ms target"
        print(f"{name}: {r['forbund']} förbund; comparison {r['compare_s'] * 1000:.0f} ms "
              f"({verdict}), loop {r['loop_s'] * 1000:.0f} ms, "
              f"ratio {r['loop_over_compare']:.1f}x")


if __name__ == "__main__":
    main()
