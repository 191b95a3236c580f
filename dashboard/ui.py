"""Shared drawing: KPI cards with target status, Swedish tables, charts and downloads.

Pages pass only disclosure-controlled data (the `metrics.public_*` functions) to these
helpers; `display_table` turns hidden cells into their labels ("<5", "för få") before
anything is drawn or downloaded, so a download can never hold more than the page shows.
The helpers that need no Streamlit live in `dashboard.display` (re-exported here).
"""

from __future__ import annotations

import io
from functools import partial

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import charts, escape, presentation
from dashboard.display import (  # noqa: F401 (re-exported: pages draw with `ui.…`)
    PALETTE,
    STATUS,
    TARGET_COLOUR,
    add_target,
    count_text,
    display_table,
    kpi_text,
    percent_ticks,
    source_text,
    status_text,
    style,
    target_sentence,
    target_text,
    too_few_message,
    whole_insats_text,
    with_exact,
)
from metrics.registry import BY_KEY
from metrics.result import KpiResult


def kpi_card(result: KpiResult, key: str, threshold: int, *, container=None,
             label: str | None = None, help_text: str | None = None, part: str | None = None,
             note: str | None = None) -> None:
    """One KPI as a card: value, count and base, target with direction, a status badge.

    The status is a badge with an icon and words inside the card (not colour alone); a
    share says how many of how many (`display.count_text`); a figure of the whole insats
    says that the participant filters in use do not move it. `label`/`help_text`/`part`
    override the registry's (a per-actor KPI names its actor); `note` is a line of its own
    in markdown, data in it already escaped (`payback_source`).
    """
    kpi = BY_KEY[key]
    where = container or st
    with where.container(border=True):
        st.metric(label or kpi.label, kpi_text(result, key, threshold, part, short=True),
                  help=with_exact(help_text or kpi.help, result, key, threshold, part))
        lines = [count_text(result, key, threshold), note]
        if text := target_text(result, key):
            if missing := result.missing_targets.get(key):  # insats names are data
                text += f" (saknar mål: {escape.markdown(', '.join(missing))})"
            lines.append(text)
        lines.append(whole_insats_text(result, key))
        for line in filter(None, lines):
            st.caption(line)
        if (status := result.target_status.get(key)) and key not in result.disclosure:
            icon, words, colour = STATUS[str(status)]
            st.badge(words, icon=icon, color=colour)


def payback_source(result: KpiResult) -> str | None:
    """`display.source_text` for a card: the evaluation's periods (from an upload) escaped."""
    return source_text(result, escape.markdown)


def table_with_downloads(table: pl.DataFrame, name: str) -> None:
    """Show a display table and offer it as CSV and xlsx (exactly what is shown)."""
    st.dataframe(table, hide_index=True, width="stretch")
    download_buttons(table, name)


def download_buttons(table: pl.DataFrame, name: str) -> None:
    """CSV and xlsx of a display table, written when the button is pressed.

    Made on the click (Streamlit's deferred download), not on every run: a filter change
    does not write files nobody asked for. The table is the one shown in this run.
    """
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("Ladda ner CSV", partial(csv_bytes, table), f"{name}.csv", "text/csv",
                         key=f"csv_{name}", icon=":material/download:", on_click="ignore")
    right.download_button("Ladda ner Excel", partial(workbook_bytes, {name: table}),
                          f"{name}.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"xlsx_{name}", icon=":material/download:",
                          on_click="ignore")


def csv_bytes(table: pl.DataFrame) -> bytes:
    """A display table as CSV: semicolons, UTF-8 with BOM (so Excel opens å/ä/ö).

    Text cells that Excel would run as a formula start with `'` (`escape.csv_frame`); the
    xlsx holds them as plain strings instead (`workbook_bytes`).
    """
    return ("\ufeff" + escape.csv_frame(table).write_csv(separator=";")).encode("utf-8")


#: Chart texts (labels, ticks, axis titles) in a grey that keeps 7:1 on white, set on every
#: chart in one update; texts with a colour of their own (targets, labels in bars) keep it.
CHART_TEXT = {"font": {"color": charts.CHART_TEXT},
              **{f"{axis}axis": {"tickfont": {"color": charts.CHART_TEXT},
                                 "title": {"font": {"color": charts.CHART_TEXT}}}
                 for axis in "xy"}}


#: The drag tools (zoom and pan by dragging, selections) need a mouse and would add tab stops
#: to every chart; the buttons that remain work with the keyboard.
CHART_CONFIG = {"locale": "sv", "displaylogo": False,
                "modeBarButtonsToRemove": ["zoom2d", "pan2d", "select2d", "lasso2d",
                                           "autoScale2d"]}


def chart(fig: go.Figure, key: str, summary: str | None = None) -> None:
    """Draw a plotly figure with the Swedish locale and its text alternative under it.

    The text alternative is `summary`, else `charts.summary(fig)` (kind, subject, series,
    target; the numbers are in the table the page draws next). `escape.figure` turns every
    name, label and text from the data into plain text here, so no chart can render a link
    or markup that came with an upload.
    """
    text = summary if summary is not None else charts.summary(fig)
    escape.figure(fig)
    # Streamlit's chart theme writes texts in #808495, 3.7:1 on white (AA needs 4.5:1)
    fig.update_layout(CHART_TEXT)
    readable(fig, presentation.chart_font_px())
    st.plotly_chart(fig, width="stretch", key=key, config=CHART_CONFIG)
    st.caption(escape.markdown(text))


def readable(fig: go.Figure, size: int) -> go.Figure:
    """Every chart text at least `size` px: body, ticks, legend, value labels, notes.

    Plotly shrinks a label that does not fit its bar (an "över budget" note came out at
    7 px); `uniformtext` keeps every label at the size and lets it overflow instead.
    """
    fig.update_layout(font={"size": size},
                      title={"font": {"size": size + presentation.TITLE_EXTRA_PX}},
                      legend={"font": {"size": size}}, hoverlabel={"font": {"size": size}},
                      uniformtext={"minsize": size, "mode": "show"})
    # Streamlit's chart theme sets axis text sizes of its own (12 px), above `font`
    fig.update_xaxes(tickfont_size=size, title_font_size=size)
    fig.update_yaxes(tickfont_size=size, title_font_size=size)
    for trace in fig.data:
        if "textfont" in trace and (trace.textfont.size or 0) < size:
            trace.textfont.size = size
    for note in fig.layout.annotations:
        if (note.font.size or 0) < size:
            note.font.size = size
    return fig


def columns(n: int, per_row: int | None = None) -> list:
    """Columns for `n` cards (fewer per row in presentation mode)."""
    return presentation.columns(n, per_row)


def too_few_notice(result: KpiResult, threshold: int) -> bool:
    """Show the notice and return True when the selection has no data or too few episodes."""
    notice = too_few_message(result, threshold)
    if notice is None:
        return False
    level, text = notice
    (st.warning if level == "warning" else st.info)(text)
    return True


#: Every string is written as a string: xlsxwriter would otherwise store `=…` as a formula
#: and `http://…` as a hyperlink (names from an upload are free text).
PLAIN_WORKBOOK = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                  "strings_to_numbers": False, "nan_inf_to_errors": True}


def workbook_bytes(sheets: dict[str, pl.DataFrame]) -> bytes:
    """Several frames as one xlsx, a sheet each (names cut to Excel's 31 characters).

    Text stays text (`PLAIN_WORKBOOK`): no cell becomes a formula or a link.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, PLAIN_WORKBOOK) as book:
        for name, frame in sheets.items():
            frame.write_excel(book, worksheet=name[:31], autofit=True)
    return buffer.getvalue()
