"""Read and write golden cases: input CSV tables, a selection, the expected KPIs."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import polars as pl

from metrics.frames import SCHEMAS
from metrics.result import KpiResult
from metrics.selection import Selection

GOLDEN = Path(__file__).parent / "golden"


def cases() -> list[str]:
    return sorted(p.name for p in GOLDEN.iterdir() if (p / "selection.json").exists())


def _spec(case: str) -> dict:
    return json.loads((GOLDEN / case / "selection.json").read_text(encoding="utf-8"))


def load_frames(case: str) -> dict[str, pl.DataFrame]:
    """Every table of the case (`<table>.csv`, ISO dates, `,` separated); others empty.

    A case whose selection.json names `"inputs": "<other case>"` reads that case's tables.
    """
    case = _spec(case).get("inputs", case)
    out = {}
    for name, schema in SCHEMAS.items():
        path = GOLDEN / case / f"{name}.csv"
        if not path.exists():
            out[name] = pl.DataFrame(schema=schema)
            continue
        raw = pl.read_csv(path, infer_schema=False)
        out[name] = raw.select(
            (pl.col(c).str.to_date("%Y-%m-%d") if t == pl.Date else pl.col(c).cast(t))
            if c in raw.columns else pl.lit(None, dtype=t).alias(c)
            for c, t in schema.items())
        if name in ("targets", "budget_lines", "indicators"):  # blank Insats is stored as ''
            out[name] = out[name].with_columns(pl.col("insats").fill_null(""))
    return out


def load_selection(case: str) -> Selection:
    spec = _spec(case)
    spec.pop("inputs", None)
    spec["date_from"] = date.fromisoformat(spec.pop("from"))
    spec["date_to"] = date.fromisoformat(spec.pop("to"))
    return Selection(**spec)


def _round(value):
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    return value


def snapshot(result: KpiResult) -> dict:
    """The reviewed part of a result: KPI values (rounded), target statuses, missing targets."""
    out = result.to_json()
    return {"kpis": {k: _round(v) for k, v in out["kpis"].items()},
            "target_status": out["target_status"], "missing_targets": out["missing_targets"],
            "ignored_filters": out["ignored_filters"]}


def expected_path(case: str) -> Path:
    return GOLDEN / case / "expected.json"
