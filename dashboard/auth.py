"""Login: our own form, a revocable signed cookie, throttling and the demo-mode guard.

Everything else asks `viewer()` who is logged in and what they may see; nothing outside this
module reads the login's session state or the cookie, so it can be swapped for Streamlit's
OIDC `st.login` where a förbund has an identity provider.

- Passwords: one bcrypt check per attempt, against a dummy hash for unknown names, so the
  answer takes as long whether or not the user exists (`check_password`).
- Throttling: `dashboard.throttle`, one store per process shared by every session.
- Cookie: `dashboard.tokens` (HMAC over user, token version, expiry and the password hash),
  written by a script in the page (`dashboard.browser_cookie`) with SameSite=Strict, Secure
  on https. It
  cannot be HttpOnly: Streamlit scripts cannot set response headers (docs/SECURITY.md).
- Revocation: every run checks the session's token version against the auth file's
  `-tokens.json`; logout, `finsam user passwd` and `finsam user remove` bump it.
- Demo mode only when requested *and* nothing real is present (`demo_mode`); its cookie key
  is random per process, never a constant.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets as secrets_module
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import bcrypt
import streamlit as st

from dashboard import browser_cookie, tokens
from dashboard.config import MIN_COOKIE_KEY_BYTES, Settings
from dashboard.throttle import Attempt, Throttle, normalise, wait_message
from dashboard.users import (
    ROLE_LABELS,
    User,
    bump_token_version,
    hash_password,
    load_users,
    token_versions,
)

log = logging.getLogger(__name__)

COOKIE_NAME = "finsam_login"
COOKIE_SECONDS = 24 * 60 * 60.0  # revocable now, but a stolen cookie still should not live long
#: Keys that have been public (the old demo constant) or that the docs show as an example:
#: a cookie signed with one of them could be forged by anyone, so the app refuses them.
KNOWN_COOKIE_KEYS = frozenset({
    "finsam-demo-cookie-key-not-secret-0123456789",
    "byt-mot-en-lång-slumpmässig-nyckel-på-minst-32-byte",
})
MIN_DISTINCT_KEY_CHARS = 10  # "kkkk…" is 32 bytes but guessable
WRONG_CREDENTIALS = "Fel användarnamn eller lösenord."
THROTTLE = Throttle()  # process-wide: every session's attempts count together
_DEMO_KEY = secrets_module.token_urlsafe(32)  # demo cookies die with the process

_SESSION = "_finsam_login"
_ERROR = "_finsam_login_error"
_LOGGED_OUT = "_finsam_logged_out"
_USER_FIELD = "_finsam_login_user"
_PASSWORD_FIELD = "_finsam_login_password"


class ConfigurationError(RuntimeError):
    """The app cannot start safely; the message is Swedish."""


@dataclass(frozen=True)
class Viewer:
    """The logged-in user and their scope: which förbund and insatser they may see."""

    username: str
    name: str
    role: str
    forbund: tuple[str, ...]  # empty for admin = every förbund
    insatser: tuple[str, ...]  # only for styrgrupp

    @property
    def role_label(self) -> str:
        """Swedish role name."""
        return ROLE_LABELS[self.role]

    @property
    def may_upload(self) -> bool:
        """Coordinators and admins upload data."""
        return self.role in ("admin", "samordnare")

    def sees_forbund(self, forbund: str) -> bool:
        """Whether rows of `forbund` may be shown to this viewer."""
        return self.role == "admin" or forbund in self.forbund

    def sees_insats(self, forbund: str, insats: str) -> bool:
        """Whether rows of this insats may be shown (styrgrupp: only their insatser)."""
        if not self.sees_forbund(forbund):
            return False
        return self.role != "styrgrupp" or insats in self.insatser


def cookie_key(settings: Settings, secrets: dict) -> str:
    """The cookie secret: random per process in demo mode, else configured and strong.

    Outside demo mode: `FINSAM_COOKIE_KEY` from the environment, else `cookie_key` (or
    `FINSAM_COOKIE_KEY`) in `.streamlit/secrets.toml`. A missing, short, known or trivial key
    stops the app with a Swedish message.
    """
    if settings.demo:
        return _DEMO_KEY
    key = settings.cookie_key or secrets.get("cookie_key") or secrets.get("FINSAM_COOKIE_KEY")
    key = str(key) if key else ""
    if len(key.encode()) < MIN_COOKIE_KEY_BYTES:
        raise ConfigurationError(
            "Appen startar inte utan en hemlig nyckel för inloggningskakan: sätt "
            f"FINSAM_COOKIE_KEY (minst {MIN_COOKIE_KEY_BYTES} byte) i miljön eller cookie_key "
            "i .streamlit/secrets.toml.")
    if key in KNOWN_COOKIE_KEYS or len(set(key)) < MIN_DISTINCT_KEY_CHARS:
        raise ConfigurationError(
            "Appen startar inte: nyckeln för inloggningskakan är känd eller för enkel, så vem "
            "som helst skulle kunna förfalska en inloggning. Skapa en ny slumpmässig nyckel, "
            "till exempel med python3 -c 'import secrets; print(secrets.token_urlsafe(32))', "
            "och sätt den som FINSAM_COOKIE_KEY eller cookie_key i .streamlit/secrets.toml.")
    return key


@st.cache_resource(show_spinner=False)
def _demo_users() -> dict[str, User]:
    from loaders.demo import DEMO_USERS

    return {u["username"]: User(username=u["username"], name=u["name"], role=u["role"],
                                forbund=tuple(u["forbund"]), insatser=tuple(u["insatser"]),
                                password_hash=hash_password(u["password"]))
            for u in DEMO_USERS}


def all_users(settings: Settings) -> dict[str, User]:
    """Who may log in: the demo users in (granted) demo mode, else the auth file's users."""
    return _demo_users() if settings.demo else load_users(settings.auth_file)


