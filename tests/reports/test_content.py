"""reports.content: the report tree of each kind, built from the pages' metric calls.

`sot_2017()` is Samordningsteam Västerås 2017 as seed 001 reports it (started per grupp,
remittent and kön; completed, dropped out and their outcomes; active on 2018-01-01) plus
its PayOff evaluation and targets: the seed and disclosure tests reuse it.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from metrics.selection import Selection
from reports.content import build_report, default_kind
from reports.content_goals import (
    HIDDEN,
    NO,
    PARTLY,
    UNKNOWN,
    YES,
    fulfilment,
)
from reports.model import Figure, Paragraph, Report, Section, Signature, Table
from tests.metrics.factories import (
    benefit,
    episode,
    frames,
    indicator,
    insats,
    socio,
    target,
)

ROOT = Path(__file__).resolve().parents[2]
FORBUND = "Samordningsförbundet Västerås"
SOT = "Samordningsteam Västerås"
REHAB = "Fortsatt arbetslivsinriktad rehabilitering"
#: Seed 001 per grupp: new participants per remittent, women among them, episodes running
#: into 2017 from before, how the ended ones ended, and those active on 2018-01-01.
GROUPS = {
    "Trädgårdsgruppen": {
        "referrers": {"Försäkringskassan": 14, "Arbetsförmedlingen": 1, "Kommun": 4},
        "women": 13, "before": 9, "active": 12,
        "ended": {"Studier": 1, REHAB: 6, "Avbrott – ohälsa": 9}},
    "Upplevelsegruppen": {
        "referrers": {"Försäkringskassan": 37, "Arbetsförmedlingen": 4, "Kommun": 5},
        "women": 37, "before": 6, "active": 14,
        "ended": {REHAB: 21, "Avbrott – ohälsa": 16, "Avbrott – annat": 1}},
    "Salixgruppen": {
        "referrers": {"Försäkringskassan": 9, "Arbetsförmedlingen": 2, "Kommun": 4,
                      "Egen ansökan": 1},
        "women": 8, "before": 5, "active": 9,
        "ended": {"Studier": 1, REHAB: 5, "Avbrott – flytt": 2, "Avbrott – ohälsa": 4}},
    "MAC": {
        "referrers": {"Försäkringskassan": 8, "Arbetsförmedlingen": 23, "Kommun": 3},
        "women": 27, "before": 23, "active": 28,
        "ended": {"Arbete utan anställningsstöd": 4, "Arbete med anställningsstöd": 2,
                  REHAB: 11, "Avbrott – ohälsa": 10, "Avbrott – flytt": 1,
                  "Avbrott – annat": 1}},
}
#: PayOff's evaluation of SOT 2017 (seed 001, bilaga): revenue per year, profit year 1.
PAYOFF = {"Samhället": (1_600_000, -7_600_000), "Kommunen": (91_000, -1_700_000),
          "Regionen": (30_000, -1_800_000), "Staten": (1_300_000, -4_200_000),
          "Arbetsförmedlingen": (217_000, -1_600_000),
          "Försäkringskassan": (418_000, -1_400_000)}
TEXTS = {"Bakgrund och syfte": "Samordningsteamet ger stöd till egen försörjning.",
         "Analys och reflektion": "Inflödet är ojämnt mellan myndigheterna."}


def _group_episodes(grupp: str, spec: dict, first: int) -> list[dict]:
    """The grupp's episodes overlapping 2017: the earlier ones end first, then new ones."""
    # round robin, so that the new participants who end have every remittent
    left = dict(spec["referrers"])
    referrers = []
    while any(left.values()):
        for name in left:
            if left[name]:
                referrers.append(name)
                left[name] -= 1
    started = len(referrers)
    reasons = [r for r, n in spec["ended"].items() for _ in range(n)]
    assert spec["before"] + started == len(reasons) + spec["active"], grupp
    rows = []
    for i in range(spec["before"] + started):
        new = i >= spec["before"]
        j = i - spec["before"]
        start = (date(2017, 1, 2) + timedelta(days=(j * 3) % 150) if new
                 else date(2016, 3, 1) + timedelta(days=i * 5))
        reason = reasons[i] if i < len(reasons) else None
        end = (start + timedelta(days=120) if new else date(2017, 2, 1) + timedelta(days=i)) \
            if reason else None
        work = reason is not None and reason.startswith("Arbete")
        rows.append(episode(
            forbund=FORBUND, insats=SOT, grupp=grupp, participant_id=f"SOT-{first + i}",
            sex="Kvinna" if (new and j < spec["women"]) or (not new and i % 2) else "Man",
            referrer=referrers[j] if new else "Försäkringskassan",
            age_at_start=22 + (first + i) % 40, start_date=start, end_date=end,
            exit_reason=reason, income_after=("Lön" if work else
                                              "Sjukpenning/rehabiliteringspenning")
            if reason else None, step_start=2, step_end=3 if reason else None))
    return rows


