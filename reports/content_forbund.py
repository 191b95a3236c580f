"""The förbundsrapport (seed 004): the whole förbund for a period.

Budget per insats and for the förbund's own costs, an overview of the insatser, key
figures per insats against their targets, funding per member, helårsekvivalenter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import polars as pl

from dashboard import charts, display, fmt
from loaders.report_texts import report_text_parts
from metrics.frames import table as frame_of
from metrics.registry import BY_KEY, Unit
from metrics.targets import normalise
from reports.content_blocks import (
    Ctx,
    describe_long,
    figure,
    period_text,
    rows_table,
    sections,
    table,
    text_sections,
)
from reports.content_capacity import (
    benefits_section,
    capacity_section,
    nns_section,
    volume_section,
)
from reports.content_economy import budget_section, funding_section
from reports.content_goals import target_words
from reports.content_insats import TEXTS_AFTER, TEXTS_BEFORE, key_figures_section
from reports.model import Paragraph, Section

#: Key figures per insats (a breakdown by insats also allows capacity and budget KPIs).
PER_INSATS = ("started", "ended", "active_at_end", "share_work", "share_towards_work",
              "occupancy", "utilisation")
WITH_TARGETS = ("share_work", "share_towards_work", "occupancy", "utilisation")
SUMMARY_CHARS = 200


def _names(ctx: Ctx) -> list[str]:
    rows = frame_of(ctx.source.frames, "insatser").filter(
        pl.col("forbund").is_in(list(ctx.sel.forbund)))
    names = sorted(rows["insats"].cast(pl.String).to_list())
    return [n for n in names if n in ctx.sel.insatser] if ctx.sel.insatser else names


def _short(text: str) -> str:
    first = text.strip().split("\n\n")[0].replace("\n", " ")
    return first if len(first) <= SUMMARY_CHARS else first[:SUMMARY_CHARS - 1].rstrip() + "…"


def _span(start, end) -> str:
    if start and end:
        return f"{fmt.iso_date(start)} – {fmt.iso_date(end)}"
    if start or end:
        return f"från {fmt.iso_date(start)}" if start else f"till {fmt.iso_date(end)}"
    return fmt.MISSING


def _goals_of(ctx: Ctx, insats: str) -> str:
    rows = frame_of(ctx.source.frames, "targets").filter(
        pl.col("forbund").is_in(list(ctx.sel.forbund)) & (pl.col("insats") == insats)
        & (pl.col("year") == ctx.sel.date_to.year))
    measures = frame_of(ctx.source.frames, "volumes")["measure"].unique().to_list()
    words = []
    for key, value, direction in normalise(rows, measures).select(
            "kpi", "target_value", "direction").iter_rows():
        base = key.split("[")[0]
        name = key[len("volume["):-1] if base == "volume" else BY_KEY[base].label
        words.append(f"{name} {direction or BY_KEY[base].target_direction} "
                     f"{target_words(key, value)}")
    return "; ".join(words) or fmt.MISSING


def overview_section(ctx: Ctx) -> Section:
    """Insatser: type, period, target group (from the texts), goals, funds, årsplatser."""
    names = _names(ctx)
    info = frame_of(ctx.source.frames, "insatser").filter(
        pl.col("forbund").is_in(list(ctx.sel.forbund)))
    target_groups = {}
    if "report_texts" in ctx.source.frames and names:
        target_groups = {i: _short(t) for s, i, t in report_text_parts(
            ctx.source.frames, ctx.sel.forbund[0], names, period_text(ctx.sel))
            if s == "Målgrupp"}
    rows = []
    for name in names:
        row = info.filter(pl.col("insats") == name).row(0, named=True)
        span = _span(row["start_date"], row["end_date"])
        rows.append((name, row["kind"] or fmt.MISSING, span,
                     target_groups.get(name, fmt.MISSING), _goals_of(ctx, name),
                     fmt.kronor(row["granted_amount"]),
                     fmt.number(row["capacity_fye"], 1) if row["capacity_fye"] is not None
                     else fmt.MISSING))
    if not rows:
        return Section("Insatser", (Paragraph("Förbundet har inga insatser registrerade."),))
    return Section("Insatser", (rows_table(
        f"Insatser {period_text(ctx.sel)}", ("Insats", "Typ", "Period", "Målgrupp",
                                             f"Mål {ctx.sel.date_to.year}",
                                             "Beviljade medel", "Årsplatser"), rows),))


def per_insats_section(ctx: Ctx) -> Section | None:
    """Nyckeltal per insats mot mål: one breakdown by insats, protected with the KPI set."""
    rows = ctx.source.breakdown(ctx.sel, PER_INSATS, "insats")
    if rows.is_empty():
        return None
    ctx.use(*PER_INSATS)
    shown = display.display_table(rows, {k: k for k in WITH_TARGETS}, ctx.threshold)
    against, targets = [], {k: [] for k in WITH_TARGETS}
    for i, insats in enumerate(rows["insats"].to_list()):
        one = ctx.kpis(dataclasses.replace(ctx.sel, insatser=(insats,)))
        for key in WITH_TARGETS:
            target = one.values.get(f"{key}_target")
            target = target if isinstance(target, float | int) else None
            targets[key].append(target)
            if target is None:
                continue
            hidden = rows[f"{key}_status"][i] not in (None, "shown") \
                if f"{key}_status" in rows.columns else False
            found = None if hidden else one.target_status.get(key)
            against.append((insats, BY_KEY[key].label, shown[key][i],
                            fmt.kpi_value(key, target),
                            display.STATUS[str(found)][1] if found else ""))
    rows = rows.with_columns(pl.Series(f"{k}_target", v, dtype=pl.Float64)
                             for k, v in targets.items())
    tab = table("Nyckeltal per insats", display.display_table(
        rows, {"insats": "Insats", **{k: BY_KEY[k].label for k in PER_INSATS}},
        ctx.threshold))
    labels = {k: BY_KEY[k].label for k in ("share_work", "share_towards_work")}
    long = charts.to_long(rows, "insats", labels, ctx.threshold)
    fig = charts.grouped_bars(long, charts.titled("Avslut per insats mot mål", ctx.title),
                              Unit.SHARE)
    blocks: list = [figure(fig, tab, describe_long(
        "Stapeldiagram", "andel till arbete och mot arbete per insats", long),
        "Avslut per insats mot mål")]
    if against:
        blocks.append(rows_table(f"Mål per insats {ctx.sel.date_to.year}", (
            "Insats", "Nyckeltal", "Utfall", "Mål", "Målstatus"), against,
            note="Målstatus visas bara för värden som visas."))
    return Section("Nyckeltal per insats mot mål", tuple(blocks))


def forbund_sections(ctx: Ctx, texts: Mapping[str, str]) -> tuple[Section, ...]:
    """Every section of a förbundsrapport, empty ones left out."""
    return sections(
        key_figures_section(ctx, "Nyckeltal för förbundet"),
        *text_sections(texts, TEXTS_BEFORE),
        overview_section(ctx),
        per_insats_section(ctx),
        budget_section(ctx, per_insats=True, own_costs=True),
        funding_section(ctx),
        capacity_section(ctx, own_costs=True),
        benefits_section(ctx),
        nns_section(ctx),
        volume_section(ctx),
        *text_sections(texts, TEXTS_AFTER),
    )
