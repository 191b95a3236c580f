"""Report sections about the participants, as the Deltagare page shows them.

Flow per year and quarter, new participants by remittent, kön and försörjning före, who
they are, time in the insats and stegförflyttning, throughput per half-year, försörjning
före → efter. Every table and chart comes from the page's calls and chart builders.
"""

from __future__ import annotations

from dashboard import charts, display
from dashboard.page_views import DISTRIBUTIONS, FLOW, TREND_FLOW
from metrics.registry import BY_KEY, Unit
from reports.content_blocks import (
    Ctx,
    describe_long,
    describe_rows,
    figure,
    kpi_table,
    table,
)
from reports.model import Block, Paragraph, Section

TIME = ("throughput_months_mean", "throughput_months_median", "public_support_years_mean",
        "step_up_share", "ended_with_steps")
THROUGHPUT = ("throughput_months_mean", "throughput_months_median")
#: New participants are counted per these groupings (one table each, as the seeds do).
NEW_BY = {"remittent": "Remittent", "kon": "Kön", "forsorjning_fore": "Försörjning före"}
MISSING_GROUP = charts.MISSING_GROUP


def flow_section(ctx: Ctx) -> Section:
    """Deltagarflöde: the period's flow, then per year and per quarter (last three years)."""
    result = ctx.kpis()
    blocks: list[Block] = [kpi_table(ctx, result, FLOW, "Flöde under perioden")]
    labels = {k: BY_KEY[k].label for k in TREND_FLOW}
    ctx.use(*TREND_FLOW)
    for freq, name in (("year", "per år"), ("quarter", "per kvartal")):
        flow = ctx.source.trend(ctx.sel, TREND_FLOW, freq)
        if freq == "quarter":
            flow = charts.last_years(flow, ctx.sel.date_to.year)
        if flow.is_empty():
            continue
        targets = {k: result.values.get(f"{k}_target") for k in TREND_FLOW} \
            if freq == "year" else None
        long = charts.to_long(flow, "period", labels, ctx.threshold, targets)
        fig = charts.grouped_bars(long, charts.titled(f"Flöde {name}", ctx.title), Unit.COUNT)
        tab = table(f"Flöde {name}", display.display_table(
            flow, {"period": "Period", **labels}, ctx.threshold))
        blocks.append(figure(fig, tab, describe_long("Stapeldiagram", f"deltagarflöde {name}",
                                                     long), f"Flöde {name}"))
    return Section("Deltagarflöde", tuple(blocks))


def new_participants_section(ctx: Ctx) -> Section:
    """Nya deltagare per remittent, kön and försörjning före (each against the KPI set)."""
    ctx.use("started")
    blocks: list[Block] = []
    for by, label in NEW_BY.items():
        counts = ctx.source.breakdown(ctx.sel, ("started",), by)  # type: ignore[arg-type]
        if counts.is_empty():
            continue
        counts = counts.with_columns(counts[by].fill_null(MISSING_GROUP))
        caption = f"Nya deltagare per {label.lower()}"
        tab = table(caption, display.display_table(
            counts, {by: label, "started": BY_KEY["started"].label}, ctx.threshold))
        if by != "remittent":
            blocks.append(tab)
            continue
        long = charts.to_long(counts, by, {"started": BY_KEY["started"].label}, ctx.threshold)
        fig = charts.grouped_bars(long, charts.titled(caption, ctx.title), Unit.COUNT)
        blocks.append(figure(fig, tab, describe_long("Stapeldiagram", caption.lower(), long),
                             caption))
    if not blocks:
        blocks.append(Paragraph("Inga nya deltagare i urvalet under perioden."))
    return Section("Nya deltagare", tuple(blocks))


def _distribution(ctx: Ctx, dists: dict, name: str) -> Block:
    label = DISTRIBUTIONS[name]
    long = charts.to_long(dists[name], "category", {"count": "Antal"}, ctx.threshold)
    fig = charts.grouped_bars(long, charts.titled(label, ctx.title), Unit.COUNT)
    tab = table(label, charts.distribution_table(dists[name], label, ctx.threshold))
    return figure(fig, tab, describe_long("Stapeldiagram", label.lower(), long), label)


def who_section(ctx: Ctx) -> Section:
    """Vilka deltagarna är: age, education and time in public support before start."""
    dists = ctx.source.distributions(ctx.sel)
    ctx.use("public_support_years_mean", "participants_in_period")
    intro = Paragraph("Ålder, utbildning och tid i offentlig försörjning räknas på deltagarna "
                      "under perioden.")
    return Section("Vilka deltagarna är", (intro, *(
        _distribution(ctx, dists, n) for n in ("aldersgrupp", "utbildningsniva",
                                                "offentlig_forsorjning"))))


def progress_section(ctx: Ctx) -> Section:
    """Tid i insatsen och stegförflyttning, exit reasons, throughput per half-year."""
    result = ctx.kpis()
    dists = ctx.source.distributions(ctx.sel)
    blocks: list[Block] = [kpi_table(ctx, result, TIME, "Tid och stegförflyttning"),
                           _distribution(ctx, dists, "tid_i_insats"),
                           _distribution(ctx, dists, "avslutsorsak")]
    halves = charts.last_years(ctx.source.trend(ctx.sel, THROUGHPUT, "half"),
                               ctx.sel.date_to.year)
    if not halves.is_empty():
        labels = {k: BY_KEY[k].label for k in THROUGHPUT}
        long = charts.to_long(halves, "period", labels, ctx.threshold)
        fig = charts.long_lines(long, charts.titled("Genomströmningstid per halvår", ctx.title),
                                Unit.MONTHS)
        tab = table("Genomströmningstid per halvår", display.display_table(
            halves, {"period": "Halvår", **labels, "ended": BY_KEY["ended"].label},
            ctx.threshold))
        blocks.append(figure(fig, tab, describe_long(
            "Linjediagram", "genomströmningstid i månader per halvår", long),
            "Genomströmningstid per halvår"))
    return Section("Tid i insatsen och stegförflyttning", tuple(blocks))


def income_section(ctx: Ctx) -> Section:
    """Försörjning före → efter for the ended episodes: the Sankey and its table."""
    flow = ctx.source.income_flow(ctx.sel)
    caption = "Försörjning före och efter (avslutade)"
    tab = table(caption, display.display_table(
        flow, {"income_before": "Försörjning före", "income_after": "Försörjning efter",
               "count": "Antal"}, ctx.threshold),
        note=f"Små flöden (färre än {ctx.threshold} personer, och de som döljs för att de inte "
             "ska kunna räknas fram) ritas inte." if ctx.threshold else None)
    sankey = charts.income_sankey(flow, charts.titled("Försörjning före → efter (avslutade)",
                                                      ctx.title))
    if sankey is None:
        return Section("Försörjning före och efter", (
            Paragraph("Inga flöden att visa: för få avslutade med uppgift om försörjning."),
            tab))
    alt = describe_rows("Flödesdiagram", "försörjning före → efter för de avslutade",
                        [(f"{a} → {b}", c) for a, b, c in tab.rows])
    return Section("Försörjning före och efter", (figure(sankey, tab, alt, caption),))
