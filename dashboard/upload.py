"""The upload workflow behind the Uppladdning page: validate, preview, commit.

The same loaders and importer as `finsam import` — no second parser — with the viewer's
scope passed down so a samordnare cannot write rows for another förbund.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine

from dashboard import fmt, worker
from dashboard.auth import Viewer
from dashboard.ui import kpi_text
from loaders import limits
from loaders.frames import load_frames
from loaders.history import UndoResult
from loaders.importer import ImportReport, import_upload
from loaders.issues import Issue, issues_frame, issues_grouped
from loaders.parse import ParseResult, upload_sha256
from loaders.preview import apply_changes
from loaders.template import build_template, sheet_guide_markdown
from loaders.validate import uploadable_sheets
from metrics import Selection, data_cutoff, opening_year, public_kpis, year_period
from metrics.registry import BY_KEY

log = logging.getLogger(__name__)

#: Under the upload widget. The widget's own limit (`server.maxUploadSize`) is higher, so a
#: file between the two gets our Swedish message instead of Streamlit's English one.
UPLOAD_HINT = (f"Högst {limits.MAX_UPLOAD_MB} MB per fil. Filerna kontrolleras innan något "
               "sparas.")
#: Hides the widget's English "200MB per file • XLSX, CSV" line: it names the widget's limit.
UPLOAD_HINT_STYLE = ("<style>[data-testid='stFileUploaderDropzoneInstructions'] "
                     "{display: none;}</style>")


def csv_hint(viewer: Viewer) -> str:
    """How CSV files are named, with the names this viewer may upload (said before the upload)."""
    names = ", ".join(f"{s.name}.csv" for s in uploadable_sheets(viewer.role == "admin"))
    return f"CSV-filer: en fil per blad, som heter som bladet – {names}."


def template_for(viewer: Viewer) -> bytes:
    """The template with only the sheets the viewer may upload, their förbund in the examples."""
    return build_template(uploadable_sheets(viewer.role == "admin"),
                          forbund=viewer.forbund[0] if viewer.forbund else None)


def guide_for(viewer: Viewer) -> str:
    """The Markdown guide to the sheets of `template_for(viewer)`."""
    return sheet_guide_markdown(uploadable_sheets(viewer.role == "admin"))


def issue_tables(issues: list[Issue]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(grouped, every issue) for the page, blank where nothing applies.

    Streamlit's table shows a missing cell as "None"; a file-wide problem has no row or column,
    so the row numbers are text too.
    """
    def as_text(frame: pl.DataFrame) -> pl.DataFrame:
        rows = [c for c in ("Rad", "Första rad") if c in frame.columns]
        return frame.with_columns(pl.col(rows).cast(pl.String)).with_columns(
            pl.col(pl.String).fill_null(""))

    return as_text(issues_grouped(issues)), as_text(issues_frame(issues))


def history_table(uploads: list[dict]) -> list[dict]:
    """The Historik table: one row per upload (`history.list_uploads`), Swedish headers."""
    return [{"Nr": u["id"], "Tid": f"{u['created_at']:%Y-%m-%d %H:%M}",
             "Användare": u["username"], "Filer": ", ".join(u["file_names"]),
             "Nya": u["rows_added"], "Ändrade": u["rows_updated"],
             "Status": "Ångrad" if u["status"] == "undone" else "Sparad"} for u in uploads]


def saved_text(report: ImportReport) -> str:
    """What saving an upload did."""
    return f"Uppladdning {report.upload_id} är sparad. Översikten visar de nya siffrorna."


def undone_text(result: UndoResult) -> str:
    """What an undo did, as Uppladdning and Historik say it."""
    return (f"Uppladdning {result.upload_id} är ångrad: {result.rows_deleted} rader borttagna, "
            f"{result.rows_restored} återställda.")


def nothing_to_save(report: ImportReport) -> str | None:
    """Why a checked upload has nothing to save (Swedish), or None when it has."""
    if report.total("added") + report.total("updated"):
        return None
    if report.total("unchanged"):
        return "Alla rader finns redan med samma värden. Det finns inget att spara."
    return ("Filen har inga rader att spara. Exempelrader från mallen läses inte in: fyll i "
            "egna rader under rubrikerna och ladda upp filen igen.")


