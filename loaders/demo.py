"""The demo dataset: fictional förbund with every contract table filled plausibly.

`build_demo("small")` (4 förbund, ~12 000 episodes) backs demo mode and the tests;
`build_demo("large")` (60 förbund, over a million episodes) is the benchmark. Both are
deterministic for a seed and built column-wise with numpy, never row by row per episode.
Episodes start 2020-01-01 and run to the demo's "today" (`CUTOFF`, 2026-09-30); episodes
still running then are open.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

import numpy as np
import polars as pl

from loaders.columns import NOTES, frame_schema
from loaders.contract import SHEETS_BY_TABLE
from loaders.demo_episodes import build_episodes, build_followups, window
from loaders.demo_finance import (
    UNIT_COSTS_NOTE,
    budget_lines,
    funding,
    insatser_frame,
    socioeconomic,
    unit_costs,
)
from loaders.demo_names import (
    ARCHETYPE_OF,
    BASE_FORBUND,
    ENDED_BASE,
    GROUP_POOL,
    INDIVIDUAL_POOL,
    OWNERS,
    PLACE_PREFIXES,
    PLACE_SUFFIXES,
    STRUCTURAL_POOL,
)
from loaders.demo_survey import benefit_fye, indicators, volumes
from loaders.demo_texts import report_texts
from loaders.demo_util import CUTOFF, FIRST_YEAR, LAST_YEAR, InsatsPlan
from metrics.registry import BY_KEY

__all__ = ["CUTOFF", "DEMO_USERS", "UNIT_COSTS_NOTE", "build_demo", "demo_forbund_names"]


@dataclass(frozen=True)
class Scale:
    """How big a demo is."""

    n_forbund: int
    episodes_per_forbund: int
    individual: tuple[int, int]  # insatser per generated förbund (the first four are fixed)
    structural: tuple[int, int]


SIZES = {"small": Scale(4, 3_000, (3, 5), (1, 2)),
         "large": Scale(60, 18_500, (4, 8), (1, 3))}

#: Demo logins, shown on the login page in demo mode (never used outside demo mode).
DEMO_USERS: list[dict] = [
    {"username": "admin", "name": "Demo Administratör", "role": "admin", "forbund": [],
     "insatser": [], "password": "demo-admin"},
    {"username": "samordnare", "name": "Demo Samordnare", "role": "samordnare",
     "forbund": ["Demoförbundet Norrdal"], "insatser": [], "password": "demo-samordnare"},
    {"username": "styrelse", "name": "Demo Styrelseledamot", "role": "styrelse",
     "forbund": ["Demoförbundet Sjöstad"], "insatser": [], "password": "demo-styrelse"},
    {"username": "styrgrupp", "name": "Demo Styrgrupp", "role": "styrgrupp",
     "forbund": ["Demoförbundet Norrdal"],
     "insatser": ["Samordningsteamet", "Unga Vuxna i Arbete"], "password": "demo-styrgrupp"},
]


def demo_forbund_names(n: int) -> list[str]:
    """The first `n` demo förbund names; the same for every seed."""
    extra = [f"Demoförbundet {p}{s}" for p in PLACE_PREFIXES for s in PLACE_SUFFIXES]
    extra = [extra[i] for i in np.random.default_rng(0).permutation(len(extra))]
    names = [name for name, _ in BASE_FORBUND] + extra
    if not 1 <= n <= len(names):
        raise ValueError(f"n_forbund must be 1..{len(names)}")
    return names[:n]


def build_demo(size: Literal["small", "large"] = "small", seed: int = 42, *,
               n_forbund: int | None = None) -> dict[str, pl.DataFrame]:
    """Every contract table as a frame with the stored columns, dtypes and `notes`.

    `n_forbund` overrides the size's number of förbund (episodes scale with it), so tests
    can exercise the large layout cheaply.
    """
    scale = SIZES[size] if n_forbund is None else replace(SIZES[size], n_forbund=n_forbund)
    rng = {name: np.random.default_rng([seed, k]) for k, name in enumerate(
        ("plan", "counts", "episodes", "followups", "insatser", "budget", "funding", "socio",
         "indicators", "volumes", "benefits", "targets"))}
    forbund = demo_forbund_names(scale.n_forbund)
    plans, kommuner = _plan(forbund, scale, rng["plan"])
    individual = [p for p in plans if p.individual]
    counts = _episode_counts(individual, scale, rng["counts"])
    episodes = build_episodes(individual, counts, rng["episodes"])
    followed = {(p.forbund, p.name): rng["followups"].uniform(0.45, 0.85)
                for p in individual
                if p.name == _first_insats(p.forbund) or rng["followups"].random() < 0.5}
    insatser = insatser_frame(plans, episodes, rng["insatser"])
    budget = budget_lines(plans, insatser, forbund, rng["budget"])
    evaluated = [p for p in individual
                 if p.name == _first_insats(p.forbund) or rng["socio"].random() < 0.3]
    volume = volumes(plans, rng["volumes"])
    frames = {
        "insatser": insatser,
        "targets": pl.concat([
            _targets(individual, episodes, set(followed),
                     {(p.forbund, p.name) for p in evaluated}, forbund, rng["targets"]),
            _volume_targets(volume)]),
        "episodes": episodes,
        "followups": build_followups(episodes, followed, rng["followups"]),
        "budget_lines": budget,
        "funding": funding(budget, kommuner, rng["funding"]),
        "socioeconomic": socioeconomic(evaluated, episodes, budget, rng["socio"]),
        "unit_costs": unit_costs(),
        "indicators": indicators(plans, forbund, rng["indicators"]),
        "volumes": volume,
        "benefit_fye": benefit_fye(rng["benefits"]),
        "report_texts": report_texts(plans, forbund),
    }
    return {table: _finish(table, frame) for table, frame in frames.items()}


def _finish(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Stored columns in order with the contract's dtypes, plus `notes`."""
    if NOTES not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(NOTES))
    schema = frame_schema(SHEETS_BY_TABLE[table])
    return frame.select(pl.col(c).cast(t) for c, t in schema.items())


