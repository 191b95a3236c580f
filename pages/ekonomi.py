"""Ekonomi: budget against utfall for the budget year, per insats and per kostnadsslag.

Budget lines belong to whole insatser (and the förbund's own costs), so the participant
filters and grupp do not apply. The budget year is the year the selected period ends in.
"""

import streamlit as st

from dashboard import charts, data, fmt, ui
from dashboard.context import page_context
from dashboard.filters import PARTICIPANT_FILTERS

CARDS = ("budget", "spent", "remaining", "utilisation", "expected_pace", "forecast_spent",
         "forecast_utilisation")
COLUMNS = {"budget": "Budget", "spent": "Utfall", "remaining": "Återstår",
           "utilisation": "Nyttjandegrad"}

ctx = page_context("ekonomi", ignores=PARTICIPANT_FILTERS)
sel = ctx.filters.whole_insatser
t, title = ctx.threshold, charts.base_title(ctx.filters)
result = data.kpis(ctx.frames, ctx.version, ctx.viewer, sel, t)
year, as_of = result.meta.get("budget_year"), result.meta.get("budget_as_of")

if as_of is None:
    st.info(f"Det finns ingen budget för {year} med utfall rapporterat till och med "
            f"{fmt.iso_date(sel.date_to)} för urvalet. Ladda upp bladet Budget eller välj "
            "en annan period.")
else:
    st.caption(f"Budgetår {year} · utfall rapporterat till och med {fmt.iso_date(as_of)}")
    # three per row: amounts in kronor need the width ("16 704 000 kr" must not be cut)
    for col, key in zip(ui.columns(len(CARDS), per_row=3), CARDS, strict=True):
        ui.kpi_card(result, key, t, container=col)
    if (result.values.get("forecast_utilisation") or 0) > 1:
        st.warning("⚠️ Prognosen för helåret är högre än budgeten.")

    per_insats = charts.budget_rows(data.budget_by_insats(ctx.frames, ctx.version, ctx.viewer,
                                                          sel))
    st.subheader("Per insats")
    ui.chart(charts.budget_bars(per_insats, "insats",
                                charts.titled(f"Budget och utfall per insats {year}", title)),
             "ekonomi_insats_bars")
    ui.table_with_downloads(ui.display_table(per_insats, {
        "insats": "Insats", **COLUMNS, "expected_pace": "Förväntad nyttjandegrad",
        "forecast_spent": "Prognos helår", "forecast_utilisation": "Prognos nyttjandegrad",
        "as_of": "Rapporterat t.o.m.", "flag": "Status"}, t), "ekonomi_per_insats")

    per_category = charts.budget_rows(data.budget_by_category(ctx.frames, ctx.version,
                                                              ctx.viewer, sel))
    st.subheader("Per kostnadsslag")
    ui.chart(charts.utilisation_bars(per_category, "cost_category",
                                     result.values.get("expected_pace"),
                                     result.values.get("utilisation_target"),
                                     charts.titled(f"Nyttjandegrad per kostnadsslag {year}",
                                                   title)),
             "ekonomi_category_bars")
    ui.table_with_downloads(ui.display_table(per_category, {
        "cost_category": "Kostnadsslag", **COLUMNS, "flag": "Status"}, t),
        "ekonomi_per_kostnadsslag")

    with st.expander("Alla budgetrader (insats och kostnadsslag)"):
        lines = charts.budget_rows(data.budget_by_category(ctx.frames, ctx.version, ctx.viewer,
                                                           sel, per_insats=True))
        ui.table_with_downloads(ui.display_table(lines, {
            "insats": "Insats", "cost_category": "Kostnadsslag", **COLUMNS, "flag": "Status"},
            t), "ekonomi_budgetrader")
