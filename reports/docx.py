"""A report as a Word document, for those who edit the text further.

The same content as the PDF (`reports.pdf` prepares it the same way): headings in Word's
heading styles (the navigation pane lists them), tables with a repeating header row and
right-aligned figures, charts as PNG with alt text, Swedish as the document language.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable

from reports.charts import ChartRenderer
from reports.model import Block, Figure, Paragraph, Report, Section, Signature, Table
from reports.pdf import KIND_LABELS, ChartCache, check_table, paragraphs, visible

LANG = "sv-SE"
ACCENT = RGBColor(0x08, 0x30, 0x6B)
ALERT = RGBColor(0xB2, 0x18, 0x2B)
MUTED = RGBColor(0x4D, 0x4D, 0x4D)
HEADER_FILL = "DBE6F3"
PICTURE_WIDTH = Cm(16)
TEXT_WIDTH = Cm(16.6)  # A4 less 2 × 2.2 cm
FONT = "Arial"  # in every Word; LibreOffice draws it with the metric-equal Liberation Sans
TABLE_PT = 9.5
SMALLEST_PT = 7.5  # a wide table's type shrinks to this before its columns squeeze figures
_PAD = Cm(0.45)  # a cell's left and right margins in "Table Grid", and a little air
# Arial's advance widths in em, by character class: enough to size columns, not to set type
_NARROW, _SLIM, _WIDE = set(" iljI.,:;'!|()[]"), set("frt-"), set("mwMW%")


def text_width(text: str, bold: bool = False, size: float = TABLE_PT) -> float:
    """Estimated width of `text` in Arial of `size` points, in EMU."""
    em = sum(0.26 if c in _NARROW else 0.34 if c in _SLIM else 0.86 if c in _WIDE
             else 0.556 if c.isdigit() else 0.68 if c.isupper() else 0.53 for c in text)
    return em * (1.07 if bold else 1.0) * Pt(size)


# characters XML 1.0 cannot hold (python-docx would refuse the whole document)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


class _Writer:
    """Appends a report's parts to a python-docx document, numbering as the PDF does."""

    def __init__(self, doc: DocumentObject, charts: ChartCache) -> None:
        self.doc = doc
        self.charts = charts
        self.images: dict[int, tuple[bytes | None, str | None]] = {}
        self.figures = 0
        self.tables = 0

    # -- blocks ----------------------------------------------------------------------------

    def paragraph(self, text: str, *, style: str | None = None, bold: bool = False,
                  italic: bool = False, size: float | None = None, colour=None):
        par = self.doc.add_paragraph(style=style)
        run = par.add_run(_text(text))
        run.bold, run.italic = bold or None, italic or None
        if size:
            run.font.size = Pt(size)
        if colour is not None:
            run.font.color.rgb = colour
        return par

    def caption(self, label: str, text: str) -> None:
        par = self.doc.add_paragraph(style="Caption")
        par.add_run(_text(f"{label}: {text}" if text else label))
        par.paragraph_format.keep_with_next = True

    def table(self, table: Table) -> None:
        numeric = check_table(table)
        self.tables += 1
        if table.caption:
            self.caption(f"Tabell {self.tables}", table.caption)
        out = self.doc.add_table(rows=1 + len(table.rows), cols=len(table.header))
        out.style = "Table Grid"
        out.alignment = WD_TABLE_ALIGNMENT.LEFT
        out.autofit = False
        widths, size = column_widths([table.header, *table.rows], numeric)
        for column, width in zip(out.columns, widths, strict=True):
            column.width = width
        for y, row in enumerate((table.header, *table.rows)):
            cells = out.rows[y].cells
            for x, value in enumerate(row):
                cells[x].width = widths[x]
                par = cells[x].paragraphs[0]
                par.paragraph_format.space_after = Pt(0)
                if numeric[x]:
                    par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                run = par.add_run(_text(value))
                run.font.size = Pt(size)
                if y == 0:
                    run.bold = True
                    _shade(cells[x], HEADER_FILL)
        _rows_whole(out)
        if table.note:
            note = self.paragraph(table.note, size=8.5, colour=MUTED)
            note.paragraph_format.space_before = Pt(3)
        else:
            self.doc.add_paragraph()

    def figure(self, figure: Figure) -> None:
        png, reason = self.images[id(figure)]
        if png is not None:
            self.figures += 1
            shape = self.doc.add_picture(io.BytesIO(png), width=PICTURE_WIDTH)
            doc_pr = shape._inline.docPr  # noqa: SLF001 - python-docx has no alt-text API
            doc_pr.set("descr", _text(figure.alt))
            doc_pr.set("title", _text(figure.caption or figure.alt))
            self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
            self.caption(f"Figur {self.figures}", figure.caption)
        else:
            if figure.caption:
                self.paragraph(figure.caption, bold=True).paragraph_format.keep_with_next = True
            self.paragraph(reason or "", italic=True, size=8.5, colour=MUTED)
        self.table(figure.table)

    def signature(self, signature: Signature) -> None:
        for label in signature.lines:
            line = self.paragraph("_" * 45)
            line.paragraph_format.space_before = Pt(36)
            line.paragraph_format.space_after = Pt(0)
            line.paragraph_format.keep_with_next = True
            self.paragraph(label, size=9, colour=MUTED)

    def block(self, block: Block) -> None:
        match block:
            case Paragraph(text=text):
                for part in paragraphs(text):
                    self.paragraph(part)
            case Table():
                self.table(block)
            case Figure():
                self.figure(block)
            case Signature():
                self.signature(block)
            case _:
                raise TypeError(f"Not a report block: {block!r}")

    def section(self, section: Section, level: int, number: str | None) -> None:
        heading = f"{number} {section.heading}" if number else section.heading
        self.doc.add_heading(_text(heading), level=min(level, 9))
        for block in section.blocks:
            self.block(block)
        for i, sub in enumerate(section.subsections, 1):
            self.section(sub, level + 1, f"{number}.{i}" if number else None)


