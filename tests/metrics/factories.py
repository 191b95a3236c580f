"""Tiny input frames for metric tests: one function per table with sensible defaults.

`episode(**overrides)` returns a row dict; `frame("episodes", rows)` a typed frame;
`frames(episodes=[...], budget_lines=[...])` the full dict `compute_kpis` takes. Randomness
is seeded (`random_episodes(n, seed=42)`).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import polars as pl

from loaders.contract import EDUCATION, EXIT_REASONS, INCOME_SOURCES, REFERRERS, SEX
from metrics.frames import SCHEMAS
from metrics.selection import Selection

FORBUND = "Testförbundet"
INSATS = "Steget"


def episode(**overrides) -> dict:
    """An ended 2023 episode that went to work; override any column."""
    row = {
        "forbund": FORBUND, "insats": INSATS, "grupp": None, "participant_id": "D-1",
        "sex": "Kvinna", "age_at_start": 34, "referrer": "Försäkringskassan",
        "income_before": "Sjukpenning/rehabiliteringspenning", "public_support_years": 3.0,
        "education": "Gymnasial", "start_date": date(2023, 2, 1),
        "end_date": date(2023, 9, 30), "exit_reason": "Arbete", "income_after": "Lön",
        "step_start": 3, "step_end": 5,
    }
    row.update(overrides)
    if "outcome_group" not in overrides:
        row["outcome_group"] = EXIT_REASONS.get(row["exit_reason"]) if row["end_date"] else None
    if row["end_date"] is None and "exit_reason" not in overrides:
        row["exit_reason"] = row["outcome_group"] = None
    return row


def open_episode(**overrides) -> dict:
    """An episode still running."""
    return episode(**{"end_date": None, "exit_reason": None, "income_after": None,
                      "step_end": None, **overrides})


def insats(**overrides) -> dict:
    return {"forbund": FORBUND, "insats": INSATS, "kind": "Individinriktad",
            "start_date": None, "end_date": None, "capacity_fye": None,
            "granted_amount": None, "owner": None, **overrides}


def target(kpi: str, value: float, **overrides) -> dict:
    return {"forbund": FORBUND, "insats": INSATS, "year": 2023, "kpi": kpi,
            "target_value": value, "direction": "minst", **overrides}


def followup(participant_id: str, months: int, status: str, **overrides) -> dict:
    return {"forbund": FORBUND, "insats": INSATS, "participant_id": participant_id,
            "start_date": date(2023, 2, 1), "months_after": str(months), "status": status,
            "income": None, **overrides}


def budget_line(category: str, budget: float, spent: float | None, **overrides) -> dict:
    return {"forbund": FORBUND, "insats": INSATS, "year": 2023, "period": date(2023, 12, 31),
            "cost_category": category, "budget": budget, "spent": spent, **overrides}


def funding(member: str, amount: float, **overrides) -> dict:
    return {"forbund": FORBUND, "year": 2023, "member": member, "amount": amount, **overrides}


def socio(actor: str, revenue: float, *, cost: float | None = None,
          profit_1y: float | None = None, **overrides) -> dict:
    return {"forbund": FORBUND, "insats": INSATS, "period": "2023", "actor": actor,
            "participants": 10, "revenue_per_year": revenue, "cost": cost,
            "profit_1y": profit_1y, **overrides}


def unit_cost(status: str, actor: str, kr: float) -> dict:
    return {"status": status, "actor": actor, "sek_per_year": kr}


def indicator(positive: float, n: int = 20, **overrides) -> dict:
    return {"forbund": FORBUND, "insats": "", "measurement_period": "2023", "indicator": 1,
            "question": "Jag har fått stöd", "respondent_group": "Deltagare avslut",
            "sex": "Samtliga", "n_answers": n, "negative": round(1 - positive, 6) / 2,
            "neutral": round(1 - positive, 6) / 2, "positive": positive,
            "clearly_positive": positive / 2, "response_rate": 0.5, **overrides}


def volume(measure: str, n: int, **overrides) -> dict:
    return {"forbund": FORBUND, "insats": INSATS, "period": "2023", "measure": measure,
            "sex": "Samtliga", "count": n, **overrides}


def benefit(benefit_name: str, fye: float, **overrides) -> dict:
    return {"area": "Teststad", "year": 2023, "benefit": benefit_name, "sex": "Samtliga",
            "fye": fye, "population_20_64": 10_000, **overrides}


def frame(table: str, rows: list[dict] | None = None) -> pl.DataFrame:
    """A typed frame for `table` from row dicts (columns not given are null)."""
    schema = SCHEMAS[table]
    rows = rows or []
    return pl.DataFrame([{c: r.get(c) for c in schema} for r in rows], schema=schema,
                        orient="row") if rows else pl.DataFrame(schema=schema)


def frames(**tables: list[dict]) -> dict[str, pl.DataFrame]:
    """Every table, typed; tables not given are empty."""
    return {name: frame(name, tables.get(name)) for name in SCHEMAS}


def selection(year: int = 2023, **overrides) -> Selection:
    """The test förbund over a calendar year."""
    kw = {"forbund": (FORBUND,), "date_from": date(year, 1, 1), "date_to": date(year, 12, 31)}
    kw.update(overrides)
    return Selection(**kw)


def random_episodes(n: int, *, seed: int = 42, forbund: int = 3, insatser: int = 4,
                    first: date = date(2018, 1, 1), days: int = 6 * 365) -> pl.DataFrame:
    """`n` plausible random episodes (seeded), for property tests and benchmarks."""
    rng = random.Random(seed)
    reasons = list(EXIT_REASONS)
    rows = []
    for i in range(n):
        start = first + timedelta(days=rng.randrange(days))
        ended = rng.random() < 0.8
        end = start + timedelta(days=rng.randrange(0, 700)) if ended else None
        reason = rng.choice(reasons) if ended else None
        rows.append(episode(
            forbund=f"Förbund {rng.randrange(forbund)}", insats=f"Insats {rng.randrange(insatser)}",
            participant_id=f"D-{i}", sex=rng.choice(SEX), age_at_start=rng.randrange(16, 66),
            referrer=rng.choice(REFERRERS), income_before=rng.choice(INCOME_SOURCES),
            public_support_years=round(rng.random() * 12, 1), education=rng.choice(EDUCATION),
            start_date=start, end_date=end, exit_reason=reason,
            income_after=rng.choice(INCOME_SOURCES) if ended else None,
            step_start=rng.randrange(1, 8), step_end=rng.randrange(1, 10) if ended else None))
    return frame("episodes", rows)
