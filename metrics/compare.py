"""How a förbund (or an insats) stands against the others (docs/COMPARE.md).

Each unit's value is the one `suppress_kpis(compute_kpis(...))` gives for the unit, but
every table is read once for all units: the episode KPIs of all units come from one
grouped aggregation (`participants.table_from(by=...)`), the small tables' KPIs from the
grouped `*_by` functions beside the engine's own (sharing their expressions and
arithmetic), and the engine's `combine` turns each unit's share into its `KpiResult`.
Statistics are unweighted over the units whose value is shown (each unit counts once).
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from loaders.contract import ACTORS
from metrics import budget, capacity, participants
from metrics.benefits import benefit_kpis_by, selected_areas
from metrics.disclosure import DEFAULT_THRESHOLD, suppress_kpis
from metrics.engine import EpisodeValues, SmallValues, combine
from metrics.expressions import ended_in
from metrics.followup import ended_with_followups
from metrics.frames import table
from metrics.nns import nns_kpis_by, no_rows, sex_level
from metrics.registry import KPIS, Family
from metrics.result import KpiResult
from metrics.selection import Selection, filter_episodes, org_predicate, participant_predicate
from metrics.socio_estimate import assumptions_for, estimate, transitions, unit_costs
from metrics.socioeconomic import evaluations_by

BY = ("forbund", "insats")
_ALL = ("fye_used", "participants_in_period")


@dataclass(frozen=True)
class KpiComparison:
    """One KPI over the units: the own value, its rank and the units' statistics.

    `key` is a registry key, or `<key>.<actor>` for a per-actor KPI. The statistics (and
    `rank`, and `values` for förbund) are None/empty when fewer than `min_units` units
    have a value. `disclosure`: why the own value is hidden (`too_few`, …), else None;
    `hidden`: (unit, why) of every unit whose value is hidden, sorted by unit.
    """

    key: str
    value: float | None
    n: int
    mean: float | None
    median: float | None
    min: float | None
    max: float | None
    p25: float | None
    p75: float | None
    rank: int | None
    direction: str
    values: tuple[tuple[str, float], ...]
    disclosure: str | None = None
    hidden: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Comparison:
    """Every scalar KPI of a selection compared over the förbund or over the insatser."""

    by: str
    own: str | None
    units: tuple[str, ...]
    min_units: int
    kpis: dict[str, KpiComparison]
    #: The own förbund's whole result, as disclosure control left it (why a value is hidden)
    own_result: KpiResult | None = None

    def to_json(self, names: bool = False) -> dict:
        """The object `finsam compare --format json` prints, without `selection`.

        Values carry unit names only with `names` or for insatser (always named: same
        förbund); other förbund stay anonymous.
        """
        named = names or self.by == "insats"
        fields = ("value", "n", "mean", "median", "min", "max", "p25", "p75", "rank",
                  "direction")
        return {
            "by": self.by,
            "n_units": len(self.units),
            "kpis": {k: {f: getattr(c, f) for f in fields} for k, c in self.kpis.items()},
            "values": {k: [{"unit": u, "value": v} for u, v in c.values] if named
                       else [v for _, v in c.values] for k, c in self.kpis.items()},
        }


def unit_selection(sel: Selection, by: str, unit: str) -> Selection:
    """The selection one unit's value is computed for.

    A förbund: its whole förbund (every insats, its own SCB areas); an insats: that insats
    of the own förbund. Period and participant filters are `sel`'s; grupp is dropped (a
    grupp belongs to one insats).
    """
    if by == "forbund":
        return dataclasses.replace(sel, forbund=(unit,), insatser=(), grupp=None, omrade=())
    return dataclasses.replace(sel, forbund=sel.forbund[:1], insatser=(unit,), grupp=None)


def default_units(frames: Mapping[str, pl.DataFrame], sel: Selection, by: str) -> tuple[str, ...]:
    """Every förbund of the data, or every insats of the own förbund, sorted."""
    names: set[str] = set()
    for name in ("insatser", "episodes"):
        df = table(frames, name)
        if by == "insats":
            df = df.filter(pl.col("forbund") == sel.forbund[0])
        names |= set(df.get_column(by).unique().drop_nulls().cast(pl.String).to_list())
    return tuple(sorted(names - {""}))


def _batch(sel: Selection, by: str, units: Sequence[str]) -> Selection:
    """One selection covering every unit (for the shared pass over the data)."""
    if by == "forbund":
        return dataclasses.replace(sel, forbund=tuple(units), insatser=(), grupp=None)
    return dataclasses.replace(sel, forbund=sel.forbund[:1], insatser=tuple(units), grupp=None)


@dataclass(frozen=True)
class Shared:
    """What selections that differ only in participant filters have in common.

    Kolada's Totalt / Kvinnor / Män rows of one period, or a change of Remittent, differ
    only in which participants count: every small table's answer but NNS (`small`, with
    the socioeconomic estimate made, which reads every ended episode), each unit's
    årsplatser and participants before participant filters (`unfiltered`, what capacity
    and costs divide by) and the units without any episode at all stay the same. Small
    enough to keep between page runs (`dashboard.compare_data`).
    """

    base: Selection  # the selection they were made for, without participant filters
    by: str
    units: tuple[str, ...]
    small: Mapping[str, SmallValues]
    unfiltered: Mapping[str, tuple[float | None, int | None]]
    without_episodes: frozenset[str]

    def fits(self, sel: Selection, by: str, units: tuple[str, ...]) -> bool:
        """Whether `sel` (over `units`) may use these values.

        They depend on the selection of every unit only: over förbund, on the period, not
        on which förbund is the own one.
        """
        return (self.by, self.units) == (by, units) and _batch(
            self.base, by, units) == _batch(sel.without_participant_filters(), by, units)


def _in_period(frames: Mapping[str, pl.DataFrame], sel: Selection, by: str,
               units: Sequence[str]) -> pl.DataFrame:
    """Every unit's episodes of the period, before participant filters."""
    return filter_episodes(table(frames, "episodes"), _batch(sel, by, units),
                           participant_filters=False)