#: KPIs compared before → after in the preview (the board's headline numbers).
PREVIEW_KPIS = ("started", "ended", "completed", "participants_in_period", "share_work",
                "share_studies", "share_rehab", "share_dropout", "fye_used", "occupancy",
                "budget", "spent", "utilisation")


@dataclass
class UploadCheck:
    """A validated upload, the dry-run diff when it has no errors, the marked-up report."""

    parsed: ParseResult
    report: ImportReport | None
    report_xlsx: bytes | None = None  # the files with problems marked, when there are any


def check_upload(engine: Engine, files: list[tuple[str, bytes]], viewer: Viewer,
                 user: str) -> UploadCheck:
    """Parse and validate in the viewer's scope; dry-run the import when valid.

    The files are read in a process of their own (`dashboard.worker`), so a slow or hostile
    file never stalls the server for other users; it is stopped after
    `limits.PARSE_TIMEOUT_S` seconds.
    """
    insatser = load_frames(engine, tables=["insatser"])["insatser"]
    existing = {(str(f), str(i)) for f, i in insatser.select("forbund", "insats").iter_rows()}
    allowed = None if viewer.role == "admin" else set(viewer.forbund)
    try:
        parsed, report_xlsx = worker.run_isolated(
            "dashboard.worker", "check_files", files, existing_insatser=existing,
            allowed_forbund=allowed, timeout=limits.PARSE_TIMEOUT_S)
    except worker.WorkerTimeout:
        return UploadCheck(_refused(files, limits.timeout()), None)
    except worker.WorkerFailed:
        log.exception("upload check failed")
        return UploadCheck(_refused(files, limits.crashed()), None)
    if parsed.has_errors:
        return UploadCheck(parsed, None, report_xlsx)
    return UploadCheck(parsed, import_upload(engine, parsed, user=user, dry_run=True),
                       report_xlsx)


def _refused(files: list[tuple[str, bytes]], message: str) -> ParseResult:
    """An upload whose check did not finish: one error, naming every file."""
    names = [name for name, _ in files]
    return ParseResult(frames={}, issues=[Issue(", ".join(names), "", None, None, None,
                                                message)],
                       file_names=names, sha256=upload_sha256(files))


def commit(engine: Engine, check: UploadCheck, user: str) -> ImportReport:
    """Import for real, in one transaction (refuses again if anything changed meanwhile)."""
    return import_upload(engine, check.parsed, user=user)


def kpi_moves(frames: dict[str, pl.DataFrame], report: ImportReport, today,
              threshold: int) -> pl.DataFrame:
    """Per förbund in the upload: KPIs before → after, where they move.

    In the year the pages open on after the upload (the latest year with data, as
    `filters.filter_options` chooses it).
    """
    after_frames = apply_changes(frames, report.changes)
    year = opening_year(data_cutoff(after_frames["episodes"], today), today)
    forbund = sorted({str(f) for c in report.changes.values()
                      for frame in (c.added, c.updated_new) if "forbund" in frame.columns
                      for f in frame["forbund"].unique().to_list()})
    rows = []
    for name in forbund:
        sel = Selection(forbund=(name,), date_from=year_period(year)[0],
                        date_to=year_period(year)[1])
        before = public_kpis(frames, sel, threshold)
        after = public_kpis(after_frames, sel, threshold)
        for key in PREVIEW_KPIS:
            old, new = before.values.get(key), after.values.get(key)
            if old != new:
                rows.append({"Förbund": name, "År": str(year), "Nyckeltal": BY_KEY[key].label,
                             "Före": _shown(before, key, threshold),
                             "Efter": _shown(after, key, threshold)})
    return pl.DataFrame(rows, schema={c: pl.String for c in
                                      ("Förbund", "År", "Nyckeltal", "Före", "Efter")})


def _shown(result, key: str, threshold: int) -> str:
    return kpi_text(result, key, threshold) if key in result.values else fmt.MISSING
