"""Texts written by people for the board reports (sheet `Rapporttexter`): read and save.

A text belongs to a förbund, an insats ('' = the förbund as a whole), a report period
(`metrics.periods.report_period` spelling: `2024`, `2024 H1`, `2024 Q3` or a date range) and
one of `SECTIONS`. Saving from the app is an upload like any other: the texts become a
one-sheet `Rapporttexter.csv` that goes through the same parser (privacy scan, invisible
characters, förbund scope, known insats) and the same importer, so every save has history
and can be undone in Historik. An empty text clears a section; reports leave it out.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
from sqlalchemy import Engine, select

from loaders.cells import code_mapping
from loaders.contract import REPORT_SECTIONS, SHEETS_BY_TABLE
from loaders.db import DATA_TABLES
from loaders.importer import Status, import_upload
from loaders.issues import Issue
from loaders.limits import MAX_CELL_CHARS, number
from loaders.parse import parse_files
from loaders.validate import PERIOD_MESSAGE
from metrics.periods import canonical_report_period, report_period

SECTIONS = REPORT_SECTIONS
TABLE = "report_texts"
SHEET = SHEETS_BY_TABLE[TABLE]
#: Shown for an empty section on the Rapport page (reports leave it out).
EMPTY_SECTION = "(tomt – utelämnas i rapporten)"
#: The whole förbund's texts are stored under this insats.
WHOLE_FORBUND = ""

Period = str | tuple[date, date]


@dataclass(frozen=True)
class SavedTexts:
    """What saving texts did: `committed` (with `upload_id`), `no_change` or `rejected`.

    `issues` are the errors that refused the save, or warnings (saved anyway); `sections`
    are the sections that changed.
    """

    status: Status
    upload_id: int | None = None
    sections: tuple[str, ...] = ()
    issues: tuple[Issue, ...] = ()

    @property
    def errors(self) -> list[str]:
        """The messages that refused the save."""
        return [i.message for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[str]:
        """Messages about a saved text worth a second look (e.g. a name in it)."""
        return [i.message for i in self.issues if i.severity == "warning"]


def period_text(period: Period) -> str:
    """The stored spelling of a report period given as text or as (from, to) dates.

    >>> period_text((date(2024, 1, 1), date(2024, 6, 30)))
    '2024 H1'
    """
    if isinstance(period, tuple):
        return report_period(*period)
    found = canonical_report_period(period)
    if found is None:
        raise ValueError(f"okänd period: {period!r}")
    return found


def normalised(text: str | None) -> str:
    r"""A text as it is stored: stripped, line breaks as `\n`; None is ''."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def too_long_message(section: str, length: int) -> str:
    """The Swedish error for a text beyond Excel's cell size."""
    return (f"Texten i avsnittet {section} har {number(length)} tecken; högst "
            f"{number(MAX_CELL_CHARS)} tecken per avsnitt tas emot (Excels gräns för en cell). "
            "Korta texten och spara igen.")


def upload_label(insats: str, period: str, sections: Sequence[str]) -> str:
    """The name a save has in the upload history: "Rapport: Målgrupp – Steget, 2024"."""
    whom = insats or "hela förbundet"
    return f"Rapport: {', '.join(sections)} – {whom}, {period}"


def save_report_texts(engine: Engine, forbund: str, insats: str, period: Period,
                      texts: Mapping[str, str | None], user: str, *,
                      allowed_forbund: set[str] | None = None,
                      now: datetime | None = None) -> SavedTexts:
    """Save several sections of one förbund, insats and period as one upload.

    Only sections whose text differs from the stored one are written; nothing changed gives
    `no_change` and no upload. `allowed_forbund` limits a samordnare to their förbund as on
    the upload page (None = administrator). An unknown section, an unknown insats, a
    personnummer or e-mail address in a text refuse the whole save, with the parser's
    Swedish messages.
    """
    try:
        period = period_text(period)
    except ValueError:
        return SavedTexts("rejected", issues=(
            Issue("", SHEET.name, None, "Period", str(period), PERIOD_MESSAGE),))
    spelled = code_mapping(SHEET.column("section"), texts)  # "Slutsats" -> "Slutsatser"
    wanted = {spelled.get(section, section): normalised(text)
              for section, text in texts.items()}
    too_long = [Issue("", SHEET.name, None, "Text", None, too_long_message(s, len(t)))
                for s, t in wanted.items() if len(t) > MAX_CELL_CHARS]
    if too_long:
        return SavedTexts("rejected", issues=tuple(too_long))
    stored = _stored(engine, forbund, insats, period)
    changed = {s: t for s, t in wanted.items() if stored.get(s, "") != t}
    if not changed:
        return SavedTexts("no_change")
    data = _csv(forbund, insats, period, changed)
    parsed = parse_files([(f"{SHEET.name}.csv", data)],
                         existing_insatser=_known_insatser(engine, forbund),
                         allowed_forbund=allowed_forbund)
    sections = tuple(changed)
    if parsed.has_errors:
        return SavedTexts("rejected", sections=sections, issues=tuple(parsed.issues))
    label = upload_label(insats, period, sections)
    when = now or datetime.now()
    # Each save is its own upload: writing an earlier text again must not be taken for a
    # file already imported (the importer skips a sha256 it has seen).
    identity = hashlib.sha256(f"{label}\x1f{user}\x1f{when.isoformat()}\x1f{uuid.uuid4()}"
                              .encode() + data).hexdigest()
    parsed = dataclasses.replace(parsed, file_names=[label], sha256=identity)
    report = import_upload(engine, parsed, user=user, now=when)
    return SavedTexts(report.status, report.upload_id, sections, tuple(parsed.issues))