def shared_values(frames: Mapping[str, pl.DataFrame], sel: Selection, by: str = "forbund",
                  units: Sequence[str] | None = None, *,
                  in_period: pl.DataFrame | None = None) -> Shared:
    """The `Shared` values of `sel` (its participant filters play no part)."""
    names = _units(frames, sel, by, units)
    base = sel.without_participant_filters()
    frm, to = base.period
    if in_period is None:
        in_period = _in_period(frames, base, by, names)
    unfiltered = {str(u): (f, n) for u, f, n in participants.aggregate(
        in_period, frm, to, by=[by], keys=_ALL).select(by, *_ALL).iter_rows()}
    missing = [u for u in names if u not in unfiltered]
    known = set(table(frames, "episodes").filter(org_predicate(_batch(base, by, missing)))
                .get_column(by).unique().cast(pl.String).to_list()) if missing else set()
    none = in_period.clear()
    for u in known & set(missing):
        unfiltered[u] = _empty_all(none, frm, to)
    # the estimate reads the ended episodes' end and incomes only (`transitions`): split
    # those, not every episode and column
    ended = in_period.filter(ended_in(frm, to)).select(by, "end_date", "income_before",
                                                       "income_after")
    everyone = {str(k[0]): part for k, part in ended.partition_by(by, as_dict=True).items()}
    small = {u: v if v.assumptions is None else dataclasses.replace(
                 v, estimate=estimate(transitions(everyone.get(u, none), frm, to),
                                      v.assumptions),
                 assumptions=None)  # made, even when there was nothing to estimate from
             for u, v in _small_values(frames, base, by, names).items()}
    return Shared(base, by, names, small, unfiltered,
                  frozenset(u for u in missing if u not in known))


