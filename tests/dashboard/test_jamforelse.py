"""Jämförelse: the förbund among every förbund, anonymous for everyone but admin.

The small demo has four förbund, so most tests lower `FINSAM_COMPARE_MIN` to 3; the
default (5) is tested for its notice.
"""

import dataclasses

import polars as pl
import pytest
from apptest_tools import chart_specs, download_texts, notices, open_page, texts, widget

from dashboard.context import PageContext
from loaders.demo import DEMO_USERS, demo_forbund_names
from loaders.demo_names import BASE_FORBUND
from metrics import Selection, public_kpis, year_period

FORBUND = demo_forbund_names(4)
NON_ADMIN = ("samordnare", "styrelse", "styrgrupp")
SMALL = {"1", "2", "3", "4"}
#: Counts of people or days and årsplatser: never compared for anyone but admin.
COUNT_LABELS = ("Nya deltagare", "Avslutade", "Deltagare under perioden", "Deltagardagar",
                "Nyttjade årsplatser", "Antal svar")


def user(role: str) -> dict:
    return next(u for u in DEMO_USERS if u["username"] == role)


def foreign_names(role: str) -> list[str]:
    """Names of förbund and insatser the role may not see (and the place words alone)."""
    me = user(role)
    own = me["forbund"][0]
    mine = set(me["insatser"]) or {i for f, ins in BASE_FORBUND if f == own for i, *_ in ins}
    others = [f for f in FORBUND if f != own]
    insatser = {i for f, ins in BASE_FORBUND for i, *_ in ins} - mine
    return [*others, *(f.removeprefix("Demoförbundet ") for f in others), *sorted(insatser)]


@pytest.fixture
def three(monkeypatch):
    """Compare from three förbund on (the small demo has four)."""
    monkeypatch.setenv("FINSAM_COMPARE_MIN", "3")


def jamforelse(logged_in, role, params=None):
    at = open_page(logged_in(role, params), "jamforelse")
    assert not at.exception, at.exception
    return at


def view(at, tab: str):
    at.session_state["vy"] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def choose_kpi(at, key: str):
    at.selectbox(key="nyckeltal").set_value(key).run()
    assert not at.exception, at.exception
    return at


def table(at, first_header: str) -> pl.DataFrame:
    found = [pl.from_pandas(d.value if hasattr(d.value, "columns") else d.value.data)
             for d in at.main.dataframe]
    found = [f for f in found if f.columns[0] == first_header]
    assert found, f"no table starting with {first_header}"
    return found[0]


def own_place(frames, forbund: str, year: int, key: str, lower: bool) -> tuple[int, int]:
    """Place (from the best) and n, from each förbund's own public KPIs."""
    values = {}
    for f in FORBUND:
        sel = Selection(forbund=(f,), date_from=year_period(year)[0],
                        date_to=year_period(year)[1])
        value = public_kpis(frames, sel, 5).values.get(key)
        if value is not None:
            values[f] = value
    own = values[forbund]
    better = [v for v in values.values() if (v < own if lower else v > own)]
    return 1 + len(better), len(values)


@pytest.mark.parametrize("role", ["admin", *NON_ADMIN])
def test_every_view_renders_for_every_role(logged_in, three, role):
    at = jamforelse(logged_in, role)

    assert [t.value for t in at.title] == ["Jämförelse"]
    assert [s["layout"]["title"]["text"].split("<br>")[0] for s in chart_specs(at)] == [
        "Andel till arbete"]
    assert table(at, "Nyckeltal").height > 5
    for tab, header in (("Insatser", "Nyckeltal"), ("Över tid", "År")):
        view(at, tab)
        assert table(at, header).height, tab
        assert not at.main.error


def test_admin_sees_every_forbund_by_name(logged_in, three, downloads):
    at = jamforelse(logged_in, "admin")

    shown = "\n".join(texts(at))
    assert all(f in shown for f in FORBUND)
    points = table(at, "Förbund")
    assert sorted(points["Förbund"].to_list()) == sorted(FORBUND)
    hover = [c for s in chart_specs(at) for d in s["data"] for c in d.get("customdata") or ()]
    assert {c[1] for c in hover} <= set(FORBUND) and len({c[1] for c in hover}) >= 3
    assert "Förbund" in download_texts(downloads)["jamforelse_alla_forbund.csv"]
    labels = table(at, "Nyckeltal")["Nyckeltal"].to_list()
    assert "Nya deltagare" in labels  # counts are compared for admin