def sot_2017(**tables: list[dict]) -> dict:
    """SOT Västerås 2017 as seed 001 reports it, plus its targets and PayOff evaluation."""
    rows: list[dict] = []
    for grupp, spec in GROUPS.items():
        rows += _group_episodes(grupp, spec, len(rows))
    goals = [target(k, v, forbund=FORBUND, insats=SOT, year=2017, direction=d)
             for k, v, d in (("share_work", 0.25, "minst"), ("share_studies", 0.20, "minst"),
                             ("share_rehab", 0.55, "minst"), ("payback_months", 34, "högst"))]
    evaluation = [socio(a, r, profit_1y=p, forbund=FORBUND, insats=SOT, period="2017",
                        participants=57) for a, (r, p) in PAYOFF.items()]
    return frames(episodes=rows, targets=goals, socioeconomic=evaluation, insatser=[insats(
        forbund=FORBUND, insats=SOT, start_date=date(2016, 7, 1), capacity_fye=111.0,
        granted_amount=8_054_364.0, owner="Västerås stad")], **tables)


def sot_selection(**overrides) -> Selection:
    return Selection(**{"forbund": (FORBUND,), "date_from": date(2017, 1, 1),
                        "date_to": date(2017, 12, 31), "insatser": (SOT,), **overrides})


def report(kind="insats", fr=None, sel=None, **kwargs) -> Report:
    kwargs.setdefault("made", date(2018, 2, 1))
    return build_report(fr or sot_2017(), sel or sot_selection(), kind, **kwargs)


def walk(sections: tuple[Section, ...]):
    """Every (section, block) pair, depth first."""
    for section in sections:
        for block in section.blocks:
            yield section, block
        yield from walk(section.subsections)


def tables(rep: Report) -> list[Table]:
    """Every table of the report, a figure's table included."""
    out = []
    for _, block in walk((*rep.sections, *rep.appendix)):
        if isinstance(block, Table):
            out.append(block)
        elif isinstance(block, Figure):
            out.append(block.table)
    return out


def cell(tab: Table, row: str, column: str) -> str:
    """The cell in the row whose first cell is `row`."""
    found = [r for r in tab.rows if r[0] == row]
    assert found, (tab.caption, row)
    return found[0][tab.header.index(column)]


def find(rep: Report, caption: str) -> Table:
    found = [t for t in tables(rep) if t.caption == caption]
    assert found, (caption, [t.caption for t in tables(rep)])
    return found[0]


def headings(sections: tuple[Section, ...]) -> list[str]:
    return [s.heading for s in sections]


def test_default_kind_is_insats_with_insatser_else_forbund():
    assert default_kind(("SOT",)) == "insats" and default_kind(()) == "forbund"


def test_insats_report_sections_follow_the_seeds():
    rep = report(texts=TEXTS)
    assert rep.title == f"Insatsrapport – {SOT}"
    assert rep.subtitle == f"{FORBUND} · Verksamhetsåret 2017"
    assert headings(rep.sections) == [
        "Nyckeltal", "Bakgrund och syfte", "Deltagarflöde", "Nya deltagare",
        "Vilka deltagarna är", "Resultat mot mål", "Tid i insatsen och stegförflyttning",
        "Försörjning före och efter", "Uppföljning efter avslut",
        "Samhällsekonomisk återbetalning", "Ekonomi", "Årsplatser och kostnader",
        "Analys och reflektion"]
    results = next(s for s in rep.sections if s.heading == "Resultat mot mål")
    assert headings(results.subsections) == ["Per grupp", "Per kön", "Per remittent",
                                             "Över tid"]
    assert headings(rep.appendix) == ["Definitioner", "Underlag"]


def test_empty_text_sections_are_left_out():
    rep = report(texts={"Bakgrund och syfte": "  ", "Målgrupp": "", "Slutsatser": "Klart."})
    names = headings(rep.sections)
    assert "Bakgrund och syfte" not in names and "Målgrupp" not in names
    assert names[-1] == "Slutsatser"
    assert not any(s.is_empty for s in rep.sections)


