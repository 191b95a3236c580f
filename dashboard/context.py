"""What every page starts with: who is looking, which data, which filters — and a check.

The entry point stores a `PageContext` in session state before running the page; each page
calls `page_context(PAGE_KEY)`, which stops the page unless the viewer's role may open it
(the second lock after `st.navigation`, which only registers permitted pages).

An address the role may not open (`/ekonomi` for styrgrupp) or that names no page
(`/finnsinte`) would get Streamlit's English "Page not found" dialog; the entry point
registers a hidden page under that address instead, which says in Swedish why there is
nothing to see (`not_open_page`, `unknown_page`) and never touches the data.
"""

from __future__ import annotations

import runpy
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import a11y, escape
from dashboard.auth import Viewer
from dashboard.filters import FILTER_LABELS, Filters

_KEY = "_finsam_page_context"
PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"

#: page key -> (Swedish title, file, icon, roles that may open it)
PAGES: dict[str, tuple[str, Path, str, tuple[str, ...]]] = {
    "oversikt": ("Översikt", PAGES_DIR / "oversikt.py", ":material/dashboard:",
                 ("admin", "samordnare", "styrelse", "styrgrupp")),
    "resultat": ("Resultat", PAGES_DIR / "resultat.py", ":material/flag:",
                 ("admin", "samordnare", "styrelse", "styrgrupp")),
    "deltagare": ("Deltagare", PAGES_DIR / "deltagare.py", ":material/groups:",
                  ("admin", "samordnare", "styrelse", "styrgrupp")),
    "samhallsekonomi": ("Samhällsekonomi", PAGES_DIR / "samhallsekonomi.py", ":material/savings:",
                        ("admin", "samordnare", "styrelse", "styrgrupp")),
    "ekonomi": ("Ekonomi", PAGES_DIR / "ekonomi.py", ":material/account_balance:",
                ("admin", "samordnare", "styrelse")),
    "kapacitet": ("Kapacitet", PAGES_DIR / "kapacitet.py", ":material/event_seat:",
                  ("admin", "samordnare", "styrelse", "styrgrupp")),
    "indikatorer": ("Indikatorer", PAGES_DIR / "indikatorer.py", ":material/thumb_up:",
                    ("admin", "samordnare", "styrelse")),
    "volymer": ("Volymer", PAGES_DIR / "volymer.py", ":material/bar_chart:",
                ("admin", "samordnare", "styrelse", "styrgrupp")),
    "jamforelse": ("Jämförelse", PAGES_DIR / "jamforelse.py", ":material/leaderboard:",
                   ("admin", "samordnare", "styrelse", "styrgrupp")),
    "rapport": ("Rapport", PAGES_DIR / "rapport.py", ":material/description:",
                ("admin", "samordnare", "styrelse", "styrgrupp")),
    "uppladdning": ("Uppladdning", PAGES_DIR / "uppladdning.py", ":material/upload_file:",
                    ("admin", "samordnare")),
    "historik": ("Historik", PAGES_DIR / "historik.py", ":material/history:",
                 ("admin", "samordnare")),
}

#: The tillgänglighetsredogörelse: (title, file, icon). Open to everyone, also before login.
STATEMENT = ("Tillgänglighet", PAGES_DIR / "tillganglighet.py", ":material/accessibility_new:")
STATEMENT_PATH = "tillganglighet"
#: Role -> how a sentence names its members, in the order sentences list them. Admin opens
#: every page, so it is never the answer to "who sees this page".
AUDIENCE = {"styrelse": "styrelsen", "samordnare": "samordnare", "styrgrupp": "styrgruppen"}
_UNKNOWN_KEY = "_finsam_unknown_address"


@dataclass(frozen=True)
class PageContext:
    """Everything a page needs; frames are already scoped to the viewer."""

    viewer: Viewer
    frames: dict[str, pl.DataFrame]
    filters: Filters
    version: str
    threshold: int
    demo: bool
    database_url: str


def pages_for(role: str) -> list[str]:
    """Page keys the role may open, in menu order."""
    return [key for key, (*_, roles) in PAGES.items() if role in roles]


def _listing(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} och {words[-1]}"


