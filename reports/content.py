"""A board report's content as a `reports.model.Report`, built from the metrics layer.

`build_report(frames, sel, kind, made=…)` is a pure function over the frames a page holds
(or `load_frames` gives the command line): no database, no clock, no Streamlit. Every
number is what the pages show for the same selection — the same public,
disclosure-controlled calls (`reports.content_source`), the same display functions and
the same chart builders — and the key figures are the KPI set `finsam kpi` prints.

Kinds and their sections (docs/REPORT.md): `insats` (`content_insats`), `slutrapport`
(`content_slutrapport`), `forbund` (`content_forbund`). Every report starts with a cover
and ends with an appendix: the definition of every KPI it shows and the uploads it rests on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime

import polars as pl

from dashboard import fmt
from loaders.report_texts import report_texts
from metrics.disclosure import DEFAULT_THRESHOLD
from metrics.frames import table as frame_of
from metrics.periods import (
    data_cutoff,
    half_year_period,
    partly_reported,
    quarter_period,
    year_period,
)
from metrics.registry import BY_KEY, KPIS
from metrics.selection import Selection
from reports.content_blocks import Ctx, filters_text, period_text, rows_table
from reports.content_forbund import forbund_sections
from reports.content_insats import insats_sections
from reports.content_slutrapport import slutrapport_sections
from reports.content_source import Source
from reports.model import Kind, Paragraph, Report, Section

Frames = Mapping[str, pl.DataFrame]
BUILDERS: dict[Kind, Callable[[Ctx, Mapping[str, str]], tuple[Section, ...]]] = {
    "insats": insats_sections, "slutrapport": slutrapport_sections,
    "forbund": forbund_sections}
TITLES: dict[Kind, str] = {"insats": "Insatsrapport", "slutrapport": "Slutrapport",
                           "forbund": "Förbundsrapport"}


def default_kind(insatser: Sequence[str]) -> Kind:
    """`insats` when insatser are named, else `forbund` (the command line's default)."""
    return "insats" if insatser else "forbund"


def period_words(sel: Selection, cutoff: date | None = None, made: date | None = None) -> str:
    """`Verksamhetsåret 2023`, `Första halvåret 2024`, `Kvartal 3 2024` or the dates.

    A period still going on at the data's `cutoff` says so, as the pages do, so a board
    never reads a partial year as a full one: `Verksamhetsåret 2026 (pågående, uppgifter
    t.o.m. 2026-09-30)`. Only while the period has not ended on the day the report is
    `made`: a year that is over is not "going on" because its data ends early.
    """
    words = _period_name(sel)
    current = made is None or sel.date_to > made
    if current and partly_reported(*sel.period, cutoff):
        words += f" (pågående, uppgifter t.o.m. {fmt.iso_date(cutoff)})"
    return words


def _period_name(sel: Selection) -> str:
    frm, to = sel.period
    if (frm, to) == year_period(frm.year):
        return f"Verksamhetsåret {frm.year}"
    for half, word in ((1, "Första"), (2, "Andra")):
        if (frm, to) == half_year_period(frm.year, half):
            return f"{word} halvåret {frm.year}"
    for quarter in (1, 2, 3, 4):
        if (frm, to) == quarter_period(frm.year, quarter):
            return f"Kvartal {quarter} {frm.year}"
    return f"Perioden {fmt.iso_date(frm)} – {fmt.iso_date(to)}"


def disclosure_note(threshold: int) -> str:
    """The footnote on disclosure control (or on its absence)."""
    if threshold <= 0:
        return ("Röjandekontrollen är avstängd (--suppress 0): alla antal visas, även de "
                "minsta. Rapporten är inte avsedd att spridas.")
    return (f"Röjandekontroll som på sidorna: antal 1–{threshold - 1} visas som <{threshold}, "
            f"andelar och medelvärden över färre än {threshold} personer som ”för få”, "
            f"andelar av 1–{threshold - 1} personer som en övre gräns (”< p %”) och värden "
            "som döljs för att ett annat dolt värde inte ska kunna räknas fram som ”..”. "
            "– betyder att uppgiften saknas.")


def _committed(uploads: Sequence[Mapping]) -> list[Mapping]:
    return sorted((u for u in uploads if u.get("status", "committed") != "undone"),
                  key=lambda u: u.get("id") or 0, reverse=True)


def data_version(uploads: Sequence[Mapping]) -> str:
    """`uppladdning 17` (the latest upload the data rests on), or that there is none."""
    found = _committed(uploads)
    return f"uppladdning {found[0]['id']}" if found else "ingen uppladdning"


def _when(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value or fmt.MISSING)


def _cover(ctx: Ctx, made: date, uploads: Sequence[Mapping], demo: bool,
           ) -> tuple[tuple[str, str], ...]:
    sel = ctx.sel
    cover = [("Förbund", ", ".join(sel.forbund)),
             ("Insats", ", ".join(sel.insatser) if sel.insatser else "Alla insatser"),
             ("Period", f"{fmt.iso_date(sel.date_from)} – {fmt.iso_date(sel.date_to)} "
                        f"({period_text(sel)})"),
             ("Urval", filters_text(sel)),
             ("Röjandekontroll", f"tröskel {ctx.threshold}" if ctx.threshold else "avstängd"),
             ("Skapad", fmt.iso_date(made)),
             ("Dataversion", data_version(uploads))]
    if demo:
        cover.append(("Demo", "Ja – fiktiva demodata, inte verkliga personer"))
    return tuple(cover)


def _appendix(ctx: Ctx, uploads: Sequence[Mapping]) -> tuple[Section, ...]:
    order = [k.key for k in KPIS if k.key in ctx.used]
    definitions = rows_table("Nyckeltal i rapporten", ("Nyckeltal", "Definition"),
                             [(BY_KEY[k].label, BY_KEY[k].help) for k in order])
    found = _committed(uploads)
    if found:
        underlag = rows_table("Uppladdningar som rapporten bygger på", (
            "Uppladdning", "Tidpunkt", "Av", "Filer", "Rader"), [(
                str(u.get("id")), _when(u.get("created_at")), str(u.get("username") or ""),
                ", ".join(u.get("file_names") or ()),
                f"{fmt.number(u.get('rows_added') or 0)} nya, "
                f"{fmt.number(u.get('rows_updated') or 0)} ändrade") for u in found])
    else:
        underlag = Paragraph("Inga uppladdningar: uppgifterna kommer inte från en uppladdning "
                             "(till exempel demodata).")
    return (Section("Definitioner", (definitions,)),
            Section("Underlag", (Paragraph(f"Dataversion: {data_version(uploads)}. Ångrade "
                                           "uppladdningar ingår inte."), underlag)))


def _texts(frames: Frames, sel: Selection, kind: Kind) -> dict[str, str]:
    if "report_texts" not in frames:
        return {}
    insatser = () if kind == "forbund" else sel.insatser
    return report_texts(frames, sel.forbund[0], insatser, sel.period)


def build_report(frames: Frames, sel: Selection, kind: Kind, *,
                 threshold: int = DEFAULT_THRESHOLD, texts: Mapping[str, str] | None = None,
                 uploads: Sequence[Mapping] = (), demo: bool = False, made: date) -> Report:
    """The report of `kind` for `sel` (one förbund), as the pages would show it.

    `threshold` is the disclosure threshold (0 = off, command line only); `texts` the
    sections written by people (default: read from `frames["report_texts"]` for the
    förbund, insatser and period); `uploads` the upload history rows (`list_uploads`) for
    the cover's data version and the appendix; `made` the date printed on the cover.
    ValueError (Swedish) for a selection the kind cannot report on.
    """
    if kind not in BUILDERS:
        raise ValueError(f"Okänd rapporttyp '{kind}'. Tillåtna: {', '.join(BUILDERS)}.")
    if len(sel.forbund) != 1:
        raise ValueError("En rapport gäller ett förbund: välj exakt ett.")
    if kind == "slutrapport" and len(sel.insatser) != 1:
        raise ValueError("En slutrapport gäller en insats: välj exakt en.")
    ctx = Ctx(Source(frames, threshold), sel)
    body = BUILDERS[kind](ctx, _texts(frames, sel, kind) if texts is None else texts)
    whom = {"insats": ", ".join(sel.insatser) or "alla insatser",
            "slutrapport": sel.insatser[0] if sel.insatser else "", "forbund": sel.forbund[0]}
    return Report(
        kind=kind, title=f"{TITLES[kind]} – {whom[kind]}",
        subtitle=f"{sel.forbund[0]} · "
                 f"{period_words(sel, data_cutoff(frame_of(frames, 'episodes'), made), made)}",
        cover=_cover(ctx, made, uploads, demo), sections=body,
        appendix=_appendix(ctx, uploads), demo=demo, notes=(disclosure_note(threshold),))
