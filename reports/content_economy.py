"""Report sections about money: budget, return per actor, the members' funding.

Budget and utfall as the Ekonomi page shows them, the PayOff-style return per actor as the
Samhällsekonomi page does, and the `Finansiering` sheet per member.

Budget lines, evaluations and funding belong to whole insatser and the förbund, so these
sections use the selection without participant filters and grupp, as those pages do.
"""

from __future__ import annotations

import polars as pl

from dashboard import charts, display, fmt
from metrics.frames import table as frame_of
from metrics.registry import BY_KEY
from metrics.targets import Target, status
from reports.content_blocks import (
    Ctx,
    column_pairs,
    describe_rows,
    figure,
    kpi_table,
    rows_table,
    table,
)
from reports.content_goals import target_direction
from reports.model import Block, Paragraph, Section, Table

# The Ekonomi page's constants (pages/ekonomi.py)
CARDS = ("budget", "spent", "remaining", "utilisation", "expected_pace", "forecast_spent",
         "forecast_utilisation")
COLUMNS = {"budget": "Budget", "spent": "Utfall", "remaining": "Återstår",
           "utilisation": "Nyttjandegrad"}
FORECAST = {"forecast_spent": "Prognos helår", "forecast_utilisation": "Prognos nyttjandegrad"}
TOTAL = "Summa"


def _with_forecast(rows: pl.DataFrame, pace: float | None) -> pl.DataFrame:
    """Prognos helår per row at the selection's pace: utfall / förväntad nyttjandegrad."""
    if not pace:
        return rows.with_columns(forecast_spent=pl.lit(None, pl.Float64),
                                 forecast_utilisation=pl.lit(None, pl.Float64))
    forecast = pl.col("spent") / pace
    return rows.with_columns(forecast_spent=forecast, forecast_utilisation=pl.when(
        pl.col("budget") != 0).then(forecast / pl.col("budget")))


def _total_row(ctx: Ctx, columns: dict[str, str], label_column: str) -> dict[str, str]:
    result = ctx.kpis(ctx.whole)
    return {header: TOTAL if code == label_column else
            display.kpi_text(result, code, ctx.threshold) if code in BY_KEY else ""
            for code, header in columns.items()}


def category_table(ctx: Ctx, *, forecast: bool = True, caption: str = "Budget och utfall "
                   "per kostnadsslag") -> tuple[Table, pl.DataFrame]:
    """Kostnadsslag · Budget · Utfall · Återstår · Nyttjandegrad (· Prognos), with a sum row."""
    result = ctx.kpis(ctx.whole)
    rows = ctx.source.budget_by_category(ctx.whole)
    if forecast:
        rows = _with_forecast(rows, result.values.get("expected_pace"))  # type: ignore[arg-type]
    rows = charts.budget_rows(rows)
    columns = {"cost_category": "Kostnadsslag", **COLUMNS, **(FORECAST if forecast else {}),
               "flag": "Status"}
    ctx.use(*(c for c in columns if c in BY_KEY))
    shown = display.display_table(rows, columns, ctx.threshold)
    total = pl.DataFrame([_total_row(ctx, {**columns, "flag": ""}, "cost_category")],
                         schema=dict.fromkeys(shown.columns, pl.String))
    return table(caption, pl.concat([shown, total])), rows


def budget_section(ctx: Ctx, *, per_insats: bool = False, own_costs: bool = False) -> Section:
    """Ekonomi: the budget KPIs, per insats (with the förbund's own costs), per kostnadsslag."""
    sel = ctx.whole
    result = ctx.kpis(sel)
    year, as_of = result.meta.get("budget_year"), result.meta.get("budget_as_of")
    if as_of is None:
        return Section("Ekonomi", (Paragraph(
            f"Det finns ingen budget för {year} med utfall rapporterat till och med "
            f"{fmt.iso_date(sel.date_to)} för urvalet."),))
    blocks: list[Block] = [
        Paragraph(f"Budgetår {year} · utfall rapporterat till och med {fmt.iso_date(as_of)}"),
        kpi_table(ctx, result, CARDS, "Budget och utfall")]
    if per_insats:
        rows = charts.budget_rows(ctx.source.budget_by_insats(sel))
        # two tables: in one, ten columns are wider than the page
        tab = table("Budget och utfall per insats", display.display_table(rows, {
            "insats": "Insats", **COLUMNS, "flag": "Status"}, ctx.threshold))
        forecast = table("Prognos per insats", display.display_table(rows, {
            "insats": "Insats", "as_of": "Rapporterat t.o.m.",
            "expected_pace": "Förväntad nyttjandegrad", **FORECAST}, ctx.threshold))
        fig = charts.budget_bars(rows, "insats", charts.titled(
            f"Budget och utfall per insats {year}", ctx.base_title))
        alt = describe_rows("Stapeldiagram", f"budget och utfall per insats {year}",
                            [(i, f"utfall {s} av budget {b} ({u})") for i, b, s, u in
                             column_pairs(tab, "Insats", "Budget", "Utfall", "Nyttjandegrad")])
        blocks += [figure(fig, tab, alt, f"Budget och utfall per insats {year}"), forecast]
    tab, rows = category_table(ctx)
    fig = charts.utilisation_bars(rows, "cost_category", result.values.get("expected_pace"),
                                  result.values.get("utilisation_target"), charts.titled(
                                      f"Nyttjandegrad per kostnadsslag {year}", ctx.base_title))
    alt = describe_rows("Stapeldiagram", f"nyttjandegrad per kostnadsslag {year}",
                        [(c, u) for c, u in column_pairs(tab, "Kostnadsslag", "Nyttjandegrad")
                         if c != TOTAL],
                        f"Förväntad nyttjandegrad {display.kpi_text(result, 'expected_pace', 0)}.")
    blocks.append(figure(fig, tab, alt, f"Nyttjandegrad per kostnadsslag {year}"))
    if own_costs:
        lines = charts.budget_rows(ctx.source.budget_by_category(sel, per_insats=True))
        own = lines.filter(pl.col("insats") == charts.OWN_COSTS)
        if not own.is_empty():
            blocks.append(table(f"{charts.OWN_COSTS} per kostnadsslag", display.display_table(
                own, {"cost_category": "Kostnadsslag", **COLUMNS, "flag": "Status"},
                ctx.threshold)))
    return Section("Ekonomi", tuple(blocks))


