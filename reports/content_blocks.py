"""Building blocks of a report's content: the context, tables, figures and their alt texts.

Every cell is made by the pages' own display functions (`dashboard.display.display_table`,
`kpi_text`, `dashboard.charts` tables), so it reads exactly as on the page.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go
import polars as pl

from dashboard import display, escape, fmt
from metrics.periods import report_period
from metrics.registry import BY_KEY
from metrics.result import KpiResult
from metrics.selection import PARTICIPANT_FILTERS, Selection
from reports.content_print import for_print
from reports.content_source import Source
from reports.model import Figure, Paragraph, Section, Table

_NUMBER = re.compile(r"^(?:< ?)?[−+-]?\d[\d  ]*(?:,\d+)?(?: ?(?:%|kr|mnkr|mån|p\.e\.))?$")
_LABELS = re.compile(r"^(?:<\d+|för få|\.\.|–|Nås inte)$")
#: Alt texts name at most this many values; the table beside the chart has them all.
ALT_ITEMS = 16


@dataclass
class Ctx:
    """What every section builder needs: the source, the selection, the KPIs shown so far."""

    source: Source
    sel: Selection
    used: dict[str, None] = field(default_factory=dict)

    @property
    def threshold(self) -> int:
        """The disclosure threshold (0 = off)."""
        return self.source.threshold

    @property
    def whole(self) -> Selection:
        """The selection for whole insatser (budget, capacity, evaluations, NNS, volumes).

        As `Filters.whole_insatser`: no participant filters and no grupp.
        """
        return dataclasses.replace(self.sel.without_participant_filters(), grupp=None)

    @property
    def title(self) -> str:
        """The selection as the pages title their charts: förbund · period · insatser · filters."""
        return selection_title(self.sel)

    @property
    def base_title(self) -> str:
        """The title without participant filters and grupp (`charts.base_title`)."""
        return selection_title(self.sel, filters=False)

    def kpis(self, sel: Selection | None = None) -> KpiResult:
        """The KPI set of `sel` (default: the report's selection)."""
        return self.source.kpis(sel or self.sel)

    def use(self, *keys: str) -> None:
        """Note KPIs the report shows: the appendix defines each of them."""
        for key in keys:
            base = key.split("[")[0].removesuffix("_target")
            if base in BY_KEY:
                self.used[base] = None


def period_text(sel: Selection) -> str:
    """`2024`, `2024 H1`, `2024 Q3` or `2024-02-01–2024-05-31` (`report_period`)."""
    return report_period(*sel.period)


def filters_text(sel: Selection) -> str:
    """The participant filters and grupp in words, or that there are none."""
    names = display.FILTER_NAMES
    parts = [f"{names[f]}: {sel.grupp if f == 'grupp' else ', '.join(getattr(sel, f))}"
             for f in ("grupp", *PARTICIPANT_FILTERS) if getattr(sel, f)]
    return "; ".join(parts) if parts else "Inga deltagarfilter"


def selection_title(sel: Selection, *, filters: bool = True) -> str:
    """förbund · period · insatser (· filters), as `Filters.title` spells it."""
    parts = [", ".join(sel.forbund), period_text(sel),
             ", ".join(sel.insatser) if sel.insatser else "alla insatser"]
    if filters:
        parts += [", ".join(getattr(sel, f)) for f in PARTICIPANT_FILTERS if getattr(sel, f)]
        if sel.grupp:
            parts.append(f"grupp {sel.grupp}")
    return " · ".join(parts)


def plain(text: object) -> str:
    """A display cell for print: its text, empty for None."""
    return "" if text is None else str(text).strip()


def _numeric(values: Sequence[str]) -> bool:
    numbers = [v for v in values if not _LABELS.match(v)]
    return bool(numbers) and all(_NUMBER.match(v) for v in numbers)


def table(caption: str, frame: pl.DataFrame, *, note: str | None = None) -> Table:
    """A display frame (text cells) as a report table; number columns right-aligned."""
    rows = tuple(tuple(plain(c) for c in row) for row in frame.iter_rows())
    numeric = tuple(i > 0 and _numeric([r[i] for r in rows]) for i in range(frame.width))
    return Table(caption=caption, header=tuple(frame.columns), rows=rows, numeric=numeric,
                 note=note)


def rows_table(caption: str, header: Sequence[str], rows: Iterable[Sequence[str]], *,
               note: str | None = None) -> Table:
    """A report table from rows of display text."""
    cells = [[plain(c) for c in r] for r in rows]
    frame = pl.DataFrame(cells, schema=dict.fromkeys(header, pl.String), orient="row")
    return table(caption, frame, note=note)


def column_pairs(tab: Table, *headers: str) -> list[tuple[str, ...]]:
    """The cells of the named columns, row by row (for alt texts)."""
    index = [tab.header.index(h) for h in headers]
    return [tuple(row[i] for i in index) for row in tab.rows]


def figure(fig: go.Figure, tab: Table, alt: str, caption: str) -> Figure:
    """A dashboard figure for print, its data texts escaped as `ui.chart` does on a page.

    Labels are placed for paper (`reports.content_print.for_print`).
    """
    return Figure(figure=for_print(escape.figure(fig)), alt=alt, table=tab,
                  caption=caption)


def _listing(items: list[str]) -> str:
    shown = items[:ALT_ITEMS]
    more = "; … (alla värden i tabellen)" if len(items) > ALT_ITEMS else ""
    return "; ".join(shown) + more


def describe_long(kind: str, subject: str, long: pl.DataFrame) -> str:
    """Alt text of a chart drawn from a `charts.LONG_SCHEMA` frame, from its own texts.

    "Stapeldiagram: avslut per bas. Av fullföljda: Arbete 11,8 % mot målet 25,0 % …".
    """
    series = list(dict.fromkeys(long["series"].to_list()))
    groups, room = [], ALT_ITEMS
    for name in series:
        part = long.filter(pl.col("series") == name)
        values = [f"{c} {plain(t)}" + (f" mot målet {tt}" if g is not None else "")
                  for c, t, g, tt in part.select("category", "text", "target",
                                                 "target_text").iter_rows()]
        if room <= 0:
            groups.append("… (alla värden i tabellen)")
            break
        text = ", ".join(values[:room]) + (", … (alla i tabellen)" if len(values) > room else "")
        room -= len(values)
        groups.append(f"{name}: {text}" if len(series) > 1 else text)
    return f"{kind}: {subject}. {'; '.join(groups) or 'inga värden'}."


def describe_rows(kind: str, subject: str, rows: Iterable[tuple[str, str]],
                  extra: str = "") -> str:
    """Alt text from (label, display text) pairs: "Stapeldiagram: x. a 1; b 2. extra"."""
    items = [f"{a} {plain(b)}" for a, b in rows]
    return f"{kind}: {subject}. {_listing(items) or 'inga värden'}.{' ' + extra if extra else ''}"


def kpi_label(key: str, part: str | None = None) -> str:
    """The registry label, with the actor for a per-actor KPI (`…, samhället`)."""
    return BY_KEY[key].label + (f", {part.lower()}" if part else "")


def target_cells(result: KpiResult, key: str) -> tuple[str, str]:
    """(`Mål` text, status words) of a KPI; the status only for a shown value."""
    target = result.values.get(f"{key}_target")
    if target is None or isinstance(target, dict):
        return "", ""
    status = result.target_status.get(key)
    words = display.STATUS[str(status)][1] if status and key not in result.disclosure else ""
    return fmt.kpi_value(key, target), words


def kpi_table(ctx: Ctx, result: KpiResult, keys: Sequence[str | tuple[str, str]],
              caption: str, *, note: str | None = None) -> Table:
    """Nyckeltal · Värde · Mål · Målstatus for `keys` (a (key, actor) pair for per-actor KPIs).

    Values as the pages' KPI cards print them in full (`kpi_text`); Mål columns only when a
    KPI has a target.
    """
    rows = []
    for item in keys:
        key, part = item if isinstance(item, tuple) else (item, None)
        ctx.use(key)
        rows.append((kpi_label(key, part), display.kpi_text(result, key, ctx.threshold, part),
                     *target_cells(result, key)))
    if not any(r[2] for r in rows):
        return rows_table(caption, ("Nyckeltal", "Värde"), [r[:2] for r in rows], note=note)
    return rows_table(caption, ("Nyckeltal", "Värde", "Mål", "Målstatus"),
                      [(a, b, c or fmt.MISSING, d) for a, b, c, d in rows], note=note)


def text_sections(texts: Mapping[str, str], names: Sequence[str],
                  headings: Mapping[str, str] | None = None) -> tuple[Section, ...]:
    """The non-empty texts of `names` as sections (empty ones left out)."""
    return tuple(Section((headings or {}).get(n, n), (Paragraph(texts[n].strip()),))
                 for n in names if (texts.get(n) or "").strip())


def notice(ctx: Ctx, result: KpiResult) -> Paragraph | None:
    """The pages' notice when the selection has no participants or too few to show."""
    found = display.too_few_message(result, ctx.threshold)
    return Paragraph(found[1]) if found else None


def sections(*items: Section | None) -> tuple[Section, ...]:
    """The given sections without None and without empty ones."""
    return tuple(s for s in items if s is not None and not s.is_empty)
