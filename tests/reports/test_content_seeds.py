"""The seed reports' numbers, printed by the report builder the Swedish way.

SOT Västerås 2017 (seed 001) and Samverkansteam Avesta's budget 2022 (seed 002), read from
the seed documents in ../shared when they are there (as tests/metrics/test_seeds.py does);
the same strings are then looked for in the rendered PDF's text when the PDF renderer is
there.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest

from metrics.selection import Selection
from reports.content import build_report
from reports.model import Report
from tests.metrics.factories import budget_line, frames, insats
from tests.metrics.test_seeds import SEEDS, budget_spent_remaining, seed
from tests.reports.test_content import GROUPS, PAYOFF, cell, find, report, tables

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not here")

AVESTA_FORBUND = "Södra Dalarnas Samordningsförbund"
AVESTA = "Samverkansteam Avesta"
#: Seed 002's cost lines as OCR spells them -> as the report spells them.
AVESTA_LINES = {"Egen personal": "Egen personal",
                "Externa tjanster i teamet": "Externa tjänster i teamet",
                "Lokaler": "Lokaler", "Ovriga kostnader": "Övriga kostnader"}


def _sot_numbers() -> dict[str, int]:
    text = re.sub(r"\s+", " ", seed("001"))
    started = re.search(r"= (\d+) personer varav (\d+) fran FK, (\d+) fran Af, (\d+) fran SKE "
                        r"och (\d+) pa egen hand", text)
    ended = re.search(r"= (\d+) och som avbrutit insatsen = (\d+)", text)
    active = re.search(r"(\d+) deltagare sammantaget var 20180101 aktuella", text)
    sexes = re.search(r"Kvinnor: (\d+) Man:(\d+)", text)
    assert started and ended and active and sexes
    return {"started": int(started[1]), "fk": int(started[2]), "af": int(started[3]),
            "ske": int(started[4]), "egen": int(started[5]), "completed": int(ended[1]),
            "dropped_out": int(ended[2]), "active": int(active[1]), "women": int(sexes[1]),
            "men": int(sexes[2])}


def test_the_sot_data_is_seed_001():
    n = _sot_numbers()
    referrers: dict[str, int] = {}
    for spec in GROUPS.values():
        for name, count in spec["referrers"].items():
            referrers[name] = referrers.get(name, 0) + count
    assert referrers == {"Försäkringskassan": n["fk"], "Arbetsförmedlingen": n["af"],
                         "Kommun": n["ske"], "Egen ansökan": n["egen"]}
    assert sum(s["women"] for s in GROUPS.values()) == n["women"]
    assert sum(referrers.values()) == n["started"] == n["women"] + n["men"]
    assert sum(s["active"] for s in GROUPS.values()) == n["active"]
    assert "verksamhetskostnader ska aterbetalas pa 34 manader" in seed("001")


def sot_strings(rep: Report, threshold: int) -> dict[str, str]:
    """What the SOT report prints for each seed figure (checked below, and in the PDF)."""
    key = find(rep, "Nyckeltal för urvalet")
    out = {label: cell(key, label, "Värde") for label in (
        "Nya deltagare", "Avslutade", "Fullföljda", "Avbrutna", "Aktiva vid periodens slut",
        "Andel till fortsatt rehabilitering", "Andel avbrott")}
    shares = find(rep, "Andelar vid avslut")
    if threshold == 0:
        out |= {label: cell(shares, label, "Värde") for label in (
            "Andel till arbete", "Andel till studier", "Andel till arbete inkl. avbrott",
            "Andel till studier inkl. avbrott",
            "Andel till fortsatt rehabilitering inkl. avbrott")}
    return out


@pytest.mark.parametrize("threshold", [5, 0])
def test_sot_2017_figures_of_seed_001(threshold):
    n = _sot_numbers()
    rep = report(threshold=threshold)
    shown = sot_strings(rep, threshold)
    assert shown["Nya deltagare"] == str(n["started"]) == "115"
    assert shown["Avslutade"] == str(n["completed"] + n["dropped_out"]) == "95"
    assert shown["Fullföljda"] == "51" and shown["Avbrutna"] == "44"
    assert shown["Aktiva vid periodens slut"] == str(n["active"]) == "63"
    assert shown["Andel till fortsatt rehabilitering"] == "84,3 %"
    assert shown["Andel avbrott"] == "46,3 %"  # the seed prints 46 %
    if threshold == 0:  # the shares of 2 and 6 people are bounds under disclosure control
        assert shown["Andel till arbete"] == "11,8 %"  # seed: 12 %
        assert shown["Andel till studier"] == "3,9 %"  # seed: 4 %
        assert shown["Andel till arbete inkl. avbrott"] == "6,3 %"  # seed prints 8 %
        assert shown["Andel till studier inkl. avbrott"] == "2,1 %"  # seed: 2 %
        assert shown["Andel till fortsatt rehabilitering inkl. avbrott"] == "45,3 %"  # 44 %
    outcomes = find(rep, "Avslut per bas")
    assert [r[3] for r in outcomes.rows[:3]] == ["25,0 %", "20,0 %", "55,0 %"]
    per_referrer = find(rep, "Nya deltagare per remittent")
    assert cell(per_referrer, "Försäkringskassan", "Nya deltagare") == str(n["fk"])
    assert cell(per_referrer, "Arbetsförmedlingen", "Nya deltagare") == str(n["af"])
    assert cell(per_referrer, "Egen ansökan", "Nya deltagare") == (
        "<5" if threshold else str(n["egen"]))
    per_sex = find(rep, "Nya deltagare per kön")
    assert (cell(per_sex, "Kvinna", "Nya deltagare"), cell(per_sex, "Man", "Nya deltagare")) \
        == (str(n["women"]), str(n["men"]))
    per_group = find(rep, "Avslut per grupp")
    assert cell(per_group, "Upplevelsegruppen", "Fullföljda") == "21"  # seed 001
    if threshold == 0:  # under control, some are hidden so no small count follows
        assert cell(per_group, "MAC", "Fullföljda") == "17"
        assert cell(per_group, "MAC", "Avslutade") == "29"  # 17 + 12 avbrutit


def test_sot_2017_payoff_payback_per_actor_against_34_months():
    payoff = find(report(), "Samhällsekonomisk återbetalning per aktör")
    assert [r[0] for r in payoff.rows] == list(PAYOFF)
    payback = {r[0]: cell(payoff, r[0], "Återbetalningstid (mån)") for r in payoff.rows}
    # PayOff prints 70 and 53 from unrounded figures (docs/KPI.md)
    assert payback == {"Samhället": "69,0", "Kommunen": "236,2", "Regionen": "732,0",
                       "Staten": "50,8", "Arbetsförmedlingen": "100,5",
                       "Försäkringskassan": "52,2"}
    assert {r[payoff.header.index("Mål (mån)")] for r in payoff.rows} == {"34,0"}
    assert {cell(payoff, a, "Mot målet") for a in PAYOFF} == {"Mål ej uppfyllt"}
    assert cell(payoff, "Samhället", "Kostnad") == "9 200 000 kr"
    assert cell(payoff, "Samhället", "Lönsamhet 5 år (prognos)") == "−1 200 000 kr"
    assert cell(payoff, "Staten", "Lönsamhet 5 år (prognos)") == "1 000 000 kr"


def avesta_2022() -> Report:
    lines = {}
    for name in AVESTA_LINES:
        m = re.search(rf"^{name} ([-\d ]+)$", seed("002"), re.MULTILINE)
        assert m, name
        lines[AVESTA_LINES[name]] = budget_spent_remaining(m[1].split())[:2]
    fr = frames(
        insatser=[insats(forbund=AVESTA_FORBUND, insats=AVESTA)],
        budget_lines=[budget_line(name, b, s, forbund=AVESTA_FORBUND, insats=AVESTA,
                                  year=2022, period=date(2022, 12, 31))
                      for name, (b, s) in lines.items()])
    sel = Selection(forbund=(AVESTA_FORBUND,), date_from=date(2022, 1, 1),
                    date_to=date(2022, 12, 31), insatser=(AVESTA,))
    return build_report(fr, sel, "insats", made=date(2023, 2, 1))


#: Seed 002's "Tabell: budgetutfall per 2022-12-31" as the report prints it.
AVESTA_TABLE = {
    "Egen personal": ("2 000 000 kr", "1 923 361 kr", "76 639 kr", "96,2 %"),
    "Externa tjänster i teamet": ("150 000 kr", "90 498 kr", "59 502 kr", "60,3 %"),
    # 8 460 / 40 000 = 21,15 %, rounded half up as KPI.md and the seed print it
    "Lokaler": ("40 000 kr", "8 460 kr", "31 540 kr", "21,2 %"),
    "Övriga kostnader": ("110 000 kr", "129 875 kr", "−19 875 kr", "118,1 %"),
    "Summa": ("2 300 000 kr", "2 152 194 kr", "147 806 kr", "93,6 %"),
}


def test_avesta_2022_budget_table_of_seed_002():
    rep = avesta_2022()
    budget = find(rep, "Budget och utfall per kostnadsslag")
    for name, expected in AVESTA_TABLE.items():
        assert tuple(cell(budget, name, h) for h in (
            "Budget", "Utfall", "Återstår", "Nyttjandegrad")) == expected, name
    assert cell(budget, "Övriga kostnader", "Status") == "Över budget"
    assert cell(budget, "Lokaler", "Status") == "Inom budget"
    assert cell(budget, "Summa", "Prognos helår") == "2 152 194 kr"  # the year is over
    totals = find(rep, "Budget och utfall")
    assert cell(totals, "Återstår", "Värde") == "147 806 kr"  # seed: "överskott på 147 806"
    assert "147 806" in seed("002")
    figure_tables = [t for t in tables(rep) if t is budget]
    assert figure_tables, "the table is the one beside the utilisation chart"


def _pdf_lines(rep: Report) -> list[str]:
    """The rendered PDF's text line by line (`pdftotext -layout`), spaces collapsed."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext saknas (apt-get install poppler-utils)")
    try:
        from reports.pdf import render_pdf
    except ImportError as err:  # the renderer is not there (yet)
        pytest.skip(f"reports.pdf.render_pdf kan inte importeras: {err}")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=render_pdf(rep, None),
                         capture_output=True, check=True).stdout.decode("utf-8")
    return [re.sub(r"\s+", " ", line.replace("\u2060", "")).strip()
            for line in out.splitlines()]


def _has(lines: list[str], *cells: str) -> bool:
    """A table row starts with `cells` (a long first cell may wrap: its first word counts)."""
    return any(line.startswith(" ".join(cells)) for line in lines) or any(
        line.startswith(" ".join((cells[0].split()[0], *cells[1:]))) for line in lines)


def test_sot_2017_figures_are_in_the_pdf():
    rep = report(threshold=0)
    lines = _pdf_lines(rep)
    for label, shown in sot_strings(rep, 0).items():
        assert _has(lines, label, shown), (label, shown)
    for actor, months in (("Samhället", "69,0"), ("Staten", "50,8")):
        assert any(line.startswith(actor) and f" {months} 34,0" in line for line in lines)


def test_avesta_2022_budget_table_is_in_the_pdf():
    lines = _pdf_lines(avesta_2022())
    for name, cells in AVESTA_TABLE.items():
        assert _has(lines, name, *cells), name
