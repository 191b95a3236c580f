"""The insatsrapport (seeds 000, 001, 002) and the key-figures page every kind starts with.

Key figures come from the KPI set of the report's own selection — the set `finsam kpi`
prints for the same selection — so they agree with the command line to the digit shown.
"""

from __future__ import annotations

from collections.abc import Mapping

from dashboard import display
from reports.content_blocks import (
    Ctx,
    kpi_table,
    notice,
    sections,
    text_sections,
)
from reports.content_capacity import capacity_section, nns_section, volume_section
from reports.content_economy import budget_section, socio_section
from reports.content_participants import (
    flow_section,
    income_section,
    new_participants_section,
    progress_section,
    who_section,
)
from reports.content_results import followup_section, results_section
from reports.model import Block, Paragraph, Section

KEY_FIGURES: tuple[str | tuple[str, str], ...] = (
    "participants_in_period", "started", "ended", "completed", "dropped_out", "active_at_end",
    "share_work", "share_studies", "share_rehab", "share_towards_work", "share_dropout",
    "step_up_share", "throughput_months_mean", "public_support_years_mean",
    "fye_used", "fye_capacity", "occupancy", "cost_per_fye", "cost_per_participant",
    "utilisation", ("payback_months", "Samhället"))
#: Texts placed before the numbers and after them (docs/REPORT.md).
TEXTS_BEFORE = ("Bakgrund och syfte", "Målgrupp", "Genomförande")
TEXTS_AFTER = ("Avvikelser", "Analys och reflektion", "Slutsatser")


def ignored_note(ctx: Ctx) -> str | None:
    """Which active filters do not apply to some key figures (as the pages say)."""
    ignored = sorted({f for fs in ctx.kpis().ignored_filters.values() for f in fs})
    if not ignored:
        return None
    names = ", ".join(display.FILTER_NAMES.get(f, f) for f in ignored)
    return (f"Filtren {names} gäller inte beläggningsgrad, budget, kostnader, "
            "årsplatskapacitet och samhällsekonomi: de räknas för hela insatserna.")


def key_figures_section(ctx: Ctx, heading: str = "Nyckeltal",
                        keys: tuple[str | tuple[str, str], ...] = KEY_FIGURES) -> Section:
    """The key-figures page: the selection's headline KPIs with targets and status."""
    result = ctx.kpis()
    blocks: list[Block] = []
    if (found := notice(ctx, result)) is not None:
        blocks.append(found)
    blocks.append(kpi_table(ctx, result, keys, "Nyckeltal för urvalet", note=ignored_note(ctx)))
    missing = sorted({i for k, v in result.missing_targets.items() for i in v
                      if k in {x if isinstance(x, str) else x[0] for x in keys}})
    if missing:
        blocks.append(Paragraph(f"Saknar mål: {', '.join(missing)}."))
    return Section(heading, tuple(blocks))


def participant_sections(ctx: Ctx) -> tuple[Section, ...]:
    """The Deltagare and Resultat pages' content, or the notice when numbers are hidden."""
    result = ctx.kpis()
    if display.too_few_message(result, ctx.threshold) is not None:
        found = notice(ctx, result)
        return (Section("Deltagare och resultat", (found,) if found else ()),)
    return (flow_section(ctx), new_participants_section(ctx), who_section(ctx),
            results_section(ctx), progress_section(ctx), income_section(ctx),
            followup_section(ctx))


def insats_sections(ctx: Ctx, texts: Mapping[str, str]) -> tuple[Section, ...]:
    """Every section of an insatsrapport, empty ones left out."""
    return sections(
        key_figures_section(ctx),
        *text_sections(texts, TEXTS_BEFORE),
        *participant_sections(ctx),
        socio_section(ctx),
        budget_section(ctx, per_insats=len(ctx.sel.insatser) != 1),
        capacity_section(ctx),
        nns_section(ctx),
        volume_section(ctx),
        *text_sections(texts, TEXTS_AFTER),
    )
