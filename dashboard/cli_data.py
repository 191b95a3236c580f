"""The data commands of `finsam`: init, demo, import, uploads, undo, template, kpi, report.

A command that changes the data (and `init`, which may change the schema) brings the frames
snapshot up to date before it returns (`loaders.snapshot`), so the app's next viewer reads
Arrow files instead of waiting for SQL rows. A snapshot that cannot be written is a warning:
the data is saved, and the app then reads it from the database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sqlalchemy import func, select

from loaders.db import uploads
from loaders.history import UndoRefused, list_uploads, undo
from loaders.importer import ImportBusy, ImportReport, import_upload, load_bulk
from loaders.issues import format_issues
from loaders.parse import ParseResult, parse_files
from loaders.schema import make_engine, upgrade

EXIT_OK, EXIT_FAILURE, EXIT_REJECTED = 0, 1, 2


def run(args, database_url: str, snapshot_dir: Path | None = None) -> int:
    """Dispatch a data command against the database at `database_url`.

    `snapshot_dir`: where the frames snapshots live when not beside a SQLite file.
    """
    engine = make_engine(database_url)
    try:
        code = _dispatch(args, engine)
    except ImportBusy as err:  # another upload holds the database; nothing was written
        print(f"Fel: {err}", file=sys.stderr)
        return EXIT_FAILURE
    if code == EXIT_OK and args.command in CHANGES_DATA and not getattr(args, "dry_run", False):
        refresh_snapshot(engine, database_url, snapshot_dir)
    return code


#: Commands after which the frames snapshot may be out of date.
CHANGES_DATA = {"init", "demo", "import", "undo"}


def refresh_snapshot(engine, database_url: str, snapshot_dir: Path | None) -> None:
    """Bring the frames snapshot up to date; a failure is a warning, never an error."""
    from loaders import snapshot
    from metrics import prepare

    directory = snapshot.directory_for(database_url, snapshot_dir)
    if directory is None:
        return
    try:
        snapshot.refresh(engine, directory, prepare)
    except Exception as err:  # noqa: BLE001 - the data is saved; the app can read SQL
        print(f"Varning: ögonblicksbilden av data i {directory} kunde inte skrivas ({err}). "
              "Datan är sparad; appen läser den från databasen i stället.", file=sys.stderr)


def _dispatch(args, engine) -> int:
    if args.command == "template":
        from loaders.template import build_template

        args.out.write_bytes(build_template())
        print(f"Mallen är sparad som {args.out}.")
        return EXIT_OK
    upgrade(engine)
    if args.command == "init":
        print("Databasen är uppdaterad.")
        return EXIT_OK
    if args.command == "demo":
        return _demo(engine, args)
    if args.command == "import":
        return _import(engine, args)
    if args.command == "kpi":
        from dashboard.cli_kpi import run_kpi

        return run_kpi(engine, args)
    if args.command == "report":
        from dashboard.cli_report import run_report

        return run_report(engine, args)
    if args.command == "uploads":
        return _uploads(engine, args.format)
    if args.command == "undo":
        try:
            result = undo(engine, args.upload_id, user=args.user)
        except UndoRefused as err:
            print(f"Fel: {err}", file=sys.stderr)
            return EXIT_REJECTED
        print(f"Uppladdning {result.upload_id} är ångrad: {result.rows_deleted} rader "
              f"borttagna, {result.rows_restored} rader återställda.")
        return EXIT_OK
    raise ValueError(f"okänt kommando {args.command}")


def _demo(engine, args) -> int:
    from loaders.demo import build_demo

    with engine.connect() as conn:
        has_data = conn.execute(select(func.count()).select_from(uploads)).scalar_one() > 0
    if args.if_empty and has_data:
        print("Databasen har redan data; demodata laddas inte.")
        return EXIT_OK
    frames = build_demo(size=args.size, seed=args.seed)
    label = f"demo-{args.size}-seed{args.seed}"
    if args.size == "large":
        upload_id = load_bulk(engine, frames, user="demo", label=label)
        print(f"Demodata ({args.size}) laddad som uppladdning {upload_id}.")
        return EXIT_OK
    parsed = ParseResult(frames=frames, issues=[], file_names=[label], sha256=label,
                         extra_columns={})
    report = import_upload(engine, parsed, user="demo")
    print(_report_line(report))
    return EXIT_OK


def _import(engine, args) -> int:
    files = []
    for path in args.files:
        if not path.exists():
            print(f"Fel: filen {path} finns inte.", file=sys.stderr)
            return EXIT_REJECTED
        files.append((path.name, path.read_bytes()))
    from loaders.frames import load_frames

    insatser = load_frames(engine, tables=["insatser"])["insatser"]
    parsed = parse_files(files, existing_insatser=set(insatser.select("forbund", "insats")
                                                      .iter_rows()))
    if parsed.issues:
        print(format_issues(parsed.issues), file=sys.stderr if parsed.has_errors else sys.stdout)
    if parsed.has_errors:
        print("Inget har sparats.", file=sys.stderr)
        return EXIT_REJECTED
    report = import_upload(engine, parsed, user=args.user, dry_run=args.dry_run)
    print(_report_line(report))
    return EXIT_OK


def _report_line(report: ImportReport) -> str:
    per_sheet = "; ".join(
        f"{sheet}: {c['added']} nya, {c['updated']} ändrade, {c['unchanged']} oförändrade"
        for sheet, c in report.counts.items()
    )
    return {
        "committed": f"Uppladdning {report.upload_id} sparad. {per_sheet}.",
        "dry_run": f"Provkörning – inget sparat. Skulle ge: {per_sheet}.",
        "duplicate": f"Filen är redan inläst (uppladdning {report.duplicate_of}). Inget ändrat.",
        "no_change": f"Inga ändringar – alla rader finns redan med samma värden. {per_sheet}.",
        "rejected": "Filen avvisades. Inget har sparats.",
    }[report.status]


def _uploads(engine, fmt: str) -> int:
    rows = list_uploads(engine)
    if fmt == "json":
        out = [{"id": r["id"], "time": r["created_at"].isoformat(sep=" "),
                "user": r["username"], "files": r["file_names"], "sha256": r["sha256"],
                "rows_added": r["rows_added"], "rows_updated": r["rows_updated"],
                "status": r["status"]} for r in rows]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    print("id\ttid\tanvändare\tfiler\tnya\tändrade\tstatus\tsha256")
    for r in rows:
        print(f"{r['id']}\t{r['created_at']:%Y-%m-%d %H:%M}\t{r['username']}\t"
              f"{', '.join(r['file_names'])}\t{r['rows_added']}\t{r['rows_updated']}\t"
              f"{'ångrad' if r['status'] == 'undone' else 'sparad'}\t{r['sha256'][:12]}")
    return EXIT_OK

