"""Participant episodes and follow-ups for the demo, drawn for all rows at once.

Each insats gets a noisy version of its archetype (outcome mix, age, sex, referrers, time in
the insats), so the dashboard shows contrasts between insatser. Attributes are correlated the
way the seed reports describe: referrer -> income before, outcome -> income after and steps,
dropouts leave early, work outcomes improve slowly over the years.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from loaders.contract import (
    EDUCATION,
    EXIT_REASONS,
    FOLLOWUP_STATUS,
    INCOME_SOURCES,
    OUTCOME_GROUPS,
    REFERRERS,
    SEX,
)
from loaders.demo_names import (
    ARCHETYPES,
    EDUCATION_P,
    EDUCATION_P_YOUNG,
    INCOME_BY_REFERRER,
    REASONS_BY_GROUP,
    Archetype,
)
from loaders.demo_util import (
    CUTOFF,
    FIRST_DAY,
    InsatsPlan,
    categorical,
    categorical_by,
    day,
    draw,
    noisy,
    pick,
    to_date,
)

INC = {name: i for i, name in enumerate(INCOME_SOURCES)}
REASONS = tuple(EXIT_REASONS)
WORK, STUDIES, REHAB, OTHER, DROPOUT = range(5)
MONTH = 30.4375


def window(plan: InsatsPlan) -> tuple[int, int]:
    """First and last possible start day of an episode in the insats."""
    last = min(day(CUTOFF), day(plan.end) if plan.end else day(CUTOFF))
    return max(day(FIRST_DAY), day(plan.start)), last


def build_episodes(plans: list[InsatsPlan], counts: np.ndarray,
                   rng: np.random.Generator) -> pl.DataFrame:
    """`counts[i]` episodes for each plan, sorted by förbund, insats and start date."""
    arch = [ARCHETYPES[p.archetype] for p in plans]
    ins = np.repeat(np.arange(len(plans)), counts)
    n = ins.size
    start = _start_days(plans, ins, rng)
    p = _people(arch, ins, rng)
    group_idx, group_labels, group_effect = _groups(plans, ins, rng)
    group = _outcome_groups(arch, ins, start, p, group_effect, rng)
    median_months = np.array([a.duration_months for a in arch]) * rng.uniform(0.7, 1.3, len(arch))
    scale = np.where(group == DROPOUT, 0.5, 1.0) * median_months[ins] * MONTH
    days = np.clip(np.exp(np.log(scale) + rng.normal(0, 0.55, n)), 14, 730).astype(np.int64)
    ins_end = np.array([day(p.end) if p.end else day(CUTOFF) + 10_000 for p in plans])
    end = np.minimum(start + days - 1, ins_end[ins])
    is_open = end > day(CUTOFF)

    reason = _reasons(rng, group, end - start + 1)
    after = _income_after(rng, group, reason, p["before"], p["age"])
    steps = np.array([rng.random() < 0.8 for _ in plans])[ins] & (rng.random(n) < 0.95)
    step_start = draw(rng, (0.15, 0.30, 0.30, 0.17, 0.08), n) + 1
    low, high = np.array([2, 1, 0, -1, -1])[group], np.array([5, 4, 3, 2, 1])[group]
    step_end = np.clip(step_start + rng.integers(low, high + 1), 1, 9)
    return pl.DataFrame({
        "forbund": pick([p.forbund for p in plans], ins),
        "insats": pick([p.name for p in plans], ins),
        "grupp": pick(group_labels, group_idx, null=group_idx < 0),
        "participant_id": _participant_ids(rng, ins, start, end, is_open),
        "sex": pick(SEX, p["sex"]),
        "age_at_start": p["age"],
        "referrer": pick(REFERRERS, p["referrer"]),
        "income_before": pick(INCOME_SOURCES, p["before"], null=rng.random(n) < 0.02),
        "public_support_years": pl.Series(p["support"]).scatter(
            np.flatnonzero(rng.random(n) < 0.04), None),
        "education": pick(EDUCATION, p["education"], null=rng.random(n) < 0.03),
        "start_date": to_date(start),
        "end_date": to_date(end, null=is_open),
        "exit_reason": pick(REASONS, reason, null=is_open),
        "income_after": pick(INCOME_SOURCES, after, null=is_open | (rng.random(n) < 0.03)),
        "step_start": pl.Series(step_start).scatter(np.flatnonzero(~steps), None),
        "step_end": pl.Series(step_end).scatter(np.flatnonzero(~steps | is_open), None),
        "outcome_group": pick(OUTCOME_GROUPS, group, null=is_open),
    })


def _start_days(plans: list[InsatsPlan], ins: np.ndarray, rng: np.random.Generator):
    """Start days, ascending within each insats; intake trends up or down, dips in July."""
    n = ins.size
    lo, hi = np.array([window(p) for p in plans]).T
    # Positions in the window from a linear density 1 + g·x (inverse of its CDF).
    trend = rng.uniform(-0.3, 0.6, len(plans))[ins]
    u = rng.random(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(np.abs(trend) < 1e-9, u, (np.sqrt(1 + trend * (2 + trend) * u) - 1) / trend)
    start = lo[ins] + np.floor(x * (hi - lo + 1)[ins]).astype(np.int64)
    month = start.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1
    summer = (month == 7) & (rng.random(n) < 0.4) & (start + 31 <= hi[ins])
    start = np.where(summer, start + 31, start)
    return start[np.lexsort((start, ins))]  # ins stays grouped


def _people(arch: list[Archetype], ins: np.ndarray,
            rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Who takes part: sex, age, referrer, income before, years on support, education."""
    n, n_ins = ins.size, len(arch)
    men = np.clip([a.men_share for a in arch] + rng.normal(0, 0.05, n_ins), 0.1, 0.7)
    sex = np.where(rng.random(n) < 0.01, 2, (rng.random(n) < men[ins]).astype(np.int64))
    young = np.array([a.age_mean < 30 for a in arch])
    age_mean = np.array([a.age_mean for a in arch]) + rng.normal(0, 1.5, n_ins)
    age = np.rint(rng.normal(age_mean[ins], np.array([a.age_sd for a in arch])[ins]))
    age = np.clip(age, np.where(young, 16, 18)[ins], np.where(young, 29, 66)[ins])
    age = age.astype(np.int64)
    referrer = categorical_by(rng, noisy(rng, np.array([a.referrer for a in arch]), 0.2), ins)
    before = categorical_by(rng, INCOME_BY_REFERRER, referrer)
    newcomer = np.array([a.newcomers for a in arch])[ins] & (rng.random(n) < 0.45)
    before = _age_benefit(np.where(newcomer, INC["Etableringsersättning"], before), age)
    support = (np.array([a.support_years for a in arch]) * rng.uniform(0.8, 1.25, n_ins))[ins]
    support = support * np.exp(rng.normal(0, 0.8, n))
    support = np.minimum(np.round(support * 2) / 2, np.maximum(age - 16, 0))
    education = np.where(age < 25, draw(rng, EDUCATION_P_YOUNG, n), draw(rng, EDUCATION_P, n))
    return {"sex": sex, "age": age, "referrer": referrer, "before": before,
            "support": support, "education": education}


