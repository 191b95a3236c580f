"""Report sections about results, as the Resultat page shows them.

Outcome shares on both bases against the targets — for the whole selection, per grupp,
kön, remittent (and insats when several are selected) — per year, and at follow-up after
6, 12 and 24 months.
"""

from __future__ import annotations

import polars as pl

from dashboard import charts, display
from dashboard.page_views import (
    BY_KEYS,
    BY_LABELS,
    COMPLETED,
    ENDED,
    FOLLOWUP,
    FOLLOWUP_COUNTS,
    FOLLOWUP_HEADERS,
    OUTCOME_HEADERS,
    OUTCOMES,
    TREND_KEYS,
)
from metrics.registry import BY_KEY, Unit
from reports.content_blocks import Ctx, describe_long, figure, kpi_table, table
from reports.model import Block, Paragraph, Section

GROUPINGS: dict[str, str] = {"grupp": "Grupp", "kon": "Kön", "remittent": "Remittent"}


def _grid_keys(grid: dict[str, dict[str, str]]) -> list[str]:
    return [k for cells in grid.values() for k in cells.values()]


def outcomes_block(ctx: Ctx) -> Block:
    """Avslut per bas against the targets: the page's grouped bars and table."""
    result = ctx.kpis()
    ctx.use(*_grid_keys(OUTCOMES), "completed", "ended")
    long = charts.kpi_grid(result, OUTCOMES, ctx.threshold)
    fig = charts.grouped_bars(long, charts.titled("Avslut per bas", ctx.title), Unit.SHARE)
    tab = table("Avslut per bas", charts.long_table(long, OUTCOME_HEADERS))
    return figure(fig, tab, describe_long("Stapeldiagram", "andel av avslutade per bas", long),
                  "Avslut per bas")


def _per_group(ctx: Ctx, by: str, label: str) -> Section | None:
    result = ctx.kpis()
    rows = ctx.source.breakdown(ctx.sel, BY_KEYS, by)  # type: ignore[arg-type]
    if rows.is_empty() or (by == "grupp" and rows[by].drop_nulls().is_empty()):
        return None
    ctx.use(*BY_KEYS, "completed", "ended")
    rows = rows.with_columns(pl.col(by).fill_null(charts.MISSING_GROUP))
    long = charts.to_long(rows, by, BY_LABELS, ctx.threshold,
                          {k: result.values.get(f"{k}_target") for k in BY_KEYS})
    caption = f"Avslut per {label.lower()}"
    fig = charts.grouped_bars(long, charts.titled(caption, ctx.title), Unit.SHARE)
    tab = table(caption, display.display_table(
        rows, {by: label, **BY_LABELS, "completed": BY_KEY["completed"].label,
               "ended": BY_KEY["ended"].label}, ctx.threshold),
        note=(f"Grupper med färre än {ctx.threshold} avslutade visas som «för få»; när en "
              "grupp döljs döljs ytterligare en («..») så att den inte kan räknas fram.")
        if ctx.threshold else None)
    return Section(f"Per {label.lower()}", (figure(
        fig, tab, describe_long("Stapeldiagram", caption.lower(), long), caption),))


def _over_time(ctx: Ctx) -> Section:
    result = ctx.kpis()
    history = ctx.source.trend(ctx.sel, TREND_KEYS, "year")
    ctx.use(*TREND_KEYS)
    key, label = "share_work", BY_KEY["share_work"].label
    long = charts.to_long(history, "period", {key: label}, ctx.threshold)
    fig = charts.long_lines(long, charts.titled(f"{label} per år", ctx.title), Unit.SHARE)
    target = result.values.get(f"{key}_target")
    display.add_target(fig, target if isinstance(target, float | int) else None, key)
    tab = table("Resultat per år", display.display_table(
        history, {"period": "År", **{k: BY_KEY[k].label for k in TREND_KEYS},
                  "completed": BY_KEY["completed"].label, "ended": BY_KEY["ended"].label},
        ctx.threshold))
    return Section("Över tid", (figure(fig, tab, describe_long(
        "Linjediagram", f"{label.lower()} per år", long), f"{label} per år"), Paragraph(
        f"Målet som visas gäller {ctx.sel.date_to.year}. Varje år räknas på de avslutade det "
        "året.")))


def results_section(ctx: Ctx) -> Section:
    """Resultat mot mål: both bases, per grupp/kön/remittent (/insats), over the years."""
    result = ctx.kpis()
    groupings = dict(GROUPINGS)
    if len(ctx.sel.insatser) != 1:
        groupings = {"insats": "Insats", **groupings}
    subsections = [s for by, label in groupings.items()
                   if (s := _per_group(ctx, by, label)) is not None]
    blocks = (Paragraph("Två baser: andel av de fullföljda (avbrutna räknas inte) och andel av "
                        "alla avslutade (inklusive avbrott). Målet gäller andelen av de "
                        "fullföljda, utom för avbrott."),
              kpi_table(ctx, result, (*COMPLETED, *ENDED, "share_towards_work"),
                        "Andelar vid avslut"),
              outcomes_block(ctx))
    return Section("Resultat mot mål", blocks, (*subsections, _over_time(ctx)))


def followup_section(ctx: Ctx) -> Section:
    """Uppföljning efter avslut: shares in work, studies, rehab after 6, 12 and 24 months."""
    result = ctx.kpis()
    ctx.use(*_grid_keys(FOLLOWUP), *_grid_keys(FOLLOWUP_COUNTS))
    long = charts.kpi_grid(result, FOLLOWUP, ctx.threshold)
    fig = charts.grouped_bars(long, charts.titled("Läge vid uppföljning", ctx.title),
                              Unit.SHARE)
    tab = table("Läge vid uppföljning", charts.long_table(
        charts.kpi_grid(result, {**FOLLOWUP, **FOLLOWUP_COUNTS}, ctx.threshold),
        FOLLOWUP_HEADERS))
    intro = Paragraph("Bland avslutade i perioden som följts upp efter 6, 12 och 24 månader: "
                      "andelen i arbete, studier och fortsatt rehabilitering.")
    return Section("Uppföljning efter avslut", (intro, figure(fig, tab, describe_long(
        "Stapeldiagram", "läge vid uppföljning efter avslut", long), "Läge vid uppföljning")))

