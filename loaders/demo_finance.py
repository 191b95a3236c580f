"""Money in the demo: capacity, grants, budget, funding, evaluations and unit costs.

Amounts follow the seed reports' scale: a team with about 110 årsplatser costs 8–9 Mkr a
year; budget lines are reported cumulatively per quarter and some end the year over budget.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import polars as pl

from loaders.contract import ACTORS, UNIT_COST_STATUSES
from loaders.demo_names import ADMIN_LINES, COST_WEIGHTS, UNIT_COST_BASIS
from loaders.demo_util import CUTOFF, FIRST_DAY, LAST_YEAR, InsatsPlan

#: Shown beside the unit costs and stored in each row's notes.
UNIT_COSTS_NOTE = "Illustrativa värden – inga officiella siffror"
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))
STRUCTURAL_WEIGHTS = {"Lönekostnader": 0.5, "Externa tjänster": 0.3, "Aktiviteter": 0.15,
                      "Övriga kostnader": 0.05}


def insatser_frame(plans: list[InsatsPlan], episodes: pl.DataFrame,
                   rng: np.random.Generator) -> pl.DataFrame:
    """One row per insats; capacity set so that occupancy lands around 75–100 %."""
    fye = _fye_used(plans, episodes)
    rows = []
    for plan in plans:
        capacity = grant = None
        if plan.individual:
            used = fye.get((plan.forbund, plan.name), 0.0)
            capacity = float(max(5, round(used * rng.uniform(1.0, 1.3))))
            grant = round(capacity * rng.uniform(55_000, 95_000), -4)
        else:
            grant = round(rng.uniform(400_000, 2_500_000), -4)
        rows.append({"forbund": plan.forbund, "insats": plan.name, "kind": plan.kind,
                     "start_date": plan.start, "end_date": plan.end, "capacity_fye": capacity,
                     "granted_amount": float(grant), "owner": plan.owner})
    return pl.DataFrame(rows, schema_overrides={"capacity_fye": pl.Float64,
                                                "end_date": pl.Date})


def _fye_used(plans: list[InsatsPlan], episodes: pl.DataFrame) -> dict[tuple[str, str], float]:
    """Average participants enrolled at once over the insats's full demo years."""
    bounds = pl.DataFrame({
        "forbund": [p.forbund for p in plans], "insats": [p.name for p in plans],
        "lo": [max(p.start, FIRST_DAY) for p in plans],
        "hi": [min(p.end or date(LAST_YEAR - 1, 12, 31), date(LAST_YEAR - 1, 12, 31))
               for p in plans],
    })
    overlap = (pl.min_horizontal(pl.col("end_date").fill_null(CUTOFF), "hi")
               - pl.max_horizontal("start_date", "lo")).dt.total_days() + 1
    out = (episodes.select("forbund", "insats", "start_date", "end_date")
           .join(bounds, on=["forbund", "insats"])
           .group_by("forbund", "insats")
           .agg(days=overlap.clip(lower_bound=0).sum(),
                span=((pl.col("hi") - pl.col("lo")).dt.total_days() + 1).first()))
    return {(r["forbund"], r["insats"]): r["days"] / max(r["span"], 1)
            for r in out.iter_rows(named=True)}