def save_report_text(engine: Engine, forbund: str, insats: str, period: Period, section: str,
                     text: str | None, user: str, **kwargs) -> SavedTexts:
    """Save one section's text as an upload (see `save_report_texts`); '' clears it."""
    return save_report_texts(engine, forbund, insats, period, {section: text}, user, **kwargs)


def _csv(forbund: str, insats: str, period: str, texts: Mapping[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow([c.header for c in SHEET.columns])
    writer.writerows([forbund, insats, period, section, text] for section, text in texts.items())
    return out.getvalue().encode("utf-8")


def _known_insatser(engine: Engine, forbund: str) -> set[tuple[str, str]]:
    table = DATA_TABLES["insatser"]
    with engine.connect() as conn:
        rows = conn.execute(select(table.c.forbund, table.c.insats)
                            .where(table.c.forbund == forbund)).all()
    return {(f, i) for f, i in rows}


def _stored(engine: Engine, forbund: str, insats: str, period: str) -> dict[str, str]:
    table = DATA_TABLES[TABLE]
    with engine.connect() as conn:
        rows = conn.execute(select(table.c.section, table.c.text).where(
            table.c.forbund == forbund, table.c.insats == insats,
            table.c.period == period)).all()
    return {section: normalised(text) for section, text in rows if normalised(text)}


# --- reading --------------------------------------------------------------------------------

def report_text_parts(source: Engine | Mapping[str, pl.DataFrame], forbund: str,
                      insatser: Sequence[str], period: Period) -> list[tuple[str, str, str]]:
    """(section, insats, text) of the non-empty texts, in `SECTIONS` order, then `insatser`.

    No insatser means the förbund as a whole (texts stored with a blank Insats). `source` is
    an engine or the frames a page already holds (`frames["report_texts"]`, scoped to the
    viewer: a styrgrupp member's frames have no förbund-wide texts).
    """
    period = period_text(period)
    wanted = list(insatser) or [WHOLE_FORBUND]
    if isinstance(source, Engine):
        table = DATA_TABLES[TABLE]
        with source.connect() as conn:
            rows = conn.execute(select(table.c.section, table.c.insats, table.c.text).where(
                table.c.forbund == forbund, table.c.period == period,
                table.c.insats.in_(wanted))).all()
    else:
        frame = source.get(TABLE)
        rows = [] if frame is None else frame.filter(
            (pl.col("forbund").cast(pl.String) == forbund) & (pl.col("period") == period)
            & pl.col("insats").cast(pl.String).is_in(wanted)
        ).select("section", pl.col("insats").cast(pl.String), "text").rows()
    found = {(s, i): normalised(t) for s, i, t in rows if normalised(t)}
    return [(s, i, found[s, i]) for s in SECTIONS for i in wanted if (s, i) in found]


def report_texts(source: Engine | Mapping[str, pl.DataFrame], forbund: str,
                 insatser: Sequence[str], period: Period) -> dict[str, str]:
    """Section -> text for a report, non-empty sections only, in `SECTIONS` order.

    With one insats (or none: the whole förbund) the text is the stored one. With several,
    each insats's text follows its name on a line of its own, separated by a blank line;
    `report_text_parts` gives them apart.
    """
    parts = report_text_parts(source, forbund, insatser, period)
    several = len(insatser) > 1
    out: dict[str, list[str]] = {}
    for section, insats, text in parts:
        out.setdefault(section, []).append(f"{insats}\n{text}" if several else text)
    return {section: "\n\n".join(texts) for section, texts in out.items()}
