"""What the board reads on the cards (issue 14): whole-insats figures that filters do not
move, count and base beside every share, the target status as a badge, the payback source."""

import dataclasses
import json

import pytest
from apptest_tools import cards, open_page

from dashboard.cli import main as finsam
from dashboard.display import count_text, target_text
from metrics import Selection, compute_kpis, year_period
from metrics.disclosure import SHARES, suppress_kpis
from metrics.registry import BY_KEY

YEAR = 2025
FORBUND = "Demoförbundet Sjöstad"
#: Figures of the whole insats: capacity, budget, costs, the payback time.
WHOLE_INSATS = ("fye_capacity", "occupancy", "utilisation", "cost_per_fye",
                "cost_per_participant", "payback_months")
WOMEN_FK = {"kon": ("Kvinna",), "remittent": ("Försäkringskassan",)}
SHARE_LABELS = {BY_KEY[k].label for k in SHARES if k in BY_KEY}


def selection(forbund: str, insats: str | None = None, **filters) -> Selection:
    frm, to = year_period(YEAR)
    return Selection(forbund=(forbund,), date_from=frm, date_to=to,
                     insatser=(insats,) if insats else (), **filters)


def insatser_of(frames, forbund: str) -> list[str]:
    ins = frames["insatser"]
    return sorted(ins.filter(ins["forbund"].cast(str) == forbund)["insats"].cast(str).to_list())


def test_whole_insats_kpis_are_equal_with_and_without_participant_filters(demo_frames):
    moved = 0
    for insats in insatser_of(demo_frames, FORBUND):
        plain = compute_kpis(demo_frames, selection(FORBUND, insats))
        women = compute_kpis(demo_frames, selection(FORBUND, insats, **WOMEN_FK))
        for key in WHOLE_INSATS:
            assert women.values[key] == plain.values[key], (insats, key)
        for key in ("occupancy", "cost_per_fye"):
            if plain.values[key] is not None:
                assert women.ignored_filters[key] == ("kon", "remittent")
        # the participant figures do move: the filter is real
        moved += women.values["fye_used"] != plain.values["fye_used"]
    assert moved


def test_grupp_does_not_move_occupancy(demo_frames):
    eps = demo_frames["episodes"]
    forbund, insats, grupp = (eps.filter(eps["grupp"].is_not_null())
                              .select("forbund", "insats", "grupp").row(0))
    plain = compute_kpis(demo_frames, selection(forbund, insats))
    one = compute_kpis(demo_frames, dataclasses.replace(selection(forbund, insats), grupp=grupp))
    assert plain.values["occupancy"] is not None
    assert one.values["occupancy"] == plain.values["occupancy"]
    assert one.ignored_filters["occupancy"] == ("grupp",)


def test_finsam_kpi_prints_the_same_occupancy_with_filters(demo_url, capsys):
    insats = "Jobbfokus"
    common = ["--db", demo_url, "kpi", "--forbund", FORBUND, "--insats", insats,
              "--year", str(YEAR), "--format", "json"]
    assert finsam(common) == 0
    plain = json.loads(capsys.readouterr().out)
    assert finsam([*common, "--kon", "Kvinna", "--remittent", "Försäkringskassan"]) == 0
    women = json.loads(capsys.readouterr().out)
    for key in ("occupancy", "utilisation", "cost_per_fye"):
        assert plain["kpis"][key] is not None
        assert women["kpis"][key] == plain["kpis"][key], key
    assert women["ignored_filters"]["occupancy"] == ["kon", "remittent"]


def card(at, label: str, nth: int = 0) -> dict:
    found = [c for c in cards(at) if c["label"] == label]
    assert len(found) > nth, f"no card {label!r}: {[c['label'] for c in cards(at)]}"
    return found[nth]


def test_occupancy_on_oversikt_and_kapacitet_agree_under_participant_filters(logged_in):
    at = logged_in("admin", {"forbund": FORBUND, "ar": str(YEAR), "insats": "Jobbfokus"})
    plain = card(at, "Beläggningsgrad")["value"]

    at = logged_in("admin", {"forbund": FORBUND, "ar": str(YEAR), "insats": "Jobbfokus",
                             "kon": "Kvinna", "remittent": "Försäkringskassan"})
    women = card(at, "Beläggningsgrad")
    assert women["value"] == plain
    assert ("Gäller hela insatsen – Kön och Remittent påverkar inte värdet."
            in women["captions"])
    kapacitet = open_page(at, "kapacitet")
    assert card(kapacitet, "Beläggningsgrad")["value"] == plain


