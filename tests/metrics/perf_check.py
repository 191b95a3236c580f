"""Quick timing of `compute_kpis` on a synthetic million-episode frame (not a test).

Run: `.venv/bin/python tests/metrics/perf_check.py [n]`. Prints median milliseconds for
one förbund + one year and for every förbund + one year.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from loaders.contract import EDUCATION, EXIT_REASONS, INCOME_SOURCES, REFERRERS, SEX  # noqa: E402
from metrics import Selection, breakdown, compute_kpis, trend  # noqa: E402
from tests.metrics.factories import frames  # noqa: E402


def synthetic(n: int, n_forbund: int = 40, seed: int = 1) -> dict[str, pl.DataFrame]:
    """`n` episodes over 2016–2025 in `n_forbund` förbund, 8 insatser each (vectorised)."""
    rng = np.random.default_rng(seed)
    reasons = np.array(list(EXIT_REASONS))
    start = np.datetime64("2016-01-01") + rng.integers(0, 3650, n).astype("timedelta64[D]")
    length = rng.integers(0, 700, n).astype("timedelta64[D]")
    ended = rng.random(n) < 0.85
    pick = lambda values: np.array(values)[rng.integers(0, len(values), n)]  # noqa: E731
    eps = pl.DataFrame({
        "forbund": [f"Förbund {i:02d}" for i in rng.integers(0, n_forbund, n)],
        "insats": [f"Insats {i}" for i in rng.integers(0, 8, n)],
        "grupp": pl.Series([None] * n, dtype=pl.String),
        "participant_id": [f"D-{i}" for i in range(n)],
        "sex": pick(SEX), "age_at_start": rng.integers(16, 66, n),
        "referrer": pick(REFERRERS), "income_before": pick(INCOME_SOURCES),
        "public_support_years": rng.random(n) * 12, "education": pick(EDUCATION),
        "start_date": start, "end_date": np.where(ended, start + length, np.datetime64("NaT")),
        "exit_reason": np.where(ended, pick(reasons), None),
        "income_after": np.where(ended, pick(INCOME_SOURCES), None),
        "step_start": rng.integers(1, 8, n), "step_end": rng.integers(1, 10, n),
    }).with_columns(pl.col("start_date", "end_date").cast(pl.Date),
                    pl.col("exit_reason", "income_after").cast(pl.String))
    eps = eps.with_columns(pl.col("exit_reason").replace_strict(
        EXIT_REASONS, default=None, return_dtype=pl.String).alias("outcome_group"))
    out = frames()
    out["episodes"] = eps
    ended_eps = eps.filter(pl.col("end_date").is_not_null()).sample(fraction=0.5, seed=seed)
    out["followups"] = ended_eps.select(
        "forbund", "insats", "participant_id", "start_date",
        months_after=pl.lit("6"), status=pl.lit("Arbete"), income=pl.lit(None, pl.String))
    return out


def timed(fn, repeat: int = 7) -> float:
    fn()
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs) * 1000


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    data = synthetic(n)
    names = tuple(sorted(data["episodes"]["forbund"].unique().to_list()))
    one = Selection(forbund=(names[0],), date_from=date(2023, 1, 1), date_to=date(2023, 12, 31))
    every = Selection(forbund=names, date_from=date(2023, 1, 1), date_to=date(2023, 12, 31))
    filtered = Selection(forbund=names, date_from=date(2023, 1, 1), date_to=date(2023, 12, 31),
                         kon=("Kvinna",), aldersgrupp=("30-44", "45-59"))
    print(f"{n:,} episodes, {pl.thread_pool_size()} threads")
    runs = {
        "compute_kpis, one förbund, 2023": lambda: compute_kpis(data, one),
        f"compute_kpis, all {len(names)} förbund, 2023": lambda: compute_kpis(data, every),
        "compute_kpis, all förbund, kön + ålder": lambda: compute_kpis(data, filtered),
        "breakdown by kön, one förbund": lambda: breakdown(data, one, ["started", "share_work"],
                                                           "kon"),
        "trend per quarter, one förbund": lambda: trend(
            data, one, ["started", "share_work", "fye_used"], "quarter"),
    }
    for name, fn in runs.items():
        print(f"{name:45s} {timed(fn):7.1f} ms")

if __name__ == "__main__":
    main()
