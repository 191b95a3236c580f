"""Rapport page drawing: which report, whose texts, and the texts (edited or read).

The texts belong to a förbund, an insats ('' = the whole förbund) and the sidebar's period
(`metrics.periods.report_period`); participant filters do not change them. Samordnare and
admin edit them in one form; saving is an upload (`loaders.report_texts`), so it is listed
in Historik and can be undone there. Everyone else reads them as plain text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

import polars as pl
import streamlit as st

from dashboard import data, escape
from dashboard.context import PageContext
from loaders.importer import ImportBusy
from loaders.limits import MAX_CELL_CHARS
from loaders.report_texts import (
    EMPTY_SECTION,
    SECTIONS,
    WHOLE_FORBUND,
    report_texts,
    save_report_texts,
)
from metrics.periods import report_period

#: The report kinds, spelled as `reports.model.Kind` spells them (docs/REPORT.md). Not
#: imported from there: `reports` is not part of the installed packages the app runs from.
Kind = Literal["insats", "slutrapport", "forbund"]
#: Report kind -> its name on the page.
KIND_LABELS: dict[Kind, str] = {"insats": "Insatsrapport", "slutrapport": "Slutrapport",
                                "forbund": "Förbundsrapport"}
#: Roles that write the texts; the others read them.
EDITORS = ("admin", "samordnare")


@dataclass(frozen=True)
class TextTarget:
    """Whose texts the page shows: one förbund, one insats ('' = whole förbund), a period."""

    kind: Kind
    forbund: str
    insats: str
    period: str

    @property
    def heading(self) -> str:
        """Markdown heading text (the insats name escaped)."""
        whom = (f"insatsen {escape.markdown(self.insats)}" if self.insats
                else "hela förbundet")
        return f"Texter för {whom} · {escape.markdown(self.period)}"


def choose_kind(ctx: PageContext) -> Kind:
    """The report kind; a styrgrupp member, who sees only insatser, has no förbund report."""
    kinds: list[Kind] = ["insats", "slutrapport"]
    if ctx.viewer.role != "styrgrupp":
        kinds.append("forbund")
    default: Kind = "insats" if ctx.filters.selection.insatser or len(kinds) == 2 else "forbund"
    chosen = st.segmented_control("Rapport", kinds, default=default, key="rapport_kind",
                                  format_func=KIND_LABELS.__getitem__)
    return chosen or default


def insatser_of(ctx: PageContext) -> list[str]:
    """The insatser the texts can be for: the sidebar's choice, else all the viewer sees."""
    chosen = list(ctx.filters.selection.insatser)
    if chosen:
        return chosen
    names = ctx.frames["insatser"]["insats"].cast(pl.String).drop_nulls().unique().to_list()
    return sorted(n for n in names if n)


def choose_target(ctx: PageContext, kind: Kind) -> TextTarget | None:
    """Whose texts: the whole förbund, or one insats (asked for when several are possible)."""
    sel = ctx.filters.selection
    forbund, period = sel.forbund[0], report_period(sel.date_from, sel.date_to)
    if kind == "forbund":
        return TextTarget(kind, forbund, WHOLE_FORBUND, period)
    candidates = insatser_of(ctx)
    if not candidates:
        st.info("Det finns inga insatser att skriva texter för.")
        return None
    if kind == "slutrapport" and len(candidates) > 1:
        st.caption("En slutrapport gäller en insats. Välj vilken.")
    insats = candidates[0] if len(candidates) == 1 else st.selectbox(
        "Insats", candidates, key="rapport_insats")
    return TextTarget(kind, forbund, insats, period)


def stored_texts(ctx: PageContext, target: TextTarget) -> dict[str, str]:
    """The target's non-empty texts from the page's (scoped, cached) frames."""
    return report_texts(ctx.frames, target.forbund, [target.insats] if target.insats else [],
                        target.period)


def plain_markdown(text: str) -> str:
    """A text of lines and paragraphs as markdown that shows it literally, breaks kept."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join("  \n".join(escape.markdown(line) for line in p.split("\n"))
                       for p in paragraphs)


def show_texts(ctx: PageContext, target: TextTarget) -> None:
    """Every section under the target's heading: an editor form, or the texts as text."""
    st.subheader(target.heading)
    st.caption("Texterna gäller förbund, insats och period; deltagarfilter påverkar dem inte. "
               "Tomma avsnitt utelämnas i rapporten.")
    texts = stored_texts(ctx, target)
    if not texts:
        st.info("Inga texter är skrivna för det här urvalet och den här perioden ännu."
                + (" Skriv dem nedan och spara." if ctx.viewer.role in EDITORS else ""))
    if ctx.viewer.role in EDITORS:
        _editor(ctx, target, texts)
        return
    for section in SECTIONS:
        st.markdown(f"#### {section}")
        if section in texts:
            st.markdown(plain_markdown(texts[section]))
        else:
            st.caption(EMPTY_SECTION)


def _widget_key(target: TextTarget, section: str, stored: str) -> str:
    """One widget per target, section and stored text.

    After a save, or an undo in Historik, the text area starts again from what is stored.
    """
    digest = hashlib.sha256("\x1f".join(
        (target.forbund, target.insats, target.period, section, stored)).encode()).hexdigest()
    return f"rapport_text_{digest[:16]}"


def _editor(ctx: PageContext, target: TextTarget, texts: dict[str, str]) -> None:
    with st.form("rapport_texter", border=False):
        written = {section: st.text_area(
            section, value=texts.get(section, ""), height=160, max_chars=MAX_CELL_CHARS,
            placeholder=EMPTY_SECTION, key=_widget_key(target, section, texts.get(section, "")))
            for section in SECTIONS}
        submitted = st.form_submit_button("Spara", type="primary", key="rapport_spara")
    if submitted:
        _save(ctx, target, written)


def _save(ctx: PageContext, target: TextTarget, written: dict[str, str]) -> None:
    allowed = None if ctx.viewer.role == "admin" else set(ctx.viewer.forbund)
    try:
        saved = save_report_texts(data.engine(ctx.database_url), target.forbund, target.insats,
                                  target.period, written, ctx.viewer.username,
                                  allowed_forbund=allowed)
    except ImportBusy as err:
        st.error(str(err))
        return
    if saved.status == "rejected":
        st.error("Texterna sparades inte:\n\n"
                 + "\n".join(f"- {escape.markdown(m)}" for m in saved.errors))
        return
    if saved.status != "committed":
        st.info("Inga ändringar att spara.")
        return
    data.current_version.clear()  # the next run reads the saved texts
    st.success(f"Sparat som uppladdning {saved.upload_id} "
               f"({escape.markdown(', '.join(saved.sections))}). Du kan ångra den under "
               "Historik.")
    for message in dict.fromkeys(saved.warnings):
        st.warning(message)
