"""The sidebar opens on the latest year with data and says when that year is still going on.

Regression: on 2026-11-29 the app opened on 2025 although 2026 had data to 2026-09-30.
"""

from datetime import date

import pytest
from apptest_tools import ROLES, open_page, widget

from dashboard.escape import markdown
from dashboard.filters import filter_options, period_title, year_option
from loaders.demo import CUTOFF
from metrics import latest_full_year, quarter_period
from tests.metrics.factories import budget_line, episode, frames, open_episode

TODAY = date(2026, 11, 29)


def options(episodes: list[dict], budget_years: tuple[int, ...] = ()):
    return filter_options(frames(episodes=episodes, budget_lines=[
        budget_line("Lönekostnader", 1000.0, None, year=y) for y in budget_years]), TODAY)


# Pure: the options and texts from hand-made frames.

def test_default_is_the_ongoing_year_with_its_cutoff():
    opts = options([episode(start_date=date(2025, 3, 1), end_date=date(2025, 12, 31)),
                    open_episode(start_date=date(2026, 8, 14))], budget_years=(2027,))

    assert (opts.default_year, opts.cutoff) == (2026, date(2026, 9, 30))
    assert opts.years == (2027, 2026, 2025)  # a budget year is offered, never the default
    assert [year_option(y, opts.cutoff) for y in opts.years] == [
        "2027", "2026 t.o.m. 2026-09-30", "2025"]


def test_a_year_whose_data_reaches_31_december_is_whole():
    opts = options([episode(start_date=date(2025, 3, 1), end_date=date(2025, 11, 2))])

    assert (opts.default_year, opts.cutoff) == (2025, date(2025, 12, 31))
    assert year_option(2025, opts.cutoff) == "2025"


def test_a_planned_end_date_does_not_make_a_future_year_the_default():
    opts = options([episode(start_date=date(2026, 2, 1), end_date=date(2027, 3, 31))])

    assert (opts.default_year, opts.cutoff) == (2026, date(2026, 3, 31))
    assert 2027 in opts.years  # still offered


def test_without_episodes_the_default_is_last_year_even_with_budgets():
    opts = options([], budget_years=(2026, 2027))

    assert (opts.default_year, opts.cutoff) == (2025, None)
    assert year_option(2026, opts.cutoff) == "2026"


@pytest.mark.parametrize(("text", "frm", "to", "kind", "title"), [
    ("2026", date(2026, 1, 1), date(2026, 12, 31), "År",
     "2026 t.o.m. 2026-09-30 (pågående år)"),
    ("2026 H2", date(2026, 7, 1), date(2026, 12, 31), "Halvår",
     "2026 H2 t.o.m. 2026-09-30 (pågående halvår)"),
    ("2026 Q3", date(2026, 7, 1), date(2026, 9, 30), "Kvartal", "2026 Q3"),
    ("2026 Q4", date(2026, 10, 1), date(2026, 12, 31), "Kvartal", "2026 Q4"),
    ("2025", date(2025, 1, 1), date(2025, 12, 31), "År", "2025"),
    ("2026-02-01–2026-12-31", date(2026, 2, 1), date(2026, 12, 31), "Anpassad",
     "2026-02-01–2026-12-31 (uppgifter t.o.m. 2026-09-30)"),
])
def test_period_title_names_the_cutoff_of_a_period_still_going_on(text, frm, to, kind, title):
    assert period_title(text, frm, to, kind, date(2026, 9, 30)) == title


# The app on the demo database (its data ends with the quarter of `loaders.demo.CUTOFF`).

@pytest.fixture(scope="module")
def demo_cutoff(demo_frames) -> date:
    """The demo's cut-off, checked against its frames: the quarter end of the latest date."""
    eps = demo_frames["episodes"]
    last = max(eps["start_date"].max(), eps["end_date"].max())
    assert quarter_period(last.year, (last.month - 1) // 3 + 1)[1] == CUTOFF
    assert CUTOFF < date.today() and CUTOFF != date(CUTOFF.year, 12, 31)
    return CUTOFF


def title(at) -> str:
    return at.main.header[0].value


@pytest.mark.parametrize("role", ROLES)
def test_app_opens_on_the_latest_year_labelled_as_ongoing(logged_in, demo_cutoff, role):
    at = logged_in(role)

    year = widget(at, "selectbox", "ar")
    assert year.value == demo_cutoff.year
    ongoing = f"{demo_cutoff.year} t.o.m. {demo_cutoff.isoformat()}"
    assert year.options[0] == ongoing
    assert year.options[1] == str(demo_cutoff.year - 1)
    forbund = widget(at, "selectbox", "forbund").value
    assert title(at) == markdown(f"{forbund} · {demo_cutoff.year} t.o.m. "
                                 f"{demo_cutoff.isoformat()} (pågående år) · alla insatser")
    assert "ar" not in at.query_params  # the default year stays out of the URL


def test_year_in_the_url_is_still_honoured(logged_in, demo_frames, demo_cutoff):
    full = latest_full_year(demo_frames["episodes"], date.today())
    at = open_page(logged_in("styrgrupp", query_params={"ar": str(full)}), "resultat")

    assert widget(at, "selectbox", "ar").value == full
    assert f" · {full} · " in title(at)
    assert "pågående" not in title(at)
    assert at.query_params["ar"] in (str(full), [str(full)])


def test_the_ongoing_year_in_the_url_opens_it(logged_in, demo_cutoff):
    at = logged_in("admin", query_params={"ar": str(demo_cutoff.year)})

    assert widget(at, "selectbox", "ar").value == demo_cutoff.year
    assert "(pågående år)" in title(at)


def test_choosing_another_year_and_back(logged_in, demo_cutoff):
    at = logged_in("admin")

    widget(at, "selectbox", "ar").set_value(demo_cutoff.year - 1).run()
    assert f" · {demo_cutoff.year - 1} · " in title(at)

    widget(at, "selectbox", "ar").set_value(demo_cutoff.year).run()
    assert "(pågående år)" in title(at)
    assert not at.exception


def test_half_year_of_the_ongoing_year_names_the_cutoff(logged_in, demo_cutoff):
    at = logged_in("admin")
    at.sidebar.segmented_control(key="period").set_value("Halvår").run()
    widget(at, "selectbox", "del").set_value(2).run()

    assert markdown(f"{demo_cutoff.year} H2 t.o.m. {demo_cutoff.isoformat()} "
                    "(pågående halvår)") in title(at)
