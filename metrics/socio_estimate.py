"""The built-in socioeconomic estimate (KPI.md "Built-in estimate"), with every assumption.

For each episode ended in the period with both Försörjning före and efter, the yearly
revenue for actor a is unit_cost_a(före) − unit_cost_a(efter) from `Schablonkostnader`,
summed. Cost: the insats cost for Samhället, times the financing split for Staten, Regionen
and Kommunen. `Assumptions` carries all inputs; change one with `dataclasses.replace` or
the `with_*` helpers and call `estimate` again for a what-if.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from metrics import budget
from metrics.expressions import ended_in
from metrics.frames import table
from metrics.selection import Selection, filter_episodes
from metrics.socioeconomic import SocioResult, derive

DEFAULT_SPLIT = {"Staten": 0.5, "Regionen": 0.25, "Kommunen": 0.25}
#: Samhället when `Schablonkostnader` has no Samhället rows: the public actors together.
PUBLIC_ACTORS = ("Kommunen", "Regionen", "Staten")
STATE_PARTS = ("Arbetsförmedlingen", "Försäkringskassan", "Övriga staten")
#: A Försörjning value without its own unit cost falls back to this status.
FALLBACK_STATUS = {"Lön": "Arbete heltid"}


@dataclass(frozen=True)
class Assumptions:
    """Everything the estimate assumes, shown beside the result and editable."""

    unit_costs: dict[str, dict[str, float]]  # status -> actor -> kr per year
    split: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SPLIT))
    insats_cost: float | None = None
    split_source: str = "Standardfördelning 50/25/25"
    cost_source: str = "Saknas"

    def with_unit_cost(self, status: str, actor: str, kr: float) -> Assumptions:
        """A copy with one unit cost changed."""
        costs = {s: dict(a) for s, a in self.unit_costs.items()}
        costs.setdefault(status, {})[actor] = kr
        return dataclasses.replace(self, unit_costs=costs)

    def with_split(self, **shares: float) -> Assumptions:
        """A copy with financing shares changed, e.g. `with_split(Staten=0.4)`."""
        return dataclasses.replace(self, split={**self.split, **shares},
                                   split_source="Ändrad")

    def with_insats_cost(self, kr: float) -> Assumptions:
        """A copy with another insats cost."""
        return dataclasses.replace(self, insats_cost=kr, cost_source="Ändrad")


def _member_actor(member: str) -> str:
    m = member.strip().casefold()
    if m.startswith("stat"):
        return "Staten"
    if m.startswith("region") or m.startswith("landsting"):
        return "Regionen"
    return "Kommunen"


def split_from_funding(funding: pl.DataFrame, forbund: tuple[str, ...],
                       year: int) -> tuple[dict[str, float], str]:
    """Financing shares from `Finansiering` for the year, or 50/25/25 when missing."""
    rows = funding.filter(pl.col("forbund").is_in(list(forbund)) & (pl.col("year") == year))
    total = rows["amount"].sum() if not rows.is_empty() else 0
    if not total:
        return dict(DEFAULT_SPLIT), "Standardfördelning 50/25/25"
    shares = dict.fromkeys(DEFAULT_SPLIT, 0.0)
    for member, amount in rows.select("member", "amount").iter_rows():
        shares[_member_actor(member)] += (amount or 0) / total
    return shares, f"Finansiering {year}"


def default_assumptions(frames: Mapping[str, pl.DataFrame], sel: Selection) -> Assumptions:
    """The assumptions the data gives.

    Unit costs from `Schablonkostnader`, split from `Finansiering`, cost = Utfall of the
    selected insatser in the period (else their Beviljat belopp).
    """
    lines = budget.selected_lines(table(frames, "budget_lines"), sel, forbund_costs=False)
    return assumptions_for(frames, sel, unit_costs(frames),
                           budget.spent_between(lines, *sel.period))


def unit_costs(frames: Mapping[str, pl.DataFrame]) -> dict[str, dict[str, float]]:
    """`Schablonkostnader` as status -> actor -> kr per year (blank amounts left out)."""
    costs: dict[str, dict[str, float]] = {}
    for status, actor, kr in table(frames, "unit_costs").select(
            "status", "actor", "sek_per_year").iter_rows():
        if kr is not None:
            costs.setdefault(status, {})[actor] = kr
    return costs


def assumptions_for(frames: Mapping[str, pl.DataFrame], sel: Selection,
                    costs: dict[str, dict[str, float]], spent: float | None) -> Assumptions:
    """`default_assumptions` with the unit costs and the Utfall in the period given.

    `metrics.compare` reads the unit costs once and has every unit's Utfall already.
    """
    split, split_source = split_from_funding(table(frames, "funding"), sel.forbund,
                                             sel.date_to.year)
    cost, source = spent, "Utfall i perioden"
    if cost is None:
        ins = table(frames, "insatser").filter(pl.col("forbund").is_in(list(sel.forbund)))
        if sel.insatser:
            ins = ins.filter(pl.col("insats").is_in(list(sel.insatser)))
        granted = ins["granted_amount"].drop_nulls()
        cost, source = (float(granted.sum()), "Beviljat belopp") if len(granted) else \
            (None, "Saknas")
    return Assumptions({s: dict(a) for s, a in costs.items()}, split, cost, split_source,
                       source)


def transitions(episodes: pl.DataFrame, frm: date, to: date) -> pl.DataFrame:
    """Episodes ended in the period with both incomes: income_before, income_after, n."""
    return (episodes.filter(ended_in(frm, to) & pl.col("income_before").is_not_null()
                            & pl.col("income_after").is_not_null())
            .group_by("income_before", "income_after").agg(n=pl.len())
            .sort("income_before", "income_after"))


def _status(costs: Mapping[str, Mapping[str, float]], status: str) -> str | None:
    if status in costs:
        return status
    fallback = FALLBACK_STATUS.get(status)
    return fallback if fallback in costs else None


def estimate(moves: pl.DataFrame, assumptions: Assumptions) -> SocioResult | None:
    """Per-actor revenue, cost, profit and payback from `transitions` and `assumptions`.

    Episodes whose före or efter status has no unit cost are left out (`excluded`). None
    when there are no unit costs or no usable episodes.
    """
    costs = assumptions.unit_costs
    if not costs or moves.is_empty():
        return None
    actors = {a for per in costs.values() for a in per}
    revenue = dict.fromkeys(actors, 0.0)
    used = excluded = 0
    for before, after, n in moves.select("income_before", "income_after", "n").iter_rows():
        b, a = _status(costs, before), _status(costs, after)
        if b is None or a is None:
            excluded += n
            continue
        used += n
        for actor in actors:
            revenue[actor] += n * (costs[b].get(actor, 0.0) - costs[a].get(actor, 0.0))
    if not used:
        return None
    if "Samhället" not in actors:
        parts = PUBLIC_ACTORS if "Staten" in actors else ("Kommunen", "Regionen", *STATE_PARTS)
        revenue["Samhället"] = sum(revenue.get(p, 0.0) for p in parts)
    cost = {}
    if assumptions.insats_cost is not None:
        cost["Samhället"] = assumptions.insats_cost
        cost |= {a: assumptions.insats_cost * s for a, s in assumptions.split.items()}
    values, not_reached = derive(revenue, cost, dict.fromkeys(revenue, used))
    return SocioResult(values, used, "estimate", not_reached, (), assumptions, excluded)


def estimate_for(frames: Mapping[str, pl.DataFrame], sel: Selection,
                 assumptions: Assumptions | None = None) -> SocioResult | None:
    """The estimate for a selection; pass edited `assumptions` for a what-if.

    Participant filters do not apply (the insats cost cannot be split by participant).
    """
    eps = filter_episodes(table(frames, "episodes"), sel.without_participant_filters())
    return estimate(transitions(eps, *sel.period),
                    assumptions or default_assumptions(frames, sel))
