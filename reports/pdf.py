"""A report as a tagged PDF (PDF/UA-1, Swedish) through Typst.

The layout is `templates/report.typ`; this module only hands it the report as one JSON
document in `sys.inputs` — text is data there, never Typst markup, so nothing a user typed
or uploaded can run as code. Charts are exported to SVG by a `ChartRenderer` and travel in
the same JSON; a chart that cannot be drawn leaves its table and a note saying why.
"""

from __future__ import annotations

import json
import re
import struct
import unicodedata
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


#: Printed in place of a character the report font has no glyph for (emoji, CJK …):
#: Typst would refuse the whole PDF/UA document over one such character.
MISSING_GLYPH = "?"
#: The faces the template sets text in (body, bold headers): a character must be in both.
_FACES = ("SourceSansPro-Regular.ttf", "SourceSansPro-Bold.ttf")


def _cmap_chars(font: bytes) -> set[int]:
    """The code points a TrueType/OpenType font maps to a glyph (its Unicode cmap)."""
    count = struct.unpack_from(">H", font, 4)[0]
    tables = {font[12 + 16 * i:16 + 16 * i]: struct.unpack_from(">I", font, 20 + 16 * i)[0]
              for i in range(count)}
    cmap = tables[b"cmap"]
    subtables = {}
    for i in range(struct.unpack_from(">H", font, cmap + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", font, cmap + 4 + 8 * i)
        subtables[(platform, encoding)] = cmap + offset
    chars: set[int] = set()
    for key in ((3, 10), (0, 4), (3, 1), (0, 3)):
        at = subtables.get(key)
        if at is None:
            continue
        fmt = struct.unpack_from(">H", font, at)[0]
        if fmt == 12:
            for g in range(struct.unpack_from(">I", font, at + 12)[0]):
                first, last, _ = struct.unpack_from(">III", font, at + 16 + 12 * g)
                chars.update(range(first, last + 1))
            return chars
        if fmt == 4:
            seg2 = struct.unpack_from(">H", font, at + 6)[0]
            n = seg2 // 2
            ends = struct.unpack_from(f">{n}H", font, at + 14)
            starts = struct.unpack_from(f">{n}H", font, at + 16 + seg2)
            deltas = struct.unpack_from(f">{n}h", font, at + 16 + 2 * seg2)
            ranges = at + 16 + 3 * seg2
            offsets = struct.unpack_from(f">{n}H", font, ranges)
            for i, (first, last) in enumerate(zip(starts, ends, strict=True)):
                for c in range(first, min(last, 0xFFFE) + 1):
                    if offsets[i] == 0:
                        glyph = (c + deltas[i]) & 0xFFFF
                    else:
                        glyph = struct.unpack_from(
                            ">H", font, ranges + 2 * i + offsets[i] + 2 * (c - first))[0]
                        glyph = (glyph + deltas[i]) & 0xFFFF if glyph else 0
                    if glyph:
                        chars.add(c)
            return chars
    return chars


@cache
def font_chars() -> frozenset[int]:
    """Code points every face of the report font can show."""
    faces = [_cmap_chars((FONT_DIR / name).read_bytes()) for name in _FACES]
    return frozenset(set.intersection(*faces))


def printable(text: str) -> str:
    """`text` with every character the report font lacks replaced by MISSING_GLYPH.

    Whitespace and invisible format characters stay; variation selectors and combining
    marks the font lacks are dropped (the base character is replaced or kept on its own).
    """
    chars = font_chars()
    if all(ord(c) in chars or c.isspace() for c in text):
        return text
    out = []
    for c in text:
        if ord(c) in chars or c.isspace():
            out.append(c)
            continue
        category = unicodedata.category(c)
        if category == "Cf":
            out.append(c)
        elif category in ("Mn", "Me") or 0xFE00 <= ord(c) <= 0xFE0F:
            continue
        else:
            out.append(MISSING_GLYPH)
    return "".join(out)


def _printable(value):
    """Every string in a JSON-ready value through `printable` (the one place it happens)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {k: _printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    return value


def visible(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """`sections` without the empty ones, at every level (renderers print no bare heading)."""
    return tuple(
        Section(s.heading, s.blocks, visible(s.subsections))
        for s in sections if not s.is_empty)


def figures(sections: tuple[Section, ...]) -> list[Figure]:
    """Every figure under `sections`, in reading order."""
    found: list[Figure] = []
    for section in sections:
        found += [b for b in section.blocks if isinstance(b, Figure)]
        found += figures(section.subsections)
    return found


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
        self._ready: dict[int, tuple[bytes | None, str | None]] = {}

    def prefetch(self, figures: list[Figure]) -> None:
        """Draw `figures` now, several at once (`ChartRenderer.export_many`)."""
        if self.charts is None or not figures:
            return
        exports = self.charts.export_many([f.figure for f in figures], self.fmt)
        for figure, export in zip(figures, exports, strict=True):
            self._ready[id(figure)] = tuple(export)

    def image(self, figure: Figure) -> tuple[bytes | None, str | None]:
        if id(figure) in self._ready:
            image, reason = self._ready.pop(id(figure))
        elif self.charts is None:
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
    shown, extra = visible(report.sections), visible(report.appendix)
    cache.prefetch([*figures(shown), *figures(extra)])
    sections = [_section(s, cache) for s in visible(report.sections)]
    appendix = [_section(s, cache) for s in visible(report.appendix)]
    kind = KIND_LABELS.get(report.kind, "Rapport")
    return _printable({"kind": kind, "title": report.title.strip() or kind,
            "subtitle": report.subtitle,
            "cover": [list(row) for row in report.cover], "demo": report.demo,
            "notes": [*report.notes, *cache.reasons],
            "sections": sections, "appendix": appendix})


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
