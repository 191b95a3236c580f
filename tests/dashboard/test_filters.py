"""Sidebar filters: the numbers shown are exactly what the metrics layer gives."""

from datetime import date

import pytest
from apptest_tools import metric, open_page, widget

from dashboard import fmt
from dashboard.auth import Viewer
from dashboard.data import scope
from loaders.demo import DEMO_USERS
from metrics import (
    Selection,
    half_year_period,
    latest_full_year,
    public_kpis,
    quarter_period,
    year_period,
)

THRESHOLD = 5


def viewer(role: str) -> Viewer:
    u = next(u for u in DEMO_USERS if u["username"] == role)
    return Viewer(username=u["username"], name=u["name"], role=u["role"],
                  forbund=tuple(u["forbund"]), insatser=tuple(u["insatser"]))


def sidebar_year(at, **filters) -> Selection:
    """The selection of the sidebar's förbund and year, plus `filters`."""
    forbund = widget(at, "selectbox", "forbund").value
    year = widget(at, "selectbox", "ar").value
    return Selection(forbund=(forbund,), date_from=year_period(year)[0],
                     date_to=year_period(year)[1], **filters)


def expected(frames, role: str, sel: Selection, key: str):
    """The disclosure-controlled value the page must show, computed without Streamlit."""
    result = public_kpis(scope(frames, viewer(role)), sel, THRESHOLD)
    assert key not in result.disclosure, f"{key} is hidden for {sel}; pick another case"
    return result.values[key]


@pytest.mark.parametrize("role", ["admin", "samordnare", "styrelse", "styrgrupp"])
def test_kon_filter_on_oversikt_shows_the_metrics_value(logged_in, demo_frames, role):
    at = logged_in(role)
    before = metric(at, "Nya deltagare")
    assert before == fmt.number(expected(demo_frames, role, sidebar_year(at), "started"))

    widget(at, "multiselect", "kon").set_value(["Kvinna"]).run()

    assert not at.exception
    women = expected(demo_frames, role, sidebar_year(at, kon=("Kvinna",)), "started")
    assert metric(at, "Nya deltagare") == fmt.number(women)
    assert metric(at, "Nya deltagare") != before
    assert "Kvinna" in at.main.header[0].value  # the selection heading under the title


def test_remittent_filter_on_resultat_shows_the_metrics_value(logged_in, demo_frames):
    # A whole year: in the ongoing default year too few Försäkringskassan referrals have ended.
    year = latest_full_year(demo_frames["episodes"], date.today())
    at = open_page(logged_in("admin", query_params={"ar": str(year)}), "resultat")
    assert widget(at, "selectbox", "ar").value == year
    before = metric(at, "Andel till arbete")

    widget(at, "multiselect", "remittent").set_value(["Försäkringskassan"]).run()

    assert not at.exception
    assert [t.value for t in at.title] == ["Resultat"]
    share = expected(demo_frames, "admin", sidebar_year(at, remittent=("Försäkringskassan",)),
                     "share_work")
    assert metric(at, "Andel till arbete") == fmt.percent(share)
    assert metric(at, "Andel till arbete") != before


def test_filter_changes_are_written_to_the_url(logged_in):
    at = logged_in("admin")

    widget(at, "multiselect", "kon").set_value(["Kvinna", "Man"]).run()
    widget(at, "multiselect", "remittent").set_value(["Försäkringskassan"]).run()

    assert at.query_params["kon"] == ["Kvinna", "Man"]
    assert at.query_params["remittent"] in ("Försäkringskassan", ["Försäkringskassan"])


def test_filters_in_the_url_are_applied(logged_in, demo_frames):
    at = logged_in("admin", query_params={"kon": "Kvinna", "remittent": "Försäkringskassan"})

    assert widget(at, "multiselect", "kon").value == ["Kvinna"]
    assert widget(at, "multiselect", "remittent").value == ["Försäkringskassan"]
    sel = sidebar_year(at, kon=("Kvinna",), remittent=("Försäkringskassan",))
    assert metric(at, "Nya deltagare") == fmt.number(expected(demo_frames, "admin", sel,
                                                              "started"))


def test_unknown_filter_values_in_the_url_are_ignored(logged_in, demo_frames):
    at = logged_in("admin", query_params={"kon": "Okänt", "ar": "1900"})

    assert not at.exception
    assert widget(at, "multiselect", "kon").value == []
    assert metric(at, "Nya deltagare") == fmt.number(
        expected(demo_frames, "admin", sidebar_year(at), "started"))


def test_insats_filter_shows_that_insats_only(logged_in, demo_frames):
    at = logged_in("admin")
    insats = widget(at, "multiselect", "insats").options[0]

    widget(at, "multiselect", "insats").set_value([insats]).run()

    assert not at.exception
    sel = sidebar_year(at, insatser=(insats,))
    assert metric(at, "Nya deltagare") == fmt.number(expected(demo_frames, "admin", sel,
                                                              "started"))
    assert [h.value for h in at.main.markdown if h.value.startswith("#### ")] == [
        f"#### {insats}"]


@pytest.mark.parametrize(("kind", "key", "part", "period", "label"), [
    ("Halvår", "del", 2, half_year_period, "H2"),
    ("Kvartal", "kvartal", 3, quarter_period, "Q3"),
])
def test_half_year_and_quarter(logged_in, demo_frames, kind, key, part, period, label):
    at = logged_in("admin")
    year = widget(at, "selectbox", "ar").value

    at.sidebar.segmented_control(key="period").set_value(kind).run()
    widget(at, "selectbox", key).set_value(part).run()

    assert not at.exception
    assert f"{year} {label}" in at.main.header[0].value
    frm, to = period(year, part)
    sel = Selection(forbund=(widget(at, "selectbox", "forbund").value,), date_from=frm,
                    date_to=to)
    assert metric(at, "Nya deltagare") == fmt.number(expected(demo_frames, "admin", sel,
                                                              "started"))


def test_custom_period_given_backwards_is_swapped(logged_in, demo_frames):
    at = logged_in("admin")
    at.sidebar.segmented_control(key="period").set_value("Anpassad").run()

    widget(at, "date_input", "fran").set_value(date(2024, 6, 30))
    widget(at, "date_input", "till").set_value(date(2024, 1, 1)).run()

    assert not at.exception
    assert "Från-datum ligger efter till-datum; de har bytts om." in [
        w.value for w in at.sidebar.warning]
    assert "2024-01-01–2024-06-30" in at.main.header[0].value
    sel = Selection(forbund=(widget(at, "selectbox", "forbund").value,),
                    date_from=date(2024, 1, 1), date_to=date(2024, 6, 30))
    assert metric(at, "Nya deltagare") == fmt.number(expected(demo_frames, "admin", sel,
                                                              "started"))


def test_filters_survive_a_page_switch(logged_in):
    at = logged_in("admin")
    widget(at, "multiselect", "kon").set_value(["Man"]).run()

    open_page(at, "resultat")

    assert widget(at, "multiselect", "kon").value == ["Man"]
    assert "Man" in at.main.header[0].value