@pytest.mark.parametrize("role", NON_ADMIN)
def test_no_other_forbund_name_reaches_a_non_admin(logged_in, three, downloads, role):
    at = jamforelse(logged_in, role)
    seen = texts(at)
    for key in ("share_dropout", "payback_months.Samhället", "cost_per_fye"):
        seen += texts(choose_kpi(at, key))
    for tab in ("Insatser", "Över tid"):
        seen += texts(view(at, tab))
    seen.append(repr(dict(at.query_params)))
    seen += [text for name, text in download_texts(downloads).items()
             if name.startswith("jamforelse")]
    assert {n for n in downloads if n.startswith("jamforelse")} >= {
        "jamforelse_kon.csv", "jamforelse_forbund.xlsx", "jamforelse_insatser.csv",
        "jamforelse_over_tid.xlsx"}
    assert not [n for n in downloads if n.startswith("jamforelse_alla")]

    everything = "\n".join(seen)
    leaks = [name for name in foreign_names(role) if name in everything]
    assert not leaks, f"{role} sees {leaks}"
    own = user(role)["forbund"][0]
    for key, value in at.session_state.to_dict().items():
        if isinstance(value, PageContext):
            for name, frame in value.frames.items():
                if "forbund" in frame.columns:
                    assert set(frame["forbund"].cast(pl.String).unique()) <= {own}, name
        else:
            assert not [n for n in foreign_names(role) if n in repr(value)], key


@pytest.mark.parametrize("role", NON_ADMIN)
def test_counts_of_people_are_not_compared_for_a_non_admin(logged_in, three, role):
    at = jamforelse(logged_in, role)

    labels = table(at, "Nyckeltal")["Nyckeltal"].to_list()
    assert "Andel till arbete" in labels
    assert not [label for label in COUNT_LABELS if label in labels]
    options = at.selectbox(key="nyckeltal").options  # as shown: labels
    assert options[:2] == ["Andel till arbete", "Andel till studier"]
    assert not [label for label in COUNT_LABELS if label in options]


def test_values_of_other_forbund_are_rounded_to_what_the_page_prints(logged_in, three):
    at = jamforelse(logged_in, "styrelse")

    xs = [x for s in chart_specs(at) for d in s["data"] for x in d.get("x") or ()
          if isinstance(x, float)]
    assert xs and all(round(x, 3) == x for x in xs)


@pytest.mark.parametrize(("key", "words", "lower"), [
    ("share_work", "där högre är bättre", False),
    ("share_dropout", "där lägre är bättre", True),
])
def test_place_in_words_is_counted_from_the_best(logged_in, three, demo_frames, key, words,
                                                 lower):
    at = jamforelse(logged_in, "styrelse")
    if key != "share_work":
        choose_kpi(at, key)
    year = widget(at, "selectbox", "ar").value
    place, n = own_place(demo_frames, user("styrelse")["forbund"][0], year, key, lower)

    lines = [m.value for m in at.main.markdown if m.value.startswith("**Totalt:**")]
    assert lines and lines[0].splitlines()[0].strip() == \
        f"**Totalt:** Plats {place} av {n}, {words}."
    assert table(at, "Kön")["Plats"][0] == f"{place} av {n}"


def test_totalt_kvinnor_man_rows_for_episode_kpis_totalt_only_for_whole_insats(logged_in,
                                                                                three):
    at = jamforelse(logged_in, "samordnare")

    assert table(at, "Kön")["Kön"].to_list() == ["Totalt", "Kvinnor", "Män"]
    ticks = chart_specs(at)[0]["layout"]["yaxis"]["ticktext"]
    assert ticks == ["Totalt", "Kvinnor", "Män"]
    choose_kpi(at, "occupancy")
    assert table(at, "Kön")["Kön"].to_list() == ["Totalt"]


def test_own_point_is_marked_in_colour_shape_and_words(logged_in, three):
    at = jamforelse(logged_in, "styrelse")

    [spec] = chart_specs(at)
    own = [d for d in spec["data"] if d.get("name") == "Ert förbund"]
    others = [d for d in spec["data"] if d.get("name") == "Andra förbund"]
    assert own and others
    assert own[0]["marker"]["symbol"] == "diamond" and own[0]["text"] == ["Ert förbund"]
    assert own[0]["marker"]["color"] != others[0]["marker"]["color"]
    assert all(d["hovertemplate"] == "%{customdata[0]}<extra></extra>" for d in others)
    assert {d.get("name") for d in spec["data"]} >= {"Medel", "Median"}


