"""Översikt: per insats, the headline KPIs against their targets, with year trends."""

import dataclasses

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import charts, data, escape, ui
from dashboard.context import page_context
from metrics.registry import BY_KEY, Unit

HEADLINE = ("share_work", "share_studies", "share_rehab", "share_dropout")
PER_INSATS = ("share_work", "share_towards_work", "occupancy", "utilisation")
COUNTED = ("share_work", "share_towards_work")  # shares whose count and base the table shows

ctx = page_context("oversikt")
sel, t = ctx.filters.selection, ctx.threshold
result = data.kpis(ctx.frames, ctx.version, ctx.viewer, sel, t)

st.subheader("Hela urvalet")
if not ui.too_few_notice(result, t):
    for col, key in zip(ui.columns(len(HEADLINE)), HEADLINE, strict=True):
        ui.kpi_card(result, key, t, container=col)
cols = ui.columns(4)
for col, key in zip(cols[:3], ("participants_in_period", "started", "ended"), strict=True):
    ui.kpi_card(result, key, t, container=col)
ui.kpi_card(result, "payback_months", t, container=cols[3], part="Samhället",
            label="Återbetalningstid, samhället (mån)", note=ui.payback_source(result),
            help_text="Kostnad delat med samhällets årliga intäkt, i månader.")

insatser = ctx.frames["insatser"].filter(pl.col("forbund").cast(pl.String) == sel.forbund[0])
names = list(sel.insatser) or sorted(insatser["insats"].cast(pl.String).to_list())
st.subheader("Per insats")
if not names:
    st.info("Förbundet har inga insatser registrerade.")
summary = []
for name in names:
    one = dataclasses.replace(sel, insatser=(name,))
    res = data.kpis(ctx.frames, ctx.version, ctx.viewer, one, t)
    with st.container(border=True):
        st.markdown(f"#### {escape.markdown(name)}")
        cols = ui.columns(len(PER_INSATS) + 1)
        for col, key in zip(cols, PER_INSATS, strict=False):
            ui.kpi_card(res, key, t, container=col)
        history = data.trend(ctx.frames, ctx.version, ctx.viewer, one, ("share_work",), "year",
                             t)
        if history.height and history["share_work"].drop_nulls().len():
            fig = go.Figure(go.Scatter(x=history["period"].to_list(),
                                       y=history["share_work"].to_list(), mode="lines+markers"))
            ui.add_target(fig, res.values.get("share_work_target"), "share_work")
            ui.style(fig, "Andel till arbete per år", Unit.SHARE)
            fig.update_layout(height=200, margin={"t": 40, "b": 0}, showlegend=False)
            shown = ui.display_table(history, {"period": "År", "share_work": "Andel"}, t)
            with cols[-1]:
                ui.chart(fig, f"spark_{name}", summary=charts.values_summary(
                    "andel till arbete per år", shown.iter_rows(),
                    ui.target_sentence(res, "share_work")))
        else:
            cols[-1].caption("Ingen trend för andel till arbete: insatsen har inga avslutade "
                             "deltagare att visa (strukturinriktade insatser följs under "
                             "Volymer).")
    summary.append({"insats": name, **{k: res.values.get(k) for k in PER_INSATS},
                    **{f"{k}_count": ui.count_text(res, k, t) for k in COUNTED},
                    **{f"{k}_status": res.disclosure.get(k, "shown") for k in PER_INSATS},
                    **{f"{k}_upper_bound": res.upper_bounds.get(k) for k in PER_INSATS},
                    "status": "; ".join(f"{BY_KEY[k].label}: {ui.STATUS[str(s)][1]}"
                                        for k, s in res.target_status.items()
                                        if k in PER_INSATS)})

if summary:
    st.subheader("Sammanställning")
    table = ui.display_table(pl.DataFrame(summary, infer_schema_length=None),
                             {"insats": "Insats", "share_work": "Andel till arbete",
                              "share_work_count": "Till arbete, antal",
                              "share_towards_work": "Andel till arbete, studier eller rehab",
                              "share_towards_work_count": "Till arbete, studier eller rehab, "
                                                          "antal",
                              "occupancy": "Beläggningsgrad", "utilisation": "Nyttjandegrad",
                              "status": "Målstatus"}, t)
    ui.table_with_downloads(table, "oversikt")
