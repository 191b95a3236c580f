import json
from datetime import date

from metrics.engine import compute_kpis
from metrics.registry import KPIS, Family
from tests.metrics.factories import (
    budget_line,
    episode,
    frames,
    random_episodes,
    selection,
    socio,
)


def test_every_registry_key_is_present_even_without_data():
    values = compute_kpis(frames(), selection()).values
    assert [k.key for k in KPIS] == list(values)
    assert all(v is None for v in values.values())


def test_missing_tables_are_fine():
    r = compute_kpis({"episodes": frames()["episodes"]}, selection())
    assert r.values["budget"] is None


def test_ignored_filters_name_the_families_they_do_not_apply_to():
    r = compute_kpis(frames(episodes=[episode()]), selection(kon=("Kvinna",), grupp="A"))
    assert r.ignored_filters["budget"] == ("grupp", "kon")
    assert r.ignored_filters["cost_per_participant"] == ("grupp", "kon")
    assert "share_work" not in r.ignored_filters and "fye_used" not in r.ignored_filters
    families = {k.family for k in KPIS if k.key in r.ignored_filters}
    assert Family.FLOW not in families and Family.NNS in families
    assert compute_kpis(frames(), selection()).ignored_filters == {}


def test_to_json_is_the_cli_shape_and_serialisable():
    fr = frames(episodes=[episode()], budget_lines=[budget_line("A", 10, 5)],
                socioeconomic=[socio("Samhället", 1.0, cost=2.0)])
    out = compute_kpis(fr, selection(kon=("Kvinna",))).to_json()
    text = json.dumps(out, ensure_ascii=False)
    back = json.loads(text)
    assert back["selection"] == {"forbund": "Testförbundet", "insats": [], "grupp": None,
                                 "from": "2023-01-01", "to": "2023-12-31",
                                 "filters": {"kon": ["Kvinna"]}}
    assert back["kpis"]["started"] == 1 and back["kpis"]["payback_months"] == {"Samhället": 24.0}
    assert "suppressed" not in back


def test_filters_change_episode_kpis_only():
    eps = [episode(participant_id="k", sex="Kvinna"),
           episode(participant_id="m", sex="Man", exit_reason="Avbrott – flytt")]
    fr = frames(episodes=eps, budget_lines=[budget_line("A", 100, 50)])
    women = compute_kpis(fr, selection(kon=("Kvinna",))).values
    everyone = compute_kpis(fr, selection()).values
    assert (women["ended"], everyone["ended"]) == (1, 2)
    assert women["share_dropout"] == 0.0 and everyone["share_dropout"] == 0.5
    assert women["budget"] == everyone["budget"] == 100


def test_several_forbund_add_up():
    eps = random_episodes(300, forbund=2)
    fr = frames()
    fr["episodes"] = eps
    both = compute_kpis(fr, selection(forbund=("Förbund 0", "Förbund 1"))).values
    parts = [compute_kpis(fr, selection(forbund=(f,))).values for f in ("Förbund 0", "Förbund 1")]
    for key in ("started", "ended", "participants_in_period", "participant_days"):
        assert both[key] == parts[0][key] + parts[1][key]


def test_budget_as_of_and_year_in_meta():
    fr = frames(budget_lines=[budget_line("A", 10, 5, period=date(2023, 9, 30))])
    r = compute_kpis(fr, selection())
    assert r.meta["budget_year"] == 2023 and r.meta["budget_as_of"] == date(2023, 9, 30)


def test_outcome_group_is_derived_when_the_frame_lacks_it():
    fr = frames(episodes=[episode(exit_reason="Studier")])
    fr["episodes"] = fr["episodes"].drop("outcome_group")
    assert compute_kpis(fr, selection()).values["share_studies"] == 1.0


def test_breakdown_by_insats_costs_use_every_participant_of_the_insats():
    from metrics.views import breakdown

    fr = frames(episodes=[episode(participant_id="k", sex="Kvinna"),
                          episode(participant_id="m", sex="Man")],
                budget_lines=[budget_line("A", 100, 80)])
    sel = selection(kon=("Kvinna",))
    t = breakdown(fr, sel, ["cost_per_participant"], "insats")
    assert t["cost_per_participant"].to_list() == [40.0]
    assert compute_kpis(fr, sel).values["cost_per_participant"] == 40.0
