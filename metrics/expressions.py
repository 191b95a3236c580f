"""Building blocks: polars expressions every KPI module combines.

All take plain dates for the period and return expressions, so callers can put many of
them in one `select`/`agg` (one pass over the episodes).

Each KPI family states its KPIs once, in two steps: `parts(frm, to)`, the aggregations over
the episodes (counts, sums, means), and `finish(c, frm, to)`, the KPIs as arithmetic on
those parts, read through `c(name)`. With `c = pl.col` the parts are aggregated first and
the KPIs derived from the one-row (or one-row-per-group) result, so a predicate shared by
many KPIs is evaluated once per row; `inline` gives the same KPIs as single aggregate
expressions (`exprs`), for callers that put them into their own `select`/`agg`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import polars as pl

#: Reads a part by name: `pl.col` (parts already aggregated) or the part's expression.
Col = Callable[[str], pl.Expr]

DAYS_PER_MONTH = 30.4375  # 365.25 / 12

START, END, GROUP = "start_date", "end_date", "outcome_group"


def _col(c: str | pl.Expr) -> pl.Expr:
    return pl.col(c) if isinstance(c, str) else c


def overlap_days(start: str | pl.Expr, end: str | pl.Expr, frm: date, to: date) -> pl.Expr:
    """Days of `[start, end]` inside `[frm, to]`, both inclusive, never negative.

    A null `end` (open episode) runs to `to`. Per row; sum it for participant-days.
    """
    last = pl.min_horizontal(_col(end).fill_null(pl.lit(to)), pl.lit(to))
    first = pl.max_horizontal(_col(start), pl.lit(frm))
    return ((last - first).dt.total_days() + 1).clip(lower_bound=0)


def share(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """`num / den`, null when `den` is 0 or null (a share of nothing is missing, not 0)."""
    return pl.when(den > 0).then(num.cast(pl.Float64) / den).otherwise(None)


def count(pred: pl.Expr) -> pl.Expr:
    """Number of rows where `pred` holds (null counts as false), as Int64."""
    return pred.fill_null(False).sum().cast(pl.Int64)


def started_in(frm: date, to: date) -> pl.Expr:
    """Startdatum within the period."""
    return pl.col(START).is_between(frm, to).fill_null(False)


def ended_in(frm: date, to: date) -> pl.Expr:
    """Slutdatum within the period."""
    return pl.col(END).is_between(frm, to).fill_null(False)


def overlaps(frm: date, to: date) -> pl.Expr:
    """The episode runs at least one day of the period (open episodes run on)."""
    return (pl.col(START) <= to) & (pl.col(END).is_null() | (pl.col(END) >= frm))


def active_at(day: date) -> pl.Expr:
    """Enrolled at the end of `day`: started on or before it, not ended by then."""
    return (pl.col(START) <= day) & (pl.col(END).is_null() | (pl.col(END) > day))


def outcome_is(*groups: str) -> pl.Expr:
    """Outcome group is one of `groups` (false for open episodes)."""
    g = pl.col(GROUP)
    return (g == groups[0] if len(groups) == 1 else g.is_in(list(groups))).fill_null(False)


def episode_days() -> pl.Expr:
    """Days in the insats, Slutdatum − Startdatum + 1 (null while open)."""
    return (pl.col(END) - pl.col(START)).dt.total_days() + 1


def mean_over(values: pl.Expr, pred: pl.Expr) -> pl.Expr:
    """Mean of `values` where `pred` holds (null when none)."""
    return values.filter(pred).mean()


def median_over(values: pl.Expr, pred: pl.Expr) -> pl.Expr:
    """Median of `values` where `pred` holds (null when none)."""
    return values.filter(pred).median()


def inline(parts: Mapping[str, pl.Expr], finish: Callable[[Col], dict[str, pl.Expr]]
           ) -> dict[str, pl.Expr]:
    """The KPIs of `finish` as single aggregate expressions, each part put in place."""
    return finish(parts.__getitem__)