@dataclass(frozen=True)
class DemoMode:
    """Whether demo mode runs; `refusal` explains (in Swedish) why it was requested but not."""

    active: bool
    refusal: str | None = None


def demo_mode(settings: Settings, non_demo_forbund: Callable[[], int]) -> DemoMode:
    """Demo mode only when requested and nothing real is present.

    A user in the auth file or a förbund in the database that `finsam demo` does not create
    (`non_demo_forbund()` counts them) turns it off: the app then runs as a normal
    installation, demo users cannot log in and a cookie key must be configured.
    """
    if not settings.demo:
        return DemoMode(active=False)
    reasons = []
    if n_users := len(load_users(settings.auth_file)):
        reasons.append(f"användarfilen har {n_users} användare")
    try:
        n_forbund = non_demo_forbund()
    except Exception:  # noqa: BLE001 - fail closed: an unreadable database is not a demo
        log.exception("Demoläget: databasen kunde inte läsas")
        reasons.append("databasen kunde inte läsas")
    else:
        if n_forbund:
            reasons.append(f"databasen har {n_forbund} förbund som inte är demoförbund")
    if not reasons:
        return DemoMode(active=True)
    why = " och ".join(reasons)
    _warn_once(f"FINSAM_DEMO=1 ignoreras: {why}. Appen körs som en vanlig installation.")
    return DemoMode(active=False, refusal=(
        f"**Demoläget är avstängt** trots FINSAM_DEMO=1, eftersom {why}. Demoanvändarna kan "
        "inte logga in; appen körs som en vanlig installation. Vill du visa demon: starta den "
        "med en egen databas och användarfil (DATABASE_URL, FINSAM_AUTH_FILE)."))


@functools.cache
def _warn_once(message: str) -> None:
    log.warning(message)


@functools.cache
def _dummy_hash() -> str:
    # Same cost as every stored hash, so an unknown name costs one full bcrypt check too.
    return hash_password(secrets_module.token_urlsafe(16))


def find_user(users: dict[str, User], username: str) -> User | None:
    """The user with this name, ignoring case and surrounding spaces."""
    by_name = {normalise(u.username): u for u in users.values()}
    return by_name.get(normalise(username))


def check_password(users: dict[str, User], username: str, password: str) -> User | None:
    """The user if the password is right; exactly one bcrypt check either way.

    Unknown names are checked against a dummy hash so that the time taken does not tell
    whether a user name exists.
    """
    dummy = _dummy_hash()
    user = find_user(users, username)
    hashed = user.password_hash if user is not None else dummy
    try:
        ok = bcrypt.checkpw(password.encode(), hashed.encode())
    except ValueError:  # a malformed stored hash, or a password bcrypt refuses (> 72 bytes)
        ok = False
    return user if ok and user is not None else None


