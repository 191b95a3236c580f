"""Budget and outcome (KPI.md "Budget").

Utfall is cumulative up to each line's Period. For an as-of date, every budget line
(förbund, insats, kostnadsslag) contributes its latest Period on or before that date, so
insatser reporting on different days still add up; the as-of date used is the latest of
those Periods.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, timedelta

import polars as pl

from metrics.periods import days_in_year
from metrics.selection import Selection, insats_predicate

KEYS = ("budget", "spent", "remaining", "utilisation", "expected_pace", "forecast_spent",
        "forecast_utilisation")
LINE = ("forbund", "insats", "cost_category")


def selected_lines(budget_lines: pl.DataFrame, sel: Selection, *,
                   forbund_costs: bool = True) -> pl.DataFrame:
    """Lines of the selected förbund and insatser.

    With every insats selected, the förbund's own costs (blank Insats) are included unless
    `forbund_costs=False` (costs per participant concern the insatser only).
    """
    pred = insats_predicate(sel)
    if not sel.insatser and not forbund_costs:
        pred = pred & (pl.col("insats") != "")
    return budget_lines.filter(pred)


def latest_lines(lines: pl.DataFrame, year: int, as_of: date) -> pl.DataFrame:
    """Each line of budget year `year` at its latest Period on or before `as_of`."""
    rows = lines.filter((pl.col("year") == year) & (pl.col("period") <= as_of))
    return rows.filter(pl.col("period") == pl.col("period").max().over(LINE))


def _sum(df: pl.DataFrame, col: str) -> float | None:
    return None if df.is_empty() or df[col].null_count() == df.height else float(df[col].sum())


def _sum_expr(col: str) -> pl.Expr:
    """Σ `col`, null when every value is null (nothing reported is not 0 kr)."""
    return pl.when(pl.col(col).null_count() < pl.len()).then(pl.col(col).sum()).alias(col)


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _div(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def budget_kpis(lines: pl.DataFrame, year: int, as_of: date) -> tuple[dict, date | None]:
    """Every budget KPI for budget year `year` as of `as_of`, and the as-of date used.

    All values are None when no line of that year has a Period on or before `as_of`.
    `expected_pace` is the share of the year's days elapsed at the as-of date used.
    """
    rows = latest_lines(lines, year, as_of)
    if rows.is_empty():
        return dict.fromkeys(KEYS), None
    return _kpis(year, rows["period"].max(), _sum(rows, "budget"), _sum(rows, "spent"))


def budget_kpis_by(lines: pl.DataFrame, year: int, as_of: date,
                   by: str) -> dict[str, tuple[dict, date]]:
    """`budget_kpis` of every unit (value of `by`) at once; units without lines left out."""
    rows = latest_lines(lines, year, as_of).group_by(by).agg(
        pl.col("period").max(), _sum_expr("budget"), _sum_expr("spent"))
    return {str(unit): _kpis(year, latest, _float(budget), _float(spent))
            for unit, latest, budget, spent in rows.iter_rows()}


def _kpis(year: int, latest: date, budget: float | None,
          spent: float | None) -> tuple[dict, date]:
    used = min(latest, date(year, 12, 31))
    pace = max(0, (used - date(year, 1, 1)).days + 1) / days_in_year(year)
    forecast = _div(spent, pace)
    return {
        "budget": budget,
        "spent": spent,
        "remaining": None if budget is None or spent is None else budget - spent,
        "utilisation": _div(spent, budget),
        "expected_pace": pace,
        "forecast_spent": forecast,
        "forecast_utilisation": _div(forecast, budget),
    }, used


def by_category(lines: pl.DataFrame, year: int, as_of: date) -> pl.DataFrame:
    """One row per Kostnadsslag: budget, spent, remaining, utilisation, over_budget.

    Utilisation is null for a zero budget; over_budget flags spent > budget (e.g. Avesta 2022
    Övriga kostnader 118 %).
    """
    rows = latest_lines(lines, year, as_of)
    return (rows.group_by("cost_category")
            .agg(pl.col("budget").sum(), pl.col("spent").sum())
            .with_columns(
                (pl.col("budget") - pl.col("spent")).alias("remaining"),
                pl.when(pl.col("budget") != 0).then(pl.col("spent") / pl.col("budget"))
                .alias("utilisation"),
                (pl.col("spent") > pl.col("budget")).alias("over_budget"))
            .sort("cost_category"))


def by_insats(lines: pl.DataFrame, year: int, as_of: date) -> pl.DataFrame:
    """Budget KPIs per (förbund, insats), each at its own latest report ≤ `as_of`.

    Every insats with budget lines appears (also strukturinriktade, which a participant
    breakdown misses); blank Insats (the förbund's own costs) comes last. Adds `as_of` and
    `over_budget` (spent > budget).
    """
    rows = []
    for (forbund, insats), part in lines.group_by("forbund", "insats"):
        values, used = budget_kpis(part, year, as_of)
        if used is not None:
            rows.append({"forbund": forbund, "insats": insats, **values, "as_of": used})
    schema = {"forbund": pl.String, "insats": pl.String, **dict.fromkeys(KEYS, pl.Float64),
              "as_of": pl.Date}
    return (pl.DataFrame(rows, schema=schema)
            .with_columns(over_budget=pl.col("spent") > pl.col("budget"))
            .sort(pl.col("forbund"), pl.col("insats") == "", pl.col("insats")))


def by_insats_and_category(lines: pl.DataFrame, year: int, as_of: date) -> pl.DataFrame:
    """`by_category` per insats: column `insats` first, the förbund's own costs last."""
    parts = [by_category(part, year, as_of).select(pl.lit(insats).alias("insats"), pl.all())
             for (insats,), part in lines.group_by("insats")]
    if not parts:
        return by_category(lines, year, as_of).select(pl.lit(None, pl.String).alias("insats"),
                                                      pl.all())
    return pl.concat(parts).sort(pl.col("insats") == "", "insats", "cost_category")


def _cumulative(lines: pl.DataFrame, year: int, as_of: date) -> tuple[float | None, date | None]:
    rows = latest_lines(lines, year, as_of)
    return (_sum(rows, "spent"), rows["period"].max()) if not rows.is_empty() else (None, None)


def _cumulative_by(lines: pl.DataFrame, year: int, as_of: date,
                   by: str) -> dict[str, tuple[float | None, date]]:
    rows = latest_lines(lines, year, as_of).group_by(by).agg(_sum_expr("spent"),
                                                             pl.col("period").max())
    return {str(u): (_float(spent), latest) for u, spent, latest in rows.iter_rows()}


def spent_between(lines: pl.DataFrame, frm: date, to: date) -> float | None:
    """Utfall within `[frm, to]`, from the cumulative reports of each budget year.

    Per year: cumulative at the latest Period ≤ the period's end in that year, minus the
    cumulative before `frm` when `frm` falls in that year. None when a year of the period has
    no report, or its latest report is older than `frm` (nothing is known about the period).
    """
    return _between(frm, to, lambda year, as_of: _cumulative(lines, year, as_of))


def spent_between_by(lines: pl.DataFrame, frm: date, to: date,
                     by: str) -> dict[str, float]:
    """`spent_between` of every unit (value of `by`) at once; None values left out."""
    cumulative = functools.cache(lambda year, as_of: _cumulative_by(lines, year, as_of, by))
    units = (str(u) for u in lines.get_column(by).unique().to_list())
    spent = {u: _between(frm, to, lambda year, as_of, u=u: cumulative(year, as_of).get(
        u, (None, None))) for u in units}
    return {u: v for u, v in spent.items() if v is not None}


def _between(frm: date, to: date,
             cumulative: Callable[[int, date], tuple[float | None, date | None]]) -> float | None:
    """`spent_between` with `cumulative(year, as_of)` -> (Utfall, its Period)."""
    total = 0.0
    for year in range(frm.year, to.year + 1):
        end_cum, reported = cumulative(year, min(to, date(year, 12, 31)))
        if end_cum is None or reported is None or reported < frm:
            return None
        start_cum = 0.0
        if frm.year == year and frm > date(year, 1, 1):
            start_cum = cumulative(year, frm - timedelta(days=1))[0] or 0.0
        total += end_cum - start_cum
    return total