def _first_insats(forbund: str) -> str | None:
    """The fixed first insats of a base förbund (always followed up and evaluated)."""
    return next((ins[0][0] for name, ins in BASE_FORBUND if name == forbund), None)


def _plan(forbund: list[str], scale: Scale,
          rng: np.random.Generator) -> tuple[list[InsatsPlan], dict[str, list[str]]]:
    """Insatser per förbund (fixed for the first four) and each förbund's member kommuner."""
    layouts = dict(BASE_FORBUND)
    plans, kommuner = [], {}
    for f in forbund:
        layout = layouts.get(f) or _random_layout(scale, rng)
        for k, (name, kind, grupper) in enumerate(layout):
            fixed_end = ENDED_BASE.get((f, name))
            ended = k > 0 and kind == "Individinriktad" and rng.random() < 0.1
            late = k > 0 and fixed_end is None and rng.random() < 0.3
            start = (date(int(rng.integers(2020, 2024)), int(rng.integers(1, 13)), 1) if late
                     else date(int(rng.integers(2012, 2020)), int(rng.integers(1, 13)), 1))
            end_year = int(rng.integers(max(start.year + 2, 2023), 2026))
            end = (date(end_year, 6, 30) if rng.random() < 0.5 else date(end_year, 12, 31)
                   ) if ended else None
            end = date(*fixed_end) if fixed_end else end
            plans.append(InsatsPlan(f, name, kind, grupper, ARCHETYPE_OF.get(name, "broad"),
                                    start, end, OWNERS[int(rng.integers(len(OWNERS)))]))
        kommuner[f] = [f"Demokommun {chr(65 + i)}" for i in range(int(rng.integers(2, 6)))]
    return plans, kommuner


def _random_layout(scale: Scale, rng: np.random.Generator):
    n_ind = int(rng.integers(scale.individual[0], scale.individual[1] + 1))
    n_str = int(rng.integers(scale.structural[0], scale.structural[1] + 1))
    layout = []
    for name in rng.choice(INDIVIDUAL_POOL, n_ind, replace=False):
        grupper = tuple(rng.choice(GROUP_POOL, int(rng.integers(2, 4)), replace=False)) \
            if rng.random() < 0.3 else ()
        layout.append((str(name), "Individinriktad", tuple(str(g) for g in grupper)))
    layout += [(str(n), "Strukturinriktad", ()) for n in rng.choice(STRUCTURAL_POOL, n_str,
                                                                    replace=False)]
    return layout