def test_texts_are_read_from_the_frames_when_not_given():
    fr = sot_2017(report_texts=[
        {"forbund": FORBUND, "insats": SOT, "period": "2017", "section": "Målgrupp",
         "text": "Personer med sjukpenning."},
        {"forbund": FORBUND, "insats": SOT, "period": "2016", "section": "Avvikelser",
         "text": "Fel år."}])
    rep = report(fr=fr)
    target_group = next(s for s in rep.sections if s.heading == "Målgrupp")
    assert target_group.blocks == (Paragraph("Personer med sjukpenning."),)
    assert "Avvikelser" not in headings(rep.sections)


def test_cover_has_the_data_version_the_filters_and_demo():
    uploads = [{"id": 7, "status": "committed", "created_at": date(2018, 1, 10),
                "username": "eva", "file_names": ["kvartal.xlsx"], "rows_added": 175,
                "rows_updated": 0},
               {"id": 9, "status": "undone", "created_at": date(2018, 1, 11),
                "username": "eva", "file_names": ["fel.xlsx"]}]
    rep = report(uploads=uploads, demo=True, sel=sot_selection(kon=("Kvinna",)))
    cover = dict(rep.cover)
    assert cover["Dataversion"] == "uppladdning 7"
    assert cover["Demo"].startswith("Ja") and rep.demo
    assert cover["Urval"] == "Kön: Kvinna"
    assert cover["Skapad"] == "2018-02-01"
    assert cover["Period"] == "2017-01-01 – 2017-12-31 (2017)"
    underlag = find(rep, "Uppladdningar som rapporten bygger på")
    assert [r[0] for r in underlag.rows] == ["7"]  # the undone upload is not a base
    assert "Demo" not in dict(report().cover) and not report().demo
    assert dict(report().cover)["Dataversion"] == "ingen uppladdning"


def test_every_figure_has_alt_text_and_a_table():
    for kind in ("insats", "forbund"):
        rep = report(kind)
        figures = [b for _, b in walk(rep.sections) if isinstance(b, Figure)]
        assert len(figures) >= (12 if kind == "insats" else 2)
        for fig in figures:
            assert fig.alt.strip() and fig.alt.endswith((".", ")"))
            assert fig.table.header and fig.table.rows, fig.caption
            assert all(len(r) == len(fig.table.header) for r in fig.table.rows)


def test_alt_text_is_made_from_the_same_table():
    rep = report(threshold=0)
    outcomes = next(b for _, b in walk(rep.sections)
                    if isinstance(b, Figure) and b.caption == "Avslut per bas")
    assert outcomes.alt.startswith("Stapeldiagram: andel av avslutade per bas.")
    assert "Arbete 11,8 % mot målet 25,0 %" in outcomes.alt
    assert cell(outcomes.table, "Av fullföljda", "Andel") == "11,8 %"


def test_appendix_defines_every_kpi_shown():
    rep = report()
    defined = {r[0]: r[1] for r in find(rep, "Nyckeltal i rapporten").rows}
    assert defined["Andel till arbete"] == "Andel av de fullföljda som gick till arbete."
    assert "Återbetalningstid (mån)" in defined and "Nyttjade årsplatser" in defined
    assert "Deltagardagar" not in defined  # not shown anywhere


def test_slutrapport_follows_seed_003():
    fr = sot_2017(budget_lines=[
        {"forbund": FORBUND, "insats": SOT, "year": 2017, "period": date(2017, 12, 31),
         "cost_category": "Personal", "budget": 7_000_000.0, "spent": 6_500_000.0},
        {"forbund": FORBUND, "insats": SOT, "year": 2017, "period": date(2017, 12, 31),
         "cost_category": "Lokaler", "budget": 1_054_364.0, "spent": 1_100_000.0}],
        funding=[{"forbund": FORBUND, "year": 2017, "member": m, "amount": 1.0}
                 for m in ("Västerås stad", "Försäkringskassan")])
    rep = report("slutrapport", fr, texts={**TEXTS, "Målgrupp": "Unga vuxna."})
    assert rep.title == f"Slutrapport – {SOT}"
    assert headings(rep.sections) == [  # the renderers number them 1–7 as printed
        "Insatsen", "Parter", "Insatsbeskrivning", "Resultat och utfall", "Analys",
        "Ekonomi", "Underskrift av insatsägare"]
    described = rep.sections[2]
    assert headings(described.subsections) == ["Bakgrund och syfte", "Målgrupp"]
    assert "Insatsbeskrivning" not in headings(report("slutrapport", fr, texts={}).sections)
    insatsen = find(rep, "Insatsen")
    assert cell(insatsen, "Beviljade medel", "Värde") == "8 054 364 kr"
    assert cell(insatsen, "Tidsperiod", "Värde") == "2016-07-01 – 2017-12-31"
    assert [r[0] for r in find(rep, "Parter").rows] == ["Västerås stad", "Försäkringskassan"]
    goals = find(rep, "Insatsens mål")
    assert goals.header == ("Mål", "Uppfyllt", "Utfall")
    assert cell(goals, "Andel till fortsatt rehabilitering minst 55 %", "Uppfyllt") == "Ja"
    assert cell(goals, "Andel till studier minst 20 %", "Utfall") == "< 10 %"
    assert cell(goals, "Andel till studier minst 20 %", "Uppfyllt") == "Nej"  # the bound
    assert cell(goals, "Andel till arbete minst 25 %", "Uppfyllt") == HIDDEN
    assert cell(goals, "Återbetalningstid (mån), samhället högst 34 mån", "Utfall") == "69,0"
    budget = find(rep, "Kostnadsslag, budget och utfall")
    assert cell(budget, "Lokaler", "Utfall") == "1 100 000 kr"
    assert cell(budget, "Summa", "Budget") == "8 054 364 kr"
    assert isinstance(rep.sections[-1].blocks[0], Signature)


