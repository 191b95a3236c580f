"""Problems found in an upload, and how they are shown to the user.

Every check returns issues instead of raising, so the user sees all problems of an upload at
once. Only errors block an upload; warnings are shown but the data can still be saved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import polars as pl

Severity = Literal["error", "warning"]

#: At most this many issues per check (file, sheet, column, message); the rest are summed up
#: in one line, so a sheet with 100,000 wrong dates does not drown the other problems.
MAX_PER_CHECK = 100

ROW = "__row"  # spreadsheet row number of a data row (header = 1)
FILE = "__file"  # file a row came from, where frames of several files are combined

_SEVERITY_LABEL = {"error": "fel", "warning": "varning"}
_IDENTITY_NUMBER = re.compile(r"(?<!\d)((?:19|20)?\d{6}[-+\s]?)\d{4}(?!\d)")
#: Invisible characters no cell may hold (`validate.control_character_issues`): the control
#: characters (NUL, BEL, ESC …, DEL and the C1 range) and the bidirectional overrides and
#: isolates, which make a name display as something it is not. Tab, line feed and carriage
#: return are allowed: Excel cells hold line breaks (Alt+Enter), and the dashboard shows
#: them as spaces or line breaks.
CONTROL_CHARACTERS = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
_CONTROL = re.compile(CONTROL_CHARACTERS)


def visible(value: str) -> str:
    r"""Each `CONTROL_CHARACTERS` character as a visible mark.

    A value echoed in a report or on a terminal then shows where the character is, and
    cannot act on the terminal.

    >>> visible("Steg\x00et \x1b[31m \u202e")
    'Steg␀et ␛[31m [U+202E]'
    """
    def mark(found: re.Match) -> str:
        code = ord(found[0])
        if code < 0x20:
            return chr(0x2400 + code)  # Unicode's control pictures: ␀, ␇, ␛ …
        return "\u2421" if code == 0x7F else f"[U+{code:04X}]"
    return _CONTROL.sub(mark, value)


def mask(value: str) -> str:
    """Hide the last four digits of anything shaped like a personnummer (any separator).

    >>> mask("Född 850312-1234")
    'Född 850312-****'
    """
    return _IDENTITY_NUMBER.sub(r"\1****", value)


@dataclass(frozen=True)
class Issue:
    """One problem: where it is (as the user sees the file) and what is expected."""

    file: str
    sheet: str
    row: int | None
    column: str | None
    value: str | None
    message: str  # plain Swedish, says what is expected
    severity: Severity = "error"


def has_errors(issues: Iterable[Issue]) -> bool:
    """True if any issue blocks the upload."""
    return any(i.severity == "error" for i in issues)


def _sorted(issues: Iterable[Issue]) -> list[Issue]:
    # Stable sort: errors first, otherwise the order the checks found them in.
    return sorted(issues, key=lambda i: i.severity != "error")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary(issues: Iterable[Issue]) -> str:
    """One line such as "3 fel och 1 varning."."""
    issues = list(issues)
    if not issues:
        return "Inga problem hittades."
    errors = sum(i.severity == "error" for i in issues)
    warnings = len(issues) - errors
    return f"{_count(errors, 'fel', 'fel')} och {_count(warnings, 'varning', 'varningar')}."


def format_issue(issue: Issue) -> str:
    """One line naming file, sheet, row, column and value, then the message."""
    where = [issue.file]
    if issue.sheet:
        where.append(f"blad {issue.sheet}")
    if issue.row is not None:
        where.append(f"rad {issue.row}")
    if issue.column:
        where.append(f"kolumn {issue.column}")
    if issue.value is not None:
        where.append(f"värde ”{issue.value}”")
    label = _SEVERITY_LABEL[issue.severity].capitalize()
    return f"{label}: {', '.join(where)}: {issue.message}"


def format_issues(issues: Iterable[Issue]) -> str:
    """A Swedish report, one problem per line, errors first, ending with a count line."""
    issues = _sorted(issues)
    return "\n".join([*(format_issue(i) for i in issues), summary(issues)])


def issues_frame(issues: Iterable[Issue]) -> pl.DataFrame:
    """The issues as a table with Swedish headings, for display and download."""
    issues = _sorted(issues)
    return pl.DataFrame(
        {
            "Fil": [i.file for i in issues],
            "Blad": [i.sheet for i in issues],
            "Rad": [i.row for i in issues],
            "Kolumn": [i.column for i in issues],
            "Värde": [i.value for i in issues],
            "Problem": [i.message for i in issues],
            "Allvarlighet": [_SEVERITY_LABEL[i.severity] for i in issues],
        },
        schema={"Fil": pl.String, "Blad": pl.String, "Rad": pl.Int64, "Kolumn": pl.String,
                "Värde": pl.String, "Problem": pl.String, "Allvarlighet": pl.String},
    )


def issues_grouped(issues: Iterable[Issue]) -> pl.DataFrame:
    """One line per kind of problem (sheet, column, message) with how many rows have it.

    The first thing a samordnare needs with a long report: "Kön is wrong in 240 rows" is
    one fix in the source system, not 240.
    """
    full = issues_frame(issues)
    return (full.group_by("Allvarlighet", "Fil", "Blad", "Kolumn", "Problem",
                          maintain_order=True)
            .agg(pl.len().cast(pl.Int64).alias("Antal"), pl.col("Rad").min().alias("Första rad"))
            .sort(pl.col("Allvarlighet") != "fel", -pl.col("Antal"), maintain_order=True)
            .select("Fil", "Blad", "Kolumn", "Problem", "Antal", "Första rad", "Allvarlighet"))


def row_issues(
    rows: pl.DataFrame,
    *,
    file: str,
    sheet: str,
    column: str | None,
    message: str | None = None,
    severity: Severity = "error",
) -> list[Issue]:
    """Issues for the failing rows of one check.

    `rows` has `__row` and optionally `value` (the text shown back), `message` (a per-row
    message overriding `message`) and `__file`. Only the first `MAX_PER_CHECK` rows become
    issues; one more line says how many rows with the same problem were left out.
    """
    if rows.is_empty():
        return []
    shown = rows.head(MAX_PER_CHECK)
    values = shown["value"].to_list() if "value" in rows.columns else [None] * shown.height
    messages = shown["message"].to_list() if "message" in rows.columns else [message] * shown.height
    files = shown[FILE].to_list() if FILE in rows.columns else [file] * shown.height
    out = [
        Issue(f, sheet, r, column, None if v is None else mask(visible(str(v))), m, severity)
        for f, r, v, m in zip(files, shown[ROW].to_list(), values, messages, strict=True)
    ]
    if rows.height > MAX_PER_CHECK:
        rest = rows.height - MAX_PER_CHECK
        out.append(Issue(file, sheet, None, column, None,
                         f"… och {_count(rest, 'rad', 'rader')} till med samma problem "
                         f"({message or messages[0]})", severity))
    return out
