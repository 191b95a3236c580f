"""Golden cases: inputs as CSV under golden/<case>/, expected KPIs reviewed and committed.

`pytest tests/metrics --update-golden` rewrites expected.json; review the diff before
committing it.
"""

import json

import pytest

from metrics.engine import compute_kpis
from tests.metrics.golden_io import cases, expected_path, load_frames, load_selection, snapshot


def _close(got, expected) -> bool:
    if isinstance(expected, dict):
        return isinstance(got, dict) and got.keys() == expected.keys() and all(
            _close(got[k], v) for k, v in expected.items())
    if expected is None or got is None:
        return got is expected
    return got == pytest.approx(expected, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("case", cases())
def test_golden_case(case, update_golden):
    got = snapshot(compute_kpis(load_frames(case), load_selection(case)))
    path = expected_path(case)
    if update_golden:
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=False) + "\n",
                        encoding="utf-8")
        pytest.skip("golden file rewritten")
    assert path.exists(), f"no expected.json for {case}: run pytest --update-golden and review"
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert got["kpis"].keys() == expected["kpis"].keys()
    for key, value in expected["kpis"].items():
        assert _close(got["kpis"][key], value), (key, got["kpis"][key], value)
    for part in ("target_status", "missing_targets", "ignored_filters"):
        assert got[part] == expected[part], part
