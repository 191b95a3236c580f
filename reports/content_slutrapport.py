"""The slutrapport (seed 003): one insats that ends, in the förbund's template order.

1 the insats (name, period, granted funds), 2 the parties, 3 background, purpose and
target group (texts), 4 goals — goal · uppfyllt · utfall, computed from `Mål` and
`Volymer` against the outcomes (`content_goals`) — 5 analysis (texts), 6 kostnadsslag ·
budget · utfall, 7 the insatsägare's signature. The renderers number the sections as
printed, so a left-out empty one leaves no gap in the numbering.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from dashboard import fmt
from metrics.frames import table as frame_of
from reports.content_blocks import Ctx, kpi_table, rows_table, sections, text_sections
from reports.content_economy import category_table
from reports.content_goals import PARTLY_SHARE, goals
from reports.model import Block, Paragraph, Section, Signature

RESULT_FIGURES = ("participants_in_period", "started", "ended", "completed", "active_at_end",
                  "share_work", "share_studies", "share_rehab", "share_towards_work",
                  "share_dropout")
GOAL_NOTE = (f"Uppfyllt: Ja när utfallet når målet; Delvis när det når minst "
             f"{fmt.number(PARTLY_SHARE * 100)} % av vägen dit (för ett högst-mål: utfallet är "
             f"högst målet delat med {fmt.number(PARTLY_SHARE, 1)}); annars Nej. Ett utfall som "
             "döljs av röjandekontrollen kan inte bedömas.")
SIGNATURE = ("Ort och datum", "Underskrift", "Namnförtydligande")


def _insats_row(ctx: Ctx) -> dict:
    rows = frame_of(ctx.source.frames, "insatser").filter(
        pl.col("forbund").is_in(list(ctx.sel.forbund)) & (pl.col("insats") == ctx.sel.insatser[0]))
    return rows.row(0, named=True) if rows.height else {}


def insats_block(ctx: Ctx) -> Block:
    """Insatsens namn, tidsperiod, beviljade medel (and type and årsplatser when known)."""
    row = _insats_row(ctx)
    start, end = row.get("start_date"), row.get("end_date")
    span = (f"{fmt.iso_date(start or ctx.sel.date_from)} – "
            f"{fmt.iso_date(end or ctx.sel.date_to)}")
    cells = [("Insatsens namn", ctx.sel.insatser[0]), ("Tidsperiod", span),
             ("Beviljade medel", fmt.kronor(row.get("granted_amount"))),
             ("Typ av insats", row.get("kind") or fmt.MISSING)]
    if row.get("capacity_fye") is not None:
        cells.append(("Årsplatser", fmt.number(row["capacity_fye"], 1)))
    return rows_table("Insatsen", ("Uppgift", "Värde"), cells)


def parties_block(ctx: Ctx) -> Block:
    """The insatsägare and the förbund's members (the `Finansiering` sheet)."""
    owner = _insats_row(ctx).get("owner")
    members = sorted(set(frame_of(ctx.source.frames, "funding").filter(
        pl.col("forbund").is_in(list(ctx.sel.forbund))
        & pl.col("year").is_between(ctx.sel.date_from.year, ctx.sel.date_to.year)
    )["member"].drop_nulls().to_list()))
    roles = {owner: ["Insatsägare, ansvarig för genomförandet"]} if owner else {}
    for member in members:
        roles.setdefault(member, []).append("förbundsmedlem" if member == owner
                                            else "Förbundsmedlem")
    cells = [(name, ", ".join(r)) for name, r in roles.items()]
    if not cells:
        return Paragraph("Parterna finns inte i underlaget (Insatsägare i bladet Insatser, "
                         "medlemmar i bladet Finansiering).")
    return rows_table("Parter", ("Part", "Roll"), cells)


def goals_block(ctx: Ctx) -> Block:
    """Mål · Uppfyllt · Utfall for every target of the insats in the period."""
    result = ctx.kpis()
    found = goals(result, ctx.source.frames, ctx.threshold)
    if not found:
        return Paragraph(f"Det finns inga mål för insatsen {ctx.sel.date_to.year} i bladet Mål.")
    ctx.use(*(g.key for g in found))
    return rows_table("Insatsens mål", ("Mål", "Uppfyllt", "Utfall"),
                      [(g.goal, g.fulfilled, g.outcome) for g in found], note=GOAL_NOTE)


def slutrapport_sections(ctx: Ctx, texts: Mapping[str, str]) -> tuple[Section, ...]:
    """Every section of a slutrapport in the template's order, empty ones left out."""
    result = ctx.kpis()
    results: list[Block] = [goals_block(ctx)]
    if result.episodes_n:
        results.append(kpi_table(ctx, result, RESULT_FIGURES, "Deltagare och resultat"))
    budget: tuple[Block, ...]
    if result.meta.get("budget_as_of") is None:
        budget = (Paragraph(f"Det finns ingen budget för {result.meta.get('budget_year')} "
                            "för insatsen."),)
    else:
        budget = (Paragraph(f"Budgetår {result.meta.get('budget_year')} · utfall rapporterat "
                            f"till och med {fmt.iso_date(result.meta.get('budget_as_of'))}"),
                  category_table(ctx, forecast=False, caption="Kostnadsslag, budget och "
                                 "utfall")[0])
    return sections(
        Section("Insatsen", (insats_block(ctx),)),
        Section("Parter", (parties_block(ctx),)),
        Section("Insatsbeskrivning", subsections=text_sections(
            texts, ("Bakgrund och syfte", "Målgrupp", "Genomförande"))),
        Section("Resultat och utfall", tuple(results),
                text_sections(texts, ("Avvikelser",), {"Avvikelser": "Avvikelser från planering"})),
        Section("Analys", subsections=text_sections(texts, ("Analys och reflektion",
                                                            "Slutsatser"))),
        Section("Ekonomi", budget),
        Section("Underskrift av insatsägare", (Signature(SIGNATURE),)),
    )
