"""`compute_kpis`: every KPI of the registry for one selection, as a flat result.

Filters first (one pass over the episodes), computes every episode-based KPI in one
`select`, then the small tables (budget, evaluation, SCB, NNS, volumes) and the targets.
`assemble` is everything after the episode pass: the small tables' answers
(`small_values`) combined with the episode values (`combine`); `metrics.compare` computes
both for many units at once and combines each unit's.
Values are numeric and unsuppressed: apply `metrics.disclosure.suppress_kpis` before
showing them anywhere but the command line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

import polars as pl

from metrics import budget, capacity, participants
from metrics.benefits import benefit_kpis
from metrics.followup import ended_with_followups
from metrics.frames import table
from metrics.nns import nns_kpis, sex_level
from metrics.registry import BY_KEY, EPISODE_FAMILIES, KPIS, Family
from metrics.result import KpiResult, Value
from metrics.selection import Selection, filter_episodes, org_predicate, participant_predicate
from metrics.socio_estimate import Assumptions, default_assumptions, estimate, transitions
from metrics.socioeconomic import KEYS as SOCIO_KEYS
from metrics.socioeconomic import SocioResult, evaluation
from metrics.target_values import attach_targets
from metrics.volumes import volume_by_measure

#: Capacity KPIs of the whole insats: they do not move with participant filters or grupp
#: (a capacity, a budget or a cost belongs to the insats, not to a subgroup of it).
UNFILTERED_CAPACITY = ("fye_capacity", "occupancy", "cost_per_fye", "cost_per_participant")


@dataclasses.dataclass(frozen=True)
class EpisodeValues:
    """What the episode pass hands to the rest of the KPIs (`assemble`).

    `row`: the participant-table row of the filtered selection (every value None when the
    selected insatser have no episodes at all). `everyone`: the selected insatser's
    episodes of the period without participant filters or grupp (the estimate reads its
    ended ones). `fye_all`/`participants_all`: their fye and count, what capacity and
    costs divide by.
    """

    row: Mapping[str, object]
    everyone: pl.DataFrame
    fye_all: float | None
    participants_all: int | None


def _episode_values(frames: Mapping[str, pl.DataFrame], sel: Selection):
    """Episode KPIs of the filtered selection, plus what costs rest on.

    Capacity and costs cannot be split by participant or grupp, so occupancy, cost per
    fye/participant and the socioeconomic estimate use every episode of the selected
    insatser (`everyone`). The
    episodes are scanned once for the selection; follow-ups are joined once, for the ended
    episodes only, and the join is returned for the target weights.
    """
    eps_all = table(frames, "episodes")
    frm, to = sel.period
    in_period = filter_episodes(eps_all, sel, participant_filters=False)
    pp = participant_predicate(sel)
    eps = in_period.filter(pp) if pp is not None else in_period
    everyone = in_period
    if sel.grupp:
        whole = dataclasses.replace(sel, grupp=None)
        everyone = filter_episodes(eps_all, whole, participant_filters=False)
    if in_period.is_empty() and eps_all.filter(org_predicate(sel)).is_empty():
        return EpisodeValues(dict.fromkeys(participants.BASES), everyone, None, None), eps, None
    followups = table(frames, "followups").filter(pl.col("forbund").is_in(list(sel.forbund)))
    joined = ended_with_followups(eps, followups, frm, to)
    row = participants.table_from(eps, joined, frm, to).row(0, named=True)
    if pp is None and not sel.grupp:
        return (EpisodeValues(row, everyone, row["fye_used"], row["participants_in_period"]),
                eps, joined)
    exprs = participants.exprs(frm, to)
    fye_all, n_all = everyone.select(exprs["fye_used"], exprs["participants_in_period"]).row(0)
    return EpisodeValues(row, everyone, fye_all, n_all), eps, joined


def compute_kpis(frames: Mapping[str, pl.DataFrame], sel: Selection, *,
                 assumptions: Assumptions | None = None) -> KpiResult:
    """Every registry KPI for `sel` (see `KpiResult`); pure, no clock, no I/O.

    Budget KPIs use budget year = year of `date_to`, as of the latest Period ≤ `date_to`.
    The socioeconomic KPIs come from an imported evaluation inside the period, else from the
    built-in estimate (with `assumptions`, default from the data). Participant filters apply
    to episode-based KPIs only.
    """
    episode, eps, joined = _episode_values(frames, sel)
    result = assemble(frames, sel, episode, assumptions=assumptions)
    return attach_targets(result, frames, eps, joined=joined)


@dataclasses.dataclass(frozen=True)
class SmallValues:
    """What the small tables give one selection (`small_values`), before `combine`.

    `evaluation` is the imported socioeconomic evaluation; without one, the estimate is
    made in `combine` from the episodes with `assumptions`. `metrics.compare` builds these
    for every unit at once with the grouped `*_by` functions, and makes the estimate
    beforehand (`estimate`, with no `assumptions` left to make it again).
    """

    fye_capacity: float | None
    spent: float | None
    forbund_spent: float | None
    budget: tuple[dict, date | None]
    evaluation: SocioResult | None
    assumptions: Assumptions | None
    benefits: tuple[dict, dict]
    nns: tuple[dict, dict]
    volume: dict[str, int] | None
    estimate: SocioResult | None = None


def small_values(frames: Mapping[str, pl.DataFrame], sel: Selection, *,
                 assumptions: Assumptions | None = None) -> SmallValues:
    """The budget, capacity, evaluation, SCB, NNS and volume answers for `sel`."""
    frm, to = sel.period
    lines = table(frames, "budget_lines")
    spent = budget.spent_between(budget.selected_lines(lines, sel, forbund_costs=False), frm, to)
    # the förbund's own costs (blank Insats) belong to no insats: never in a cost per
    # årsplats or participant, but shown beside them (Kapacitet)
    own_lines = lines.filter(pl.col("forbund").is_in(list(sel.forbund))
                             & (pl.col("insats") == ""))
    socio = evaluation(table(frames, "socioeconomic"), sel)
    if socio is None:
        assumptions = assumptions or default_assumptions(frames, sel)
    return SmallValues(
        capacity.fye_capacity(table(frames, "insatser"), sel), spent,
        budget.spent_between(own_lines, frm, to),
        budget.budget_kpis(budget.selected_lines(lines, sel), to.year, to),
        socio, assumptions, benefit_kpis(table(frames, "benefit_fye"), sel),
        nns_kpis(table(frames, "indicators"), sel),
        volume_by_measure(table(frames, "volumes"), sel))


def assemble(frames: Mapping[str, pl.DataFrame], sel: Selection, episode: EpisodeValues, *,
             assumptions: Assumptions | None = None) -> KpiResult:
    """`compute_kpis` without targets, the episode KPIs given (`EpisodeValues`).

    Reads only the small tables (budget, insatser, evaluations, SCB, NNS, volumes).
    """
    return combine(sel, episode, small_values(frames, sel, assumptions=assumptions))


def combine(sel: Selection, episode: EpisodeValues, small: SmallValues) -> KpiResult:
    """The `KpiResult` of the episode values and the small tables' answers."""
    frm, to = sel.period
    row = episode.row
    values: dict[str, Value] = {k: row.get(k) for k in participants.KEYS}
    base_n: dict[str, int | None] = {k: row.get(b) for k, b in participants.BASES.items()}
    meta: dict[str, object] = {}
    fye_all, participants_all = episode.fye_all, episode.participants_all

    values |= capacity.derived(small.fye_capacity, small.spent, fye_all, participants_all)
    base_n |= {"occupancy": participants_all,
               "cost_per_fye": participants_all, "cost_per_participant": participants_all,
               "fye_capacity": None}
    meta["cost_spent_in_period"] = small.spent
    meta["forbund_costs_spent_in_period"] = small.forbund_spent

    budget_values, as_of = small.budget
    values |= budget_values
    meta |= {"budget_year": to.year, "budget_as_of": as_of}

    socio = small.evaluation if small.evaluation is not None else small.estimate
    if socio is None and small.assumptions is not None:
        socio = estimate(transitions(episode.everyone, frm, to), small.assumptions)
    values |= socio.values if socio else dict.fromkeys(SOCIO_KEYS)
    base_n |= dict.fromkeys(SOCIO_KEYS, socio.participants if socio else None)
    if socio:
        meta |= {"socioeconomic_source": socio.source, "socioeconomic_periods": socio.periods,
                 "payback_not_reached": socio.not_reached,
                 "socioeconomic_assumptions": socio.assumptions,
                 "socioeconomic_excluded": socio.excluded}

    benefit_values, benefit_meta = small.benefits
    values |= benefit_values
    meta |= {"benefits_year": benefit_meta["year"], "benefits_areas": benefit_meta["areas"]}

    nns_values, nns_meta = small.nns
    values |= nns_values
    base_n |= {k: nns_values["nns_n"] for k in nns_values}
    meta |= {"nns_period": nns_meta["period"], "nns_previous": nns_meta["previous"],
             "nns_sex": nns_meta["sex"]}

    values["volume"] = small.volume
    base_n["volume"] = None  # each Mått's count is its own base
    for k in BY_KEY:
        base_n.setdefault(k, None)
    values = {k.key: values.get(k.key) for k in KPIS}
    return KpiResult(sel, values, base_n, meta=meta, ignored_filters=_ignored(sel))


def _ignored(sel: Selection) -> dict[str, tuple[str, ...]]:
    active = sel.active_filters
    if not active:
        return {}
    # NNS has Kvinnor/Män rows: a single Kön applies to it (`nns.sex_level`)
    nns_active = tuple(f for f in active if f != "kon" or sex_level(sel) == "Samtliga")
    out = {k.key: nns_active if k.family is Family.NNS else active for k in KPIS
           if k.family not in EPISODE_FAMILIES and (k.family is not Family.CAPACITY
                                                    or k.key in UNFILTERED_CAPACITY)}
    return {k: v for k, v in out.items() if v}
