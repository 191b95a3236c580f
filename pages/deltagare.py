"""Deltagare: the flow in and out, who the participants are, how their income changed, and
how long they stayed."""

import streamlit as st

from dashboard import charts, data, ui
from dashboard.context import page_context
from dashboard.page_views import DISTRIBUTIONS, FLOW, TREND_FLOW
from metrics.registry import BY_KEY, Unit

FREQ = {"Per år": "year", "Per kvartal": "quarter"}
TIME = ("throughput_months_mean", "throughput_months_median", "public_support_years_mean",
        "step_up_share")

ctx = page_context("deltagare")
sel, t, title = ctx.filters.selection, ctx.threshold, ctx.filters.title
result = data.kpis(ctx.frames, ctx.version, ctx.viewer, sel, t)
if ui.too_few_notice(result, t):
    st.stop()

st.subheader("Flöde under perioden")
for col, key in zip(ui.columns(len(FLOW)), FLOW, strict=True):
    ui.kpi_card(result, key, t, container=col)

freq_label = st.segmented_control("Visa flödet", list(FREQ), default="Per år",
                                  key="deltagare_freq") or "Per år"
freq = FREQ[freq_label]
flow = data.trend(ctx.frames, ctx.version, ctx.viewer, sel, TREND_FLOW, freq, t)
if freq == "quarter":
    flow = charts.last_years(flow, sel.date_to.year)
    st.caption(f"Kvartal för {sel.date_to.year - 2}–{sel.date_to.year}.")
flow_labels = {k: BY_KEY[k].label for k in TREND_FLOW}
ui.chart(charts.grouped_bars(
    charts.to_long(flow, "period", flow_labels, t,
                   {k: result.values.get(f"{k}_target") for k in TREND_FLOW}),
    charts.titled(f"Flöde {freq_label.lower()}", title), Unit.COUNT), "deltagare_flode_chart")
ui.table_with_downloads(ui.display_table(flow, {"period": "Period", **flow_labels}, t),
                        f"deltagare_flode_{freq}")

st.subheader("Tid och stegförflyttning")
for col, key in zip(ui.columns(len(TIME)), TIME, strict=True):
    ui.kpi_card(result, key, t, container=col)

st.subheader("Vilka deltagarna är")
st.caption("Ålder, utbildning och tid i offentlig försörjning räknas på deltagare under "
           "perioden; tid i insatsen och avslutsorsak på dem som avslutades under perioden. "
           f"Antal under {t} visas som «<{t}».")
distributions = data.distributions(ctx.frames, ctx.version, ctx.viewer, sel, t)
for tab, (name, label) in zip(st.tabs(list(DISTRIBUTIONS.values())), DISTRIBUTIONS.items(),
                              strict=True):
    with tab:
        ui.chart(charts.grouped_bars(
            charts.to_long(distributions[name], "category", {"count": "Antal"}, t),
            charts.titled(label, title), Unit.COUNT), f"deltagare_{name}_chart")
        ui.table_with_downloads(charts.distribution_table(distributions[name], label, t),
                                f"deltagare_{name}")

st.subheader("Försörjning före och efter")
income = data.income_flow(ctx.frames, ctx.version, ctx.viewer, sel, t)
sankey = charts.income_sankey(income, charts.titled("Försörjning före → efter (avslutade)",
                                                    title))
if sankey is None:
    st.info("Inga flöden att visa: för få avslutade med uppgift om försörjning.")
else:
    ui.chart(sankey, "deltagare_forsorjning_chart")
st.caption(f"Små flöden (färre än {t} personer, och de som döljs för att de inte ska kunna "
           f"räknas fram) ritas inte och visas som «<{t}» eller «..» i tabellen.")
ui.table_with_downloads(ui.display_table(
    income, {"income_before": "Försörjning före", "income_after": "Försörjning efter",
             "count": "Antal"}, t), "deltagare_forsorjning")
