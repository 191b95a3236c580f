"""What every page starts with: who is looking, which data, which filters — and a check.

The entry point stores a `PageContext` in session state before running the page; each page
calls `page_context(PAGE_KEY)`, which stops the page unless the viewer's role may open it
(the second lock after `st.navigation`, which only registers permitted pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import streamlit as st

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
    "rapport": ("Rapport", PAGES_DIR / "rapport.py", ":material/description:",
                ("admin", "samordnare", "styrelse", "styrgrupp")),
    "uppladdning": ("Uppladdning", PAGES_DIR / "uppladdning.py", ":material/upload_file:",
                    ("admin", "samordnare")),
    "historik": ("Historik", PAGES_DIR / "historik.py", ":material/history:",
                 ("admin", "samordnare")),
}

#: The tillgänglighetsredogörelse: (title, file, icon). Open to everyone, also before login.
STATEMENT = ("Tillgänglighet", PAGES_DIR / "tillganglighet.py", ":material/accessibility_new:")


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
