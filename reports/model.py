"""A board report as a small document tree, independent of PDF or Word.

Content builders (`reports.content`) fill it from the metrics layer; renderers
(`reports.pdf`, `reports.docx`) lay it out. Every text and table cell is final display text:
Swedish number format and disclosure labels (`<5`, `för få`, `< 12 %`) are applied before a
value enters the tree, so both formats print exactly what the pages show. Renderers treat
all text as plain text (names from uploads are never markup).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import plotly.graph_objects as go

Kind = Literal["insats", "slutrapport", "forbund"]
KINDS: tuple[Kind, ...] = ("insats", "slutrapport", "forbund")


@dataclass(frozen=True)
class Paragraph:
    """Plain text; blank lines separate paragraphs."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table of display strings: `header` names the columns, `rows` hold the cells.

    `numeric` marks columns to right-align. `caption` is shown above the table.
    """

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    note: str | None = None  # a footnote under the table, e.g. why cells are hidden


@dataclass(frozen=True)
class Figure:
    """A dashboard chart with its text alternative and the table it is drawn from.

    `alt` is a short summary sentence (the figure's /Alt in the PDF, alt text in Word);
    `table` is printed beside or below the chart and replaces it when charts cannot be drawn.
    """

    figure: go.Figure
    alt: str
    table: Table
    caption: str = ""


@dataclass(frozen=True)
class Signature:
    """A signature line (slutrapport): place, date and who signs."""

    lines: tuple[str, ...] = ("Ort och datum", "Namnförtydligande")


Block = Paragraph | Table | Figure | Signature


@dataclass(frozen=True)
class Section:
    """A heading and its blocks; `subsections` are one heading level lower."""

    heading: str
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Nothing to print under the heading (renderers leave such sections out)."""
        return not self.blocks and all(s.is_empty for s in self.subsections)


@dataclass(frozen=True)
class Report:
    """One report: cover facts, sections, an appendix and footnotes for the whole document."""

    kind: Kind
    title: str  # also the PDF's document title
    subtitle: str
    cover: tuple[tuple[str, str], ...]  # (label, value): förbund, insats, period, filters …
    sections: tuple[Section, ...]
    appendix: tuple[Section, ...] = ()
    demo: bool = False
    notes: tuple[str, ...] = field(default=())  # document-wide footnotes (disclosure control)
