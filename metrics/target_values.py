"""Attach targets and their status to a `KpiResult` (see `metrics.targets` for the rules)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import polars as pl

from metrics.frames import table
from metrics.participants import KEYS as EPISODE_KEYS
from metrics.participants import participant_table
from metrics.registry import BY_KEY, Family, Kpi
from metrics.result import KpiResult
from metrics.targets import additive, normalise, resolve, status


def _insatser(df: pl.DataFrame) -> dict[str, list[str]]:
    pairs = df.select("forbund", "insats").unique().filter(pl.col("insats") != "")
    out: dict[str, list[str]] = {}
    for f, i in pairs.sort("forbund", "insats").iter_rows():
        out.setdefault(f, []).append(i)
    return out


def _sources(frames: Mapping[str, pl.DataFrame], episodes: pl.DataFrame):
    """KPI -> the rows whose insatser the KPI concerns.

    An insats without data there has nothing to compare with a target: it is not "missing"
    one.
    """
    by_family = {Family.BUDGET: "budget_lines", Family.NNS: "indicators",
                 Family.VOLUME: "volumes", Family.BENEFITS: None}

    def rows(kpi: Kpi) -> pl.DataFrame:
        if kpi.key == "fye_capacity":
            return table(frames, "insatser").filter(pl.col("capacity_fye").is_not_null())
        if kpi.family is Family.SOCIOECONOMIC:
            socio = table(frames, "socioeconomic")
            return socio if not socio.is_empty() else episodes
        if kpi.family in by_family:
            name = by_family[kpi.family]
            return table(frames, name) if name else episodes.clear()
        return episodes

    return rows


def attach_targets(result: KpiResult, frames: Mapping[str, pl.DataFrame],
                   episodes: pl.DataFrame) -> KpiResult:
    """`<key>_target`, `target_status` and `missing_targets` for every KPI with a target.

    `episodes` are the selection's filtered episodes of the period: they decide which
    insatser an episode KPI concerns and the denominators used as weights. Per-actor targets
    compare with Samhället; volume targets (`volume[Mått]`) go to `volume_target[Mått]`.
    """
    sel = result.selection
    raw = table(frames, "targets").filter(pl.col("forbund").is_in(list(sel.forbund))
                                          & (pl.col("year") == sel.date_to.year))
    if raw.is_empty():
        return result
    tg = normalise(raw, list((result.values.get("volume") or {}).keys()))
    sources = _sources(frames, episodes)
    weights_table: pl.DataFrame | None = None
    values, statuses, missing = dict(result.values), {}, {}
    for key in sorted(tg["kpi"].unique().to_list()):
        base = key.split("[")[0]
        kpi = BY_KEY[base]
        weights = None
        if kpi.denominator in EPISODE_KEYS:
            if weights_table is None:
                followups = table(frames, "followups").filter(
                    pl.col("forbund").is_in(list(sel.forbund)))
                weights_table = participant_table(episodes, followups, *sel.period,
                                                  by=["forbund", "insats"])
            weights = {(f, i): w or 0 for f, i, w in weights_table.select(
                "forbund", "insats", kpi.denominator).iter_rows()}
        if sel.active_filters and base in EPISODE_KEYS and additive(key):
            continue  # a count target for the whole insats says nothing about a subgroup
        target = resolve(tg, key, sel, _insatser(sources(kpi)), weights)
        if target is None:
            continue
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
        if (s := status(value, target)) is not None:
            statuses[key] = s
        if target.missing:
            missing[key] = target.missing
    return dataclasses.replace(result, values=values, target_status=statuses,
                               missing_targets=missing)
