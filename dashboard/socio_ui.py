"""Samhällsekonomi drawing: per-actor cards and the built-in estimate as an editable what-if.

The what-if is an `st.fragment`: editing a unit cost, the financing split or the insats cost
reruns only the estimate, not the page. Every assumption starts from what the data gives
(`metrics.socio_estimate.default_assumptions`) and the result passes the same disclosure
control as every KPI (`data.socio_estimate`).
"""

from __future__ import annotations

import dataclasses

import polars as pl
import streamlit as st

from dashboard import charts, data, fmt, ui
from dashboard.context import PageContext
from loaders.contract import ACTORS, UNIT_COST_STATUSES
from metrics.registry import BY_KEY
from metrics.result import KpiResult
from metrics.selection import Selection
from metrics.socio_estimate import DEFAULT_SPLIT, Assumptions

STATUS = "Status"
_ROUND = "_socio_whatif_round"  # bumped by "Återställ" so every widget starts afresh


def actor_card(result: KpiResult, key: str, actor: str, threshold: int, *,
               container=None) -> None:
    """One actor's value of a per-actor KPI as a card, naming its source.

    The source is the uploaded evaluation or the built-in estimate; a target applies to
    Samhället.
    """
    kpi = BY_KEY[key]
    ui.kpi_card(result, key, threshold, container=container, part=actor,
                label=f"{kpi.label}, {actor.lower()}", note=ui.payback_source(result))


def unit_cost_grid(assumptions: Assumptions) -> pl.DataFrame:
    """Unit costs as an editable grid: `Status`, then kr per year for each actor.

    Every status and actor of the data contract is offered (empty = no unit cost), plus any
    other the data holds, so a missing Schablonkostnader can be filled in here.
    """
    costs = assumptions.unit_costs
    statuses = [*UNIT_COST_STATUSES, *sorted(set(costs) - set(UNIT_COST_STATUSES))]
    held = {a for per in costs.values() for a in per}
    actors = [*ACTORS, *sorted(held - set(ACTORS))]
    return pl.DataFrame(
        {STATUS: statuses, **{a: [costs.get(s, {}).get(a) for s in statuses] for a in actors}},
        schema={STATUS: pl.String, **dict.fromkeys(actors, pl.Float64)})


def edited(base: Assumptions, grid: pl.DataFrame, split: dict[str, float],
           insats_cost: float | None) -> Assumptions:
    """`base` with the grid's unit costs, the split (fractions) and the insats cost applied.

    Unchanged parts keep their source text, so an untouched form equals the defaults.
    """
    costs: dict[str, dict[str, float]] = {}
    for row in grid.iter_rows(named=True):
        for actor, kr in row.items():
            if actor != STATUS and kr is not None and kr == kr:  # NaN: an emptied cell
                costs.setdefault(row[STATUS], {})[actor] = float(kr)
    out = base if costs == base.unit_costs else dataclasses.replace(base, unit_costs=costs)
    if any(abs(v - base.split.get(k, 0.0)) > 1e-7 for k, v in split.items()):
        out = out.with_split(**split)
    if insats_cost is not None and insats_cost != base.insats_cost:
        out = out.with_insats_cost(insats_cost)
    return out


def assumptions_table(assumptions: Assumptions) -> pl.DataFrame:
    """Every assumption as display text: unit costs per status and actor, split, cost."""
    rows = [{"Antagande": f"Schablonkostnad {status}", "Aktör": actor,
             "Värde": fmt.kronor(kr)}
            for status, per in assumptions.unit_costs.items() for actor, kr in per.items()]
    rows += [{"Antagande": f"Finansieringsandel ({assumptions.split_source})", "Aktör": actor,
              "Värde": fmt.percent(share)} for actor, share in assumptions.split.items()]
    rows.append({"Antagande": f"Insatsens kostnad ({assumptions.cost_source})",
                 "Aktör": "Samhället", "Värde": fmt.kronor(assumptions.insats_cost)})
    return pl.DataFrame(rows, schema={"Antagande": pl.String, "Aktör": pl.String,
                                      "Värde": pl.String})


def _reset() -> None:
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1


