"""Login, demo mode, the cookie-key guard and logout, through the real login form."""

import base64
import hashlib
import hmac
import io
import json
import logging
import shutil
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest
import streamlit as st
from apptest_tools import new_app, submit_login

from dashboard.cli import main as finsam
from dashboard.users import User, add_user
from loaders.demo import DEMO_USERS

KEY_ERROR = "Appen startar inte utan en hemlig nyckel för inloggningskakan"
GOOD_KEY = "Zq3xV9mLp0TbW7cRy2NhK8sDf4GjU6aE-lmno"


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
    (GOOD_KEY[:31], False),
    (GOOD_KEY[:32], True),
    ("åäöéüÅÄÖÉÜ" + "abcdefghijk", False),  # 31 bytes: the limit is in bytes, not characters
    ("åäöéüÅÄÖÉÜ" + "abcdefghijkl", True),  # 32 bytes in 22 characters
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
    at.secrets["FINSAM_COOKIE_KEY"] = GOOD_KEY

    at.run()

    assert not at.exception
    assert not at.error
    assert has_login_form(at)


def test_outside_demo_mode_only_auth_file_users_log_in(monkeypatch, app_env):
    monkeypatch.setenv("FINSAM_DEMO", "0")
    monkeypatch.setenv("FINSAM_COOKIE_KEY", GOOD_KEY)
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


# --- Security (issue items 2, 3, 4 and 7): every test below failed on the code before it. ---

OLD_DEMO_KEY = "finsam-demo-cookie-key-not-secret-0123456789"  # public in git history
DEMO_REFUSED = "**Demoläget är avstängt**"
LOCKED = "För många misslyckade inloggningsförsök."
WRONG = "Fel användarnamn eller lösenord."
ANNA = User(username="anna", name="Anna Andersson", role="styrelse",
            forbund=("Demoförbundet Sjöstad",))
ANNA_PASSWORD = "ett-langt-losenord"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged_cookie(username: str, key: str = OLD_DEMO_KEY) -> str:
    """The login cookie streamlit-authenticator accepted: an HS256 JWT naming the user."""
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps({"username": username, "exp_date": time.time() + 86400}).encode())
    mac = hmac.new(key.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(mac)}"


def logged_in_as(at) -> bool:
    return bool(at.title) and any(b.label == "Logga ut" for b in at.sidebar.button)


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def login(username: str, password: str):
    at = submit_login(new_app().run(), username, password)
    assert not at.exception, at.exception
    return at.run()  # the cookie component's rerun in a browser


def real_installation(monkeypatch, auth_file, demo: str = "0") -> None:
    monkeypatch.setenv("FINSAM_DEMO", demo)
    monkeypatch.setenv("FINSAM_COOKIE_KEY", GOOD_KEY)
    add_user(auth_file, ANNA, ANNA_PASSWORD)


# Item 2: demo mode is not a back door.

def test_cookie_signed_with_the_old_public_demo_key_is_rejected(browser_cookies):
    browser_cookies["finsam_login"] = forged_cookie("admin")

    at = new_app().run()

    assert not at.exception
    assert not logged_in_as(at)
    assert has_login_form(at)


def test_forged_cookie_does_not_log_in_a_real_admin_when_demo_is_requested(
        browser_cookies, app_env):
    add_user(app_env, User(username="chef", name="Riktig Admin", role="admin"), "hemligt-123")
    browser_cookies["finsam_login"] = forged_cookie("chef")

    at = new_app().run()  # FINSAM_DEMO=1 as `make run` sets it, no cookie key

    assert not at.exception
    assert not logged_in_as(at)
    assert any(DEMO_REFUSED in w.value for w in at.warning)
    assert any(e.startswith(KEY_ERROR) for e in errors(at))


def test_demo_mode_is_refused_when_the_auth_file_has_a_real_user(monkeypatch, app_env, caplog):
    from dashboard import auth

    real_installation(monkeypatch, app_env, demo="1")
    auth._warn_once.cache_clear()

    with caplog.at_level(logging.WARNING, logger="dashboard.auth"):
        at = new_app().run()

    assert not at.exception
    [warning] = [w.value for w in at.warning]
    assert warning.startswith(DEMO_REFUSED) and "användarfilen har 1 användare" in warning
    assert "FINSAM_DEMO=1 ignoreras: användarfilen har 1 användare" in caplog.text
    assert not at.info  # no demo credentials
    assert not at.sidebar.warning  # no demo marker
    assert WRONG in errors(login("admin", "demo-admin"))
    assert logged_in_as(login("anna", ANNA_PASSWORD))


def test_demo_password_stops_working_once_real_data_is_imported(monkeypatch, tmp_path,
                                                                demo_url):
    db = tmp_path / "finsam.db"
    shutil.copy(demo_url.removeprefix("sqlite:///"), db)
    url = f"sqlite:///{db}"
    (tmp_path / "Insatser.csv").write_text("Förbund;Insats;Årsplatser\n"
                                           "Samordningsförbundet Riktiga;Steget;12\n")
    assert finsam(["--db", url, "import", str(tmp_path / "Insatser.csv"), "--user", "eva"]) == 0
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FINSAM_COOKIE_KEY", GOOD_KEY)

    at = new_app().run()  # FINSAM_DEMO=1

    assert not at.exception
    assert any("1 förbund som inte är demoförbund" in w.value for w in at.warning)
    assert not at.info
    assert WRONG in errors(login("admin", "demo-admin"))


