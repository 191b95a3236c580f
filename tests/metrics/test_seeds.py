"""The worked examples, read from the seed documents in ../shared when they are there."""

import re
from datetime import date
from pathlib import Path

import pytest

from metrics.engine import compute_kpis
from tests.metrics.factories import benefit, budget_line, frames, selection

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not here")


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*")).read_text(encoding="utf-8", errors="replace")


def amount(text: str) -> int:  # "86 708" -> 86708
    return int(text.replace(" ", ""))


def budget_spent_remaining(tokens: list[str]) -> tuple[int, int, int]:
    """Split OCR'd digit groups ("1923 361 76 639") into the three amounts that add up."""
    n = len(tokens)
    for i in range(1, n - 1):
        for j in range(i + 1, n):
            try:
                b, s, r = (int("".join(t)) for t in (tokens[:i], tokens[i:j], tokens[j:]))
            except ValueError:  # a minus sign inside a joined number
                continue
            if b - s == r:
                return b, s, r
    raise AssertionError(tokens)


def test_avesta_2022_budget_table_from_seed_002():
    lines = {}
    for name in ("Egen personal", "Externa tjanster i teamet", "Lokaler", "Ovriga kostnader"):
        m = re.search(rf"^{name} ([-\d ]+)$", seed("002"), re.MULTILINE)
        assert m, name
        lines[name] = budget_spent_remaining(m[1].split())[:2]
    assert lines["Lokaler"] == (40_000, 8_460)
    fr = frames(budget_lines=[budget_line(n, b, s, year=2022, period=date(2022, 12, 31))
                              for n, (b, s) in lines.items()])
    v = compute_kpis(fr, selection(2022)).values
    assert (v["budget"], v["spent"], v["remaining"]) == (2_300_000, 2_152_194, 147_806)
    assert round(v["utilisation"] * 100, 1) == 93.6


def test_vasteras_2018_benefits_row_from_seed_004():
    m = re.search(r"^Vasteras 2018 ((?:\d+ ){6})(\d+) (\d+ \d{3}) (\d+,\d)$", seed("004"),
                  re.MULTILINE)
    assert m
    per_benefit = [int(x) for x in m[1].split()]
    fr = frames(benefit_fye=[benefit(f"B{i}", fye, area="Västerås", year=2018,
                                     population_20_64=amount(m[3]))
                             for i, fye in enumerate(per_benefit)])
    v = compute_kpis(fr, selection(2018, omrade=("Västerås",))).values
    assert v["fye_benefits"] == int(m[2]) == 13_198
    assert f"{v['fye_benefits_share'] * 100:.1f}".replace(".", ",") == m[4] == "15,2"


def test_sot_2017_counts_in_seed_001_match_the_kpi_md_example():
    text = seed("001")
    assert "= 51 och som avbrutit insatsen = 44" in text
    assert "Resultat inklusive deltagare som avbrutit: 95 personer" in text
