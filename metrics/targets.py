"""Targets from `Mål` and status against them (KPI.md "Targets").

A target applies to (förbund, insats, year, KPI); a blank Insats is the whole förbund. For
several insatser the target is the average of theirs weighted by the KPI's denominator in
the period (ended/completed/…); additive KPIs (counts, days, årsplatser, kronor totals) add
their targets instead; KPIs without a denominator take the plain mean. Insatser without a
target are left out and named. Per-actor KPIs are compared for Samhället.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from metrics.periods import period_days, year_period
from metrics.registry import BY_KEY, Unit, lookup
from metrics.selection import Selection

NEAR = 0.10  # "near" = within 10 % of the target value
ADDITIVE_KR = {"budget", "spent", "remaining", "forecast_spent"}
_VOLUME = re.compile(r"^\s*(?:volume|volym)\s*[\[:(]\s*(.+?)\s*[\])]?\s*$", re.IGNORECASE)
Unit_ = tuple[str, str]  # (förbund, insats); insats '' = the whole förbund


class Status(StrEnum):
    """Outcome vs target: green, amber, red."""

    MET = "met"
    NEAR = "near"
    NOT_MET = "not_met"


@dataclass(frozen=True)
class Target:
    """A resolved target: value, `minst`/`högst`, and the insatser that had none.

    `weighted`: the value mixes different insats targets by the selection's denominators,
    so it moves with the filters (a page says so beside it).
    """

    value: float
    direction: str
    missing: tuple[str, ...] = ()
    weighted: bool = False


def volume_key(measure: str) -> str:
    """Key of a volume measure's target, e.g. `volume[Konsultationer]`."""
    return f"volume[{measure}]"


def normalise(targets: pl.DataFrame, measures: Sequence[str] = ()) -> pl.DataFrame:
    """Targets with `kpi` as a registry key (labels accepted) or `volume[Mått]`.

    Rows naming no known KPI are dropped.
    """
    mapping = {}
    for text in targets["kpi"].unique().to_list():
        kpi = lookup(text) if text else None
        if kpi is not None and kpi.key != "volume":
            mapping[text] = kpi.key
        elif text and (m := _VOLUME.match(text)):
            mapping[text] = volume_key(m[1])
        elif text in measures:
            mapping[text] = volume_key(text)
    return (targets.filter(pl.col("kpi").is_in(list(mapping)))
            .with_columns(pl.col("kpi").replace_strict(mapping, return_dtype=pl.String)))


def status(value: float | None, target: Target | None) -> Status | None:
    """Status: met / near (within 10 % of the target value) / not met, respecting the direction.

    >>> status(0.118, Target(0.25, "minst")).value, status(0.24, Target(0.25, "minst")).value
    ('not_met', 'near')
    >>> status(30, Target(34, "högst")).value
    'met'
    """
    if value is None or target is None:
        return None
    met = value <= target.value if target.direction == "högst" else value >= target.value
    if met:
        return Status.MET
    return Status.NEAR if abs(value - target.value) <= NEAR * abs(target.value) else \
        Status.NOT_MET


def additive(key: str) -> bool:
    """Whether targets of several insatser add up (counts, days, årsplatser, kr totals)."""
    kpi = BY_KEY.get(key.split("[")[0])
    return kpi is not None and not kpi.per_actor and (
        kpi.unit in (Unit.COUNT, Unit.DAYS, Unit.FYE) or key in ADDITIVE_KR)


#: Counts that grow with the length of the period. Targets in `Mål` are per year, so for a
#: shorter (or longer) period they are scaled by the period's share of the year.
TIME_ADDITIVE = frozenset({"started", "ended", "dropped_out", "completed", "participant_days",
                           "volume"})


def for_period(target: Target, key: str, sel: Selection) -> Target:
    """A yearly target of a time-additive count scaled to the selected period.

    A quarter's new participants are compared with a quarter of the year's target (by days:
    Q1 2024 gets 91/366 of it), not with the whole year's.
    """
    if key.split("[")[0] not in TIME_ADDITIVE:
        return target
    share = period_days(*sel.period) / period_days(*year_period(sel.date_to.year))
    return target if share == 1 else dataclasses.replace(target, value=target.value * share)


def resolve(targets: pl.DataFrame, key: str, sel: Selection,
            insatser: Mapping[str, Sequence[str]],
            weights: Mapping[Unit_, float] | None = None) -> Target | None:
    """The target of `key` for the selection in the year of `date_to`, or None.

    `insatser` lists each förbund's insatser (those the KPI concerns); `weights` gives the
    KPI's denominator per (förbund, insats) in the period, when the KPI has one.
    """
    rows = targets.filter((pl.col("kpi") == key) & (pl.col("year") == sel.date_to.year)
                          & pl.col("forbund").is_in(list(sel.forbund)))
    if rows.is_empty():
        return None
    return resolve_given(given_targets(rows), key, sel, insatser, weights)


def given_targets(rows: pl.DataFrame) -> dict[Unit_, tuple[float, str | None]]:
    """`(förbund, insats) -> (target value, direction)` of target rows (the last row wins)."""
    return {(f, i): (v, d) for f, i, v, d in
            rows.select("forbund", "insats", "target_value", "direction").iter_rows()}


def resolve_given(given: Mapping[Unit_, tuple[float, str | None]], key: str, sel: Selection,
                  insatser: Mapping[str, Sequence[str]],
                  weights: Mapping[Unit_, float] | None = None) -> Target | None:
    """`resolve` on targets already narrowed to `key`, the year and the förbund (`given`)."""
    if not given:
        return None
    per_forbund: dict[str, float] = {}
    if weights is not None:
        for (f, _), w in weights.items():
            per_forbund[f] = per_forbund.get(f, 0) + w

    def weight(u: Unit_) -> float:
        if weights is None:
            return 1.0
        # a förbund-wide unit ('') weighs every insats of the förbund
        return per_forbund.get(u[0], 0) if u[1] == "" else weights.get(u, 0)

    units: list[Unit_] = []
    for f in sel.forbund:
        known = list(insatser.get(f, ()))
        if sel.insatser:
            units += [(f, i) for i in sel.insatser if i in known or not known]
        elif (f, "") in given:
            units.append((f, ""))
        else:  # insatser with nothing in the denominator are irrelevant, not "missing"
            units += [(f, i) for i in known if (f, i) in given or weight((f, i)) > 0]
    have = [u for u in units if u in given]
    if not have:
        return None
    multi = len(sel.forbund) > 1
    missing = tuple(f"{f}: {i}" if multi else i for f, i in units if (f, i) not in given)

    values = [given[u][0] for u in have]
    weighted = False
    if additive(key):
        value = float(sum(values))
    else:
        weighted = weights is not None and len(set(values)) > 1
        ws = [weight(u) for u in have]
        total = sum(ws)
        value = (sum(w * v for w, v in zip(ws, values, strict=True)) / total if total
                 else sum(values) / len(values))
    default = BY_KEY[key.split("[")[0]].target_direction
    direction = next((given[u][1] for u in have if given[u][1]), default)
    return Target(value, direction, missing, weighted)
