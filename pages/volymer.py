"""Volymer: what the structural insatser produced (Σ Antal per Mått) against targets, and
per quarter or year over time."""

import streamlit as st

from dashboard import charts, data, ui
from dashboard.context import page_context
from dashboard.filters import PARTICIPANT_FILTERS
from metrics.registry import Unit

FREQ = {"Per kvartal": "quarter", "Per år": "year"}
HEADERS = {"category": "Mått", "text": "Antal", "target_text": "Mål", "status": "Målstatus"}
TREND_HEADERS = {"category": "Period", "series": "Mått", "text": "Antal",
                 "target_text": "Mål"}

ctx = page_context("volymer", ignores=PARTICIPANT_FILTERS)
sel = ctx.filters.whole_insatser
t, title = ctx.threshold, charts.base_title(ctx.filters)
result = data.kpis(ctx.frames, ctx.version, ctx.viewer, sel, t)

st.subheader("Volymer under perioden")
if not result.values.get("volume"):
    st.info("Det finns inga volymer för urvalet under perioden. Volymer rapporteras för "
            "strukturinriktade insatser, per kvartal eller år.")
else:
    volumes = charts.volume_long(result, t)
    ui.chart(charts.grouped_bars(volumes, charts.titled("Antal per mått", title), Unit.COUNT),
             "volymer_matt_chart")
    st.caption("Streckade röda linjer är målen för perioden. En siffra räknas bara när hela "
               f"dess rapportperiod ligger inom urvalets period. Antal under {t} visas som "
               f"«<{t}».")
    if sel.days < 365:
        st.warning("Målen i Mål-bladet gäller helår, men perioden är kortare: jämför med "
                   "målet med försiktighet.")
    ui.table_with_downloads(charts.long_table(volumes, HEADERS), "volymer_matt")

st.subheader("Över tid")
freq_label = st.segmented_control("Visa", list(FREQ), default="Per kvartal",
                                  key="volymer_freq") or "Per kvartal"
freq = FREQ[freq_label]
periods = charts.volume_periods(ctx.frames["volumes"], sel, freq)
results = data.volume_results(ctx.frames, ctx.version, ctx.viewer, sel, tuple(periods), t)
trend = charts.volume_trend(periods, results, freq, t)
if trend.is_empty():
    st.info("Inga volymer rapporterade för de valda insatserna "
            f"{freq_label.lower()}.")
else:
    ui.chart(charts.long_lines(trend, charts.titled(f"Antal per mått {freq_label.lower()}",
                                                    title), Unit.COUNT),
             "volymer_trend_chart")
    if freq == "quarter":
        st.caption("Målen gäller helår och visas därför i årsvyn.")
    ui.table_with_downloads(charts.long_table(trend, TREND_HEADERS), f"volymer_{freq}")
