"""Presentationsläge: the pages as a projector in a board meeting shows them (1280×720).

A toggle kept in the URL (`?presentation=true`), so a link opens the meeting view directly.
It collapses the sidebar, writes chart text at 16 px instead of 13 px and lays out at most
two cards per row, so the key numbers stay above the fold. Labels wrap instead of being cut
in both modes (`a11y.STYLE`).
"""

from __future__ import annotations

import streamlit as st

KEY = "presentation"
LABEL = "Presentationsläge"
HELP = ("För projektor i möten: sidofältet fälls ihop, diagramtexten blir större och högst "
        "två nyckeltal visas per rad. Öppna sidofältet med pilen uppe till vänster för att "
        "stänga av läget. Läget följer med i länken.")
FONT_PX = 13  # chart text on a screen (Streamlit's body text is 16 px)
PRESENTATION_FONT_PX = 16  # on a projector: at least 14 px, as readable as the body text
TITLE_EXTRA_PX = 3
CARDS_PER_ROW = 2



#: In presentation mode: less empty space above the title, so the key figures come up.
STYLE = """<style>
[data-testid='stMainBlockContainer'] { padding-top: 2rem !important; }
</style>"""


def style() -> None:
    """Presentation mode's style rules (nothing otherwise); call once per run."""
    if active():
        st.html(STYLE)


def requested() -> bool:
    """Whether the URL (or the toggle's last state) asks for presentation mode.

    Read before any widget is drawn: the page config that collapses the sidebar must come
    first in a run.
    """
    if KEY in st.session_state:
        return bool(st.session_state[KEY])
    return str(st.query_params.get(KEY, "")).lower() in ("true", "1", "ja")


def page_config() -> None:
    """The app's page config; the sidebar starts collapsed in presentation mode."""
    st.set_page_config(page_title="Finsam-dashboard", page_icon=":material/monitoring:",
                       layout="wide",
                       initial_sidebar_state="collapsed" if requested() else "auto")


def toggle() -> bool:
    """The sidebar toggle, bound to the URL."""
    return st.sidebar.toggle(LABEL, key=KEY, help=HELP, bind="query-params")


def active() -> bool:
    """Whether this run draws for a projector."""
    return requested()


def chart_font_px() -> int:
    """Chart text size for this run."""
    return PRESENTATION_FONT_PX if active() else FONT_PX


def columns(n: int, per_row: int | None = None) -> list:
    """`n` columns for cards in rows of `per_row` (default: one row).

    In presentation mode at most `CARDS_PER_ROW` per row.
    """
    per_row = min(per_row or n, n)
    if active():
        per_row = min(per_row, CARDS_PER_ROW)
    out: list = []
    while len(out) < n:
        out += st.columns(per_row)
    return out[:n]
