"""Report sections about whole insatser: capacity, benefits, NNS indicators, volumes.

Årsplatser and costs as the Kapacitet page shows them, helårsekvivalenter in the
population (SCB), NNS indicators (Indikatorer) and volumes (Volymer). These belong to
whole insatser, so they use the selection without participant filters and grupp, as those
pages do.
"""

from __future__ import annotations

import dataclasses

from dashboard import charts, display, fmt
from metrics.benefits import default_areas
from metrics.frames import table as frame_of
from metrics.registry import BY_KEY, Unit
from reports.content_blocks import (
    Ctx,
    column_pairs,
    describe_long,
    describe_rows,
    figure,
    kpi_table,
    table,
)
from reports.model import Block, Paragraph, Section

# The pages' constants (pages/kapacitet.py, indikatorer.py, volymer.py)
CAPACITY = ("fye_used", "fye_capacity", "occupancy", "cost_per_fye", "cost_per_participant")
BENEFIT_CARDS = ("fye_benefits", "fye_benefits_share")
NNS_CARDS = ("nns_positive", "nns_clearly_positive", "nns_negative", "nns_n",
             "nns_response_rate", "nns_positive_change")
NNS_COLUMNS = {"indicator": "Indikator", "question": "Fråga", "respondent_group":
               "Respondentgrupp", "nns_n": "Antal svar", "nns_positive": "Andel positiva",
               "nns_clearly_positive": "Andel klart positiva", "nns_negative": "Andel negativa",
               "nns_response_rate": "Svarsfrekvens",
               "nns_positive_change": "Förändring andel positiva"}
VOLUME_HEADERS = {"category": "Mått", "text": "Antal", "target_text": "Mål",
                  "status": "Målstatus"}


def capacity_section(ctx: Ctx, *, own_costs: bool = False) -> Section:
    """Årsplatser och kostnader: the KPIs, then used årsplatser vs capacity per year."""
    sel = ctx.whole
    result = ctx.kpis(sel)
    blocks: list[Block] = [kpi_table(ctx, result, CAPACITY, "Årsplatser och kostnader"),
                           Paragraph(
        "Kostnad per årsplats och per deltagare är utfallet under perioden för de valda "
        "insatserna, delat med årsplatserna och deltagarna i hela insatserna (deltagar"
        "filtren gäller inte). Förbundets egna kostnader ingår inte.")]
    spent = result.meta.get("forbund_costs_spent_in_period")
    if own_costs and spent is not None:
        blocks.append(Paragraph(f"{charts.OWN_COSTS} under perioden (kansli, styrelse m.m., "
                                f"utan insats): {fmt.kronor(spent)}."))  # type: ignore[arg-type]
    periods = ctx.source.trend(sel, ("fye_used",), "year")
    results = [ctx.kpis(sel.with_period(frm, to))
               for frm, to in periods.select("date_from", "date_to").iter_rows()]
    per_year = charts.results_table(periods, results, CAPACITY)
    if not per_year.is_empty():
        tab = table("Årsplatser och kostnader per år",
                    charts.results_display(per_year, CAPACITY, ctx.threshold, "År"))
        fig = charts.capacity_bars(per_year, charts.titled(
            "Nyttjade årsplatser och kapacitet per år", ctx.base_title))
        alt = describe_rows("Stapeldiagram", "nyttjade årsplatser per år mot kapaciteten",
                            [(p, f"{u} av {c}") for p, u, c in column_pairs(
                                tab, "År", BY_KEY["fye_used"].label,
                                BY_KEY["fye_capacity"].label)])
        blocks.append(figure(fig, tab, alt, "Nyttjade årsplatser och kapacitet per år"))
    return Section("Årsplatser och kostnader", tuple(blocks))