def _outcome_groups(arch, ins, start, p, group_effect, rng) -> np.ndarray:
    """Outcome group per episode, from the insats's mix.

    Work gets likelier over the years and in some grupper, studies for the young, and
    'other' (e.g. sjukersättning) for those already on disability benefits.
    """
    year = start.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    probs = noisy(rng, np.array([a.outcome for a in arch]), 0.2)[ins]
    probs[:, WORK] *= (1 + 0.04 * (year - FIRST_DAY.year)) * group_effect
    probs[:, STUDIES] *= np.where(p["age"] < 30, 1.4, 1.0)
    disability = np.isin(p["before"], [INC["Sjukersättning"], INC["Aktivitetsersättning"]])
    probs[:, WORK] *= np.where(disability, 0.5, 1.0)
    probs[:, OTHER] *= np.where(disability, 1.6, 1.0)
    return categorical(rng, probs)


def _age_benefit(income: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Aktivitetsersättning is for people under 30, sjukersättning from 30."""
    income = np.where((income == INC["Aktivitetsersättning"]) & (age >= 30),
                      INC["Sjukersättning"], income)
    return np.where((income == INC["Sjukersättning"]) & (age < 30),
                    INC["Aktivitetsersättning"], income)


def _groups(plans: list[InsatsPlan], ins: np.ndarray, rng: np.random.Generator):
    """Grupp per row (-1 = none), the flat label table and each row's effect on work."""
    width = max([len(p.grupper) for p in plans] + [1])
    weights = np.zeros((len(plans), width))
    labels: list[str] = []
    for i, p in enumerate(plans):
        weights[i, :len(p.grupper)] = rng.dirichlet(np.full(len(p.grupper), 4.0)) \
            if p.grupper else 0
        labels += list(p.grupper) + [""] * (width - len(p.grupper))
    effect = np.exp(rng.normal(0, 0.35, len(labels)))
    has = weights.sum(axis=1) > 0
    local = categorical_by(rng, np.where(has[:, None], weights, 1.0), ins)
    idx = np.where(has[ins], ins * width + local, -1)
    return idx, labels, np.where(idx >= 0, effect[np.maximum(idx, 0)], 1.0)


def _reasons(rng: np.random.Generator, group: np.ndarray, days: np.ndarray) -> np.ndarray:
    """An exit reason index (into contract.EXIT_REASONS) within each row's outcome group."""
    reason = np.zeros(group.size, dtype=np.int64)
    for g, name in enumerate(OUTCOME_GROUPS):
        rows = np.flatnonzero(group == g)
        options = REASONS_BY_GROUP[name]
        chosen = draw(rng, [p for _, p in options], rows.size)
        reason[rows] = np.array([REASONS.index(r) for r, _ in options])[chosen]
    early = (group == DROPOUT) & (days < 60) & (rng.random(group.size) < 0.7)
    return np.where(early, REASONS.index("Tidigt avhopp"), reason)


def _income_after(rng, group, reason, before, age) -> np.ndarray:
    """Income at exit: work -> Lön, studies -> Studiemedel, others mostly as before."""
    n = group.size
    u = rng.random(n)
    after = np.where(u < 0.8, before, INC["Okänd"])
    work = np.where(u < 0.9, INC["Lön"], INC["Annan"])
    studies = np.where(u < 0.85, INC["Studiemedel"], INC["Aktivitetsstöd/utvecklingsersättning"])
    rehab = np.where(u < 0.7, before, np.where(
        u < 0.85, INC["Aktivitetsstöd/utvecklingsersättning"],
        INC["Sjukpenning/rehabiliteringspenning"]))
    other = np.select(
        [reason == REASONS.index("Sjuk- eller aktivitetsersättning"),
         reason == REASONS.index("Medicinsk rehabilitering/vård"),
         reason == REASONS.index("Föräldraledighet")],
        [np.where(age < 30, INC["Aktivitetsersättning"], INC["Sjukersättning"]),
         np.where(u < 0.8, INC["Sjukpenning/rehabiliteringspenning"], before),
         np.full(n, INC["Annan"])],
        before)
    return np.select([group == WORK, group == STUDIES, group == REHAB, group == OTHER],
                     [work, studies, rehab, other], after)


def _participant_ids(rng, ins, start, end, is_open) -> pl.Series:
    """Pseudonymous ids; ~4 % are re-entries of someone who left the same insats earlier."""
    n = ins.size
    number = rng.permutation(n) + 1
    first_row = np.searchsorted(ins, ins)  # first row of each row's insats (ins is sorted)
    src = np.arange(n) - rng.integers(3, 40, n)
    ok = (rng.random(n) < 0.04) & (src >= first_row)
    src = np.where(ok, src, 0)
    ok &= ~is_open[src] & (end[src] < start)
    rows = np.flatnonzero(ok)
    _, first = np.unique(src[rows], return_index=True)
    rows = rows[first]
    rows = rows[~np.isin(rows, src[rows])]  # no chains: a source never re-enters itself here
    number[rows] = number[src[rows]]
    return pl.select(pl.lit("D-") + pl.lit(pl.Series(number)).cast(pl.String).str.zfill(7)
                     ).to_series()


FOLLOWUP_HORIZONS = (6, 12, 24)
FIRST_STATUS = {  # over FOLLOWUP_STATUS: Arbete, Studier, Rehab, Annat, Okänd
    WORK: (0.72, 0.03, 0.08, 0.10, 0.07), STUDIES: (0.15, 0.65, 0.05, 0.08, 0.07),
    REHAB: (0.12, 0.05, 0.55, 0.18, 0.10), OTHER: (0.05, 0.02, 0.10, 0.73, 0.10),
}
TRANSITION = np.array([(0.85, 0.03, 0.04, 0.05, 0.03), (0.15, 0.72, 0.04, 0.05, 0.04),
                       (0.15, 0.05, 0.60, 0.12, 0.08), (0.06, 0.02, 0.07, 0.80, 0.05),
                       (0.10, 0.05, 0.10, 0.15, 0.60)])


def build_followups(episodes: pl.DataFrame, coverage: dict[tuple[str, str], float],
                    rng: np.random.Generator) -> pl.DataFrame:
    """Status 6, 12 and 24 months after exit for a share of the completed episodes.

    `coverage[(förbund, insats)]` is the share followed up (insatser not in it: none).
    Only horizons already reached at the demo's cutoff get a row.
    """
    cov = pl.DataFrame({"forbund": [k[0] for k in coverage], "insats": [k[1] for k in coverage],
                        "cov": list(coverage.values())}, schema_overrides={"cov": pl.Float64})
    done = (episodes.filter(pl.col("outcome_group").is_in(list(OUTCOME_GROUPS[:4])))
            .join(cov, on=["forbund", "insats"], how="inner"))
    done = done.filter(pl.Series(rng.random(done.height)) < done["cov"])
    n = done.height
    group = done["outcome_group"].replace_strict(
        {g: i for i, g in enumerate(OUTCOME_GROUPS)}, return_dtype=pl.Int64).to_numpy()
    status = categorical_by(rng, [FIRST_STATUS[g] for g in range(4)], group)
    end = done["end_date"].cast(pl.Int32).to_numpy()
    frames = []
    for horizon, keep in zip(FOLLOWUP_HORIZONS, (1.0, 0.9, 0.75), strict=True):
        if horizon > 6:
            status = categorical_by(rng, TRANSITION, status)
        due = (end + round(horizon * MONTH) <= day(CUTOFF)) & (rng.random(n) < keep)
        frames.append(done.select("forbund", "insats", "participant_id", "start_date")
                      .with_columns(months_after=pl.lit(str(horizon)),
                                    status=pick(FOLLOWUP_STATUS, status),
                                    income=pick(INCOME_SOURCES, _followup_income(rng, status)))
                      .filter(pl.Series(due)))
    return pl.concat(frames).sort("forbund", "insats", "participant_id", "start_date",
                                  pl.col("months_after").cast(pl.Int64))


def _followup_income(rng: np.random.Generator, status: np.ndarray) -> np.ndarray:
    u = rng.random(status.size)
    return np.select(
        [status == 0, status == 1, status == 2, status == 3],
        [np.where(u < 0.9, INC["Lön"], INC["Annan"]),
         np.where(u < 0.85, INC["Studiemedel"], INC["Okänd"]),
         np.where(u < 0.5, INC["Sjukpenning/rehabiliteringspenning"],
                  INC["Aktivitetsstöd/utvecklingsersättning"]),
         np.where(u < 0.5, INC["Sjukersättning"],
                  np.where(u < 0.8, INC["Ekonomiskt bistånd"], INC["Annan"]))],
        INC["Okänd"])