#: The PayOff table's columns (docs/REPORT.md). The page's "Intäkt per deltagare och år" is
#: left out: with it the table is wider than the page.
PAYOFF_KEYS = ("revenue_per_year", "cost", "profit_1y", "profit_5y", "payback_months")


def _payoff_table(ctx: Ctx, actors: pl.DataFrame, target: float | None,
                  direction: str) -> Table:
    """The page's per-actor table plus the payback target and each actor's status vs it."""
    shown = charts.actor_table(actors, ctx.threshold, PAYOFF_KEYS)
    goal = fmt.kpi_value("payback_months", target) if target is not None else fmt.MISSING
    verdicts = []
    for value, hidden, not_reached in actors.select(
            "payback_months", "payback_months_status", "not_reached").iter_rows():
        found = None if hidden not in (None, "shown") or target is None else (
            status(None if not_reached else value, Target(target, direction)))
        verdicts.append(display.STATUS[str(found)][1] if found else
                        ("Mål ej uppfyllt" if not_reached and target is not None else
                         fmt.MISSING))
    return table("Samhällsekonomisk återbetalning per aktör", shown.with_columns(
        pl.lit(goal).alias("Mål (mån)"), pl.Series("Mot målet", verdicts)))


def socio_section(ctx: Ctx) -> Section:
    """Återbetalning per aktör: the uploaded evaluation (PayOff), else the app's estimate."""
    sel = ctx.whole
    result = ctx.kpis(sel)
    source = result.meta.get("socioeconomic_source")
    actors = charts.actor_frame(result)
    if source is None or actors.is_empty():
        why = ("Utvärderingen omfattar för få deltagare för att visas." if source else
               "Det finns ingen samhällsekonomisk utvärdering eller uppskattning för urvalet.")
        return Section("Samhällsekonomisk återbetalning", (Paragraph(why),))
    ctx.use(*PAYOFF_KEYS)
    evaluated = result.base_n.get("payback_months")
    if source == "evaluation":
        periods = ", ".join(result.meta.get("socioeconomic_periods") or ())  # type: ignore
        intro = f"Källa: uppladdad utvärdering för perioden {periods}" + (
            f", {fmt.number(evaluated)} utvärderade deltagare." if evaluated else ".")
    else:
        intro = ("Uppskattning beräknad i appen (ingen extern utvärdering finns för perioden): "
                 "deltagarnas försörjning före och efter, schablonkostnader och "
                 "medlemmarnas finansieringsandelar. Antagandena visas på sidan "
                 "Samhällsekonomi.")
    target = result.values.get("payback_months_target")
    target = target if isinstance(target, float | int) else None
    direction = target_direction(ctx.source.frames, sel, "payback_months")
    tab = _payoff_table(ctx, actors, target, direction)
    fig = charts.payback_bars(actors, target, charts.titled("Återbetalningstid per aktör",
                                                            ctx.base_title))
    goal = f"Mål {fmt.kpi_value('payback_months', target)} mån." if target is not None else ""
    alt = describe_rows("Stapeldiagram", "återbetalningstid i månader per aktör",
                        column_pairs(tab, "Aktör", BY_KEY["payback_months"].label), goal)
    profit = charts.profit_bars(actors, charts.titled("Lönsamhet per aktör", ctx.base_title),
                                result.values.get("profit_1y_target"))
    profit_tab = table("Lönsamhet per aktör", charts.actor_table(
        actors, ctx.threshold, ("profit_1y", "profit_5y")))
    profit_alt = describe_rows("Stapeldiagram", "lönsamhet per aktör efter 1 och 5 år",
                               [(a, f"{one} efter 1 år, {five} efter 5 år")
                                for a, one, five in column_pairs(
                                    profit_tab, "Aktör", BY_KEY["profit_1y"].label,
                                    BY_KEY["profit_5y"].label)])
    return Section("Samhällsekonomisk återbetalning", (
        Paragraph(intro), figure(fig, tab, alt, "Återbetalningstid per aktör"),
        figure(profit, profit_tab, profit_alt, "Lönsamhet per aktör")))


def funding_section(ctx: Ctx) -> Section | None:
    """Finansiering per medlem for the budget year (the `Finansiering` sheet), or None."""
    year = ctx.sel.date_to.year
    rows = (frame_of(ctx.source.frames, "funding")
            .filter(pl.col("forbund").is_in(list(ctx.sel.forbund)) & (pl.col("year") == year))
            .group_by("member").agg(pl.col("amount").sum()).sort("member"))
    if rows.is_empty():
        return None
    total = rows["amount"].sum()
    cells = [(m, fmt.kronor(a), fmt.percent(a / total) if total else fmt.MISSING)
             for m, a in rows.iter_rows()]
    cells.append((TOTAL, fmt.kronor(total), fmt.percent(1.0) if total else fmt.MISSING))
    return Section("Finansiering per medlem", (rows_table(
        f"Medlemmarnas finansiering {year}", ("Medlem", "Belopp", "Andel"), cells),))

