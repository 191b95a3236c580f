"""The validation report as a workbook: every problem listed, offending cells marked.

The uploaded sheets are written back as text (exactly as read) with each problem's cell
filled red and the Swedish message as a cell comment, so the samordnare can fix the file
where the problem is and upload it again.
"""

from __future__ import annotations

import io

import xlsxwriter

from loaders.issues import ROW, Issue, issues_frame
from loaders.read import read_file

ERROR_FILL = {"bg_color": "#f4cccc", "border": 1, "border_color": "#990000"}
WARNING_FILL = {"bg_color": "#fff2cc", "border": 1, "border_color": "#bf9000"}


def report_workbook(files: list[tuple[str, bytes]], issues: list[Issue]) -> bytes:
    """An xlsx: sheet "Problem" with every issue, then each uploaded sheet with marks."""
    buffer = io.BytesIO()
    # Every cell text is written as a string: an uploaded `=…` must not become a formula,
    # nor `http://…` a link, in the report the samordnare opens.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False,
                                        "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    formats = {"error": book.add_format(ERROR_FILL), "warning": book.add_format(WARNING_FILL)}
    summary = issues_frame(issues)
    ws = book.add_worksheet("Problem")
    ws.write_row(0, 0, summary.columns, bold)
    for i, row in enumerate(summary.iter_rows(), start=1):
        ws.write_row(i, 0, ["" if v is None else v for v in row])
    ws.set_column(0, 3, 16)
    ws.set_column(4, 5, 60)
    used = {"Problem"}
    for name, data in files:
        sheets, _ = read_file(name, data)
        for raw in sheets:
            title = _unique(f"{raw.name}"[:28], used)
            _write_marked(book, title, raw, _issues_of(issues, name, raw.name), formats, bold)
    book.close()
    return buffer.getvalue()


def _unique(title: str, used: set[str]) -> str:
    candidate, n = title, 2
    while candidate in used:
        candidate, n = f"{title[:25]}({n})", n + 1
    used.add(candidate)
    return candidate


def _issues_of(issues: list[Issue], file: str, sheet: str) -> dict[tuple[int, str], Issue]:
    marks: dict[tuple[int, str], Issue] = {}
    for issue in issues:
        if issue.file == file and issue.sheet == sheet and issue.row and issue.column:
            key = (issue.row, issue.column)
            if key not in marks or issue.severity == "error":
                marks[key] = issue
    return marks


def _write_marked(book, title: str, raw, marks, formats, bold) -> None:
    ws = book.add_worksheet(title)
    header_row = raw.header_row - 1
    ws.write_row(header_row, 0, raw.headers, bold)
    position = {h: i for i, h in enumerate(raw.headers)}
    columns = [c for c in raw.frame.columns if c != ROW]
    for values in raw.frame.iter_rows(named=True):
        row = values[ROW] - 1
        for i, col in enumerate(columns):
            ws.write_string(row, i, values[col] or "")
    for (row, column), issue in marks.items():
        if column in position:
            cell_row, cell_col = row - 1, position[column]
            value = _cell_text(raw, row, columns[cell_col])
            ws.write_string(cell_row, cell_col, value, formats[issue.severity])
            ws.write_comment(cell_row, cell_col, issue.message, {"x_scale": 3, "y_scale": 2})
    ws.set_column(0, len(raw.headers), 18)
    ws.freeze_panes(header_row + 1, 0)


def _cell_text(raw, row: int, column: str) -> str:
    found = raw.frame.filter(raw.frame[ROW] == row)
    return (found[column][0] or "") if found.height else ""