def test_slutrapport_goals_judge_volumes_by_the_same_rule():
    fr = frames(volumes=[{"forbund": "F", "insats": "SIP", "period": "2023",
                          "measure": m, "sex": "Samtliga", "count": n}
                         for m, n in (("Konsultationer", 179), ("SIP-beslut", 60))],
                targets=[target(f"Volym: {m}", v, forbund="F", insats="SIP")
                         for m, v in (("Konsultationer", 70), ("SIP-beslut", 70))],
                insatser=[insats(forbund="F", insats="SIP", kind="Strukturinriktad")])
    sel = Selection(forbund=("F",), date_from=date(2023, 1, 1), date_to=date(2023, 12, 31),
                    insatser=("SIP",))
    goals = find(report("slutrapport", fr, sel), "Insatsens mål")
    assert goals.rows == (("Konsultationer minst 70", "Ja", "179"),
                          ("SIP-beslut minst 70", "Delvis", "60"))


def test_slutrapport_needs_exactly_one_insats():
    with pytest.raises(ValueError, match="en insats"):
        report("slutrapport", sel=sot_selection(insatser=()))


@pytest.mark.parametrize(("value", "target", "direction", "hidden", "bound", "expected"), [
    (0.30, 0.25, "minst", False, None, YES),
    (0.25, 0.25, "minst", False, None, YES),
    (0.20, 0.25, "minst", False, None, PARTLY),  # 80 % of the way
    (0.19, 0.25, "minst", False, None, NO),
    (30, 34, "högst", False, None, YES),
    (42, 34, "högst", False, None, PARTLY),  # 34 / 42 ≥ 0,8
    (69, 34, "högst", False, None, NO),
    (None, 0.25, "minst", False, None, UNKNOWN),
    (None, 0.25, "minst", True, None, HIDDEN),
    (None, 0.25, "minst", True, 0.20, NO),  # < 20 % is below 80 % of 25 %
    (None, 0.25, "minst", True, 0.24, HIDDEN),  # < 24 % could still be partly met
    (None, 0.30, "högst", True, 0.24, YES),
])
def test_fulfilment_rule(value, target, direction, hidden, bound, expected):
    assert fulfilment(value, target, direction, hidden=hidden, bound=bound) == expected


def test_forbund_report_overview_and_key_figures_per_insats():
    fr = sot_2017(
        budget_lines=[{"forbund": FORBUND, "insats": i, "year": 2017,
                       "period": date(2017, 8, 31), "cost_category": c, "budget": b,
                       "spent": s}
                      for i, c, b, s in ((SOT, "Personal", 8_054_000.0, 3_429_000.0),
                                         ("", "Revision", 48_000.0, 52_000.0))],
        funding=[{"forbund": FORBUND, "year": 2017, "member": m, "amount": a}
                 for m, a in (("Västerås stad", 3_348_000.0), ("Staten", 6_696_000.0))])
    rep = report("forbund", fr, sot_selection(insatser=()), texts=TEXTS)
    assert rep.title == f"Förbundsrapport – {FORBUND}"
    names = headings(rep.sections)
    assert names[:4] == ["Nyckeltal för förbundet", "Bakgrund och syfte", "Insatser",
                         "Nyckeltal per insats mot mål"]
    assert {"Ekonomi", "Finansiering per medlem", "Årsplatser och kostnader"} <= set(names)
    overview = find(rep, "Insatser 2017")
    assert cell(overview, SOT, "Beviljade medel") == "8 054 364 kr"
    assert cell(overview, SOT, "Årsplatser") == "111,0"
    assert "Andel till arbete minst 25 %" in cell(overview, SOT, "Mål 2017")
    per_insats = find(rep, "Nyckeltal per insats")
    assert cell(per_insats, SOT, "Nya deltagare") == "115"
    against = find(rep, "Mål per insats 2017")
    assert against.header == ("Insats", "Nyckeltal", "Utfall", "Mål", "Målstatus")
    assert (SOT, "Andel till arbete", "..", "25,0 %", "") in against.rows  # hidden: no status
    budget = find(rep, "Budget och utfall per insats")
    assert cell(budget, "Förbundets egna kostnader", "Nyttjandegrad") == "108,3 %"
    assert cell(budget, SOT, "Utfall") == "3 429 000 kr"
    funding = find(rep, "Medlemmarnas finansiering 2017")
    assert cell(funding, "Staten", "Andel") == "66,7 %"
    assert cell(funding, "Summa", "Belopp") == "10 044 000 kr"


