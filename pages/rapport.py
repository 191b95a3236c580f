"""Rapport: the board reports of the sidebar's selection as PDF and Word, and the texts
written by people for them, per förbund, insats and period.

Samordnare and admin write the texts here (saving is an upload, undoable in Historik);
styrelse and styrgrupp read them. Every role that opens the page may download the reports.
"""

import streamlit as st

from dashboard import report_files_ui
from dashboard import report_texts_ui as texts_ui
from dashboard.context import PageContext, page_context
from dashboard.report_texts_ui import Kind


def _downloads(ctx: PageContext, kind: Kind, target: texts_ui.TextTarget) -> None:
    """The report of `kind` for the sidebar's selection as PDF and Word (made on click).

    Everyone who may open this page may download the reports of what they see: the report
    is built from the page's frames, already scoped to the viewer.
    """
    report_files_ui.downloads(ctx, kind, target)


ctx = page_context("rapport")
kind = texts_ui.choose_kind(ctx)
target = texts_ui.choose_target(ctx, kind)
if target is None:
    st.stop()
_downloads(ctx, kind, target)
texts_ui.show_texts(ctx, target)
