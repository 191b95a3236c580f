"""Login, demo mode, the cookie-key guard and logout, through the real login form."""

import pytest
from apptest_tools import new_app, submit_login

from dashboard.users import User, add_user
from loaders.demo import DEMO_USERS

KEY_ERROR = "Appen startar inte utan en hemlig nyckel för inloggningskakan"


def has_login_form(at) -> bool:
    return {t.label for t in at.text_input} >= {"Användarnamn", "Lösenord"}


def test_demo_mode_shows_login_form_demo_credentials_and_marker():
    at = new_app().run()

    assert not at.exception
    assert has_login_form(at)
    assert [b.label for b in at.button] == ["Logga in"]
    notice = "\n".join(i.value for i in at.info)
    for user in DEMO_USERS:
        assert f"| {user['username']} | {user['password']} |" in notice
    assert "| styrelse | demo-styrelse | Styrelseledamot | Demoförbundet Sjöstad |" in notice
    assert any("**Demo**" in w.value for w in at.sidebar.warning)
    assert not at.title  # no page before login
    assert not at.sidebar.selectbox  # no filters before login


@pytest.mark.parametrize(("username", "password"), [
    ("admin", "fel-lösenord"),
    ("admin", ""),
    ("okänd", "demo-admin"),
    ("admin", "DEMO-ADMIN"),  # passwords are case-sensitive (user names are not)
])
def test_wrong_credentials_show_swedish_error_and_nothing_else(username, password):
    at = submit_login(new_app().run(), username, password)

    assert not at.exception
    assert "Fel användarnamn eller lösenord." in [e.value for e in at.error]
    assert has_login_form(at)
    assert not at.title
    assert not at.metric
    assert not any(b.label == "Logga ut" for b in at.sidebar.button)


@pytest.mark.parametrize("role", ["admin", "samordnare", "styrelse", "styrgrupp"])
def test_each_demo_user_logs_in_and_sees_oversikt(logged_in, role):
    at = logged_in(role)

    assert [t.value for t in at.title] == ["Översikt"]
    assert not has_login_form(at)
    assert not [e.value for e in at.error]
    user = next(u for u in DEMO_USERS if u["username"] == role)
    assert any(user["name"] in m.value for m in at.sidebar.markdown)


def test_logout_returns_to_login_form(logged_in):
    at = logged_in("admin")

    next(b for b in at.sidebar.button if b.label == "Logga ut").click()
    at.run()
    assert not at.session_state["authentication_status"]
    at.run()  # in a browser, the cookie component's rerun after deleting the cookie

    assert not at.exception
    assert has_login_form(at)
    assert not at.title
    assert not at.metric
    assert not at.sidebar.selectbox


def test_outside_demo_mode_without_cookie_key_refuses_to_start(monkeypatch):
    monkeypatch.setenv("FINSAM_DEMO", "0")

    at = new_app().run()

    assert not at.exception
    assert len(at.error) == 1
    assert at.error[0].value.startswith(KEY_ERROR)
    assert "FINSAM_COOKIE_KEY (minst 32 byte)" in at.error[0].value
    assert not at.text_input  # no login form
    assert not at.info  # no demo credentials
    assert not at.sidebar.warning  # no demo marker


@pytest.mark.parametrize(("key", "starts"), [
    ("k" * 31, False),
    ("k" * 32, True),
    ("å" * 15 + "k", False),  # 31 bytes: the limit is in bytes, not characters
    ("å" * 16, True),  # 32 bytes
])
def test_outside_demo_mode_needs_a_32_byte_cookie_key(monkeypatch, key, starts):
    monkeypatch.setenv("FINSAM_DEMO", "0")
    monkeypatch.setenv("FINSAM_COOKIE_KEY", key)

    at = new_app().run()

    assert not at.exception
    assert has_login_form(at) is starts
    assert any(e.value.startswith(KEY_ERROR) for e in at.error) is not starts


def test_cookie_key_may_come_from_streamlit_secrets(monkeypatch):
    monkeypatch.setenv("FINSAM_DEMO", "0")
    at = new_app()
    at.secrets["FINSAM_COOKIE_KEY"] = "s" * 40

    at.run()

    assert not at.exception
    assert not at.error
    assert has_login_form(at)


def test_outside_demo_mode_only_auth_file_users_log_in(monkeypatch, app_env):
    monkeypatch.setenv("FINSAM_DEMO", "0")
    monkeypatch.setenv("FINSAM_COOKIE_KEY", "c" * 32)
    add_user(app_env, User(username="anna", name="Anna Andersson", role="styrelse",
                           forbund=("Demoförbundet Sjöstad",)), "ett-langt-losenord")

    demo = submit_login(new_app().run(), "admin", "demo-admin")
    assert "Fel användarnamn eller lösenord." in [e.value for e in demo.error]
    assert not demo.info  # the demo credentials are never shown outside demo mode

    at = submit_login(new_app().run(), "anna", "ett-langt-losenord")
    assert not at.exception
    assert [t.value for t in at.title] == ["Översikt"]
    assert at.sidebar.selectbox(key="forbund").options == ["Demoförbundet Sjöstad"]
    assert not at.sidebar.warning  # no demo marker
