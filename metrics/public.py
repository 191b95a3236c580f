"""What pages may show: every display function passes through disclosure control.

These are the only entry points a page should call. The threshold must be at least 1;
turning disclosure off (threshold 0) is possible only from the command line, which calls
`compute_kpis` and `suppress_kpis` directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from metrics import participants
from metrics.capacity import BASES as CAPACITY_BASES
from metrics.disclosure import DEFAULT_THRESHOLD, suppress_kpis, suppress_table
from metrics.distributions import distributions, income_flow
from metrics.engine import compute_kpis
from metrics.registry import BY_KEY, Unit
from metrics.result import KpiResult
from metrics.selection import Selection
from metrics.socio_estimate import Assumptions
from metrics.views import By, bases_for, breakdown, trend


def _check(threshold: int) -> None:
    if threshold < 1:
        raise ValueError("Röjandekontrollen kan bara stängas av från kommandoraden.")


def _is_count(col: str) -> bool:
    kpi = BY_KEY.get(col)
    return kpi.unit is Unit.COUNT if kpi else True  # helper bases are episode counts


def _safe(table: pl.DataFrame, keys: Sequence[str], threshold: int,
          total_shown: bool) -> pl.DataFrame:
    columns = [*keys, *bases_for(keys)]
    counts = [c for c in columns if _is_count(c)]
    bases = {k: participants.BASES.get(k) or CAPACITY_BASES.get(k) for k in keys}
    shares = [k for k in keys if k not in counts and bases[k]]
    return suppress_table(table, counts, shares, {k: b for k, b in bases.items() if b},
                          threshold, total_shown=total_shown)


def public_kpis(frames: Mapping[str, pl.DataFrame], sel: Selection,
                threshold: int = DEFAULT_THRESHOLD, *,
                assumptions: Assumptions | None = None) -> KpiResult:
    """`compute_kpis` with disclosure control applied."""
    _check(threshold)
    return suppress_kpis(compute_kpis(frames, sel, assumptions=assumptions), threshold)


def public_breakdown(frames: Mapping[str, pl.DataFrame], sel: Selection,
                     kpi_keys: Sequence[str], by: By,
                     threshold: int = DEFAULT_THRESHOLD) -> pl.DataFrame:
    """`breakdown` with small cells hidden and secondary suppression (the total is shown)."""
    _check(threshold)
    return _safe(breakdown(frames, sel, kpi_keys, by), list(kpi_keys), threshold, True)


def public_trend(frames: Mapping[str, pl.DataFrame], sel: Selection,
                 kpi_keys: Sequence[str], freq: str,
                 threshold: int = DEFAULT_THRESHOLD) -> pl.DataFrame:
    """`trend` with small cells hidden (periods are not parts of a shown total)."""
    _check(threshold)
    return _safe(trend(frames, sel, kpi_keys, freq), list(kpi_keys), threshold,  # type: ignore[arg-type]
                 False)


def public_distributions(frames: Mapping[str, pl.DataFrame], sel: Selection,
                         threshold: int = DEFAULT_THRESHOLD) -> dict[str, pl.DataFrame]:
    """`distributions` with small counts (and their shares) hidden, secondary included."""
    _check(threshold)
    return {name: suppress_table(df, ["count"], ["share"], None, threshold,
                                 share_of={"share": "count"})
            for name, df in distributions(frames, sel).items()}


def public_income_flow(frames: Mapping[str, pl.DataFrame], sel: Selection,
                       threshold: int = DEFAULT_THRESHOLD) -> pl.DataFrame:
    """`income_flow` with flows of 1..threshold−1 hidden, secondary included."""
    _check(threshold)
    return suppress_table(income_flow(frames, sel), ["count"], [], None, threshold)