def _episode_counts(plans: list[InsatsPlan], scale: Scale,
                    rng: np.random.Generator) -> np.ndarray:
    """Episodes per insats: the förbund total shared by size and the time the insats ran."""
    span = np.array([hi - lo + 1 for lo, hi in map(window, plans)], dtype=float)
    weight = span * np.exp(rng.normal(0, 0.45, len(plans)))
    total = scale.episodes_per_forbund * len({p.forbund for p in plans})
    return np.maximum(np.rint(total * weight / weight.sum()), 40).astype(np.int64)


def _targets(plans: list[InsatsPlan], episodes: pl.DataFrame, followed: set, evaluated: set,
             forbund: list[str], rng: np.random.Generator) -> pl.DataFrame:
    """Targets near each insats's own results (some met, some not), raised from 2024."""
    shares: dict[tuple[str, str], dict[str, int]] = {}
    for f, i, g, n in (episodes.filter(pl.col("outcome_group").is_not_null())
                       .group_by("forbund", "insats", "outcome_group").len().iter_rows()):
        shares.setdefault((f, i), {})[g] = n
    rows = []

    def add(f, insats, year, kpi, value):
        rows.append((f, insats, year, kpi, float(value), BY_KEY[kpi].target_direction))

    for plan in plans:
        counts = shares.get((plan.forbund, plan.name), {})
        completed = max(1, sum(v for k, v in counts.items() if k != "dropout"))
        base = {g: counts.get(g, 0) / completed for g in ("work", "studies", "rehab")}
        drop = counts.get("dropout", 0) / max(1, sum(counts.values()))
        goal = {g: _round5(v * rng.uniform(0.9, 1.35)) for g, v in base.items()}
        last = min(LAST_YEAR, (plan.end or CUTOFF).year)
        for year in range(max(FIRST_YEAR, plan.start.year), last + 1):
            raise_ = 0.05 if year >= 2024 else 0.0
            add(plan.forbund, plan.name, year, "share_work", max(0.05, goal["work"] + raise_))
            add(plan.forbund, plan.name, year, "share_studies", max(0.05, goal["studies"]))
            add(plan.forbund, plan.name, year, "share_rehab", max(0.1, goal["rehab"]))
            add(plan.forbund, plan.name, year, "share_dropout", _round5(drop * 0.9))
            add(plan.forbund, plan.name, year, "occupancy", 0.9)
            if (plan.forbund, plan.name) in evaluated:
                add(plan.forbund, plan.name, year, "payback_months", 34 if year < 2024 else 30)
            if (plan.forbund, plan.name) in followed:
                add(plan.forbund, plan.name, year, "share_work_6m",
                    max(0.1, goal["work"] + 0.05))
    for f in forbund:
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            add(f, "", year, "share_work", 0.2 if year < 2024 else 0.25)
            add(f, "", year, "share_dropout", 0.3)
            add(f, "", year, "utilisation", 0.95)
    return pl.DataFrame(rows, orient="row", schema={
        "forbund": pl.String, "insats": pl.String, "year": pl.Int64, "kpi": pl.String,
        "target_value": pl.Float64, "direction": pl.String})


def _volume_targets(volume: pl.DataFrame) -> pl.DataFrame:
    """A yearly target per structural measure (`volume:<Mått>`), a tenth above its average."""
    yearly = (volume.filter(pl.col("sex") == "Samtliga")
              .with_columns(year=pl.col("period").str.slice(0, 4).cast(pl.Int64))
              .group_by("forbund", "insats", "measure", "year").agg(pl.col("count").sum()))
    full = yearly.filter(pl.col("year") < LAST_YEAR)
    goal = full.group_by("forbund", "insats", "measure").agg(
        target_value=((pl.col("count").mean() * 0.11).round() * 10).clip(lower_bound=5))
    return (yearly.select("forbund", "insats", "measure", "year")
            .join(goal, on=["forbund", "insats", "measure"])
            .select("forbund", "insats", "year", kpi="volume:" + pl.col("measure"),
                    target_value=pl.col("target_value").cast(pl.Float64),
                    direction=pl.lit("minst"))
            .sort("forbund", "insats", "kpi", "year"))


def _round5(x: float) -> float:
    """Round a share to the nearest 5 percentage points, as targets usually are."""
    return round(round(x * 20) / 20, 2)