def column_widths(rows: list[tuple[str, ...]],
                  numeric: tuple[bool, ...]) -> tuple[list[int], float]:
    """Column widths (EMU) and type size for a table, sized as the PDF does.

    Natural widths when they fit the page; else each column gets its longest word (a whole
    figure for numbers) plus a share of the rest; a table too wide even so gets smaller
    type. Left alone, python-docx makes all columns equal and Word splits words.
    """
    def measure(size: float) -> tuple[list[float], list[float]]:
        natural = [0.0] * len(numeric)
        least = [0.0] * len(numeric)
        for y, row in enumerate(rows):
            for x, cell in enumerate(row):
                natural[x] = max(natural[x], text_width(cell, y == 0, size))
                words = [cell] if numeric[x] and y > 0 else cell.split()
                least[x] = max(least[x], *(text_width(w, y == 0, size) for w in words), 0)
        return [n + _PAD for n in natural], [n + _PAD for n in least]

    size = TABLE_PT
    natural, least = measure(size)
    if sum(least) > TEXT_WIDTH:
        pads = _PAD * len(numeric)
        size = max(SMALLEST_PT, TABLE_PT * (TEXT_WIDTH - pads) / (sum(least) - pads))
        natural, least = measure(size)
    if sum(natural) <= TEXT_WIDTH:
        return [int(n) for n in natural], size
    spare = TEXT_WIDTH - sum(least)
    if spare <= 0:  # the longest words do not fit even in small type: never past the margin
        return [int(m * TEXT_WIDTH / sum(least)) for m in least], size
    wish = [n - m for n, m in zip(natural, least, strict=True)]
    return [int(m + spare * w / sum(wish)) for m, w in zip(least, wish, strict=True)], size


