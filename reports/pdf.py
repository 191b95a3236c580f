"""A report as a tagged PDF (PDF/UA-1, Swedish) through Typst.

The layout is `templates/report.typ`; this module only hands it the report as one JSON
document in `sys.inputs` — text is data there, never Typst markup, so nothing a user typed
or uploaded can run as code. Charts are exported to SVG by a `ChartRenderer` and travel in
the same JSON; a chart that cannot be drawn leaves its table and a note saying why.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import typst

from reports.charts import FONT_DIR, NOT_DRAWN, ChartRenderer, Format
from reports.model import Block, Figure, Paragraph, Report, Section, Signature, Table

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = TEMPLATES / "report.typ"
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n\s*")
#: The cover's first line per report kind.
KIND_LABELS = {"insats": "Insatsrapport", "slutrapport": "Slutrapport",
               "forbund": "Förbundsrapport"}


def visible(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """`sections` without the empty ones, at every level (renderers print no bare heading)."""
    return tuple(
        Section(s.heading, s.blocks, visible(s.subsections))
        for s in sections if not s.is_empty)


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs: split at blank lines, trimmed, none empty."""
    return [p.strip() for p in _BLANK_LINE.split(text.strip()) if p.strip()]


def check_table(table: Table) -> tuple[bool, ...]:
    """The table's numeric flags, one per column; ValueError when a row is the wrong size."""
    width = len(table.header)
    for i, row in enumerate(table.rows):
        if len(row) != width:
            raise ValueError(f"Table {table.caption!r}: row {i} has {len(row)} cells, "
                             f"the header {width}")
    numeric = tuple(table.numeric) + (False,) * (width - len(table.numeric))
    return numeric[:width]


class ChartCache:
    """Exports the figures of one report and collects why any could not be drawn."""

    def __init__(self, charts: ChartRenderer | None, fmt: Format) -> None:
        self.charts = charts
        self.fmt = fmt
        self.reasons: list[str] = []

    def image(self, figure: Figure) -> tuple[bytes | None, str | None]:
        if self.charts is None:
            image, reason = None, NOT_DRAWN
        else:
            image, reason = self.charts.export(figure.figure, self.fmt)
        if reason and reason not in self.reasons:
            self.reasons.append(reason)
        return image, reason


def _table(table: Table) -> dict:
    return {"type": "table", "caption": table.caption, "header": list(table.header),
            "rows": [list(r) for r in table.rows], "numeric": list(check_table(table)),
            "note": table.note}


def _block(block: Block, charts: ChartCache) -> dict:
    match block:
        case Paragraph(text=text):
            return {"type": "paragraph", "paragraphs": paragraphs(text)}
        case Table():
            return _table(block)
        case Figure():
            svg, reason = charts.image(block)
            # PDF/UA refuses a figure without alt text: never leave it empty
            alt = block.alt.strip() or block.caption or block.table.caption or "Diagram"
            return {"type": "figure", "alt": alt, "caption": block.caption,
                    "svg": svg.decode("utf-8") if svg else None, "reason": reason,
                    "table": _table(block.table)}
        case Signature(lines=lines):
            return {"type": "signature", "lines": list(lines)}
    raise TypeError(f"Not a report block: {block!r}")


def _section(section: Section, charts: ChartCache) -> dict:
    return {"heading": section.heading.strip() or "(utan rubrik)",  # PDF/UA: never empty
            "blocks": [_block(b, charts) for b in section.blocks],
            "subsections": [_section(s, charts) for s in section.subsections]}


def payload(report: Report, charts: ChartRenderer | None) -> dict:
    """The JSON document the template reads: the report with charts as SVG text."""
    cache = ChartCache(charts, "svg")
    sections = [_section(s, cache) for s in visible(report.sections)]
    appendix = [_section(s, cache) for s in visible(report.appendix)]
    kind = KIND_LABELS.get(report.kind, "Rapport")
    return {"kind": kind, "title": report.title.strip() or kind,
            "subtitle": report.subtitle,
            "cover": [list(row) for row in report.cover], "demo": report.demo,
            "notes": [*report.notes, *cache.reasons],
            "sections": sections, "appendix": appendix}


@cache
def _fonts() -> typst.Fonts:
    # only the fonts shipped with typst and the app: the same PDF on every server
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True,
                       font_paths=[str(FONT_DIR)])


def render_pdf(report: Report, charts: ChartRenderer | None = None) -> bytes:
    """The report as PDF/UA-1 bytes (charts via `charts`; None prints tables only)."""
    data = json.dumps(payload(report, charts), ensure_ascii=False)
    return typst.compile(str(TEMPLATE), root=str(TEMPLATES), font_paths=_fonts(),
                         ignore_system_fonts=True, sys_inputs={"report": data},
                         pdf_standards=["ua-1"])
