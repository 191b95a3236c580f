"""Meta-tests: every registry KPI is labelled, explained, computed and has a golden case."""

import json

from metrics.engine import compute_kpis
from metrics.registry import BY_KEY, KPIS, lookup
from tests.metrics.factories import frames, selection
from tests.metrics.golden_io import cases, expected_path


def test_every_kpi_has_a_label_and_help_text():
    for kpi in KPIS:
        assert kpi.label.strip() and kpi.help.strip(), kpi.key
        assert lookup(kpi.label) is kpi and lookup(kpi.key) is kpi


def test_labels_are_unique_and_denominators_are_kpis():
    assert len({k.label.casefold() for k in KPIS}) == len(KPIS)
    for kpi in KPIS:
        assert kpi.denominator is None or kpi.denominator in BY_KEY, kpi.key


def test_engine_computes_every_kpi():
    assert set(compute_kpis(frames(), selection()).values) == set(BY_KEY)


def test_every_kpi_has_a_golden_case_with_a_value():
    covered = set()
    for case in cases():
        expected = json.loads(expected_path(case).read_text(encoding="utf-8"))
        covered |= {k for k, v in expected["kpis"].items() if v is not None}
    assert set(BY_KEY) - covered == set()


def test_metrics_imports_neither_streamlit_nor_sqlalchemy():
    from pathlib import Path

    for path in (Path(__file__).parents[2] / "metrics").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import streamlit" not in text and "sqlalchemy" not in text, path.name