def _figures(sections: tuple[Section, ...]) -> Iterator[Figure]:
    for section in sections:
        yield from (b for b in section.blocks if isinstance(b, Figure))
        yield from _figures(section.subsections)


def _shade(cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)  # noqa: SLF001


def _rows_whole(table: DocxTable) -> None:
    """The first row repeats on every page (`w:tblHeader`); no row splits across pages."""
    for i, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()  # noqa: SLF001
        tr_pr.append(OxmlElement("w:cantSplit"))
        if i == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))


def _font(r_pr) -> None:
    """`FONT` for all scripts, replacing the template's theme fonts (which win in Word)."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _field(paragraph, code: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)  # noqa: SLF001


def _setup(doc: DocumentObject, report: Report) -> None:
    """A4, Swedish, title; header and page numbers from the second page on."""
    props = doc.core_properties
    props.title = _text(report.title)
    props.subject = _text(report.subtitle)
    props.language = LANG
    r_pr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(
        qn("w:rPr"))
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), LANG)
    lang.set(qn("w:eastAsia"), LANG)
    _font(r_pr)
    for name in ("Title", "Subtitle", *(f"Heading {n}" for n in range(1, 10))):
        style = doc.styles[name]
        _font(style.element.get_or_add_rPr())
        if name != "Subtitle":
            style.font.color.rgb = ACCENT

    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.4)
    section.different_first_page_header_footer = True
    header_style = doc.styles["Header"].paragraph_format.tab_stops
    header_style.clear_all()  # the template's stops are for US Letter
    header_style.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    header = section.header.paragraphs[0]
    header.add_run(_text(report.title)).font.size = Pt(8.5)
    if report.demo:
        demo = header.add_run("\tDemo – fiktiva uppgifter")
        demo.bold, demo.font.size, demo.font.color.rgb = True, Pt(8.5), ALERT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Sida ")
    _field(footer, "PAGE")
    footer.add_run(" av ")
    _field(footer, "NUMPAGES")


def _cover(w: _Writer, report: Report, notes: list[str]) -> None:
    w.paragraph(KIND_LABELS.get(report.kind, "Rapport").upper(), bold=True, size=10,
                colour=ACCENT)
    w.paragraph(report.title, style="Title")
    if report.subtitle:
        w.paragraph(report.subtitle, style="Subtitle")
    if report.demo:
        w.paragraph("Demo – rapporten bygger på fiktiva uppgifter, inte på verkliga deltagare.",
                    bold=True, colour=ALERT)
    for label, value in report.cover:
        par = w.doc.add_paragraph()
        par.paragraph_format.tab_stops.add_tab_stop(Cm(4))
        par.paragraph_format.space_after = Pt(2)
        par.add_run(_text(label)).bold = True
        par.add_run("\t" + _text(value))
    if notes:
        w.paragraph("Om siffrorna", bold=True, size=9).paragraph_format.space_before = Pt(36)
        for note in notes:
            w.paragraph(note, size=8.5, colour=MUTED)
    w.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def render_docx(report: Report, charts: ChartRenderer | None = None) -> bytes:
    """The report as .docx bytes (charts as PNG via `charts`; None prints tables only)."""
    doc = Document()
    _setup(doc, report)
    w = _Writer(doc, ChartCache(charts, "png"))
    sections, appendix = visible(report.sections), visible(report.appendix)
    # charts first: a reason why one could not be drawn belongs in the cover's notes
    w.charts.prefetch([*_figures(sections), *_figures(appendix)])
    for figure in (*_figures(sections), *_figures(appendix)):
        w.images[id(figure)] = w.charts.image(figure)
    _cover(w, report, [*report.notes, *w.charts.reasons])
    for i, section in enumerate(sections, 1):
        w.section(section, 1, str(i))
    for i, section in enumerate(appendix, 1):
        if i == 1:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        w.section(Section(f"Bilaga {i}: {section.heading}", section.blocks,
                          section.subsections), 1, None)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
