"""Benchmark: the large demo (≥ 1M episodes) — load DB → frames, and the full KPI set.

Cases (issue 3): (a) one förbund and year, (b) the same with kön + remittent filters,
(c) all förbund. Targets on the 2-core machine: (a), (b) ≤ 50 ms, (c) ≤ 300 ms, load ≤ 10 s.

The KPI cases run on frames passed once through `metrics.prepare` (the dashboard's cached
frames; its one-time cost is reported as `prepare_s`), and for comparison on the frames as
`load_frames` returns them (`full_kpi_set_unprepared_s`).

Side by side, a straightforward pandas implementation of the core KPIs (flow, outcome
shares, fye, throughput; `pandas_reference.py`) against the engine's own code path for the
same KPIs: `filter_episodes` and the engine's participant expressions for those KPIs, in one
polars `select`. Both read the same columns with the same (String) text dtypes, from frames
prepared outside the timing; the results must agree with each other and with
`compute_kpis`.
"""

from __future__ import annotations

import math
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl
from pandas_reference import core_kpis

from loaders.demo import build_demo
from loaders.frames import load_frames
from loaders.importer import load_bulk
from loaders.schema import make_engine, upgrade
from metrics import compute_kpis, filter_episodes, participants, prepare
from metrics.selection import Selection

KPI_RUNS = 15
LOAD_RUNS = 3
#: The KPIs `pandas_reference.core_kpis` computes.
CORE_KEYS = ("started", "ended", "dropped_out", "completed", "share_work", "share_studies",
             "share_rehab", "share_dropout", "participant_days", "fye_used",
             "throughput_months_mean", "throughput_months_median")
#: The episode columns both core implementations read.
CORE_COLUMNS = ("forbund", "sex", "referrer", "start_date", "end_date", "outcome_group")


def median_seconds(fn, runs: int) -> tuple[float, object]:
    """Median wall time of `runs` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def agree(polars_values: dict, pandas_values: dict) -> None:
    """Every pandas core KPI equals the engine's (floats to 1e-9)."""
    for key, expected in pandas_values.items():
        got = polars_values[key]
        same = (got is None and expected is None) or math.isclose(got, expected, rel_tol=1e-9)
        assert same, f"{key}: polars {got} != pandas {expected}"


def polars_core(episodes: pl.DataFrame, sel: Selection) -> dict:
    """The core KPIs the way the engine computes them: filter, then aggregate."""
    return participants.aggregate(filter_episodes(episodes, sel), *sel.period,
                                  keys=CORE_KEYS).row(0, named=True)


def run() -> dict:
    """Build the large demo into SQLite, then time loading and every case."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'large.db'}")
        upgrade(engine)
        t0 = time.perf_counter()
        load_bulk(engine, build_demo("large"), user="bench", label="bench-large")
        build_s = time.perf_counter() - t0
        load_s, loaded = median_seconds(lambda: load_frames(engine), LOAD_RUNS)
        engine.dispose()
    prepare_s, frames = median_seconds(lambda: prepare(loaded), LOAD_RUNS)
    episodes = loaded["episodes"]
    all_forbund = tuple(sorted(episodes["forbund"].unique()))
    year = date(2024, 1, 1), date(2024, 12, 31)
    cases = {
        "a_one_forbund_year": Selection(forbund=all_forbund[:1], date_from=year[0],
                                        date_to=year[1]),
        "b_with_kon_remittent": Selection(forbund=all_forbund[:1], date_from=year[0],
                                          date_to=year[1], kon=("Kvinna",),
                                          remittent=("Försäkringskassan",)),
        "c_all_forbund": Selection(forbund=all_forbund, date_from=year[0], date_to=year[1]),
    }
    core_pl = episodes.select(CORE_COLUMNS)
    core_pd = core_pl.to_pandas()
    for col in ("start_date", "end_date"):
        core_pd[col] = core_pd[col].astype("datetime64[ns]")
    kpi = {}
    for name, sel in cases.items():
        full_s, result = median_seconds(lambda sel=sel: compute_kpis(frames, sel), KPI_RUNS)
        unprepared_s, plain = median_seconds(lambda sel=sel: compute_kpis(loaded, sel),
                                             KPI_RUNS)
        assert plain.values == result.values, "prepared and plain frames disagree"
        core_polars_s, core = median_seconds(lambda sel=sel: polars_core(core_pl, sel),
                                             KPI_RUNS)
        pandas_s, reference = median_seconds(
            lambda sel=sel: core_kpis(core_pd, list(sel.forbund), sel.date_from, sel.date_to,
                                      list(sel.kon) or None, list(sel.remittent) or None),
            KPI_RUNS)
        agree(core, reference)
        agree(result.values, reference)
        kpi[name] = {"full_kpi_set_s": full_s, "full_kpi_set_unprepared_s": unprepared_s,
                     "core_kpis_polars_s": core_polars_s, "core_kpis_pandas_s": pandas_s,
                     "pandas_over_polars": pandas_s / core_polars_s}
    return {"large_demo": {"size": {"episodes": episodes.height, "forbund": len(all_forbund),
                                    "build_and_insert_s": build_s, "load_db_to_frames_s": load_s,
                                    "prepare_s": prepare_s}},
            "kpi": kpi}
