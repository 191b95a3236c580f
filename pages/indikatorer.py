"""Indikatorer: NNS indicator survey per question, respondent group and sex.

The survey is answered per förbund (and insats), not per participant episode, so the
participant filters and grupp do not apply. Rows with fewer answers than the disclosure
threshold show no shares.
"""

import streamlit as st

from dashboard import charts, data, escape, ui
from dashboard.context import page_context
from dashboard.filters import PARTICIPANT_FILTERS

CARDS = ("nns_positive", "nns_clearly_positive", "nns_negative", "nns_n", "nns_response_rate",
         "nns_positive_change")
ALL_GROUPS = "Alla respondentgrupper"
SEXES = ("Samtliga", "Kvinnor", "Män")

ctx = page_context("indikatorer", ignores=PARTICIPANT_FILTERS)
sel = ctx.filters.whole_insatser
t, title = ctx.threshold, charts.base_title(ctx.filters)
periods = data.nns_periods(ctx.frames, ctx.version, ctx.viewer, sel)

if not periods:
    st.info("Det finns inga resultat från NNS indikatorenkät (bladet Indikatorer) för "
            "urvalet.")
else:
    current = data.kpis(ctx.frames, ctx.version, ctx.viewer, sel, t).meta.get("nns_period")
    names = list(periods)
    left, middle, right = st.columns([1, 2, 2])
    period = left.selectbox("Mätperiod", names, key="nns_period",
                            index=names.index(current[-1]) if current else len(names) - 1)
    measured = sel.with_period(*periods[period])
    result = data.kpis(ctx.frames, ctx.version, ctx.viewer, measured, t)
    groups = data.nns_table(ctx.frames, ctx.version, ctx.viewer, measured,
                            t)["respondent_group"].unique().sort().to_list()
    group = middle.selectbox("Respondentgrupp", [ALL_GROUPS, *groups], key="nns_group")
    sex = right.segmented_control("Kön", SEXES, default="Samtliga", key="nns_sex") or SEXES[0]

    previous = escape.markdown(", ".join(result.meta.get("nns_previous") or ()))
    st.caption(f"Mätperiod {escape.markdown(period)} · "
               + (f"jämförs med {previous}" if previous else "ingen tidigare mätning")
               + " · nyckeltalen nedan gäller alla frågor och respondentgrupper, kön samtliga")
    if not current:
        st.info("Ingen NNS-mätning slutar inom den valda perioden. Välj mätperiod ovan; "
                "förvald är den senaste.")
    for col, key in zip(ui.columns(len(CARDS)), CARDS, strict=True):
        ui.kpi_card(result, key, t, container=col)

    rows = data.nns_table(ctx.frames, ctx.version, ctx.viewer, measured, t,
                          None if group == ALL_GROUPS else group, sex)
    st.subheader("Per fråga")
    if rows.is_empty():
        st.info("Inga svar för den valda respondentgruppen och det valda könet.")
    else:
        ui.chart(charts.nns_bars(rows, charts.titled(
            f"Svar per fråga {period} – {group.lower()}, {sex.lower()}", title),
            result.values.get("nns_positive_target"), group == ALL_GROUPS), "nns_bars")
        ui.table_with_downloads(ui.display_table(rows, {
            "indicator": "Indikator", "question": "Fråga", "respondent_group": "Respondentgrupp",
            "sex": "Kön", "nns_n": "Antal svar", "nns_positive": "Andel positiva",
            "nns_clearly_positive": "Andel klart positiva", "nns_negative": "Andel negativa",
            "nns_response_rate": "Svarsfrekvens",
            "nns_positive_change": "Förändring andel positiva"}, t), "indikatorer")