def _episode_values(frames: Mapping[str, pl.DataFrame], sel: Selection, shared: Shared,
                    in_period: pl.DataFrame) -> dict[str, EpisodeValues]:
    """`engine._episode_values` of every unit from one grouped pass.

    A unit without episodes in the period gets what the engine gets from empty frames; a
    unit without any episode at all gets None values (no data), as the engine does.
    `everyone` is left empty: the estimate that reads it is made already (`shared.small`).
    """
    by, units = shared.by, shared.units
    batch = _batch(sel, by, units)
    frm, to = batch.period
    pp = participant_predicate(batch)
    eps = in_period.filter(pp) if pp is not None else in_period
    followups = table(frames, "followups").filter(pl.col("forbund").is_in(list(batch.forbund)))
    joined = ended_with_followups(eps, followups, frm, to)
    rows = {str(r[by]): r for r in
            participants.table_from(eps, joined, frm, to, by=[by]).iter_rows(named=True)}
    none = in_period.clear()
    empty_row = None
    out = {}
    for u in units:
        if u in shared.without_episodes:
            out[u] = EpisodeValues(dict.fromkeys(participants.BASES), none, None, None)
            continue
        if u not in rows and empty_row is None:
            empty_row = participants.table_from(eps.clear(), joined.clear(), frm, to).row(
                0, named=True)
        out[u] = EpisodeValues(rows.get(u, empty_row), none, *shared.unfiltered[u])
    return out


def _empty_all(none: pl.DataFrame, frm, to) -> tuple:
    exprs = participants.exprs(frm, to)
    return none.select(exprs["fye_used"], exprs["participants_in_period"]).row(0)


def _small_values(frames: Mapping[str, pl.DataFrame], sel: Selection, by: str,
                  units: Sequence[str]) -> dict[str, SmallValues]:
    """`engine.small_values` of every unit, each small table grouped by unit once."""
    batch = _batch(sel, by, units)
    frm, to = batch.period
    lines = table(frames, "budget_lines")
    spent = budget.spent_between_by(budget.selected_lines(lines, batch, forbund_costs=False),
                                    frm, to, by)
    own = lines.filter(pl.col("forbund").is_in(list(batch.forbund)) & (pl.col("insats") == ""))
    if by == "forbund":
        forbund_spent = budget.spent_between_by(own, frm, to, "forbund")
    else:  # the own förbund's costs, the same beside every insats
        forbund_spent = dict.fromkeys(units, budget.spent_between(own, frm, to))
    budgets = budget.budget_kpis_by(budget.selected_lines(lines, batch), to.year, to, by)
    evaluations = evaluations_by(table(frames, "socioeconomic"), batch, by)
    capacities = capacity.fye_capacity_by(table(frames, "insatser"), batch, by)
    benefit_fye = table(frames, "benefit_fye")
    areas = benefit_fye.get_column("area").unique().to_list()
    benefits = benefit_kpis_by(
        benefit_fye, {u: selected_areas(unit_selection(sel, by, u), areas) for u in units},
        to.year)
    costs = unit_costs(frames) if len(evaluations) < len(units) else {}
    nns = _nns_values(frames, sel, by, units)
    out = {}
    for u in units:
        unit_sel = unit_selection(sel, by, u)
        socio = evaluations.get(u)
        out[u] = SmallValues(
            fye_capacity=capacities.get(u), spent=spent.get(u),
            forbund_spent=forbund_spent.get(u),
            budget=budgets.get(u, (dict.fromkeys(budget.KEYS), None)), evaluation=socio,
            assumptions=None if socio else assumptions_for(frames, unit_sel, costs, spent.get(u)),
            benefits=benefits[u], nns=nns[u],
            volume=None)  # not compared: per Mått it would be another view
    return out


def _nns_values(frames: Mapping[str, pl.DataFrame], sel: Selection, by: str,
                units: Sequence[str]) -> dict[str, tuple[dict, dict]]:
    """`nns_kpis` of every unit: the one small table a participant filter moves (Kön)."""
    nns = nns_kpis_by(table(frames, "indicators"), _batch(sel, by, units), by)
    return {u: nns.get(u) or no_rows(unit_selection(sel, by, u)) for u in units}


