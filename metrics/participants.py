"""Every episode-based KPI in one pass: flow, outcomes, time, capacity and follow-up.

The expressions of the family modules go into a single `select` (or `group_by().agg()` for
breakdowns), so a million episodes are read once. Follow-up needs a join and is computed
on the few episodes ended in the period, then attached.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date

import polars as pl

from metrics import capacity, flow, followup, outcomes, time
from metrics.expressions import Col, inline
from metrics.registry import FOLLOWUP_HORIZONS

KEYS = (*flow.KEYS, *outcomes.KEYS, *time.KEYS, *capacity.PARTICIPANT_KEYS, *followup.KEYS)
#: KPI -> column holding the number of episodes its value rests on (for disclosure).
BASES: dict[str, str] = {**flow.BASES, **outcomes.BASES, **time.BASES, **capacity.BASES,
                         **followup.BASES}
_COUNTS_FROM_FOLLOWUP = [c for m in FOLLOWUP_HORIZONS
                         for c in (f"followed_up_{m}m", followup.completed_followed(m))]


_FAMILIES = (flow, outcomes, time, capacity)


def parts(frm: date, to: date) -> dict[str, pl.Expr]:
    """Every aggregation the episode KPIs are made of (shared parts appear once)."""
    out: dict[str, pl.Expr] = {}
    for family in _FAMILIES:
        out |= family.parts(frm, to)
    return out


def finish(c: Col, frm: date, to: date) -> dict[str, pl.Expr]:
    """Every episode KPI (except follow-up) from the parts, read through `c`."""
    out: dict[str, pl.Expr] = {}
    for family in _FAMILIES:
        out |= family.finish(c, frm, to)
    return out


def exprs(frm: date, to: date) -> dict[str, pl.Expr]:
    """All one-pass aggregate expressions for the period."""
    return dict(_exprs(frm, to))


@functools.lru_cache(maxsize=256)
def _exprs(frm: date, to: date) -> dict[str, pl.Expr]:
    # Building the expressions costs about a millisecond and pages ask for the same periods
    # again and again. Expressions are immutable; `exprs` hands out copies of the dict.
    return inline(parts(frm, to), lambda c: finish(c, frm, to))


@functools.lru_cache(maxsize=256)
def _two_step(frm: date, to: date) -> tuple[dict[str, pl.Expr], dict[str, pl.Expr]]:
    return parts(frm, to), finish(pl.col, frm, to)


def aggregate(episodes: pl.DataFrame, frm: date, to: date, by: Sequence[str] = (),
              keys: Sequence[str] | None = None) -> pl.DataFrame:
    """The `exprs` KPIs of `episodes` (one row, or one per `by` group, unsorted).

    Same values as `select(**exprs(...))`/`agg(**exprs(...))`, computed in two steps: the
    parts in one pass over the episodes, then the KPIs from the parts. `keys` limits the
    KPIs (and so the parts computed) to those named.
    """
    step1, step2 = _two_step(frm, to)
    if keys is not None:
        step2 = {k: step2[k] for k in keys}
        needed = {name for e in step2.values() for name in e.meta.root_names()}
        step1 = {k: e for k, e in step1.items() if k in needed}
    by = list(by)
    base = episodes.group_by(by).agg(**step1) if by else episodes.select(**step1)
    return base.select(*by, **step2)


def aggregate_lazy(episodes: pl.LazyFrame, frm: date, to: date,
                   keys: Sequence[str]) -> pl.LazyFrame:
    """`aggregate` of `keys` as a lazy one-row query (to collect many periods at once)."""
    step1, step2 = _two_step(frm, to)
    step2 = {k: step2[k] for k in keys}
    needed = {name for e in step2.values() for name in e.meta.root_names()}
    return episodes.select(**{k: e for k, e in step1.items() if k in needed}).select(**step2)


def participant_table(episodes: pl.DataFrame, followups: pl.DataFrame, frm: date, to: date,
                      by: Sequence[str] = ()) -> pl.DataFrame:
    """Episode KPIs for `[frm, to]`: one row, or one row per `by` group sorted by group.

    `episodes` must already carry the selection's filters (and the `by` columns); rows not
    touching the period are harmless, every expression checks the period itself.
    """
    joined = followup.ended_with_followups(episodes, followups, frm, to, by)
    return table_from(episodes, joined, frm, to, by)


def table_from(episodes: pl.DataFrame, joined: pl.DataFrame, frm: date, to: date,
               by: Sequence[str] = ()) -> pl.DataFrame:
    """`participant_table` with the follow-up rows already joined (`ended_with_followups`)."""
    by = list(by)
    main = aggregate(episodes, frm, to, by)
    fu = followup.aggregate(joined, by)
    if by:
        main = main.join(fu, on=by, how="left", nulls_equal=True).with_columns(
            pl.col(c).fill_null(0) for c in _COUNTS_FROM_FOLLOWUP)
        main = main.sort(by, nulls_last=True)
    else:
        main = pl.concat([main, fu], how="horizontal")
    return main.with_columns(**followup.coverage(pl.col("completed")))