def test_styrgrupp_sees_the_distribution_without_their_forbund_marked(logged_in, three):
    at = jamforelse(logged_in, "styrgrupp")

    [spec] = chart_specs(at)
    assert "Ert förbund" not in {d.get("name") for d in spec["data"]}
    assert any("Som styrgrupp ser du era insatser" in n for n in notices(at))
    assert "Plats" not in table(at, "Nyckeltal").columns
    assert not [m.value for m in at.main.markdown if "Plats " in m.value]
    view(at, "Över tid")
    assert "Ert värde" not in table(at, "År").columns


def test_fewer_forbund_than_the_minimum_show_a_notice_and_no_chart(logged_in):
    at = jamforelse(logged_in, "styrelse")  # FINSAM_COMPARE_MIN unset: 5, the demo has 4

    assert ("Jämförelsen visas när minst 5 förbund har ett värde; nu har 4. Med färre förbund "
            "skulle ett enskilt förbunds värde kunna pekas ut.") in notices(at)
    assert not chart_specs(at)
    assert set(table(at, "Nyckeltal")["Median"].to_list()) == {"–"}


def test_insatser_side_by_side_with_target_status_in_words(logged_in, three, downloads):
    at = view(jamforelse(logged_in, "styrgrupp"), "Insatser")

    matrix = table(at, "Nyckeltal")
    assert matrix.columns == ["Nyckeltal", *sorted(user("styrgrupp")["insatser"])]
    cells = [c for col in matrix.columns[1:] for c in matrix[col].to_list()]
    assert any(" · Mål uppfyllt (mål " in c or " · Nära målet (mål " in c
               or " · Mål ej uppfyllt (mål " in c for c in cells)
    csv = download_texts(downloads)["jamforelse_insatser.csv"]
    assert csv.splitlines()[0] == ";".join(matrix.columns)


def test_trend_has_own_value_and_median_per_year(logged_in, three):
    at = view(jamforelse(logged_in, "styrelse"), "Över tid")

    trend = table(at, "År")
    assert trend.columns == ["År", "Ert värde", "Median, alla förbund", "Antal förbund"]
    assert trend["År"][-1] == str(widget(at, "selectbox", "ar").value)
    assert [d["name"] for d in chart_specs(at)[0]["data"]] == ["Ert förbund",
                                                               "Median, alla förbund"]


def test_filter_change_redraws_the_comparison(logged_in, three):
    at = jamforelse(logged_in, "styrelse")
    before = table(at, "Nyckeltal")

    widget(at, "multiselect", "kon").set_value(["Kvinna"]).run()

    assert not at.exception, at.exception
    after = table(at, "Nyckeltal")
    assert after["Ert värde"][0] != before["Ert värde"][0]
    assert after["Ert värde"][0] == table(at, "Kön")["Ert värde"][1]  # the Kvinnor row


def test_a_remittent_change_reuses_what_participant_filters_do_not_move(logged_in, three,
                                                                         fresh_caches,
                                                                         monkeypatch):
    """The small tables and the estimate of a period are read once, not per filter value."""
    from dashboard import compare_data

    bases = []
    shared_values = compare_data.shared_values
    monkeypatch.setattr(compare_data, "shared_values",
                        lambda frames, base, *args: bases.append(base) or shared_values(
                            frames, base, *args))
    at = jamforelse(logged_in, "styrelse")
    before = table(at, "Nyckeltal")

    widget(at, "multiselect", "remittent").set_value(["Försäkringskassan"]).run()
    widget(at, "multiselect", "kon").set_value(["Man"]).run()

    assert not at.exception, at.exception
    periods = [(b.date_from, b.date_to) for b in bases]  # the warm thread's years too
    assert len(periods) == len(set(periods)) and not any(b.active_filters for b in bases)
    assert not table(at, "Nyckeltal").equals(before)


def test_warming_makes_every_year_of_the_comparison_ready(logged_in, three, monkeypatch,
                                                          fresh_caches):
    from dashboard import compare_data, data
    from dashboard.config import settings

    url = settings().database_url
    data._fill(url, data._version(url))  # at start and after every upload
    made = []
    monkeypatch.setattr(compare_data, "shared_values", lambda *a: made.append(a))

    at = jamforelse(logged_in, "styrelse")
    years = [int(o[:4]) for o in widget(at, "selectbox", "ar").options]
    before = table(at, "Nyckeltal")
    for year in years[1:3]:
        widget(at, "selectbox", "ar").set_value(year).run()
        assert not at.exception, at.exception

    assert len(years) >= 3 and made == []  # no year's shared values made on the viewer's time
    assert not table(at, "Nyckeltal").equals(before)