def attempt_login(users: dict[str, User], username: str, password: str,
                  client: str) -> User | str:
    """The user, or the Swedish message to show: wrong credentials or a throttling lock.

    Neither message depends on whether the user name exists.
    """
    if not normalise(username):  # no user has an empty name: nothing to guess or count
        return WRONG_CREDENTIALS
    attempt = THROTTLE.begin(username, client)
    if not isinstance(attempt, Attempt):
        log.warning("Inloggning spärrad (för många misslyckade försök): användarnamn %r, "
                    "klient %s, %.0f s kvar", normalise(username), client, attempt)
        return wait_message(attempt)
    user = check_password(users, username, password)
    if user is None:
        return WRONG_CREDENTIALS
    THROTTLE.succeeded(attempt)
    return user


@dataclass(frozen=True)
class _Login:
    username: str
    version: int
    fingerprint: str  # of the password hash: a changed password ends the session
    expires: float
    cookie: str | None  # to write to the browser (after a password login in this session)


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()


def _client() -> str:
    """Who is trying, for throttling: the TCP peer, or what a local reverse proxy saw."""
    ip = st.context.ip_address  # None for loopback connections
    if isinstance(ip, str) and ip:
        return ip
    forwarded = st.context.headers.get("X-Forwarded-For")
    if isinstance(forwarded, str) and forwarded:
        # A reverse proxy on this host appends the address it saw: take the last one.
        return forwarded.split(",")[-1].strip()[:100]
    return "lokal"


def _https() -> bool:
    return (st.context.url or "").startswith("https://")


def _valid(login: _Login, users: dict[str, User], versions: dict[str, int]) -> bool:
    user = users.get(login.username)
    return (user is not None and versions.get(login.username, 0) == login.version
            and _fingerprint(user.password_hash) == login.fingerprint
            and time.time() < login.expires)


def _session_login(users: dict[str, User], versions: dict[str, int]) -> _Login | None:
    login = st.session_state.get(_SESSION)
    if login is not None and not _valid(login, users, versions):
        del st.session_state[_SESSION]  # logged out elsewhere, password changed, removed
        login = None
    return login


def _cookie_login(key: str, users: dict[str, User], versions: dict[str, int]) -> _Login | None:
    if st.session_state.get(_LOGGED_OUT):
        return None  # the cookie this session started with is not used again
    token = tokens.verify(key, st.context.cookies.get(COOKIE_NAME),
                          {u.username: u.password_hash for u in users.values()}, versions,
                          time.time())
    if token is None:
        return None
    login = _Login(token.username, token.version,
                   _fingerprint(users[token.username].password_hash), token.expires, None)
    st.session_state[_SESSION] = login
    return login


def _submit(settings: Settings, key: str) -> None:
    username = st.session_state.get(_USER_FIELD) or ""
    password = st.session_state.get(_PASSWORD_FIELD) or ""
    st.session_state[_PASSWORD_FIELD] = ""
    users = all_users(settings)
    result = attempt_login(users, username, password, _client())
    if isinstance(result, str):
        st.session_state[_ERROR] = result  # shown until the next attempt
        return
    st.session_state.pop(_ERROR, None)
    version = token_versions(settings.auth_file).get(result.username, 0)
    expires = time.time() + COOKIE_SECONDS
    value = tokens.sign(key, tokens.Token(result.username, version, expires),
                        result.password_hash)
    st.session_state[_SESSION] = _Login(result.username, version,
                                        _fingerprint(result.password_hash), expires, value)
    st.session_state.pop(_LOGGED_OUT, None)


def _login_form(settings: Settings, key: str) -> None:
    with st.form("finsam_login_form"):
        st.text_input("Användarnamn", key=_USER_FIELD, autocomplete="username",
                      max_chars=200)
        st.text_input("Lösenord", type="password", key=_PASSWORD_FIELD,
                      autocomplete="current-password", max_chars=200)
        st.form_submit_button("Logga in", on_click=_submit, args=(settings, key))
    if error := st.session_state.get(_ERROR):
        st.error(error)


