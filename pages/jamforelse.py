"""Jämförelse: the förbund against every förbund (anonymous points, place in words, T/K/M),
its insatser side by side against their targets, and its value against the median of every
förbund over the years. Other förbund have no name here except for admin
(dashboard/compare_data.py)."""

import dataclasses

import streamlit as st

from dashboard import compare_data, compare_ui, data, ui
from dashboard.context import page_context

ctx = page_context("jamforelse")
sel, t, viewer = ctx.filters.selection, ctx.threshold, ctx.viewer
own_shown = viewer.role != "styrgrupp"  # styrgrupp: their insatser, not the whole förbund
ui.too_few_notice(data.kpis(ctx.frames, ctx.version, viewer, sel, t), t)

tab_forbund, tab_insatser, tab_trend = st.tabs(["Förbund", "Insatser", "Över tid"], key="vy",
                                               bind="query-params")
if tab_forbund.open:
    with tab_forbund:
        st.caption(compare_ui.scope_note(ctx.filters, viewer.role == "admin"))
        if not own_shown:
            st.info(compare_ui.STYRGRUPP_NOTE, icon=":material/visibility_off:")
        view, *by_sex = compare_data.forbund_views(ctx, [sel, *compare_data.sex_selections(sel)])
        if view is None:
            st.error(compare_ui.FAILED)
        elif not compare_ui.compared(view.kpis):
            st.info("Det finns inga nyckeltal att jämföra för urvalet.")
        else:
            key = compare_ui.kpi_chooser(view.kpis)
            rows = compare_data.sex_rows(key, by_sex)
            own = compare_data.own_results(by_sex)
            compare_ui.draw_distribution(rows, key, view.min_units, own, t,
                                         compare_ui.subtitle(ctx.filters), own_shown)
            st.subheader("Alla nyckeltal")
            st.caption("Urvalet i sidopanelen, hela förbundet. Plats räknas från det bästa "
                       "värdet; medel räknar varje förbund en gång.")
            ui.table_with_downloads(compare_ui.comparison_table(view, view.own, t),
                                    "jamforelse_forbund")

if tab_insatser.open:
    with tab_insatser:
        names = compare_data.own_insatser(ctx, sel)
        if not names:
            st.info("Förbundet har inga insatser registrerade.")
        else:
            st.caption("Era insatser sida vid sida, varje värde med insatsens mål och status i "
                       "ord. Klicka på en kolumnrubrik för att sortera.")
            results = {name: data.kpis(ctx.frames, ctx.version, viewer,
                                       dataclasses.replace(sel, insatser=(name,)), t)
                       for name in names}
            compare_ui.matrix_with_downloads(*compare_ui.matrix(results, t),
                                             "jamforelse_insatser")

if tab_trend.open:
    with tab_trend:
        view = compare_data.forbund_view(ctx, sel)
        if view is None:
            st.error(compare_ui.FAILED)
        elif compare_ui.compared(view.kpis):
            key = compare_ui.kpi_chooser(view.kpis)
            views = compare_data.forbund_trend(ctx, sel, compare_data.trend_years(ctx, sel))
            fig, table = compare_ui.trend_frames(views, key, own_shown)
            ui.chart(fig, "jamforelse_trend_chart")
            ui.table_with_downloads(table, "jamforelse_over_tid")