def test_selection_of_1_to_4_episodes_hides_the_own_value(logged_in, three, demo_frames,
                                                          downloads):
    from test_pages import choose_tiny_selection

    at = logged_in("admin")
    choose_tiny_selection(at, demo_frames)
    downloads.clear()

    at = open_page(at, "jamforelse")

    assert not at.exception, at.exception
    assert any("färre än 5" in n for n in notices(at)), notices(at)
    own = table(at, "Nyckeltal")
    assert not SMALL & {c.strip() for c in own["Ert värde"].to_list()}
    for name, content in download_texts(downloads).items():
        rows = [dict(zip(content.splitlines()[0].split(";"), line.split(";"), strict=False))
                for line in content.splitlines()[1:]]
        assert not SMALL & {r.get("Ert värde", "").strip() for r in rows}, name


def test_insats_filter_does_not_narrow_the_forbund_comparison(logged_in, three):
    at = jamforelse(logged_in, "samordnare")
    whole = table(at, "Nyckeltal")

    widget(at, "multiselect", "insats").set_value(["Steget Vidare"]).run()

    assert table(at, "Nyckeltal").equals(whole)
    assert any("Insats gäller inte i den här vyn." in c.value for c in at.main.caption)


def test_whole_forbund_selection_keeps_participant_filters():
    from dashboard.compare_data import whole_forbund

    sel = Selection(forbund=("A",), date_from=year_period(2024)[0],
                    date_to=year_period(2024)[1], insatser=("x",), grupp="g", kon=("Man",))
    assert whole_forbund(sel) == dataclasses.replace(sel, insatser=(), grupp=None)


def test_anonymised_result_holds_no_name_and_no_count_for_a_non_admin():
    import pickle

    from dashboard.compare_data import ADMIN, FORBUND, STYRGRUPP, anonymised
    from metrics.compare import Comparison, summarise

    names = ["Alfa förbund", "Beta förbund", "Gamma förbund", "Delta förbund"]
    per_kpi = {"share_work": [0.21212121, 0.1, 0.3, 0.25], "started": [40, 12, 90, 33]}
    kpis = {k: summarise(k, dict(zip(names, v, strict=True)), names[0], 3,
                         direction="higher" if k == "share_work" else "neutral")
            for k, v in per_kpi.items()}
    result = Comparison("forbund", names[0], tuple(names), 3, kpis)

    for kind in (FORBUND, STYRGRUPP):
        view = anonymised(result, kind)
        assert not [n for n in names if n.encode() in pickle.dumps(view)]
        assert set(view.kpis) == {"share_work"}
        assert sorted(p.value for p in view.kpis["share_work"].points) == [0.1, 0.212, 0.25,
                                                                             0.3]
    forbund = anonymised(result, FORBUND).kpis["share_work"]
    assert (forbund.value, forbund.place, [p.own for p in forbund.points]) == (
        0.212, 3, [False, True, False, False])
    styrgrupp = anonymised(result, STYRGRUPP).kpis["share_work"]
    assert (styrgrupp.value, styrgrupp.place) == (None, None)
    assert not any(p.own for p in styrgrupp.points)
    admin = anonymised(result, ADMIN)
    assert {p.name for p in admin.kpis["share_work"].points} == set(names)
    assert "started" in admin.kpis


def test_a_failed_comparison_says_so_without_the_error_text(logged_in, three, fresh_caches,
                                                            monkeypatch):
    from dashboard import compare_data

    def broken(*args, **kwargs):
        raise ValueError(f"{FORBUND[0]} saknar värden")

    monkeypatch.setattr(compare_data, "compare_each", broken)
    at = jamforelse(logged_in, "styrelse")

    assert [e.value for e in at.main.error] == [
        "Jämförelsen kunde inte beräknas just nu. Felet är loggat; försök igen senare."]
    assert FORBUND[0] not in "\n".join(texts(at))


@pytest.mark.parametrize(("env", "expected"), [({}, 5), ({"FINSAM_COMPARE_MIN": "3"}, 3),
                                               ({"FINSAM_COMPARE_MIN": "1"}, 2)])
def test_compare_min_comes_from_the_environment(env, expected):
    from dashboard.config import settings

    assert settings(env).compare_min == expected
