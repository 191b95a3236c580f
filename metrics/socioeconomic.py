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
    rows = _chosen(socio, sel)
    if rows is None:
        return None
    per_actor = rows.group_by("actor").agg(_per_actor()).sort("actor")
    insats_n = rows.group_by("forbund", "insats").agg(pl.col("participants").max())
    total_n = insats_n["participants"].sum() if insats_n["participants"].null_count() == 0 \
        else None
    return _result(per_actor, total_n, rows["period"].unique().to_list())


def evaluations_by(socio: pl.DataFrame, sel: Selection, by: str) -> dict[str, SocioResult]:
    """`evaluation` of every unit of `sel` at once: unit (value of `by`) -> its result.

    `sel` covers every unit (`metrics.compare`); units without an evaluation are left out.
    """
    rows = _chosen(socio, sel)
    if rows is None:
        return {}
    per_actor = rows.group_by(by, "actor").agg(_per_actor()).sort("actor")
    insats = list(dict.fromkeys((by, "forbund", "insats")))  # `by` may be one of them
    per_unit = (rows.group_by(insats).agg(pl.col("participants").max())
                .group_by(by).agg(pl.when(pl.col("participants").null_count() == 0)
                                  .then(pl.col("participants").sum())))
    periods = dict(rows.group_by(by).agg(pl.col("period").unique()).iter_rows())
    actors = per_actor.partition_by(by, as_dict=True, maintain_order=True)
    return {str(unit): _result(actors[(unit,)], total_n, periods[unit])
            for unit, total_n in per_unit.iter_rows()}


def _chosen(socio: pl.DataFrame, sel: Selection) -> pl.DataFrame | None:
    """The rows of each selected insats's evaluation period (None: no evaluation)."""
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
    return rows.join(chosen, on=["forbund", "insats", "period"], how="semi").with_columns(
        pl.coalesce("cost", pl.col("revenue_per_year") - pl.col("profit_1y")).alias("_cost"))


def _per_actor() -> list[pl.Expr]:
    return [pl.col("revenue_per_year").sum(),
            pl.when(pl.col("_cost").null_count() == 0).then(pl.col("_cost").sum()).alias("_cost"),
            pl.col("participants").sum().alias("_n")]


def _result(per_actor: pl.DataFrame, total_n: int | None, periods: list[str]) -> SocioResult:
    revenue = dict(zip(per_actor["actor"], per_actor["revenue_per_year"], strict=True))
    cost = dict(zip(per_actor["actor"], per_actor["_cost"], strict=True))
    n = dict(zip(per_actor["actor"], per_actor["_n"], strict=True))
    values, not_reached = derive(revenue, cost, n)
    return SocioResult(values, int(total_n) if total_n is not None else None, "evaluation",
                       not_reached, tuple(sorted(periods)))
