"""Socioeconomic return per actor (KPI.md "Socioeconomic return", PayOff-style).

From an imported evaluation (`Samhällsekonomi`): revenue per year and cost per actor, with
cost = revenue − profit year 1 when only PayOff's profit is given. Payback is None
("not reached") when revenue ≤ 0; `not_reached` lists those actors so pages can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from loaders.contract import ACTORS
from metrics.periods import contained
from metrics.selection import Selection, insats_predicate

KEYS = ("revenue_per_year", "cost", "revenue_per_participant", "profit_1y", "profit_5y",
        "payback_months")
PerActor = dict[str, float | None]


@dataclass(frozen=True)
class SocioResult:
    """Per-actor KPIs (`values[key][actor]`), the participants they rest on, the source."""

    values: dict[str, PerActor | None]
    participants: int | None
    source: str | None  # "evaluation" | "estimate" | None
    not_reached: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    assumptions: object | None = None  # the estimate's `Assumptions`, shown beside it
    excluded: int = 0  # episodes the estimate could not use (status without unit cost)


def _ordered(actors: set[str]) -> list[str]:
    return [a for a in ACTORS if a in actors] + sorted(actors - set(ACTORS))


def derive(revenue: Mapping[str, float | None], cost: Mapping[str, float | None],
           participants: Mapping[str, int | None]) -> tuple[dict[str, PerActor], tuple[str, ...]]:
    """Profit, 5-year profit and payback per actor from revenue and cost.

    profit_5y = 5 × revenue − cost (the status after one year is assumed to hold); payback =
    cost / revenue × 12 months, None when revenue ≤ 0 (returned in `not_reached`).

    >>> v, _ = derive({"Samhället": 1.6e6}, {"Samhället": 9.2e6}, {"Samhället": 57})
    >>> round(v["payback_months"]["Samhället"], 1), round(v["profit_5y"]["Samhället"])
    (69.0, -1200000)
    """
    out: dict[str, PerActor] = {k: {} for k in KEYS}
    not_reached = []
    for a in _ordered(set(revenue) | set(cost)):
        rev, c, n = revenue.get(a), cost.get(a), participants.get(a)
        out["revenue_per_year"][a] = rev
        out["cost"][a] = c
        out["revenue_per_participant"][a] = rev / n if rev is not None and n else None
        both = rev is not None and c is not None
        out["profit_1y"][a] = rev - c if both else None
        out["profit_5y"][a] = 5 * rev - c if both else None
        if both and rev <= 0:
            not_reached.append(a)
        out["payback_months"][a] = max(0.0, c / rev * 12) if both and rev > 0 else None
    return out, tuple(not_reached)


def evaluation(socio: pl.DataFrame, sel: Selection) -> SocioResult | None:
    """The imported evaluation for the selection, or None when there is none.

    Per insats, the evaluation period lying within the selected period that ends last (the
    longest on a tie) is used; several insatser are summed per actor before deriving.
    """
    rows = socio.filter(insats_predicate(sel))
    if rows.is_empty():
        return None
    periods = {t: contained(t, *sel.period) for t in rows["period"].unique().to_list()}
    ok = {t: p for t, p in periods.items() if p is not None}
    if not ok:
        return None
    rows = (rows.filter(pl.col("period").is_in(list(ok)))
            .with_columns(_end=pl.col("period").replace_strict({t: p[1] for t, p in ok.items()}),
                          _start=pl.col("period").replace_strict({t: p[0] for t, p in ok.items()}))
            .sort(["_end", "_start"], descending=[True, False]))
    chosen = rows.group_by("forbund", "insats").agg(pl.col("period").first())
    rows = rows.join(chosen, on=["forbund", "insats", "period"], how="semi").with_columns(
        pl.coalesce("cost", pl.col("revenue_per_year") - pl.col("profit_1y")).alias("_cost"))
    per_actor = (rows.group_by("actor")
                 .agg(pl.col("revenue_per_year").sum(),
                      pl.when(pl.col("_cost").null_count() == 0).then(pl.col("_cost").sum())
                      .alias("_cost"),
                      pl.col("participants").sum().alias("_n"))
                 .sort("actor"))
    revenue = dict(zip(per_actor["actor"], per_actor["revenue_per_year"], strict=True))
    cost = dict(zip(per_actor["actor"], per_actor["_cost"], strict=True))
    n = dict(zip(per_actor["actor"], per_actor["_n"], strict=True))
    values, not_reached = derive(revenue, cost, n)
    insats_n = rows.group_by("forbund", "insats").agg(pl.col("participants").max())
    total_n = insats_n["participants"].sum() if insats_n["participants"].null_count() == 0 \
        else None
    return SocioResult(values, int(total_n) if total_n is not None else None, "evaluation",
                       not_reached, tuple(sorted(chosen["period"].unique().to_list())))