def budget_lines(plans: list[InsatsPlan], insatser: pl.DataFrame, forbund: list[str],
                 rng: np.random.Generator) -> pl.DataFrame:
    """Quarterly cumulative Utfall per insats, year and cost category, plus admin lines."""
    grants = dict(zip(insatser["insats"] + "|" + insatser["forbund"],
                      insatser["granted_amount"], strict=True))
    lines = []  # (forbund, insats, year, category, budget, last quarter)
    for plan in plans:
        grant = grants[plan.name + "|" + plan.forbund]
        weights = COST_WEIGHTS if plan.individual else STRUCTURAL_WEIGHTS
        cats = [c for c in weights if c in ("Lönekostnader", "Lokalkostnader",
                                            "Övriga kostnader") or rng.random() < 0.5]
        last = min(plan.end or CUTOFF, CUTOFF)
        for year in range(max(plan.start.year, FIRST_DAY.year), last.year + 1):
            total = grant * 1.025 ** (year - LAST_YEAR) * rng.uniform(0.93, 1.07)
            share = np.array([weights[c] for c in cats]) / sum(weights[c] for c in cats)
            quarters = 4 if year < last.year else (last.month - 1) // 3 + 1
            lines += [(plan.forbund, plan.name, year, c, round(total * s, -3), quarters)
                      for c, s in zip(cats, share, strict=True)]
    for name in forbund:
        admin = rng.uniform(600_000, 1_500_000)
        for year in range(FIRST_DAY.year, LAST_YEAR + 1):
            quarters = 4 if year < LAST_YEAR else (CUTOFF.month - 1) // 3 + 1
            lines += [(name, "", year, c, round(admin * w * 1.02 ** (year - LAST_YEAR), -3),
                       quarters) for c, w in ADMIN_LINES.items()]
    n = len(lines)
    # Yearly spend ratio per line; about one line in ten ends the year over budget.
    ratio = np.where(rng.random(n) < 0.1, rng.uniform(1.03, 1.25, n),
                     np.clip(rng.normal(0.93, 0.07, n), 0.4, 1.02))
    pace = np.cumsum(rng.dirichlet([7.0, 7.0, 5.0, 8.0], n), axis=1)
    frame = pl.DataFrame(lines, orient="row", schema={
        "forbund": pl.String, "insats": pl.String, "year": pl.Int64, "cost_category": pl.String,
        "budget": pl.Float64, "quarters": pl.Int64})
    frame = frame.with_columns(ratio=pl.Series(ratio), pace=pl.Series(pace.tolist()),
                               q=pl.int_ranges(1, pl.col("quarters") + 1))
    frame = frame.explode("q").with_columns(
        pace=pl.col("pace").list.get(pl.col("q") - 1))
    month_day = pl.DataFrame({"q": [1, 2, 3, 4], "m": [m for m, _ in QUARTER_ENDS],
                              "d": [d for _, d in QUARTER_ENDS]})
    return (frame.join(month_day, on="q")
            .with_columns(period=pl.date(pl.col("year"), pl.col("m"), pl.col("d")),
                          spent=(pl.col("budget") * pl.col("ratio") * pl.col("pace")).round(0))
            .select("forbund", "insats", "year", "period", "cost_category", "budget", "spent")
            .sort("forbund", "insats", "year", "period", "cost_category"))


def _yearly(budget: pl.DataFrame, *by: str) -> pl.DataFrame:
    """The year's budget per förbund (and `by`): each line counted once, not per quarter."""
    return (budget.group_by("forbund", "insats", "year", "cost_category")
            .agg(pl.col("budget").first())
            .group_by("forbund", *by, "year").agg(pl.col("budget").sum())
            .sort("forbund", *by, "year"))


def funding(budget: pl.DataFrame, kommuner: dict[str, list[str]],
            rng: np.random.Generator) -> pl.DataFrame:
    """Members' contributions: staten 50 %, region 25 %, the kommuner 25 % by population."""
    totals = _yearly(budget)
    weights = {f: rng.dirichlet(np.full(len(k), 3.0)) for f, k in kommuner.items()}
    rows = []
    for forbund, year, total in totals.iter_rows():
        total = round(total * rng.uniform(0.97, 1.05), -3)
        rows += [(forbund, year, "Staten", total * 0.5), (forbund, year, "Region", total * 0.25)]
        rows += [(forbund, year, k, round(total * 0.25 * w))
                 for k, w in zip(kommuner[forbund], weights[forbund], strict=True)]
    return pl.DataFrame(rows, orient="row", schema={"forbund": pl.String, "year": pl.Int64,
                                                    "member": pl.String, "amount": pl.Float64})


#: Actor -> share of the insats cost it carries in the evaluations.
COST_SHARES = {"Samhället": 1.0, "Kommunen": 0.25, "Regionen": 0.25, "Staten": 0.5,
               "Arbetsförmedlingen": 0.2, "Försäkringskassan": 0.25, "Övriga staten": 0.05,
               "Deltagarna": 0.0}