def _write_cookie(login: _Login) -> None:
    # Drawn on every run of a session that logged in with its password: the same element is
    # kept from run to run, so the script runs once, and a rerun that comes before the
    # browser ran it cannot lose the cookie.
    with st.sidebar:
        browser_cookie.run_in_page(browser_cookie.set_cookie_header(
            COOKIE_NAME, login.cookie, datetime.fromtimestamp(login.expires, UTC), _https()))


def _delete_cookie() -> None:
    # In the main area: the login page has no sidebar, and an element there would open one.
    browser_cookie.run_in_page(browser_cookie.delete_cookie_header(COOKIE_NAME))


def viewer(settings: Settings, secrets: dict) -> Viewer | None:
    """The logged-in viewer, or None: then the entry point shows `login_page`."""
    key = cookie_key(settings, secrets)
    users = all_users(settings)
    versions = token_versions(settings.auth_file)
    login = _session_login(users, versions) or _cookie_login(key, users, versions)
    if login is None:
        if st.session_state.get(_LOGGED_OUT):
            _delete_cookie()
        return None
    if login.cookie:
        _write_cookie(login)
    user = users[login.username]
    return Viewer(username=user.username, name=user.name, role=user.role,
                  forbund=user.forbund, insatser=user.insatser)


def _logout(settings: Settings) -> None:
    login = st.session_state.pop(_SESSION, None)
    st.session_state[_LOGGED_OUT] = True
    if login is None:
        return
    try:
        bump_token_version(settings.auth_file, login.username)
    except OSError:
        log.exception("Utloggning: token-versionen kunde inte skrivas; kakor för %r gäller "
                      "tills de går ut", login.username)


def logout_button(settings: Settings) -> None:
    """A sidebar button that ends the session and revokes every cookie of the user."""
    if st.session_state.get(_SESSION) is not None:
        st.sidebar.button("Logga ut", key="logout_button", on_click=_logout, args=(settings,))


def secrets() -> dict:
    """Streamlit secrets as a plain dict (empty when there is no secrets file)."""
    try:
        return dict(st.secrets)
    except FileNotFoundError:
        return {}
    except Exception:  # noqa: BLE001 - StreamlitSecretNotFoundError has no stable import path
        return {}


def login_page(settings: Settings, secrets: dict, notice: str | None = None,
               statement: st.Page | None = None) -> None:
    """The login page: heading, `notice`, the form, the demo logins, the statement link.

    The heading is an `<h1>` in markdown: `st.title` is kept for the pages a login opens.
    """
    st.markdown("# Logga in")
    if notice:
        st.warning(notice)
    _login_form(settings, cookie_key(settings, secrets))
    if settings.demo:
        demo_credentials_notice()
    if statement is not None:
        st.page_link(statement, label="Tillgänglighetsredogörelse",
                     icon=":material/accessibility_new:")
    _preload_first_page_code()


PRELOAD_KEY = "finsam_preload"


def _preload_first_page_code() -> None:
    """A hidden chart and table, whose code the browser loads while the user types.

    Issue 11: the first page after *Logga in* in ≤ 2 s. Streamlit fetches and compiles
    plotly's and the table's code only when a page first draws one, and a board member's
    first page waited for it after the click. Hidden with `display: none` (`a11y.STYLE`):
    neither seen nor read by a screen reader.
    """
    import plotly.graph_objects as go
    import polars as pl

    with st.container(key=PRELOAD_KEY):
        st.plotly_chart(go.Figure(), key="finsam_preload_chart")
        st.dataframe(pl.DataFrame({"": [""]}), key="finsam_preload_table")


def demo_credentials_notice() -> None:
    """In demo mode, show the demo logins under the form."""
    from loaders.demo import DEMO_USERS

    rows = "\n".join(f"| {u['username']} | {u['password']} | {ROLE_LABELS[u['role']]} | "
                     f"{', '.join(u['forbund']) or 'alla'} |" for u in DEMO_USERS)
    st.info("**Demoläge.** Logga in med någon av demoanvändarna:\n\n"
            "| Användarnamn | Lösenord | Roll | Förbund |\n|---|---|---|---|\n" + rows)
