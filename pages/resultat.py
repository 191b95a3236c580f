"""Resultat: how episodes ended, on both bases, against targets; by kön and remittent, over
the years, and at follow-up after 6, 12 and 24 months."""

import streamlit as st

from dashboard import charts, data, ui
from dashboard.context import page_context
from dashboard.page_views import (
    BY_KEYS,
    BY_LABELS,
    COMPLETED,
    ENDED,
    FOLLOWUP,
    FOLLOWUP_COUNTS,
    FOLLOWUP_HEADERS,
    HORIZONS,
    OUTCOME_HEADERS,
    OUTCOMES,
    TREND_KEYS,
)
from metrics.registry import BY_KEY, Unit

GROUPINGS = {"kon": "Kön", "remittent": "Remittent"}
TREND_CHOICES = {BY_KEY[k].label: k for k in TREND_KEYS}

ctx = page_context("resultat")
sel, t, title = ctx.filters.selection, ctx.threshold, ctx.filters.title
result = data.kpis(ctx.frames, ctx.version, ctx.viewer, sel, t)
if ui.too_few_notice(result, t):
    st.stop()

st.subheader("Avslut mot mål")
st.caption("Två baser: andel av de **fullföljda** (avbrutna räknas inte) och andel av **alla "
           "avslutade** (inklusive avbrott). Målet gäller andelen av de fullföljda, utom för "
           "avbrott.")
for keys in (COMPLETED, ENDED):
    for col, key in zip(ui.columns(len(keys)), keys, strict=True):
        ui.kpi_card(result, key, t, container=col)
outcomes = charts.kpi_grid(result, OUTCOMES, t)
ui.chart(charts.grouped_bars(outcomes, charts.titled("Avslut per bas", title), Unit.SHARE),
         "resultat_avslut_chart")
ui.table_with_downloads(charts.long_table(outcomes, OUTCOME_HEADERS), "resultat_avslut")

for by, label in GROUPINGS.items():
    st.subheader(f"Per {label.lower()}")
    table = data.breakdown(ctx.frames, ctx.version, ctx.viewer, sel, BY_KEYS, by, t)
    if table.is_empty():
        st.info(f"Inga avslutade i urvalet att dela upp per {label.lower()}.")
        continue
    long = charts.to_long(table, by, BY_LABELS, t,
                          {k: result.values.get(f"{k}_target") for k in BY_KEYS})
    ui.chart(charts.grouped_bars(long, charts.titled(f"Avslut per {label.lower()}", title),
                                 Unit.SHARE), f"resultat_{by}_chart")
    ui.table_with_downloads(ui.display_table(
        table, {by: label, **BY_LABELS, "completed": BY_KEY["completed"].label,
                "ended": BY_KEY["ended"].label}, t), f"resultat_per_{by}")
st.caption(f"Grupper med färre än {t} avslutade visas som «för få»; när en grupp döljs döljs "
           "ytterligare en («..») så att den inte kan räknas fram.")

st.subheader("Över tid")
history = data.trend(ctx.frames, ctx.version, ctx.viewer, sel, TREND_KEYS, "year", t)
choice = st.selectbox("Nyckeltal i diagrammet", list(TREND_CHOICES), key="resultat_trend_kpi")
key = TREND_CHOICES[choice]
fig = charts.long_lines(charts.to_long(history, "period", {key: choice}, t),
                        charts.titled(f"{choice} per år", title), Unit.SHARE)
ui.add_target(fig, result.values.get(f"{key}_target"), key)
ui.chart(fig, "resultat_trend_chart")
st.caption(f"Målet som visas gäller {sel.date_to.year}. Varje år räknas på de avslutade det "
           "året.")
ui.table_with_downloads(ui.display_table(
    history, {"period": "År", **{k: BY_KEY[k].label for k in TREND_KEYS},
              "completed": BY_KEY["completed"].label, "ended": BY_KEY["ended"].label}, t),
    "resultat_per_ar")

st.subheader("Uppföljning efter avslut")
st.caption("Bland avslutade i perioden som följts upp efter 6, 12 och 24 månader: andelen i "
           "arbete, studier och fortsatt rehabilitering.")
for m in HORIZONS:
    cols = ui.columns(3)
    for col, key in zip(cols, (f"share_work_{m}m", f"followed_up_{m}m",
                               f"followup_coverage_{m}m"), strict=True):
        ui.kpi_card(result, key, t, container=col)
followup = charts.kpi_grid(result, FOLLOWUP, t)
ui.chart(charts.grouped_bars(followup, charts.titled("Läge vid uppföljning", title),
                             Unit.SHARE), "resultat_uppfoljning_chart")
ui.table_with_downloads(charts.long_table(
    charts.kpi_grid(result, {**FOLLOWUP, **FOLLOWUP_COUNTS}, t), FOLLOWUP_HEADERS),
    "resultat_uppfoljning")
