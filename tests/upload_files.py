"""Upload files the dashboard and browser tests send, built from the contract's example row."""

from __future__ import annotations

import polars as pl

from loaders.contract import SHEETS_BY_TABLE

NORRDAL, SJOSTAD = "Demoförbundet Norrdal", "Demoförbundet Sjöstad"
NEW_EPISODES = 12


def insats_of(frames, forbund: str) -> str:
    """An individual insats of `forbund` in the demo."""
    rows = frames["insatser"].filter((pl.col("forbund") == forbund)
                                     & (pl.col("kind") == "Individinriktad"))
    return sorted(rows["insats"].to_list())[0]


def deltagare_csv(forbund: str, insats: str, year: int, n: int = NEW_EPISODES) -> bytes:
    """`n` new episodes ended in `year` with work as the outcome, as a Deltagare.csv."""
    example = SHEETS_BY_TABLE["episodes"].example
    rows = [{**example, "Förbund": forbund, "Insats": insats, "Deltagar-ID": f"T-{i:03d}",
             "Startdatum": f"{year}-02-01", "Slutdatum": f"{year}-09-30"} for i in range(n)]
    header = ";".join(example)
    lines = [";".join(r[h] for h in example) for r in rows]
    return ("\n".join([header, *lines]) + "\n").encode()