def audience(key: str) -> str:
    """Who sees page `key`, in words: `styrelsen och samordnare`."""
    return _listing([word for role, word in AUDIENCE.items() if role in PAGES[key][3]])


def other_pages_note(role: str) -> str | None:
    """For a role without every page: which pages the others have, for the sidebar.

    So a styrgrupp member looking for Ekonomi learns it exists and whom to ask.
    """
    by_audience: dict[str, list[str]] = {}
    for key, (title, *_, roles) in PAGES.items():
        if role not in roles:
            by_audience.setdefault(audience(key), []).append(title)
    return " ".join(f"{_listing(titles)} visas för {who}." for who, titles in
                    by_audience.items()) or None


def not_open_page(key: str, role_label: str, home: st.Page) -> None:
    """What an address of a page the role may not open shows instead of the page."""
    title = PAGES[key][0]
    st.title(title)
    st.info(f"Sidan {title} är inte öppen för din roll ({role_label.lower()}). "
            f"Den visas för {audience(key)}.", icon=":material/lock:")
    st.page_link(home, label=f"Till {home.title}", icon=home.icon)


#: The internal name of the default page, which Streamlit serves at "/": every page key
#: (also the default's, /oversikt) is then free for a page of its own.
DEFAULT_PATH = "start"


def run_page(key: str) -> None:
    """Draw page `key` from its file here (for the default page's own name, /oversikt).

    `st.switch_page` would clear the URL's query parameters, which Streamlit refuses while
    they are bound to the sidebar's filters.
    """
    runpy.run_path(str(PAGES[key][1]), run_name=f"finsam_page_{key}")


def unknown_page(address: str, home: st.Page) -> None:
    """What an address that names no page shows; the address is echoed as plain text."""
    st.title("Sidan finns inte")
    st.error(f"Det finns ingen sida med adressen /{escape.markdown(address)}. "
             "Välj en sida i menyn.", icon=":material/error:")
    st.page_link(home, label=f"Till {home.title}", icon=home.icon)


def unknown_address() -> str | None:
    """The address this session asked for when it names no page of the app, else None.

    Streamlit resolves an address typed in the browser by its name (before `st.navigation`
    runs) and shows an English dialog for a name no page has. There is no public way to read
    that name, so it is read from the script run context; a Streamlit upgrade that moves it
    makes this None, the dialog returns and `tests/dashboard/test_page_access_messages.py`
    fails. Later runs ask by page hash, so the name is kept for the session.
    """
    manager = getattr(get_script_run_ctx(), "pages_manager", None)
    name = None
    if manager is not None and not getattr(manager, "intended_page_script_hash", None):
        name = getattr(manager, "intended_page_name", None)
    # A page address has no "/" and no outer spaces (st.Page strips them, so it would not
    # match); such a name keeps Streamlit's dialog.
    if (isinstance(name, str) and name and name not in PAGES
            and name not in (STATEMENT_PATH, DEFAULT_PATH)
            and "/" not in name and name == name.strip() and len(name) <= 200):
        st.session_state[_UNKNOWN_KEY] = name
    return st.session_state.get(_UNKNOWN_KEY)


def set_context(ctx: PageContext) -> None:
    """Called by the entry point before `navigation.run()`."""
    st.session_state[_KEY] = ctx


def page_context(page_key: str, *, ignores: tuple[str, ...] = ()) -> PageContext:
    """The context for `page_key`; stops the page for a role that may not open it.

    `ignores` names the filters that do not apply to this page; when any of them is set the
    page says so under its title.
    """
    ctx = st.session_state.get(_KEY)
    title = PAGES[page_key][0]
    if ctx is None or ctx.viewer.role not in PAGES[page_key][3]:
        st.error("Du har inte behörighet till den här sidan.")
        st.stop()
    st.title(title)
    # The selection is the page's second heading level (the sections are h3), drawn small
    # like a caption (`a11y.STYLE`); names from the data are plain text.
    with st.container(key=a11y.SELECTION_KEY):
        st.header(escape.markdown(ctx.filters.title), anchor=False)
    unused = [FILTER_LABELS[k] for k in ignores if k in ctx.filters.active]
    if unused:
        st.info(f"Filtren {', '.join(unused)} gäller inte på den här sidan.", icon="ℹ️")
    return ctx