def share_cards(at) -> list[dict]:
    """Cards of shares of people shown as a number or an upper bound (`< 11 %`)."""
    return [c for c in cards(at) if c["label"] in SHARE_LABELS
            and any(ch.isdigit() for ch in c["value"])]


@pytest.mark.parametrize("page", ["oversikt", "resultat", "indikatorer"])
def test_every_share_card_shows_its_count_and_base(logged_in, page):
    at = open_page(logged_in("admin", {"forbund": FORBUND, "ar": str(YEAR)}), page)
    found = share_cards(at)
    assert len(found) >= 3
    for c in found:
        assert any(" av " in line for line in c["captions"]), c


def test_share_card_count_is_the_count_behind_the_share(logged_in, demo_frames):
    at = logged_in("admin", {"forbund": FORBUND, "ar": str(YEAR)})
    result = suppress_kpis(compute_kpis(demo_frames, selection(FORBUND)), 5)
    work = card(at, "Andel till arbete")
    completed = result.values["completed"]
    shown = round(result.values["share_work"] * completed)
    assert work["captions"][0] == f"{shown} av {completed} fullföljda"
    assert work["captions"][0] == count_text(result, "share_work", 5)
    dropout = card(at, "Andel avbrott")
    assert dropout["captions"][0] == (
        f"{result.values['dropped_out']} av {result.values['ended']} avslutade")


@pytest.mark.parametrize(("why", "expected"), [("upper_bound", "< 5 av 46 fullföljda"),
                                               ("secondary", ".. av 46 fullföljda"),
                                               ("too_few", None)])
def test_count_text_under_disclosure_control(demo_frames, why, expected):
    result = suppress_kpis(compute_kpis(demo_frames, selection(FORBUND)), 5)
    result = dataclasses.replace(result, base_n={**result.base_n, "share_work": 46},
                                 disclosure={"share_work": why})
    assert count_text(result, "share_work", 5) == expected


def test_count_text_leaves_out_a_small_base_and_non_people_shares(demo_frames):
    result = suppress_kpis(compute_kpis(demo_frames, selection(FORBUND)), 5)
    assert count_text(dataclasses.replace(result, base_n={"share_work": 4}),
                      "share_work", 5) is None
    assert count_text(result, "occupancy", 5) is None
    assert count_text(result, "utilisation", 5) is None


def test_target_status_is_a_badge_with_words_and_a_material_icon(logged_in):
    at = logged_in("admin", {"forbund": FORBUND, "ar": str(YEAR)})
    badges = {b for c in cards(at) for b in c["badges"]}
    assert badges <= {("green", "check_circle", "Mål uppfyllt"),
                      ("orange", "error", "Nära målet"), ("red", "cancel", "Mål ej uppfyllt")}
    assert badges
    dropout = card(at, "Andel avbrott")
    assert any(line.startswith("Mål: högst ") for line in dropout["captions"]), dropout
    work = card(at, "Andel till arbete")
    assert any(line.startswith("Mål: minst ") for line in work["captions"]), work


def test_a_target_mixed_by_the_selection_says_so(demo_frames):
    result = compute_kpis(demo_frames, selection(FORBUND))
    weighted = result.meta["weighted_targets"]
    assert "share_studies" in weighted
    text = target_text(result, "share_studies")
    assert text.endswith("(insatsernas mål vägda efter urvalet)")
    one = compute_kpis(demo_frames, selection(FORBUND, "Jobbfokus"))
    assert "(insatsernas" not in (target_text(one, "share_studies") or "")


def test_payback_cards_name_their_source(logged_in):
    at = logged_in("admin", {"forbund": FORBUND, "ar": str(YEAR)})
    payback = card(at, "Återbetalningstid, samhället (mån)")
    assert payback["captions"][0] == "Källa: uppladdad utvärdering (2025)"
    socio = open_page(at, "samhallsekonomi")
    for c in cards(socio):
        assert c["captions"][0].startswith("Källa: "), c