@st.fragment
def what_if(ctx: PageContext, sel: Selection, title: str) -> None:
    """The built-in estimate with every assumption editable; reruns on its own."""
    t = ctx.threshold
    base = data.socio_assumptions(ctx.frames, ctx.version, ctx.viewer, sel)
    if not base.unit_costs:
        st.warning("Det finns inga schablonkostnader uppladdade (bladet Schablonkostnader). "
                   "Fyll i kostnader per försörjning och aktör nedan för att få en "
                   "uppskattning.", icon=":material/warning:")
    elif data.unit_costs_illustrative(ctx.frames, ctx.version, ctx.viewer):
        st.warning("**Uppskattning med illustrativa schablonkostnader** – inte officiella "
                   "siffror. Ladda upp förbundets egna Schablonkostnader eller ändra "
                   "värdena nedan.", icon=":material/warning:")
    else:
        st.info("**Uppskattning** byggd på förbundets uppladdade schablonkostnader, "
                "inte en extern utvärdering.", icon=":material/info:")
    sig = f"{ctx.version}|{sel.forbund}|{sel.insatser}|{sel.period}|" \
          f"{st.session_state.get(_ROUND, 0)}"

    estimate = st.container()  # the result above the assumptions it is computed from
    with st.expander("Antaganden (ändra för att pröva andra värden)", expanded=False):
        st.markdown("**Schablonkostnader** – kronor per år och person för respektive aktör "
                    "(negativt = intäkt, t.ex. skatt).")
        grid = st.data_editor(
            unit_cost_grid(base), key=f"socio_unit_costs|{sig}", hide_index=True,
            disabled=[STATUS], column_config={
                a: st.column_config.NumberColumn(a, format="localized", step=1000)
                for a in unit_cost_grid(base).columns if a != STATUS})
        st.markdown(f"**Finansieringsfördelning** ({base.split_source})")
        split = {}
        for col, actor in zip(st.columns(len(DEFAULT_SPLIT)), DEFAULT_SPLIT, strict=True):
            split[actor] = col.number_input(
                f"{actor} (%)", min_value=0.0, max_value=100.0, step=1.0, format="%.1f",
                value=base.split.get(actor, 0.0) * 100,
                key=f"socio_split_{actor}|{sig}") / 100
        if abs(sum(split.values()) - 1) > 0.001:
            st.warning(f"Fördelningen summerar till {fmt.percent(sum(split.values()))}, "
                       "inte 100 %: aktörernas kostnader blir inte lika med insatsens.",
                       icon=":material/warning:")
        cost = st.number_input(
            f"Insatsens kostnad för perioden, kr ({base.cost_source})", min_value=0.0,
            value=base.insats_cost, step=100_000.0, format="%.0f",
            key=f"socio_cost|{sig}")
        st.button("Återställ antagandena", on_click=_reset, icon=":material/restart_alt:")

    assumptions = edited(base, pl.DataFrame(grid), split, cost)
    result = data.socio_estimate(ctx.frames, ctx.version, ctx.viewer, sel, t, assumptions)
    with estimate:
        if assumptions is not base:
            st.caption("Visar uppskattningen med **ändrade** antaganden.")
        if ui.too_few_notice(result, t):
            return
        actors = charts.actor_frame(result)
        if actors.is_empty():
            if result.disclosure:
                st.warning(f"Uppskattningen bygger på färre än {t} avslutade deltagare och visas "
                           "inte för att skydda enskilda personer.")
            else:
                st.info("Ingen uppskattning kan göras: inga deltagare avslutades under perioden "
                        "med känd försörjning före och efter, eller schablonkostnader saknas.")
        else:
            used = result.base_n.get("payback_months")
            excluded = result.meta.get("socioeconomic_excluded")
            text = f"Bygger på {fmt.number(used)} avslutade deltagare med känd försörjning före " \
                   "och efter"
            if excluded:
                text += f"; {fmt.number(excluded)} lämnades utanför (status utan schablonkostnad)"
            st.caption(text + ".")
            cols = ui.columns(4)
            for col, key in zip(cols, ("payback_months", "revenue_per_year", "profit_1y",
                                       "profit_5y"), strict=True):
                actor_card(result, key, "Samhället", t, container=col)
            ui.chart(charts.payback_bars(actors, result.values.get("payback_months_target"),
                                         charts.titled("Återbetalningstid per aktör "
                                                       "(uppskattning)", title)),
                     "socio_estimate_payback")
            ui.chart(charts.profit_bars(actors, charts.titled("Lönsamhet per aktör "
                                                              "(uppskattning)", title),
                                        result.values.get("profit_1y_target")),
                     "socio_estimate_profit")
            ui.table_with_downloads(charts.actor_table(actors, t), "samhallsekonomi_uppskattning")
            st.caption("Kostnaden fördelas bara på aktörerna i finansieringsfördelningen; övriga "
                       "aktörer får ingen kostnad, lönsamhet eller återbetalningstid (–).")
    st.markdown("**Antaganden som använts**")
    ui.table_with_downloads(assumptions_table(assumptions), "samhallsekonomi_antaganden")