def unit_results(frames: Mapping[str, pl.DataFrame], sel: Selection, by: str = "forbund", *,
                 threshold: int = DEFAULT_THRESHOLD,
                 units: Sequence[str] | None = None) -> dict[str, KpiResult]:
    """Unit -> its `KpiResult` after disclosure control, for every unit at once.

    Each equals `suppress_kpis(compute_kpis(frames, unit_selection(sel, by, unit)))` in
    every value but `volume` (not computed: compared per Mått it would be another view)
    and the targets (not attached).
    """
    return unit_results_each(frames, [sel], by, threshold=threshold, units=units)[0]


def unit_results_each(frames: Mapping[str, pl.DataFrame], sels: Sequence[Selection],
                      by: str = "forbund", *, threshold: int = DEFAULT_THRESHOLD,
                      units: Sequence[str] | None = None,
                      shared: Sequence[Shared] = ()) -> list[dict[str, KpiResult]]:
    """`unit_results` of each of `sels`.

    Selections that differ only in participant filters share their `Shared` values (made
    once, or taken from `shared`, kept by the caller from an earlier call); only their
    episodes and NNS (which reads Kön) are computed for each.
    """
    if by not in BY:
        raise ValueError(f"Okänd jämförelse '{by}': välj forbund eller insats.")
    known = list(shared)
    in_periods: dict[tuple[Selection, tuple[str, ...]], pl.DataFrame] = {}
    out = []
    for sel in sels:
        names = _units(frames, sel, by, units)
        if not names:
            out.append({})
            continue
        key = (sel.without_participant_filters(), names)
        if key not in in_periods:
            in_periods[key] = _in_period(frames, sel, by, names)
        common = next((s for s in known if s.fits(sel, by, names)), None)
        if common is None:
            common = shared_values(frames, sel, by, names, in_period=in_periods[key])
            known.append(common)
        small = common.small
        if sex_level(sel) != sex_level(common.base):
            nns = _nns_values(frames, sel, by, names)
            small = {u: dataclasses.replace(v, nns=nns[u]) for u, v in small.items()}
        episodes = _episode_values(frames, sel, common, in_periods[key])
        out.append({u: suppress_kpis(combine(unit_selection(sel, by, u), episodes[u],
                                             small[u]), threshold) for u in names})
    return out


def _units(frames: Mapping[str, pl.DataFrame], sel: Selection, by: str,
           units: Sequence[str] | None) -> tuple[str, ...]:
    """`units` sorted; else the chosen insatser (over insatser), else `default_units`."""
    if units is None and by == "insats" and sel.insatser:
        units = sel.insatser
    return tuple(sorted(set(units))) if units is not None else default_units(frames, sel, by)


def compare(frames: Mapping[str, pl.DataFrame], sel: Selection, by: str = "forbund", *,
            threshold: int = DEFAULT_THRESHOLD, min_units: int = 5,
            units: Sequence[str] | None = None) -> Comparison:
    """Every scalar KPI of `sel` compared over the förbund, or over the insatser.

    Förbund: every förbund of `frames` (or `units`), `sel.forbund[0]` the own one. Insatser:
    those of `sel.forbund[0]` (or `sel.insatser`, or `units`), with no own value.
    A hidden value takes no part. Per-actor KPIs are compared per actor
    (`payback_months.Samhället`); volume is left out. Over förbund, fewer than `min_units`
    values give no statistics, no rank and no values; over insatser (always named) they do.
    """
    return compare_each(frames, [sel], by, threshold=threshold, min_units=min_units,
                        units=units)[0]


def compare_each(frames: Mapping[str, pl.DataFrame], sels: Sequence[Selection],
                 by: str = "forbund", *, threshold: int = DEFAULT_THRESHOLD,
                 min_units: int = 5, units: Sequence[str] | None = None,
                 shared: Sequence[Shared] = ()) -> list[Comparison]:
    """`compare` of each of `sels`, sharing work as `unit_results_each` does."""
    every = unit_results_each(frames, sels, by, threshold=threshold, units=units,
                              shared=shared)
    return [_comparison(results, sel, by, min_units) for results, sel in zip(every, sels,
                                                                             strict=True)]


