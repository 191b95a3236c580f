"""Survey, volume and population data for the demo.

NNS indicators, volumes of structural insatser and helårsekvivalenter. Shares come from whole
answer counts, so `Samtliga` is exactly Kvinnor + Män and each row's negative + neutral +
positive is 1 up to rounding.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from loaders.demo_names import (
    BENEFIT_AREAS,
    BENEFIT_RATES,
    NNS_PERIODS,
    NNS_QUESTIONS,
    VOLUME_MEASURES,
)
from loaders.demo_util import CUTOFF, FIRST_YEAR, InsatsPlan

PARTICIPANT_GROUPS = ("Deltagare pågående", "Deltagare avslut")
INSATS_GROUPS = (*PARTICIPANT_GROUPS, "Personal", "Remittent")


def indicators(plans: list[InsatsPlan], forbund: list[str],
               rng: np.random.Generator) -> pl.DataFrame:
    """Two measurement periods per question and respondent group.

    Participants (also by sex), staff and referrers answer per individual insats; the board
    and committees answer for the whole förbund (Insats blank).
    """
    targets = [(p.forbund, p.name) for p in plans if p.individual] + [(f, "") for f in forbund]
    rows = []
    for forbund_name, insats in targets:
        for indicator, groups, question in NNS_QUESTIONS:
            for group in groups:
                if (group in INSATS_GROUPS) != bool(insats):
                    continue
                by_sex = group in PARTICIPANT_GROUPS
                base = rng.uniform(0.55, 0.9)
                size = rng.uniform(12, 45) if by_sex else rng.uniform(5, 15)
                for k, period in enumerate(NNS_PERIODS):
                    level = np.clip(base + k * rng.normal(0.02, 0.05), 0.3, 0.97)
                    rows += _answers(rng, forbund_name, insats, period, indicator, question,
                                     group, level, size, by_sex)
    return pl.DataFrame(rows, orient="row", schema={
        "forbund": pl.String, "insats": pl.String, "measurement_period": pl.String,
        "indicator": pl.Int64, "question": pl.String, "respondent_group": pl.String,
        "sex": pl.String, "n_answers": pl.Int64, "negative": pl.Float64, "neutral": pl.Float64,
        "positive": pl.Float64, "clearly_positive": pl.Float64, "response_rate": pl.Float64})


def _answers(rng, forbund, insats, period, indicator, question, group, level, size,
             by_sex) -> list[tuple]:
    """Rows for Kvinnor, Män and Samtliga (or Samtliga only) from drawn answer counts."""
    parts = {"Kvinnor": 0.65, "Män": 0.35} if by_sex else {"Samtliga": 1.0}
    counts = {}
    for sex, share in parts.items():
        n = max(3, int(rng.poisson(size * share)))
        pos = rng.binomial(n, level)
        neg = rng.binomial(n - pos, rng.uniform(0.15, 0.5))
        clear = rng.binomial(pos, rng.uniform(0.45, 0.8))
        asked = int(np.ceil(n / rng.uniform(0.35, 0.85)))
        counts[sex] = np.array([n, neg, n - pos - neg, pos, clear, asked])
    if by_sex:
        counts["Samtliga"] = counts["Kvinnor"] + counts["Män"]
    rows = []
    for sex in ("Samtliga", "Kvinnor", "Män"):
        if sex not in counts:
            continue
        n, neg, neu, pos, clear, asked = (int(v) for v in counts[sex])
        rows.append((forbund, insats, period, indicator, question, group, sex, n,
                     round(neg / n, 4), round(neu / n, 4), round(pos / n, 4),
                     round(clear / n, 4), round(n / asked, 4)))
    return rows


def volumes(plans: list[InsatsPlan], rng: np.random.Generator) -> pl.DataFrame:
    """Quarterly counts for each structural insats's measures, by sex where it applies."""
    last = CUTOFF.year * 4 + (CUTOFF.month - 1) // 3
    rows = []
    for plan in (p for p in plans if not p.individual):
        chosen = rng.choice(len(VOLUME_MEASURES), size=int(rng.integers(2, 4)), replace=False)
        first = max(FIRST_YEAR, plan.start.year) * 4 + (
            (plan.start.month - 1) // 3 if plan.start.year >= FIRST_YEAR else 0)
        for m in sorted(chosen):
            measure, by_sex, mean = VOLUME_MEASURES[m]
            level, growth = mean * rng.uniform(0.6, 1.5), rng.uniform(-0.01, 0.04)
            for k, q in enumerate(range(first, last + 1)):
                season = 0.6 if q % 4 == 2 else 1.0  # quiet summer quarter
                total = int(rng.poisson(level * (1 + growth) ** k * season))
                period = f"{q // 4}-Q{q % 4 + 1}"
                rows.append((plan.forbund, plan.name, period, measure, "Samtliga", total))
                if by_sex:
                    women = int(rng.binomial(total, 0.6))
                    rows += [(plan.forbund, plan.name, period, measure, "Kvinnor", women),
                             (plan.forbund, plan.name, period, measure, "Män", total - women)]
    return pl.DataFrame(rows, orient="row", schema={
        "forbund": pl.String, "insats": pl.String, "period": pl.String, "measure": pl.String,
        "sex": pl.String, "count": pl.Int64})


#: Yearly change per benefit, with the pandemic bump in sickness and unemployment.
BENEFIT_TREND = {"Sjukpenning": {2020: 1.15, 2021: 1.10}, "Arbetslöshet": {2020: 1.45, 2021: 1.2}}
BENEFIT_DRIFT = {"Sjukpenning": 0.0, "Sjuk- och aktivitetsersättning": -0.04,
                 "Arbetslöshet": 0.01, "Arbetsmarknadspolitiska åtgärder": -0.01,
                 "Ekonomiskt bistånd": -0.03, "Etableringsersättning": -0.10}


def benefit_fye(rng: np.random.Generator, years: range = range(2018, 2026)) -> pl.DataFrame:
    """Helårsekvivalenter 20–64 per demo area, year, benefit and sex (Samtliga = K + M)."""
    rows = []
    for area, population in BENEFIT_AREAS.items():
        for year in years:
            pop = round(population * 1.006 ** (year - years[0]))
            pop_women = round(pop * 0.49)
            for benefit, (rate, women_share) in BENEFIT_RATES.items():
                level = (rate * (1 + BENEFIT_DRIFT[benefit]) ** (year - years[0])
                         * BENEFIT_TREND.get(benefit, {}).get(year, 1.0)
                         * rng.normal(1.0, 0.03))
                fye = pop * level
                women = float(round(fye * women_share))
                men = float(round(fye)) - women
                rows += [(area, year, benefit, "Samtliga", women + men, pop),
                         (area, year, benefit, "Kvinnor", women, pop_women),
                         (area, year, benefit, "Män", men, pop - pop_women)]
    return pl.DataFrame(rows, orient="row", schema={
        "area": pl.String, "year": pl.Int64, "benefit": pl.String, "sex": pl.String,
        "fye": pl.Float64, "population_20_64": pl.Int64})
