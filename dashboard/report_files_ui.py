"""Rapport page: the board report of the sidebar's selection as PDF and Word.

The report is built from the frames the page already holds (`ctx.frames`, scoped to the
viewer: a styrgrupp member's report can only hold their insatser) with the app's disclosure
threshold, so it shows the pages' numbers. It is made when the viewer asks for it ("Skapa
rapport"), not on every rerun, and kept in the session for that selection and data
version: the download buttons then hand out the same bytes until something changes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from datetime import date

import streamlit as st

from dashboard import data, escape
from dashboard.context import PageContext
from dashboard.report_texts_ui import KIND_LABELS, Kind, TextTarget, insatser_of
from metrics.periods import report_period
from metrics.selection import Selection

log = logging.getLogger(__name__)

_STORE = "rapport_dokument"
PDF_MIME = "application/pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SPINNER = "Skapar rapporten som PDF och Word – diagrammen ritas, det tar några sekunder …"


def report_selection(ctx: PageContext, kind: Kind, target: TextTarget) -> Selection:
    """The selection the report covers: the sidebar's, fitted to the kind.

    A slutrapport covers the one insats chosen on the page; a förbund report the whole
    förbund. An insats report without insatser in the sidebar covers every insats the viewer
    sees — named, so a styrgrupp member's report says which ones.
    """
    sel = ctx.filters.selection
    if kind == "slutrapport":
        return dataclasses.replace(sel, insatser=(target.insats,))
    if kind == "forbund":
        return dataclasses.replace(sel, insatser=())
    if not sel.insatser and ctx.viewer.role == "styrgrupp":
        return dataclasses.replace(sel, insatser=tuple(insatser_of(ctx)))
    return sel


def file_stem(kind: Kind, sel: Selection) -> str:
    """`Insatsrapport-Samordningsteamet-2025`: letters (å/ä/ö too), digits and dashes."""
    whom = "-".join(sel.insatser) if kind != "forbund" and sel.insatser else sel.forbund[0]
    words = f"{KIND_LABELS[kind]} {whom} {report_period(sel.date_from, sel.date_to)}"
    return re.sub(r"[^\w]+", "-", words).strip("-_")[:120] or "rapport"


def _key(ctx: PageContext, kind: Kind, sel: Selection) -> str:
    """One report per selection, data version, threshold and viewer."""
    parts = (ctx.version, ctx.viewer.username, ctx.viewer.role, kind, repr(sel),
             str(ctx.threshold), str(ctx.demo))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def make_report(ctx: PageContext, kind: Kind, sel: Selection) -> tuple[bytes, bytes]:
    """(PDF, docx) of the report, charts drawn by the app's shared Chromium."""
    from loaders.history import list_uploads
    from reports.charts import shared_renderer
    from reports.check import demo_data
    from reports.content import build_report
    from reports.docx import render_docx
    from reports.pdf import render_pdf

    forbund = sel.forbund[0]
    uploads = list_uploads(data.engine(ctx.database_url), forbund={forbund})
    report = build_report(ctx.frames, sel, kind, threshold=ctx.threshold, uploads=uploads,
                          demo=demo_data(forbund, ctx.demo), made=date.today())
    charts = shared_renderer()
    return render_pdf(report, charts), render_docx(report, charts)


def _what(kind: Kind, sel: Selection) -> str:
    """`Insatsrapport för Steget · Demoförbundet Norrdal · 2025 · Inga deltagarfilter`."""
    from reports.content_blocks import filters_text

    whom = ("hela förbundet" if kind == "forbund" else
            ", ".join(sel.insatser) if sel.insatser else "alla insatser")
    return " · ".join((f"{KIND_LABELS[kind]} för {whom}", sel.forbund[0],
                       report_period(sel.date_from, sel.date_to), filters_text(sel)))


def downloads(ctx: PageContext, kind: Kind, target: TextTarget) -> None:
    """The report of the sidebar's selection: "Skapa rapport", then PDF and Word buttons."""
    from reports.check import selection_problem
    from reports.content import disclosure_note

    st.subheader("Ladda ner rapporten")
    sel = report_selection(ctx, kind, target)
    problem = selection_problem(ctx.frames, sel, kind)
    if problem:
        st.info(escape.markdown(problem))
        return
    note = (" Insatsvalet i sidofältet gäller inte: rapporten omfattar hela förbundet."
            if kind == "forbund" and ctx.filters.selection.insatser else "")
    st.caption(escape.markdown(
        f"{_what(kind, sel)}. Samma siffror som på sidorna, med texterna nedan.{note}"))
    st.caption(escape.markdown(disclosure_note(ctx.threshold)))
    key = _key(ctx, kind, sel)
    stored = st.session_state.get(_STORE)
    if st.button("Skapa rapport", key="rapport_skapa", icon=":material/description:",
                 type="primary"):
        with st.spinner(SPINNER):
            try:
                pdf, docx = make_report(ctx, kind, sel)
            except Exception as err:  # noqa: BLE001 - the page says why, never a traceback
                log.exception("Rapporten kunde inte skapas")
                st.error(escape.markdown(f"Rapporten kunde inte skapas: {err}"))
                return
        stored = {"key": key, "pdf": pdf, "docx": docx, "stem": file_stem(kind, sel)}
        st.session_state[_STORE] = stored
    if not stored or stored["key"] != key:
        st.caption("Rapporten skapas när du klickar; sedan kan du ladda ner den som PDF "
                   "(för mötesutskicket) och som Word (för att redigera texten vidare).")
        return
    left, right, _ = st.columns([1, 1, 3])
    left.download_button("Ladda ner PDF", stored["pdf"], f"{stored['stem']}.pdf", PDF_MIME,
                         key="rapport_pdf", icon=":material/download:", on_click="ignore")
    right.download_button("Ladda ner Word", stored["docx"], f"{stored['stem']}.docx",
                          DOCX_MIME, key="rapport_docx", icon=":material/download:",
                          on_click="ignore")
