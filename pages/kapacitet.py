"""Kapacitet: årsplatser used against capacity, occupancy and costs per insats selection, and
helårsekvivalenter on benefits in the population (SCB).

Capacity and costs belong to whole insatser, so the participant filters and grupp do not
apply here: every figure is computed for all participants of the selected insatser.
"""

import dataclasses

import streamlit as st

from dashboard import charts, data, escape, fmt, ui
from dashboard.context import page_context
from dashboard.filters import PARTICIPANT_FILTERS
from metrics.benefits import default_areas
from metrics.registry import BY_KEY, Unit

CARDS = ("fye_used", "fye_capacity", "occupancy", "cost_per_fye", "cost_per_participant")
TREND = ("fye_used", "fye_capacity", "occupancy", "cost_per_fye", "cost_per_participant")
FREQ = {"Per år": "year", "Per kvartal": "quarter"}
BENEFIT_CARDS = ("fye_benefits", "fye_benefits_share")

ctx = page_context("kapacitet", ignores=PARTICIPANT_FILTERS)
sel = ctx.filters.whole_insatser
t, title = ctx.threshold, charts.base_title(ctx.filters)
result = data.kpis(ctx.frames, ctx.version, ctx.viewer, sel, t)

st.subheader("Årsplatser och kostnader")
ui.too_few_notice(result, t)
for col, key in zip(ui.columns(len(CARDS)), CARDS, strict=True):
    ui.kpi_card(result, key, t, container=col)
own_costs = result.meta.get("forbund_costs_spent_in_period")
st.caption("Kostnad per årsplats och per deltagare är utfallet under perioden för de valda "
           "insatserna, delat med årsplatserna och deltagarna i hela insatserna (deltagar"
           "filtren gäller inte). Förbundets egna kostnader ingår inte"
           + (" och visas här för sig." if own_costs is not None else "."))
if own_costs is not None:
    st.columns([1, 3])[0].metric(
        "Förbundets egna kostnader", fmt.kronor_short(own_costs), border=True,
        help="Utfall under perioden på förbundets egna budgetrader (utan insats, t.ex. "
             f"kansli och styrelse): {fmt.kronor(own_costs)}. De hör inte till någon insats "
             "och ingår därför inte i kostnad per årsplats eller per deltagare.")
if result.values.get("fye_capacity") is None:
    st.info("De valda insatserna har inga årsplatser angivna, så kapacitet och "
            "beläggningsgrad kan inte räknas ut.")

freq_label = st.segmented_control("Visa", list(FREQ), default="Per år",
                                  key="kapacitet_freq") or "Per år"
freq = FREQ[freq_label]
periods = data.trend(ctx.frames, ctx.version, ctx.viewer, sel, ("fye_used",), freq, t)
if freq == "quarter":
    periods = charts.last_years(periods, sel.date_to.year)
results = [data.kpis(ctx.frames, ctx.version, ctx.viewer, sel.with_period(frm, to), t)
           for frm, to in periods.select("date_from", "date_to").iter_rows()]
table = charts.results_table(periods, results, TREND)
if table.is_empty():
    st.info("Det finns inga deltagarperioder för de valda insatserna.")
else:
    ui.chart(charts.capacity_bars(table, charts.titled(
        f"Nyttjade årsplatser och kapacitet {freq_label.lower()}", title)),
        "kapacitet_arsplatser_chart")
    ui.chart(charts.long_lines(
        charts.to_long(table, "period", {"occupancy": BY_KEY["occupancy"].label}, t),
        charts.titled(f"Beläggningsgrad {freq_label.lower()}", title), Unit.SHARE),
        "kapacitet_belaggning_chart")
    st.caption("Kapaciteten (streckad linje) är målet för nyttjade årsplatser; röda streck i "
               "beläggningsdiagrammet är årets mål för beläggningsgraden.")
    ui.table_with_downloads(charts.results_display(table, TREND, t), f"kapacitet_{freq}")

st.subheader("Ersättningar i befolkningen 20–64 år")
st.caption("Helårsekvivalenter från SCB: antal personer försörjda av ersättningarna, omräknat "
           "till helår. Offentlig statistik för hela området, inte deltagaruppgifter.")
areas = sorted(ctx.frames["benefit_fye"]["area"].unique().to_list())
if not areas:
    st.info("Det finns inga uppgifter om helårsekvivalenter uppladdade.")
    st.stop()
matching = default_areas(sel.forbund, areas)
area = st.selectbox("Område", areas, index=areas.index(matching[0]) if matching else 0,
                    key="kapacitet_omrade")
benefits = data.kpis(ctx.frames, ctx.version, ctx.viewer,
                     dataclasses.replace(sel, omrade=(area,)), t)
year = benefits.meta.get("benefits_year")
if year is None:
    st.info(f"Det finns inga uppgifter för {escape.markdown(area)} till och med "
            f"{sel.date_to.year}.")
    st.stop()
for col, key in zip(ui.columns(len(BENEFIT_CARDS)), BENEFIT_CARDS, strict=True):
    ui.kpi_card(benefits, key, t, container=col)
st.caption(f"{escape.markdown(area)}, {year} (senaste år med uppgifter till och med "
           f"{sel.date_to.year}).")
by_benefit = charts.benefit_table(ctx.frames["benefit_fye"], area, year)
ui.chart(charts.grouped_bars(
    charts.to_long(by_benefit, "benefit", {"Kvinnor": "Kvinnor", "Män": "Män"}, t),
    charts.titled("Helårsekvivalenter per ersättning och kön", f"{area} · {year}"),
    Unit.COUNT), "kapacitet_ersattningar_chart")
ui.table_with_downloads(ui.display_table(
    by_benefit, {"benefit": "Ersättning", "Kvinnor": "Kvinnor", "Män": "Män",
                 "Samtliga": "Samtliga"}, t), "kapacitet_ersattningar")
