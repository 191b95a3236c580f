"""`finsam report`: a board report as PDF or Word (docs/REPORT.md, docs/CLI.md).

The same selection options as `finsam kpi` (`selection_from_args`), the same frames and so
the same numbers; the report is built by `reports.content.build_report` and rendered by
`reports.pdf` or `reports.docx`. Charts come from one Chromium for the whole report (without
one the report still comes out, with tables and a note in place of the charts).

Nothing half-written is ever left at the output path: the document is made in memory, then
written to a temporary file next to it and moved into place in one step.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import polars as pl

from dashboard import atomic
from dashboard.cli_kpi import add_selection_options, selection_from_args
from loaders.frames import load_frames
from loaders.history import list_uploads
from reports.model import KINDS

EXIT_OK, EXIT_REJECTED = 0, 2
FORMATS = ("pdf", "docx")
FORMAT_NAMES = {"pdf": "PDF", "docx": "Word (docx)"}


def add_report_parser(sub) -> None:
    """Register the `report` command's options."""
    rep = sub.add_parser("report", help="rapport till styrelsen som PDF eller Word")
    add_selection_options(rep)
    rep.add_argument("--kind", choices=KINDS,
                     help="insats (standard med --insats), slutrapport eller forbund")
    rep.add_argument("--format", choices=FORMATS,
                     help="pdf eller docx (standard: filens ändelse)")
    rep.add_argument("-o", "--output", required=True, type=Path, help="filen som skrivs")


def output_format(path: Path, chosen: str | None) -> str:
    """`--format`, else the file's extension; ValueError (Swedish) when neither says."""
    if chosen:
        return chosen
    ext = path.suffix.lower().lstrip(".")
    if ext in FORMATS:
        return ext
    raise ValueError(f"Kan inte avgöra formatet av filnamnet '{path.name}': ange --format "
                     "pdf|docx eller ett filnamn som slutar på .pdf eller .docx.")


def only_forbund(frames: dict[str, pl.DataFrame], forbund: str) -> dict[str, pl.DataFrame]:
    """The rows of one förbund (tables without förbund are shared reference data).

    As the app narrows a page's frames: every number is per förbund, so this only saves
    scanning the other förbund's rows.
    """
    return {name: frame.filter(pl.col("forbund") == forbund) if "forbund" in frame.columns
            else frame for name, frame in frames.items()}


def write_atomically(path: Path, data: bytes) -> None:
    """`data` at `path`, or nothing new there, with the mode `open()` would have given."""
    atomic.write_atomically(path, data, _file_mode(path))


def _file_mode(path: Path) -> int:
    """The mode of the file being replaced, else the default for a new file (umask)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _reject(message: str) -> int:
    print(f"Fel: {message} Ingen fil har skrivits.", file=sys.stderr)
    return EXIT_REJECTED


def run_report(engine, args) -> int:
    """Check the request, build the report, render it and write it; the exit code."""
    from reports.check import demo_data, selection_problem
    from reports.content import build_report, default_kind

    out: Path = args.output
    try:
        sel = selection_from_args(args)
        fmt = output_format(out, args.format)
    except ValueError as err:
        return _reject(str(err))
    if args.suppress < 0:
        return _reject("--suppress måste vara 0 eller större.")
    if out.is_dir():
        return _reject(f"{out} är en mapp; ange ett filnamn.")
    if not out.parent.is_dir():
        return _reject(f"Mappen {out.parent} finns inte.")
    kind = args.kind or default_kind(sel.insatser)
    frames = only_forbund(load_frames(engine), args.forbund)
    if problem := selection_problem(frames, sel, kind):
        return _reject(problem)
    report = build_report(
        frames, sel, kind, threshold=args.suppress,
        uploads=list_uploads(engine, forbund={args.forbund}),
        demo=demo_data(args.forbund), made=date.today())
    data = render(report, fmt)
    write_atomically(out, data)
    print(f"{report.title} ({FORMAT_NAMES[fmt]}) är sparad som {out}.")
    return EXIT_OK


def render(report, fmt: str) -> bytes:
    """The report as PDF or docx bytes, charts drawn by one Chromium started for it."""
    from reports.charts import ChartRenderer

    with ChartRenderer() as charts:
        if fmt == "pdf":
            from reports.pdf import render_pdf

            return render_pdf(report, charts)
        from reports.docx import render_docx

        return render_docx(report, charts)
