"""Benchmark: parse, validate and import a 100,000-row `Deltagare` sheet (CSV and xlsx).

Targets (issue 2): ≤ 5 s from CSV, ≤ 15 s from xlsx on the 2-core reference machine.
"""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

import polars as pl
import xlsxwriter

from loaders.contract import SHEETS_BY_NAME
from loaders.demo import build_demo
from loaders.frames import load_frames
from loaders.importer import import_upload
from loaders.parse import parse_files
from loaders.schema import make_engine, upgrade

N_ROWS = 100_000


def deltagare_sheet(n_rows: int = N_ROWS) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(Insatser, Deltagare) with Swedish headers and text cells, one förbund."""
    frames = build_demo("small", seed=7)
    episodes = frames["episodes"]
    forbund = episodes["forbund"][0]
    insatser = frames["insatser"].filter(pl.col("forbund") == forbund)
    episodes = episodes.filter(pl.col("forbund") == forbund)
    copies = -(-n_rows // episodes.height)
    big = pl.concat([
        episodes.with_columns(pl.col("participant_id") + f"-{i}") for i in range(copies)
    ]).head(n_rows)
    return to_contract_text("Insatser", insatser), to_contract_text("Deltagare", big)


def to_contract_text(sheet_name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """A typed frame as the text a förbund would upload (Swedish headers, ISO dates)."""
    sheet = SHEETS_BY_NAME[sheet_name]
    return frame.select(
        pl.col(c.name).cast(pl.String).alias(c.header) for c in sheet.columns
        if c.name in frame.columns
    )


def to_xlsx(sheets: dict[str, pl.DataFrame]) -> bytes:
    """A workbook of text cells (what the loader must parse), written in constant memory."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    for name, frame in sheets.items():
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, frame.columns)
        for i, row in enumerate(frame.iter_rows(), start=1):
            ws.write_row(i, 0, ["" if v is None else v for v in row])
    book.close()
    return buffer.getvalue()


def timed_import(files: list[tuple[str, bytes]], insatser_csv: bytes) -> dict[str, float]:
    """Seconds to parse+validate and to write, into a fresh SQLite database."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        import_upload(engine, parse_files([("Insatser.csv", insatser_csv)]), user="bench")
        existing = set(load_frames(engine, ["insatser"])["insatser"]
                       .select("forbund", "insats").iter_rows())
        t0 = time.perf_counter()
        parsed = parse_files(files, existing_insatser=existing)
        t1 = time.perf_counter()
        assert not parsed.has_errors, parsed.issues[:5]
        report = import_upload(engine, parsed, user="bench")
        t2 = time.perf_counter()
        assert report.status == "committed" and report.total("added") == N_ROWS
        engine.dispose()
    return {"parse_s": t1 - t0, "import_s": t2 - t1, "total_s": t2 - t0}


def run() -> dict[str, dict[str, float]]:
    """Both formats; returns seconds per phase."""
    insatser, deltagare = deltagare_sheet()
    insatser_csv = insatser.write_csv().encode()
    csv_bytes = deltagare.write_csv(separator=";").encode()
    xlsx_bytes = to_xlsx({"Deltagare": deltagare})
    return {
        "csv": timed_import([("Deltagare.csv", csv_bytes)], insatser_csv),
        "xlsx": timed_import([("deltagare.xlsx", xlsx_bytes)], insatser_csv),
    }


if __name__ == "__main__":
    for fmt, result in run().items():
        print(fmt, {k: round(v, 2) for k, v in result.items()})