def _comparison(results: Mapping[str, KpiResult], sel: Selection, by: str,
                min_units: int) -> Comparison:
    names = tuple(results)
    own = sel.forbund[0] if by == "forbund" else None
    hide = by == "forbund"
    kpis = {}
    for key, per_unit in _keyed(results).items():
        kpi = key.split(".")[0]  # a per-actor KPI is hidden as a whole
        hidden = tuple((u, r.disclosure[kpi]) for u, r in results.items()
                       if kpi in r.disclosure)
        kpis[key] = summarise(key, per_unit, own, min_units if hide else 1,
                              direction=_DIRECTIONS[kpi], hidden=hidden)
    return Comparison(by, own, names, min_units, kpis,
                      own_result=results.get(own) if own is not None else None)


_DIRECTIONS = {k.key: str(k.direction) for k in KPIS}


def _keyed(results: Mapping[str, KpiResult]) -> dict[str, dict[str, float | None]]:
    """Comparison key -> unit -> value, in registry order (actors as in the contract)."""
    out: dict[str, dict[str, float | None]] = {}
    for kpi in KPIS:
        if kpi.family is Family.VOLUME:
            continue
        if not kpi.per_actor:
            out[kpi.key] = {u: r.values.get(kpi.key) for u, r in results.items()}  # type: ignore[misc]
            continue
        dicts = {u: r.values.get(kpi.key) or {} for u, r in results.items()}
        seen = {a for d in dicts.values() for a in d}  # type: ignore[union-attr]
        for actor in [a for a in ACTORS if a in seen] + sorted(seen - set(ACTORS)):
            out[f"{kpi.key}.{actor}"] = {u: d.get(actor) for u, d in dicts.items()}  # type: ignore[union-attr]
    return out


def summarise(key: str, per_unit: Mapping[str, float | None], own: str | None,
              min_units: int, *, direction: str = "neutral",
              hidden: tuple[tuple[str, str], ...] = ()) -> KpiComparison:
    """The statistics of the units' values (None and NaN take no part).

    `hidden`: (unit, why) of the units whose value disclosure control hid (already None).

    `rank` is 1 + the number of units with a strictly higher value, so ties rank alike:
    values 9, 9, 7 rank 1, 1, 3. Quartiles interpolate like
    `statistics.quantiles(method="inclusive")`.

    >>> c = summarise("k", {"a": 9, "b": 9, "c": 7}, "c", 1)
    >>> c.rank, c.median, c.p25
    (3, 9, 8.0)
    """
    shown = sorted(((u, v) for u, v in per_unit.items() if _number(v)),
                   key=lambda uv: (uv[1], uv[0]))
    value = per_unit.get(own) if own is not None else None
    value = value if _number(value) else None
    nums = [v for _, v in shown]
    n = len(nums)
    disclosure = dict(hidden).get(own) if own is not None else None
    if n == 0 or n < min_units:
        return KpiComparison(key, value, n, None, None, None, None, None, None, None,
                             direction, (), disclosure, hidden)
    p25, p75 = _quartiles(nums)
    rank = None if value is None else 1 + sum(v > value for v in nums)
    return KpiComparison(key, value, n, statistics.fmean(nums), statistics.median(nums),
                         nums[0], nums[-1], p25, p75, rank, direction, tuple(shown),
                         disclosure, hidden)


def _number(v: object) -> bool:
    return isinstance(v, int | float) and not (isinstance(v, float) and math.isnan(v))


def _quartiles(nums: list[float]) -> tuple[float, float]:
    if len(nums) == 1:  # `statistics.quantiles` needs two points before Python 3.13
        return nums[0], nums[0]
    q = statistics.quantiles(nums, n=4, method="inclusive")
    return q[0], q[2]
