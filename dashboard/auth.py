"""Login, wrapped so streamlit-authenticator can be swapped for Streamlit's OIDC `st.login`.

Everything else asks `viewer()` who is logged in and what they may see; nothing outside
this module touches streamlit-authenticator or its session-state keys.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
import streamlit_authenticator as stauth

from dashboard.config import MIN_COOKIE_KEY_BYTES, Settings
from dashboard.users import ROLE_LABELS, User, hash_password, load_users

COOKIE_NAME = "finsam_login"
COOKIE_EXPIRY_DAYS = 1.0  # short: a copied cookie cannot be revoked before it expires
DEMO_COOKIE_KEY = "finsam-demo-cookie-key-not-secret-0123456789"
_AUTHENTICATOR = "_finsam_authenticator"
LOGIN_FIELDS = {"Form name": "Logga in", "Username": "Användarnamn", "Password": "Lösenord",
                "Login": "Logga in"}


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
    """The cookie secret; outside demo mode a missing or short key stops the app."""
    key = settings.cookie_key or secrets.get("FINSAM_COOKIE_KEY")
    if key and len(key.encode()) >= MIN_COOKIE_KEY_BYTES:
        return key
    if settings.demo:
        return key or DEMO_COOKIE_KEY
    raise ConfigurationError(
        "Appen startar inte utan en hemlig nyckel för inloggningskakan: sätt "
        f"FINSAM_COOKIE_KEY (minst {MIN_COOKIE_KEY_BYTES} byte) i miljön eller i "
        ".streamlit/secrets.toml.")


@st.cache_resource(show_spinner=False)
def _demo_users() -> dict[str, User]:
    from loaders.demo import DEMO_USERS

    return {u["username"]: User(username=u["username"], name=u["name"], role=u["role"],
                                forbund=tuple(u["forbund"]), insatser=tuple(u["insatser"]),
                                password_hash=hash_password(u["password"]))
            for u in DEMO_USERS}


def all_users(settings: Settings) -> dict[str, User]:
    """Users from the auth file, plus the demo users in demo mode."""
    users = load_users(settings.auth_file)
    return {**_demo_users(), **users} if settings.demo else users


def _credentials(users: dict[str, User]) -> dict:
    return {"usernames": {u.username: {"name": u.name, "password": u.password_hash,
                                       "roles": [u.role]} for u in users.values()}}


def _authenticator(settings: Settings, users: dict[str, User], key: str):
    # One instance per session: several raise DuplicateWidgetID (STACK_NOTES).
    if _AUTHENTICATOR not in st.session_state:
        st.session_state[_AUTHENTICATOR] = stauth.Authenticate(
            _credentials(users), COOKIE_NAME, key, COOKIE_EXPIRY_DAYS, auto_hash=False,
            login_sleep_time=0 if settings.demo else 0.3)
    return st.session_state[_AUTHENTICATOR]


def viewer(settings: Settings, secrets: dict) -> Viewer | None:
    """The logged-in viewer, or None after drawing the login form."""
    users = all_users(settings)
    auth = _authenticator(settings, users, cookie_key(settings, secrets))
    auth.login(location="main", fields=LOGIN_FIELDS)
    status = st.session_state.get("authentication_status")
    if status is False:
        st.error("Fel användarnamn eller lösenord.")
    user = users.get(st.session_state.get("username") or "")
    if not status or user is None:
        return None
    return Viewer(username=user.username, name=user.name, role=user.role,
                  forbund=user.forbund, insatser=user.insatser)


def logout_button() -> None:
    """A sidebar button that ends the session and deletes the cookie."""
    auth = st.session_state.get(_AUTHENTICATOR)
    if auth is not None:
        auth.logout("Logga ut", location="sidebar", key="logout_button")


def secrets() -> dict:
    """Streamlit secrets as a plain dict (empty when there is no secrets file)."""
    try:
        return dict(st.secrets)
    except FileNotFoundError:
        return {}
    except Exception:  # noqa: BLE001 - StreamlitSecretNotFoundError has no stable import path
        return {}


def demo_credentials_notice() -> None:
    """In demo mode, show the demo logins under the form."""
    from loaders.demo import DEMO_USERS

    rows = "\n".join(f"| {u['username']} | {u['password']} | {ROLE_LABELS[u['role']]} | "
                     f"{', '.join(u['forbund']) or 'alla'} |" for u in DEMO_USERS)
    st.info("**Demoläge.** Logga in med någon av demoanvändarna:\n\n"
            "| Användarnamn | Lösenord | Roll | Förbund |\n|---|---|---|---|\n" + rows)