def socioeconomic(evaluated: list[InsatsPlan], episodes: pl.DataFrame, budget: pl.DataFrame,
                  rng: np.random.Generator) -> pl.DataFrame:
    """Yearly evaluations of some insatser, for all eight actors.

    Revenue is always given; per insats alternately the profit in year 1 (as PayOff reports
    it) or the cost (as NyttoSam does), so both input forms appear.
    """
    completed = (episodes.filter(pl.col("outcome_group").is_in(["work", "studies", "rehab",
                                                                "other"]))
                 .group_by("forbund", "insats", year=pl.col("end_date").dt.year()).len())
    done = {(f, i, y): n for f, i, y, n in completed.iter_rows()}
    cost = {(f, i, y): c for f, i, y, c in _yearly(budget, "insats").iter_rows()}
    rows = []
    for k, plan in enumerate(evaluated):
        for year in range(LAST_YEAR - 3, LAST_YEAR):
            n = done.get((plan.forbund, plan.name, year), 0)
            if n < 5 or (plan.forbund, plan.name, year) not in cost:
                continue
            total = cost[(plan.forbund, plan.name, year)]
            public = n * rng.uniform(8_000, 40_000)
            split = rng.dirichlet([35.0, 10.0, 15.0, 32.0, 8.0]) * public
            rev = dict(zip(("Kommunen", "Regionen", "Arbetsförmedlingen", "Försäkringskassan",
                            "Övriga staten"), split, strict=True))
            rev["Deltagarna"] = n * rng.uniform(2_000, 15_000)
            rev["Staten"] = rev["Arbetsförmedlingen"] + rev["Försäkringskassan"] \
                + rev["Övriga staten"]
            rev["Samhället"] = rev["Kommunen"] + rev["Regionen"] + rev["Staten"] \
                + rev["Deltagarna"]
            for actor in ACTORS:
                revenue, actor_cost = round(rev[actor], -3), round(total * COST_SHARES[actor], -3)
                payoff = k % 2 == 0
                rows.append((plan.forbund, plan.name, str(year), actor, n, revenue,
                             None if payoff else actor_cost,
                             revenue - actor_cost if payoff else None))
    return pl.DataFrame(rows, orient="row", schema={
        "forbund": pl.String, "insats": pl.String, "period": pl.String, "actor": pl.String,
        "participants": pl.Int64, "revenue_per_year": pl.Float64, "cost": pl.Float64,
        "profit_1y": pl.Float64})


TAX_KOMMUN, TAX_REGION, PAYROLL_TAX, NET_PAY = 0.21, 0.11, 0.31, 0.68
UNTAXED_PAYERS = {"Kommunen", "Övriga staten"}  # ekonomiskt bistånd and studiemedel


def unit_costs() -> pl.DataFrame:
    """Illustrative yearly cost per status and actor (negative = income, e.g. tax).

    Benefits cost their payer and return tax to kommun and region; work returns tax and
    payroll tax. Staten = Af + FK + övriga staten; Samhället = the sum over all actors.
    """
    rows = []
    for status in UNIT_COST_STATUSES:
        payer, benefit, salary = UNIT_COST_BASIS[status]
        taxed = 0 if payer in UNTAXED_PAYERS else benefit
        actor = {a: 0.0 for a in ACTORS}
        if payer:
            actor[payer] += benefit
        actor["Kommunen"] -= TAX_KOMMUN * (taxed + salary)
        actor["Regionen"] -= TAX_REGION * (taxed + salary)
        actor["Övriga staten"] -= PAYROLL_TAX * salary
        actor["Deltagarna"] -= benefit - (TAX_KOMMUN + TAX_REGION) * taxed + NET_PAY * salary
        actor["Staten"] = sum(actor[a] for a in ("Arbetsförmedlingen", "Försäkringskassan",
                                                 "Övriga staten"))
        actor["Samhället"] = sum(actor[a] for a in ("Kommunen", "Regionen", "Staten",
                                                    "Deltagarna"))
        rows += [(status, a, float(round(actor[a], -3))) for a in ACTORS]
    note = json.dumps({"Kronor per år": UNIT_COSTS_NOTE}, ensure_ascii=False)
    return pl.DataFrame(rows, orient="row", schema={
        "status": pl.String, "actor": pl.String, "sek_per_year": pl.Float64,
    }).with_columns(notes=pl.lit(note))

