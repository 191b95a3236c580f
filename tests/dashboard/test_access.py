"""Who may open which page, and that no page shows rows outside the viewer's scope."""

import pytest
from apptest_tools import (
    ROLES,
    download_texts,
    open_page,
    page_path,
    texts,
    widget,
)
from streamlit.testing.v1 import AppTest

from dashboard.context import PAGES, pages_for
from loaders.demo import DEMO_USERS, demo_forbund_names

DENIED = [(role, key) for role in ROLES for key in PAGES if key not in pages_for(role)]
NORRDAL, SJOSTAD = "Demoförbundet Norrdal", "Demoförbundet Sjöstad"
CONTEXT_KEY = "_finsam_page_context"
NO_ACCESS = "Du har inte behörighet till den här sidan."


def user(role: str) -> dict:
    return next(u for u in DEMO_USERS if u["username"] == role)


def test_role_page_table_matches_the_documented_roles():
    assert pages_for("admin") == list(PAGES)
    assert pages_for("samordnare") == list(PAGES)
    assert set(PAGES) - set(pages_for("styrelse")) == {"uppladdning", "historik"}
    assert set(PAGES) - set(pages_for("styrgrupp")) == {
        "ekonomi", "indikatorer", "uppladdning", "historik"}
    # Everyone reads the report texts (and makes reports) of what they see; samordnare and
    # admin also write them (tests/dashboard/test_rapport.py).
    assert all("rapport" in pages_for(role) for role in ROLES)


@pytest.mark.parametrize(("role", "key"), DENIED)
def test_page_not_registered_for_role_cannot_be_reached(logged_in, role, key):
    at = logged_in(role)

    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page_path(key))
    # The session is unharmed and still on its own page.
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Översikt"]


@pytest.mark.parametrize(("role", "key"), DENIED)
def test_page_run_outside_navigation_refuses_a_role_it_is_not_for(logged_in, role, key):
    """The second lock: `page_context` stops the page even when it is reached somehow."""
    ctx = logged_in(role).session_state[CONTEXT_KEY]
    page = AppTest.from_file(str(PAGES[key][1]), default_timeout=60)
    page.session_state[CONTEXT_KEY] = ctx

    page.run()

    assert not page.exception
    assert [e.value for e in page.error] == [NO_ACCESS]
    assert not page.title
    assert not page.metric and not page.dataframe


@pytest.mark.parametrize("key", list(PAGES))
def test_page_run_without_login_context_shows_only_the_refusal(key):
    page = AppTest.from_file(str(PAGES[key][1]), default_timeout=60).run()

    assert not page.exception
    assert [e.value for e in page.error] == [NO_ACCESS]
    assert not page.title


@pytest.mark.parametrize("attack", [None, "url"], ids=["plain", "foreign-forbund-in-url"])
@pytest.mark.parametrize("role", ["samordnare", "styrelse", "styrgrupp"])
def test_no_page_shows_another_forbund(logged_in, downloads, role, attack):
    own = user(role)["forbund"]
    foreign_forbund = [f for f in demo_forbund_names(4) if f not in own]
    params = {"forbund": foreign_forbund[0]} if attack else None
    at = logged_in(role, query_params=params)

    assert widget(at, "selectbox", "forbund").options == own
    assert widget(at, "selectbox", "forbund").value == own[0]
    for key in pages_for(role):
        open_page(at, key)
        assert not at.exception, (key, at.exception)
        shown = "\n".join(texts(at))
        leaks = [f for f in [*foreign_forbund, "Norrdal" if role == "styrelse" else ""]
                 if f and f in shown]
        assert not leaks, f"{role} sees {leaks} on {key}"
        assert own[0] in shown, f"{key} does not name the viewer's förbund"
    for name, content in download_texts(downloads).items():
        leaks = [f for f in foreign_forbund if f in content]
        assert not leaks, f"{role} can download {leaks} in {name}"


def test_styrelse_with_norrdal_in_url_sees_sjostad_numbers(logged_in):
    plain = logged_in("styrelse")
    attacked = logged_in("styrelse", query_params={"forbund": NORRDAL})

    assert attacked.query_params.get("forbund") in (None, SJOSTAD, [SJOSTAD])
    assert [m.value for m in attacked.main.metric] == [m.value for m in plain.main.metric]
    assert SJOSTAD in attacked.main.header[0].value


def test_styrgrupp_sees_only_their_insatser(logged_in, downloads):
    mine = user("styrgrupp")["insatser"]
    at = logged_in("styrgrupp", query_params={"insats": "Steget Vidare"})

    assert widget(at, "multiselect", "insats").options == sorted(mine)
    assert widget(at, "multiselect", "insats").value == []
    others = ["Steget Vidare", "Hälsoslussen", "Samverkan Psykiatri"]  # Norrdal, not theirs
    for key in pages_for("styrgrupp"):
        open_page(at, key)
        assert not at.exception, (key, at.exception)
        shown = "\n".join(texts(at))
        assert not [i for i in others if i in shown], key
    for name, content in download_texts(downloads).items():
        assert not [i for i in others if i in content], name


def test_admin_may_choose_every_forbund(logged_in):
    at = logged_in("admin")

    assert widget(at, "selectbox", "forbund").options == sorted(demo_forbund_names(4))
