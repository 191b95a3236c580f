"""The upload workflow behind the Uppladdning page: validate, preview, commit.

The same loaders and importer as `finsam import` — no second parser — with the viewer's
scope passed down so a samordnare cannot write rows for another förbund.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine

from dashboard import fmt
from dashboard.auth import Viewer
from dashboard.ui import kpi_text
from loaders.frames import load_frames
from loaders.importer import ImportReport, import_upload
from loaders.parse import ParseResult, parse_files
from loaders.preview import apply_changes
from metrics import Selection, latest_full_year, public_kpis, year_period
from metrics.registry import BY_KEY

#: KPIs compared before → after in the preview (the board's headline numbers).
PREVIEW_KPIS = ("started", "ended", "completed", "participants_in_period", "share_work",
                "share_studies", "share_rehab", "share_dropout", "fye_used", "occupancy",
                "budget", "spent", "utilisation")


@dataclass
class UploadCheck:
    """A validated upload and, when it has no errors, the dry-run diff."""

    parsed: ParseResult
    report: ImportReport | None


def check_upload(engine: Engine, files: list[tuple[str, bytes]], viewer: Viewer,
                 user: str) -> UploadCheck:
    """Parse and validate in the viewer's scope; dry-run the import when valid."""
    insatser = load_frames(engine, tables=["insatser"])["insatser"]
    existing = {(str(f), str(i)) for f, i in insatser.select("forbund", "insats").iter_rows()}
    allowed = None if viewer.role == "admin" else set(viewer.forbund)
    parsed = parse_files(files, existing_insatser=existing, allowed_forbund=allowed)
    if parsed.has_errors:
        return UploadCheck(parsed, None)
    return UploadCheck(parsed, import_upload(engine, parsed, user=user, dry_run=True))


def commit(engine: Engine, check: UploadCheck, user: str) -> ImportReport:
    """Import for real, in one transaction (refuses again if anything changed meanwhile)."""
    return import_upload(engine, check.parsed, user=user)


def kpi_moves(frames: dict[str, pl.DataFrame], report: ImportReport, today,
              threshold: int) -> pl.DataFrame:
    """Per förbund in the upload: KPIs of its latest full year before → after, where they move."""
    after_frames = apply_changes(frames, report.changes)
    forbund = sorted({str(f) for c in report.changes.values()
                      for frame in (c.added, c.updated_new) if "forbund" in frame.columns
                      for f in frame["forbund"].unique().to_list()})
    rows = []
    for name in forbund:
        episodes = after_frames["episodes"].filter(pl.col("forbund").cast(pl.String) == name)
        year = latest_full_year(episodes, today)
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