def test_participant_filters_reach_every_participant_table():
    rep = report(sel=sot_selection(kon=("Man",)))
    per_sex = find(rep, "Nya deltagare per kön")
    assert [r[0] for r in per_sex.rows] == ["Man"]
    assert cell(find(rep, "Nyckeltal för urvalet"), "Nya deltagare", "Värde") == "30"


def test_a_selection_with_too_few_shows_the_pages_notice_instead():
    rep = report(sel=sot_selection(remittent=("Egen ansökan",)))  # one participant
    participants = next(s for s in rep.sections if s.heading == "Deltagare och resultat")
    assert "färre än 5 deltagare" in participants.blocks[0].text  # type: ignore[union-attr]


def test_nns_benefits_and_volumes_appear_when_present():
    fr = sot_2017(
        indicators=[indicator(p, n, forbund=FORBUND, insats=SOT, measurement_period="2017",
                              indicator=i, question=q)
                    for i, q, p, n in ((1, "Jag har fått stöd", 0.8, 40),
                                       (2, "Jag har en plan", 0.5, 3))],
        benefit_fye=[benefit(b, fye, area="Västerås", year=2016, sex=s,
                             population_20_64=85_000)
                     for b, fye, s in (("Sjukpenning", 1600, "Kvinnor"),
                                       ("Sjukpenning", 900, "Män"),
                                       ("Sjukpenning", 2500, "Samtliga"))],
        volumes=[{"forbund": FORBUND, "insats": SOT, "period": "2017", "measure": "Träffar",
                  "sex": "Samtliga", "count": 12}])
    insats_report = report(fr=fr)
    assert {"Indikatorer (NNS)", "Volymer"} <= set(headings(insats_report.sections))
    answers = find(insats_report, "Svar per fråga 2017")
    assert cell(answers, "1", "Andel positiva") == ".."  # else headline − 1 gives 2 back
    assert cell(answers, "2", "Antal svar") == "<5"  # 3 answers
    assert cell(answers, "2", "Andel positiva") == "för få"
    assert cell(find(insats_report, "Volymer per mått"), "Träffar", "Antal") == "12"
    forbund_report = report("forbund", fr, sot_selection(insatser=()))
    sexes = find(forbund_report, "Helårsekvivalenter per ersättning och kön, Västerås 2016")
    assert sexes.rows == (("Sjukpenning", "1 600", "900", "2 500"),)


def test_the_builder_runs_without_streamlit():
    """The command line builds reports without Streamlit: nothing on the way imports it."""
    code = ("import sys, reports.content, dashboard.charts; "
            "sys.exit('streamlit' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_a_report_on_a_year_still_going_on_says_so_on_its_cover():
    from reports.content import period_words

    year = Selection(forbund=("F",), date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))
    assert period_words(year, date(2026, 9, 30)) == (
        "Verksamhetsåret 2026 (pågående, uppgifter t.o.m. 2026-09-30)")
    assert period_words(year, date(2026, 12, 31)) == "Verksamhetsåret 2026"
    assert period_words(year, None) == "Verksamhetsåret 2026"
    q3 = Selection(forbund=("F",), date_from=date(2026, 7, 1), date_to=date(2026, 9, 30))
    assert period_words(q3, date(2026, 9, 30)) == "Kvartal 3 2026"
    # a year that is over is not going on, even when its data ends early
    assert period_words(year, date(2026, 9, 30), date(2027, 1, 15)) == "Verksamhetsåret 2026"
    assert period_words(year, date(2026, 9, 30), date(2026, 11, 29)).endswith(
        "(pågående, uppgifter t.o.m. 2026-09-30)")
