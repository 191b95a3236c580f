"""Every page under every role it is registered for; empty and tiny selections; notices."""

from datetime import date

import polars as pl
import pytest
from apptest_tools import (
    ROLES,
    download_texts,
    notices,
    open_page,
    real_values,
    widget,
)

from dashboard.context import PAGES, pages_for
from metrics import Selection, compute_kpis, filter_episodes, year_period

ALLOWED = [(role, key) for role in ROLES for key in pages_for(role)]
#: Pages built on participant episodes: participant filters apply, tiny selections are hidden.
EPISODE_PAGES = ("oversikt", "resultat", "deltagare")
#: Pages whose figures are not per participant: a participant filter does not apply there.
NOT_PER_PARTICIPANT = ("samhallsekonomi", "ekonomi", "kapacitet", "indikatorer", "volymer",
                       "uppladdning", "historik")
#: Rapport: its texts do not depend on participant filters, but the reports made there do, so
#: it says neither (tests/dashboard/test_rapport.py covers it).
REPORT_PAGES = ("rapport",)
#: Jämförelse: participant filters apply, but its tables also count förbund (`Antal förbund`,
#: `Plats 2 av 4`), so the 1–4 check below does not fit; tests/dashboard/test_jamforelse.py
#: covers its tiny selections and its filters.
COMPARE_PAGES = ("jamforelse",)
SMALL = {"1", "2", "3", "4"}
#: (role, page) -> the notice shown instead of numbers. The demo styrgrupp follows two
#: individual insatser; volumes are reported by structural insatser only.
NO_DATA = {("styrgrupp", "volymer"): "Det finns inga volymer för urvalet under perioden."}


@pytest.mark.parametrize(("role", "key"), ALLOWED)
def test_page_renders_its_title_and_a_real_value(logged_in, role, key):
    at = open_page(logged_in(role), key)

    assert not at.exception, at.exception
    assert not at.main.error, [e.value for e in at.main.error]
    assert [t.value for t in at.title] == [PAGES[key][0]]
    if key == "uppladdning":
        uploader = at.main.get("file_uploader")
        assert uploader, "no file uploader"
        assert any(b.label == "Ladda ner mallen (xlsx)" for b in at.main.get("download_button"))
    elif key == "rapport":
        assert [m.value for m in at.main.markdown if m.value.startswith("#### ")] or \
            at.main.text_area, "Rapport shows no section"
    elif (role, key) in NO_DATA:
        assert any(n.startswith(NO_DATA[role, key]) for n in notices(at)), notices(at)
    else:
        assert real_values(at), f"{key} shows no number for {role}"


def test_every_page_is_covered():
    assert {key for _, key in ALLOWED} == set(PAGES)
    assert (set(EPISODE_PAGES) | set(NOT_PER_PARTICIPANT) | set(REPORT_PAGES)
            | set(COMPARE_PAGES)) == set(PAGES)


def choose_empty_year(at):
    """A custom period before the demo data starts (2020); the widget allows 10 years back."""
    at.sidebar.segmented_control(key="period").set_value("Anpassad").run()
    widget(at, "date_input", "fran").set_value(date(2017, 1, 1))
    widget(at, "date_input", "till").set_value(date(2017, 12, 31)).run()
    assert not at.exception, at.exception


def test_empty_period_on_oversikt_shows_the_no_participants_notice(logged_in):
    at = logged_in("admin")

    choose_empty_year(at)

    assert "2017-01-01–2017-12-31" in at.main.header[0].value
    assert "Inga deltagare i urvalet under perioden." in notices(at)
    assert not at.main.error


@pytest.mark.parametrize("key", [k for k in pages_for("admin")
                                 if k not in ("uppladdning", "historik")])
def test_empty_period_shows_a_friendly_notice_on_every_page(logged_in, key):
    at = logged_in("admin")
    choose_empty_year(at)

    open_page(at, key)

    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [PAGES[key][0]]
    assert not at.main.error, [e.value for e in at.main.error]
    assert notices(at), f"{key} shows no notice for a period without data"


