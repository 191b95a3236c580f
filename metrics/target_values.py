"""Attach targets and their status to a `KpiResult` (see `metrics.targets` for the rules)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import polars as pl

from metrics import followup, participants
from metrics.frames import table
from metrics.participants import KEYS as EPISODE_KEYS
from metrics.registry import BY_KEY, Family, Kpi
from metrics.result import KpiResult
from metrics.targets import additive, for_period, normalise, resolve_given, status

_UNIT = ["forbund", "insats"]


def _insatser(df: pl.DataFrame) -> dict[str, list[str]]:
    pairs = df.select("forbund", "insats").unique().filter(pl.col("insats") != "")
    out: dict[str, list[str]] = {}
    for f, i in pairs.sort("forbund", "insats").iter_rows():
        out.setdefault(f, []).append(i)
    return out


def _source(frames: Mapping[str, pl.DataFrame], kpi: Kpi, key: str) -> str:
    """Which rows decide the insatser `key` (of `kpi`) concerns.

    A table name, "episodes", or `volumes:<Mått>` (the insatser that have ever reported
    that Mått).

    An insats without data there has nothing to compare with a target: it is not "missing"
    one — an insats that never reports a volume measure is not missing its target.
    """
    if kpi.key == "fye_capacity":
        return "insatser"
    if kpi.family is Family.VOLUME:
        return f"volumes:{key[len('volume['):-1]}"
    if kpi.family is Family.SOCIOECONOMIC:
        return "socioeconomic" if not table(frames, "socioeconomic").is_empty() else "episodes"
    return {Family.BUDGET: "budget_lines", Family.NNS: "indicators", Family.VOLUME: "volumes",
            Family.BENEFITS: "none"}.get(kpi.family, "episodes")


def _source_rows(frames: Mapping[str, pl.DataFrame], source: str) -> pl.DataFrame:
    if source == "insatser":
        return table(frames, "insatser").filter(pl.col("capacity_fye").is_not_null())
    if source.startswith("volumes:"):
        return table(frames, "volumes").filter(pl.col("measure") == source[len("volumes:"):])
    return table(frames, source)


def _per_insats(episodes: pl.DataFrame, frames: Mapping[str, pl.DataFrame], sel,
                keys: list[str], joined: pl.DataFrame | None) -> pl.DataFrame:
    """One row per (förbund, insats) of `episodes` with the counts `keys` in the period.

    The same counts as `participant_table(..., by=["forbund", "insats"])`, computed alone.
    """
    frm, to = sel.period
    exprs = participants.exprs(frm, to)
    own = {k: exprs[k] for k in keys if k in exprs}
    out = (episodes.group_by(_UNIT).agg(**own) if own
           else episodes.select(_UNIT).unique())
    from_followups = [k for k in keys if k not in exprs]
    if from_followups:
        if joined is None:
            followups = table(frames, "followups").filter(
                pl.col("forbund").is_in(list(sel.forbund)))
            joined = followup.ended_with_followups(episodes, followups, frm, to)
        fu = followup.aggregate(joined, _UNIT)
        out = out.join(fu.select(*_UNIT, *from_followups), on=_UNIT, how="left",
                       nulls_equal=True).with_columns(
            pl.col(c).fill_null(0) for c in from_followups)
    return out.sort(_UNIT, nulls_last=True)


def attach_targets(result: KpiResult, frames: Mapping[str, pl.DataFrame],
                   episodes: pl.DataFrame, *, joined: pl.DataFrame | None = None) -> KpiResult:
    """`<key>_target`, `target_status` and `missing_targets` for every KPI with a target.

    `meta` gets `target_directions` (key -> `minst`/`högst`) and `weighted_targets` (keys
    whose target mixes different insats targets by the selection's counts).

    `episodes` are the selection's filtered episodes of the period: they decide which
    insatser an episode KPI concerns and the denominators used as weights. Per-actor targets
    compare with Samhället; volume targets (`volume[Mått]`) go to `volume_target[Mått]`.
    `joined`: the ended episodes' follow-up rows (`followup.ended_with_followups`) when the
    caller has them already; otherwise they are joined here if a weight needs them.
    """
    sel = result.selection
    raw = table(frames, "targets").filter(pl.col("forbund").is_in(list(sel.forbund))
                                          & (pl.col("year") == sel.date_to.year))
    if raw.is_empty():
        return result
    tg = normalise(raw, list((result.values.get("volume") or {}).keys()))
    given: dict[str, dict] = {}
    for key, f, i, v, d in tg.select("kpi", "forbund", "insats", "target_value",
                                     "direction").iter_rows():
        given.setdefault(key, {})[(f, i)] = (v, d)
    keys = sorted(given)
    kpis = {key: BY_KEY[key.split("[")[0]] for key in keys}
    skip = {key for key in keys if sel.active_filters and kpis[key].key in EPISODE_KEYS
            and additive(key)}  # a count target for the whole insats says nothing about a subgroup
    used = [key for key in keys if key not in skip]
    denominators = sorted({kpis[k].denominator for k in used
                           if kpis[k].denominator in EPISODE_KEYS})
    sources = {key: _source(frames, kpis[key], key) for key in used}
    per_insats = (_per_insats(episodes, frames, sel, denominators, joined)
                  if denominators or "episodes" in sources.values() else None)
    insatser: dict[str, dict[str, list[str]]] = {"none": {}}
    if per_insats is not None:
        insatser["episodes"] = _insatser(per_insats)
    values, statuses, missing = dict(result.values), {}, {}
    directions: dict[str, str] = {}
    weighted: list[str] = []
    for key in used:
        kpi = kpis[key]
        base = kpi.key
        weights = None
        if kpi.denominator in EPISODE_KEYS:
            weights = {(f, i): w or 0 for f, i, w in per_insats.select(
                *_UNIT, kpi.denominator).iter_rows()}
        source = sources[key]
        if source not in insatser:
            rows = _source_rows(frames, source)
            insatser[source] = _insatser(rows.filter(pl.col("forbund").is_in(list(sel.forbund))))
        target = resolve_given(given[key], key, sel, insatser[source], weights)
        if target is None:
            continue
        target = for_period(target, key, sel)
        value = values.get(base)
        if base == "volume":
            measure = key[len("volume["):-1]
            value = (value or {}).get(measure)
            values["volume_target"] = {**(values.get("volume_target") or {}),
                                       measure: target.value}
        else:
            if kpi.per_actor:
                value = (value or {}).get("Samhället")
            values[f"{key}_target"] = target.value
        directions[key] = target.direction
        if target.weighted:
            weighted.append(key)
        if (s := status(value, target)) is not None:
            statuses[key] = s
        if target.missing:
            missing[key] = target.missing
    meta = dict(result.meta, target_directions=directions, weighted_targets=tuple(weighted))
    return dataclasses.replace(result, values=values, target_status=statuses,
                               missing_targets=missing, meta=meta)