def test_demo_mode_still_works_on_demo_data_alone():
    at = login("admin", "demo-admin")

    assert logged_in_as(at)
    assert any("**Demo**" in w.value for w in at.sidebar.warning)


# Item 7: the documented `cookie_key` in secrets.toml, and keys anyone knows.

def test_cookie_key_from_secrets_toml_as_the_readme_documents(monkeypatch):
    monkeypatch.setenv("FINSAM_DEMO", "0")
    at = new_app()
    at.secrets["cookie_key"] = GOOD_KEY

    at.run()

    assert not at.exception
    assert not at.error
    assert has_login_form(at)


@pytest.mark.parametrize("key", [OLD_DEMO_KEY, "k" * 40, "abcabcabcabcabcabcabcabcabcabcabc"])
def test_known_or_trivial_cookie_keys_are_refused(monkeypatch, key):
    monkeypatch.setenv("FINSAM_DEMO", "0")
    monkeypatch.setenv("FINSAM_COOKIE_KEY", key)

    at = new_app().run()

    assert not at.exception
    assert not has_login_form(at)
    assert any("nyckeln för inloggningskakan är känd eller för enkel" in e for e in errors(at))


# Item 3: throttling, shared by every session of the process.

def test_five_failures_lock_the_user_name_even_for_the_right_password():
    at = new_app().run()
    for _ in range(5):
        at = submit_login(at, "admin", "fel-lösenord")
        assert WRONG in errors(at)

    at = submit_login(at, "admin", "demo-admin")

    assert not at.exception
    assert not logged_in_as(at.run())
    [message] = errors(at)
    assert message.startswith(LOCKED) and "försök igen om 30 sekunder" in message
    # Another session (another browser) is locked out too.
    other = submit_login(new_app().run(), "ADMIN ", "demo-admin")
    assert not logged_in_as(other.run())
    assert any(LOCKED in e for e in errors(other))
    # Five failures from one client lock that client for every user name too.
    at = login("styrelse", "demo-styrelse")
    assert not logged_in_as(at)
    assert any(LOCKED in e for e in errors(at))


def test_unknown_user_names_are_locked_exactly_like_known_ones():
    at = new_app().run()
    for _ in range(5):
        at = submit_login(at, "finns-inte", "fel-lösenord")
        assert errors(at) == [WRONG]

    at = submit_login(at, "finns-inte", "fel-lösenord")

    assert errors(at)[0].startswith(LOCKED)


# Item 4: cookies the server can revoke.

def test_copied_cookie_is_rejected_after_logout(browser_cookies, cookies_set):
    at = login("admin", "demo-admin")
    copied = cookies_set[-1]["value"]
    browser_cookies["finsam_login"] = copied
    assert logged_in_as(new_app().run())  # the copy works while the user is logged in

    next(b for b in at.sidebar.button if b.label == "Logga ut").click()
    at.run()

    other = new_app().run()
    assert not other.exception
    assert not logged_in_as(other)
    assert has_login_form(other)


@pytest.mark.parametrize("change", ["passwd", "add"])
def test_copied_cookie_and_open_sessions_end_when_the_password_changes(
        monkeypatch, app_env, browser_cookies, cookies_set, change):
    real_installation(monkeypatch, app_env)
    at = login("anna", ANNA_PASSWORD)
    assert logged_in_as(at)
    browser_cookies["finsam_login"] = cookies_set[-1]["value"]

    monkeypatch.setattr("sys.stdin", io.StringIO("ett-nytt-langt-losenord\n"))
    args = (["user", "passwd", "anna"] if change == "passwd" else
            ["user", "add", "anna", "--role", "styrelse", "--forbund", "Demoförbundet Sjöstad"])
    assert finsam([*args, "--password-stdin"]) == 0

    other = new_app().run()
    assert not logged_in_as(other) and has_login_form(other)
    at.run()  # the session that was open when the password changed
    assert not logged_in_as(at) and has_login_form(at)
    assert logged_in_as(login("anna", "ett-nytt-langt-losenord"))


def test_copied_cookie_is_rejected_after_the_user_is_removed(monkeypatch, app_env,
                                                             browser_cookies, cookies_set):
    real_installation(monkeypatch, app_env)
    login("anna", ANNA_PASSWORD)
    browser_cookies["finsam_login"] = cookies_set[-1]["value"]

    assert finsam(["user", "remove", "anna"]) == 0

    other = new_app().run()
    assert not other.exception
    assert not logged_in_as(other)
    assert has_login_form(other)


@pytest.mark.parametrize(("url", "secure"), [("https://finsam.example.se/", True),
                                             ("http://localhost:8501/", False)])
def test_login_cookie_is_samesite_strict_and_secure_over_https(monkeypatch, cookies_set, url,
                                                               secure):
    monkeypatch.setattr(type(st.context), "url", property(lambda self: url))

    login("admin", "demo-admin")

    cookie = cookies_set[-1]
    assert cookie["name"] == "finsam_login"
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    assert cookie.get("secure", False) is secure
    assert cookie["expires"].endswith(" GMT")  # the browser reads it as UTC, not local time
    expires = parsedate_to_datetime(cookie["expires"])
    assert 0 < (expires - datetime.now(UTC)).total_seconds() <= 86400


def test_logout_tells_the_browser_to_drop_the_cookie(cookies_set):
    at = login("admin", "demo-admin")

    next(b for b in at.sidebar.button if b.label == "Logga ut").click()
    at.run()

    assert cookies_set[-1] == {"name": "finsam_login", "value": "", "path": "/",
                               "max-age": "0", "samesite": "Strict"}

