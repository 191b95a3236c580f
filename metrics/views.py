"""Breakdowns and trends: the KPIs per group or per period, as tables.

Both reuse the one-pass episode expressions (`metrics.participants`), so a breakdown is one
`group_by().agg()` and a trend one filtered `select` per period run in parallel. Each table
carries the KPIs asked for plus the denominators they rest on (for disclosure control).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Literal

import polars as pl

from metrics import participants
from metrics.engine import compute_kpis
from metrics.expressions import overlaps
from metrics.followup import coverage as followup_coverage
from metrics.followup import followup_table
from metrics.frames import is_text, table
from metrics.periods import Freq, period_label, periods_between
from metrics.registry import BY_KEY, Family
from metrics.selection import Selection, age_group, filter_episodes

By = Literal["kon", "remittent", "aldersgrupp", "insats", "grupp", "forsorjning_fore"]
BY_COLUMNS: dict[str, pl.Expr] = {
    "kon": pl.col("sex"), "remittent": pl.col("referrer"), "aldersgrupp": age_group(),
    "grupp": pl.col("grupp"), "forsorjning_fore": pl.col("income_before"),
}
#: KPIs that need more than episodes: per insats they come from `compute_kpis`.
_ORG_KEYS = {"fye_capacity", "occupancy", "cost_per_fye", "cost_per_participant", "budget",
             "spent", "remaining", "utilisation", "expected_pace", "forecast_spent",
             "forecast_utilisation"}


def bases_for(keys: Sequence[str]) -> list[str]:
    """The denominator columns the KPIs rest on, in first-use order, without the keys."""
    out: list[str] = []
    for k in keys:
        b = participants.BASES.get(k)
        if b and b not in keys and b not in out:
            out.append(b)
    return out


def _check(keys: Sequence[str], allowed: set[str], what: str) -> None:
    unknown = [k for k in keys if k not in BY_KEY]
    if unknown:
        raise ValueError(f"Okända nyckeltal: {', '.join(unknown)}")
    bad = [k for k in keys if k not in allowed]
    if bad:
        raise ValueError(f"Kan inte visas {what}: {', '.join(bad)}")


def breakdown(frames: Mapping[str, pl.DataFrame], sel: Selection, kpi_keys: Sequence[str],
              by: By) -> pl.DataFrame:
    """One row per group (sorted, null group last) with the KPIs and their denominators.

    `by="insats"` gives columns `forbund`, `insats` and also allows capacity and budget KPIs;
    other groupings take episode-based KPIs only. Groups without episodes in the period
    are absent.
    """
    keys = list(kpi_keys)
    allowed = set(participants.KEYS) | (_ORG_KEYS if by == "insats" else set())
    _check(keys, allowed, f"per {by}")
    # costs rest on every episode of an insats, so per-insats KPIs get the unfiltered pool
    pool = filter_episodes(table(frames, "episodes"),
                           dataclasses.replace(sel, grupp=None).without_participant_filters())
    eps = filter_episodes(pool, sel)
    group = ["forbund", "insats"] if by == "insats" else [by]
    if by != "insats":
        eps = eps.with_columns(BY_COLUMNS[by].alias(by))
    followups = table(frames, "followups").filter(pl.col("forbund").is_in(list(sel.forbund)))
    out = participants.participant_table(eps, followups, *sel.period, by=group)
    org = [k for k in keys if k in _ORG_KEYS]
    if org:
        small = {**frames, "episodes": pool}
        rows = [compute_kpis(small, dataclasses.replace(sel, forbund=(f,), insatser=(i,))).values
                for f, i in out.select(group).iter_rows()]
        out = out.with_columns(pl.Series(k, [r[k] for r in rows], dtype=pl.Float64)
                               for k in org)
    # group labels as text even when the episodes' columns are Categorical (`prepare`)
    return out.select(*(pl.col(g).cast(pl.String) if is_text(out.schema[g]) else g
                        for g in group), *keys, *bases_for(keys))


def trend(frames: Mapping[str, pl.DataFrame], sel: Selection, kpi_keys: Sequence[str],
          freq: Freq) -> pl.DataFrame:
    """The KPIs per year, half-year or quarter over the whole history of the selection.

    Periods run from the one holding the first episode start to the one holding
    `date_to` (whole periods; the last may lie partly after `date_to`). Columns: `period`
    (`2023`, `2023H1`, `2023-Q2`), `date_from`, `date_to`, the KPIs and their denominators.
    """
    keys = list(kpi_keys)
    _check(keys, set(participants.KEYS), "som trend")
    eps = filter_episodes(table(frames, "episodes"), sel, period=False)
    followups = table(frames, "followups").filter(pl.col("forbund").is_in(list(sel.forbund)))
    first = eps["start_date"].min() or sel.date_from
    periods = periods_between(min(first, sel.date_from), sel.date_to, freq)
    lazy = eps.lazy()
    needed = [k for k in participants.exprs(sel.date_from, sel.date_to)
              if k in {*keys, *bases_for(keys), "completed"}]
    # parts first, then the KPIs from them: a predicate shared by many KPIs runs once
    queries = [participants.aggregate_lazy(lazy.filter(overlaps(frm, to)), frm, to, needed)
               .select(pl.lit(period_label(frm, freq)).alias("period"),
                       pl.lit(frm).alias("date_from"), pl.lit(to).alias("date_to"), pl.all())
               for frm, to in periods]
    out = pl.concat(pl.collect_all(queries)) if queries else pl.DataFrame()
    if any(BY_KEY[k].family is Family.FOLLOWUP for k in keys):
        fu = pl.concat([followup_table(eps, followups, frm, to) for frm, to in periods])
        out = pl.concat([out, fu], how="horizontal").with_columns(
            **followup_coverage(pl.col("completed")))
    return out.sort("date_from").select("period", "date_from", "date_to", *keys,
                                        *bases_for(keys))