def tiny_selection(frames, forbund: str, year: int) -> dict[str, str]:
    """Kön and remittent leaving 1–4 episodes in the year (checked with the metrics layer)."""
    base = Selection(forbund=(forbund,), date_from=year_period(year)[0],
                     date_to=year_period(year)[1])
    groups = (filter_episodes(frames["episodes"], base).group_by("sex", "referrer").len()
              .filter(pl.col("len").is_between(1, 4)).sort("len", "sex", "referrer"))
    assert groups.height, "the demo has no group of 1–4 episodes"
    sex, referrer, n = groups.row(-1)
    sel = Selection(forbund=(forbund,), date_from=base.date_from, date_to=base.date_to,
                    kon=(sex,), remittent=(referrer,))
    # the engine counts exactly the episodes of that group: the page must hide them
    assert compute_kpis(frames, sel).episodes_n == n
    return {"kon": sex, "remittent": referrer}


def choose_tiny_selection(at, demo_frames) -> None:
    """Set the sidebar to a kön and remittent with 1–4 episodes (`tiny_selection`)."""
    tiny = tiny_selection(demo_frames, widget(at, "selectbox", "forbund").value,
                          widget(at, "selectbox", "ar").value)
    widget(at, "multiselect", "kon").set_value([tiny["kon"]])
    widget(at, "multiselect", "remittent").set_value([tiny["remittent"]]).run()


@pytest.mark.parametrize("key", EPISODE_PAGES)
def test_selection_of_1_to_4_episodes_is_hidden(logged_in, demo_frames, downloads, key):
    at = logged_in("admin")
    choose_tiny_selection(at, demo_frames)
    downloads.clear()

    open_page(at, key)

    assert not at.exception, at.exception
    shown = {m.label: m.value for m in at.main.metric}
    assert not {k: v for k, v in shown.items() if v.strip() in SMALL}, shown
    for frame in at.main.dataframe:
        cells = frame.value.astype(str).to_numpy().ravel()
        assert not SMALL & {c.strip() for c in cells}, frame.value
    for name, content in download_texts(downloads).items():
        cells = {c.strip() for line in content.splitlines()[1:] for c in line.split(";")}
        assert not SMALL & cells, (name, content)
    assert any("färre än 5" in n for n in notices(at)), notices(at)


@pytest.mark.parametrize("key", NOT_PER_PARTICIPANT)
def test_page_says_which_filters_do_not_apply(logged_in, key):
    at = logged_in("admin")
    widget(at, "multiselect", "kon").set_value(["Kvinna"]).run()

    open_page(at, key)

    assert not at.exception, at.exception
    assert "Filtren Kön gäller inte på den här sidan." in [i.value for i in at.main.info]


@pytest.mark.parametrize("key", EPISODE_PAGES)
def test_page_where_filters_apply_does_not_say_they_do_not(logged_in, key):
    at = logged_in("admin")
    widget(at, "multiselect", "kon").set_value(["Kvinna"]).run()

    open_page(at, key)

    assert not any("gäller inte på den här sidan" in i.value for i in at.main.info)


def test_table_files_are_written_on_the_click_not_on_every_run(logged_in, monkeypatch):
    from dashboard import ui

    written = []
    for name in ("csv_bytes", "workbook_bytes"):
        monkeypatch.setattr(ui, name, lambda *a, name=name: written.append(name) or b"")
    at = logged_in("admin")
    widget(at, "multiselect", "kon").set_value(["Kvinna"]).run()

    buttons = [b.proto for b in at.get("download_button")]
    assert {b.label for b in buttons} == {"Ladda ner CSV", "Ladda ner Excel"}
    assert all(b.deferred_file_id and not b.url for b in buttons)
    assert written == []  # nothing made until someone presses a button


def test_oversikt_csv_download_has_swedish_headers(logged_in, downloads):
    logged_in("admin")

    csv = download_texts(downloads)["oversikt.csv"]

    assert downloads["oversikt.csv"].startswith("\ufeff".encode())  # Excel reads å/ä/ö
    assert csv.splitlines()[0] == ("Insats;Andel till arbete;Till arbete, antal;Andel till arbete, "
                                   "studier eller rehab;Till arbete, studier eller rehab, antal;"
                                   "Beläggningsgrad;Nyttjandegrad;Målstatus")
    assert " %" in csv and "," in csv.splitlines()[1]  # Swedish percent with decimal comma
