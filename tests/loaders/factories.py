"""Small typed frames for loader and importer tests, built like the parser builds them."""

from __future__ import annotations

import hashlib
from datetime import date

import polars as pl
from sqlalchemy import select

from loaders.columns import frame_schema
from loaders.contract import SHEETS_BY_TABLE
from loaders.db import DATA_TABLES, row_history, uploads
from loaders.parse import ParseResult

DEFAULTS = {
    "insatser": {"forbund": "Demoförbundet Test", "insats": "Steget", "kind": "Individinriktad",
                 "start_date": date(2020, 1, 1), "end_date": None, "capacity_fye": 20.0,
                 "granted_amount": 1_000_000.0, "owner": "Demokommunen"},
    "episodes": {"forbund": "Demoförbundet Test", "insats": "Steget", "grupp": None,
                 "participant_id": "D-1", "sex": "Kvinna", "age_at_start": 30,
                 "referrer": "Försäkringskassan", "income_before": "Sjukersättning",
                 "public_support_years": 2.0, "education": "Gymnasial",
                 "start_date": date(2023, 1, 1), "end_date": None, "exit_reason": None,
                 "income_after": None, "step_start": 2, "step_end": None, "outcome_group": None},
    "budget_lines": {"forbund": "Demoförbundet Test", "insats": "Steget", "year": 2023,
                     "period": date(2023, 12, 31), "cost_category": "Lönekostnader",
                     "budget": 100_000.0, "spent": 90_000.0},
}


def rows(table: str, *overrides: dict) -> pl.DataFrame:
    """A frame of `table` with one row per override dict, defaults filling the rest."""
    schema = frame_schema(SHEETS_BY_TABLE[table])
    data = [{**{c: None for c in schema}, **DEFAULTS.get(table, {}), **o} for o in overrides]
    return pl.DataFrame(data, schema=schema)


def upload(**frames: pl.DataFrame) -> ParseResult:
    """A valid parsed upload of these frames, with a content hash like the parser's."""
    digest = hashlib.sha256()
    for name in sorted(frames):
        digest.update(name.encode())
        digest.update(frames[name].write_csv().encode())
    return ParseResult(frames=dict(frames), issues=[], file_names=[f"{n}.csv" for n in frames],
                       sha256=digest.hexdigest(), extra_columns={})


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every data row and bookkeeping row, sorted: compare before/after for atomicity."""
    out = {}
    with engine.connect() as conn:
        for name, table in [*DATA_TABLES.items(), ("uploads", uploads),
                            ("row_history", row_history)]:
            out[name] = sorted(tuple(map(repr, r)) for r in conn.execute(select(table)))
    return out