def benefits_section(ctx: Ctx) -> Section | None:
    """Helårsekvivalenter for the förbund's area by benefit and sex (SCB), or None."""
    sel = ctx.whole
    benefit_fye = frame_of(ctx.source.frames, "benefit_fye")
    areas = sorted(benefit_fye["area"].unique().to_list())
    if not areas:
        return None
    matching = default_areas(sel.forbund, areas)
    area = matching[0] if matching else areas[0]  # the Kapacitet page's default area
    result = ctx.kpis(dataclasses.replace(sel, omrade=(area,)))
    year = result.meta.get("benefits_year")
    if year is None:
        return None
    by_benefit = charts.benefit_table(benefit_fye, area, year)  # type: ignore[arg-type]
    long = charts.to_long(by_benefit, "benefit", {"Kvinnor": "Kvinnor", "Män": "Män"},
                          ctx.threshold)
    fig = charts.grouped_bars(long, charts.titled(
        "Helårsekvivalenter per ersättning och kön", f"{area} · {year}"), Unit.COUNT)
    tab = table(f"Helårsekvivalenter per ersättning och kön, {area} {year}",
                display.display_table(by_benefit, {"benefit": "Ersättning", "Kvinnor": "Kvinnor",
                                                   "Män": "Män", "Samtliga": "Samtliga"},
                                      ctx.threshold))
    return Section("Ersättningar i befolkningen 20–64 år", (
        Paragraph(f"Helårsekvivalenter från SCB för {area}, {year}: antal personer försörjda "
                  "av ersättningarna, omräknat till helår. Offentlig statistik för hela "
                  "området, inte deltagaruppgifter."),
        kpi_table(ctx, result, BENEFIT_CARDS, "Helårsekvivalenter"),
        figure(fig, tab, describe_long("Stapeldiagram", "helårsekvivalenter per ersättning "
                                       "och kön", long), "Helårsekvivalenter per ersättning")))


def nns_section(ctx: Ctx) -> Section | None:
    """NNS indicators of the measurement ending in the period (Samtliga), or None."""
    sel = ctx.whole
    current = ctx.kpis(sel).meta.get("nns_period")
    periods = ctx.source.nns_periods(sel)
    if not current or current[-1] not in periods:  # type: ignore[index]
        return None
    period = current[-1]  # type: ignore[index]
    measured = sel.with_period(*periods[period])
    result = ctx.kpis(measured)
    rows = ctx.source.nns_table(measured, "Samtliga")
    blocks: list[Block] = [kpi_table(ctx, result, NNS_CARDS, f"Indikatorer {period}")]
    previous = ", ".join(result.meta.get("nns_previous") or ())  # type: ignore[arg-type]
    blocks.insert(0, Paragraph(f"Mätperiod {period} · " + (
        f"jämförs med {previous}" if previous else "ingen tidigare mätning")
        + " · alla frågor och respondentgrupper, kön samtliga."))
    if not rows.is_empty():
        ctx.use(*(k for k in NNS_COLUMNS if k in BY_KEY))
        tab = table(f"Svar per fråga {period}", display.display_table(
            rows, NNS_COLUMNS, ctx.threshold))
        target = result.values.get("nns_positive_target")
        fig = charts.nns_bars(rows, charts.titled(f"Svar per fråga {period} – samtliga",
                                                  ctx.base_title),
                              target if isinstance(target, float | int) else None, True)
        alt = describe_rows("Liggande stapeldiagram", f"andel positiva svar per fråga {period}",
                            [(f"{i}. {q} ({g})", p) for i, q, g, p in column_pairs(
                                tab, "Indikator", "Fråga", "Respondentgrupp",
                                "Andel positiva")])
        blocks.append(figure(fig, tab, alt, f"Svar per fråga {period}"))
    return Section("Indikatorer (NNS)", tuple(blocks))


def volume_section(ctx: Ctx) -> Section | None:
    """Volymer per Mått in the period against their targets, or None without volumes."""
    sel = ctx.whole
    result = ctx.kpis(sel)
    if not result.values.get("volume"):
        return None
    ctx.use("volume")
    long = charts.volume_long(result, ctx.threshold)
    fig = charts.grouped_bars(long, charts.titled("Antal per mått", ctx.base_title),
                              Unit.COUNT)
    tab = table("Volymer per mått", charts.long_table(long, VOLUME_HEADERS))
    blocks: list[Block] = [figure(fig, tab, describe_long("Stapeldiagram", "antal per mått",
                                                          long), "Antal per mått")]
    if sel.days < 365:
        blocks.append(Paragraph("Målen i Mål-bladet gäller helår, men perioden är kortare: "
                                "jämför med målet med försiktighet."))
    return Section("Volymer", tuple(blocks))
