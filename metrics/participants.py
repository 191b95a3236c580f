"""Every episode-based KPI in one pass: flow, outcomes, time, capacity and follow-up.

The expressions of the family modules go into a single `select` (or `group_by().agg()` for
breakdowns), so a million episodes are read once. Follow-up needs a join and is computed
on the few episodes ended in the period, then attached.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from metrics import capacity, flow, followup, outcomes, time
from metrics.registry import FOLLOWUP_HORIZONS

KEYS = (*flow.KEYS, *outcomes.KEYS, *time.KEYS, *capacity.PARTICIPANT_KEYS, *followup.KEYS)
#: KPI -> column holding the number of episodes its value rests on (for disclosure).
BASES: dict[str, str] = {**flow.BASES, **outcomes.BASES, **time.BASES, **capacity.BASES,
                         **followup.BASES}
_COUNTS_FROM_FOLLOWUP = [c for m in FOLLOWUP_HORIZONS
                         for c in (f"followed_up_{m}m", followup.completed_followed(m))]


def exprs(frm: date, to: date) -> dict[str, pl.Expr]:
    """All one-pass aggregate expressions for the period."""
    return {**flow.exprs(frm, to), **outcomes.exprs(frm, to), **time.exprs(frm, to),
            **capacity.exprs(frm, to)}


def participant_table(episodes: pl.DataFrame, followups: pl.DataFrame, frm: date, to: date,
                      by: Sequence[str] = ()) -> pl.DataFrame:
    """Episode KPIs for `[frm, to]`: one row, or one row per `by` group sorted by group.

    `episodes` must already carry the selection's filters (and the `by` columns); rows not
    touching the period are harmless, every expression checks the period itself.
    """
    by = list(by)
    if by:
        main = episodes.group_by(by).agg(**exprs(frm, to))
    else:
        main = episodes.select(**exprs(frm, to))
    fu = followup.followup_table(episodes, followups, frm, to, by)
    if by:
        main = main.join(fu, on=by, how="left", nulls_equal=True).with_columns(
            pl.col(c).fill_null(0) for c in _COUNTS_FROM_FOLLOWUP)
        main = main.sort(by, nulls_last=True)
    else:
        main = pl.concat([main, fu], how="horizontal")
    return main.with_columns(**followup.coverage(pl.col("completed")))
