"""Samhällsekonomi: return per actor from an uploaded evaluation, then the built-in estimate.

Evaluations and costs belong to whole insatser, so the participant filters and grupp do not
apply. The estimate is clearly labelled and every assumption behind it can be edited.
"""

import streamlit as st

from dashboard import charts, data, escape, fmt, socio_ui, ui
from dashboard.context import page_context
from dashboard.filters import PARTICIPANT_FILTERS

CARDS = ("payback_months", "revenue_per_year", "profit_1y", "profit_5y")
ESTIMATE = ("Uppskattningen beräknas i appen från deltagarnas försörjning före och efter "
            "insatsen, schablonkostnader per försörjning och aktör, insatsens kostnad och "
            "medlemmarnas finansieringsandelar.")

ctx = page_context("samhallsekonomi", ignores=PARTICIPANT_FILTERS)
sel = ctx.filters.whole_insatser
t, title = ctx.threshold, charts.base_title(ctx.filters)
result = data.kpis(ctx.frames, ctx.version, ctx.viewer, sel, t)

evaluated = result.meta.get("socioeconomic_source") == "evaluation"
if evaluated:
    st.subheader("Extern utvärdering")
    actors = charts.actor_frame(result)
    periods = escape.markdown(", ".join(result.meta.get("socioeconomic_periods") or ()))
    n_evaluated = result.base_n.get("payback_months")
    st.caption(f"Källa: uppladdad utvärdering för perioden {periods}"
               + (f", {fmt.number(n_evaluated)} utvärderade deltagare." if n_evaluated else "."))
    if actors.is_empty():
        st.warning(f"Utvärderingen omfattar färre än {t} deltagare och visas inte för att "
                   "skydda enskilda personer.")
    else:
        for col, key in zip(ui.columns(len(CARDS)), CARDS, strict=True):
            socio_ui.actor_card(result, key, "Samhället", t, container=col)
        ui.chart(charts.payback_bars(actors, result.values.get("payback_months_target"),
                                     charts.titled("Återbetalningstid per aktör", title)),
                 "socio_payback")
        ui.chart(charts.profit_bars(actors, charts.titled("Lönsamhet per aktör", title),
                                    result.values.get("profit_1y_target")), "socio_profit")
        ui.table_with_downloads(charts.actor_table(actors, t), "samhallsekonomi_utvardering")
    st.divider()
    st.subheader("Inbyggd uppskattning (kompletterande)")
    st.caption(f"{ESTIMATE} Den uppladdade utvärderingen ovan är huvudkällan; uppskattningen "
               "är ett räkneexempel med antaganden som kan ändras.")
    if st.toggle("Visa även den inbyggda uppskattningen", key="socio_estimate"):
        socio_ui.what_if(ctx, sel, title)
else:
    st.subheader("Inbyggd uppskattning")
    st.caption("Det finns ingen uppladdad samhällsekonomisk utvärdering (bladet "
               f"Samhällsekonomi, t.ex. PayOff) med en period inom den valda perioden. {ESTIMATE}")
    socio_ui.what_if(ctx, sel, title)
