"""Pages a role may not open and addresses that name no page are explained in Swedish.

Regression: a styrgrupp member was not told why Ekonomi was missing, and a link to it (or to
a mistyped address) showed Streamlit's English "Page not found" dialog.
"""

from functools import partial

import pytest
from apptest_tools import ROLES, new_app, open_page, texts
from streamlit.commands import navigation
from streamlit.testing.v1 import local_script_runner

from dashboard.context import PAGES, pages_for
from loaders.demo import DEMO_USERS, demo_forbund_names

DENIED = [(role, key) for role in ROLES for key in PAGES if key not in pages_for(role)]
NOTES = {
    "admin": None, "samordnare": None,
    "styrelse": "Uppladdning och Historik visas för samordnare.",
    "styrgrupp": "Ekonomi och Indikatorer visas för styrelsen och samordnare. "
                 "Uppladdning och Historik visas för samordnare.",
}
AUDIENCE = {"ekonomi": "styrelsen och samordnare", "indikatorer": "styrelsen och samordnare",
            "uppladdning": "samordnare", "historik": "samordnare"}
ROLE_WORDS = {"styrelse": "styrelseledamot", "styrgrupp": "styrgrupp"}


@pytest.fixture
def address(monkeypatch) -> list[int]:
    """Factory: the browser asks for `/<name>`, as a typed or shared link does.

    AppTest asks for pages by hash only; the browser sends the address's name with a run that
    names no hash. Returns the list that counts Streamlit's "Page not found" messages.
    """
    not_found: list[int] = []
    original = navigation.send_page_not_found
    monkeypatch.setattr(navigation, "send_page_not_found",
                        lambda ctx: (not_found.append(1), original(ctx)))

    def ask(name: str) -> list[int]:
        monkeypatch.setattr(local_script_runner, "RerunData",
                            partial(local_script_runner.RerunData, page_name=name))
        return not_found

    return ask


def foreign_names(role: str) -> list[str]:
    own = next(u for u in DEMO_USERS if u["username"] == role)["forbund"]
    return [f for f in demo_forbund_names(4) if f not in own]


@pytest.mark.parametrize("role", ROLES)
def test_sidebar_says_which_pages_are_for_other_roles(logged_in, role):
    at = logged_in(role)

    notes = [c.value for c in at.sidebar.caption if "visas för" in c.value]
    assert notes == ([NOTES[role]] if NOTES[role] else [])


@pytest.mark.parametrize(("role", "key"), DENIED)
def test_address_of_a_page_the_role_may_not_open_explains_in_swedish(logged_in, address, role,
                                                                     key):
    not_found = address(key)
    at = logged_in(role)

    assert not at.exception
    assert not_found == []
    assert [t.value for t in at.title] == [PAGES[key][0]]
    assert [i.value for i in at.main.info] == [
        f"Sidan {PAGES[key][0]} är inte öppen för din roll ({ROLE_WORDS[role]}). "
        f"Den visas för {AUDIENCE[key]}."]
    [link] = at.main.get("page_link")
    assert link.proto.label == "Till Översikt"
    # Nothing of the page or the data: no numbers, tables, charts, or another förbund's name.
    assert not at.main.metric and not at.main.dataframe and not at.main.get("plotly_chart")
    assert not at.main.header and not at.main.error and not at.main.warning
    shown = "\n".join(texts(at))
    assert not [f for f in foreign_names(role) if f in shown]


def test_a_permitted_address_still_opens_its_page(logged_in, address):
    not_found = address("resultat")
    at = logged_in("styrgrupp")

    assert not_found == []
    assert [t.value for t in at.title] == ["Resultat"]
    assert not at.main.info or "inte öppen" not in at.main.info[0].value


@pytest.mark.parametrize("query", [{}, {"presentation": "true", "kon": "Kvinna"}])
def test_the_default_pages_own_name_opens_it_with_its_filters(logged_in, address, query):
    not_found = address("oversikt")  # Översikt lives at "/"; /oversikt is its old name
    at = logged_in("styrelse", query)

    assert not at.exception
    assert not_found == []
    assert [t.value for t in at.title] == ["Översikt"]
    assert {k: at.query_params[k] for k in query} == query


def test_unknown_address_explains_in_swedish(logged_in, address):
    not_found = address("finnsinte")
    at = logged_in("styrgrupp")

    assert not at.exception
    assert not_found == []
    assert [t.value for t in at.title] == ["Sidan finns inte"]
    assert [e.value for e in at.main.error] == [
        "Det finns ingen sida med adressen /finnsinte. Välj en sida i menyn."]
    assert [link.proto.label for link in at.main.get("page_link")] == ["Till Översikt"]
    assert not at.main.metric and not at.main.dataframe


def test_unknown_address_keeps_its_message_on_later_runs_and_the_menu_works(logged_in,
                                                                           address):
    address("finnsinte")
    at = logged_in("styrgrupp")

    at.run()
    assert [t.value for t in at.title] == ["Sidan finns inte"]
    open_page(at, "resultat")
    assert [t.value for t in at.title] == ["Resultat"]


def test_unknown_address_before_login_shows_the_login_form(address):
    not_found = address("finnsinte")
    at = new_app().run()

    assert not at.exception
    assert not_found == []
    assert any(m.value == "# Logga in" for m in at.markdown)


def test_unknown_address_is_shown_literally(logged_in, address):
    address("**fet**[x](javascript:alert)")
    at = logged_in("styrgrupp")

    [error] = at.main.error
    assert error.value == ("Det finns ingen sida med adressen "
                           "/\\*\\*fet\\*\\*\\[x\\](javascript\\:\u2060alert). "
                           "Välj en sida i menyn.")
