"""The upload check runs in a process of its own: the server stays free for other users.

Regression: a 2 KB workbook kept a regex busy for 37 s inside the Streamlit process, holding
the GIL, and the whole server stopped answering every user for about a minute.
"""

from __future__ import annotations

import os
import threading
import time
from types import SimpleNamespace

import pytest

import loaders.parse
from dashboard import upload, worker
from loaders import limits
from tests.data.bad.make_corpus import hostile

ADMIN = SimpleNamespace(role="admin", forbund=())
#: A backtracking regex: seconds of CPU inside `re`, which never lets go of the GIL.
GIL_HOG = (r"(a+)+b", "a" * 24)


def test_the_call_runs_in_another_process():
    assert worker.run_isolated("os", "getpid", timeout=30) != os.getpid()


def test_the_server_keeps_answering_while_a_check_holds_the_gil():
    gaps, done = [], threading.Event()

    def heartbeat():  # stands in for the server's event loop and other sessions
        last = time.perf_counter()
        while not done.is_set():
            time.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    beat = threading.Thread(target=heartbeat)
    beat.start()
    start = time.perf_counter()
    try:
        assert worker.run_isolated("re", "fullmatch", *GIL_HOG, timeout=60) is None
    finally:
        done.set()
        beat.join()
    elapsed = time.perf_counter() - start
    assert elapsed > 0.5  # the work was real
    # In the server's own process the heartbeat would stop for the whole `elapsed`.
    assert max(gaps) < elapsed / 4, (max(gaps), elapsed)


def test_a_check_over_its_time_is_killed():
    start = time.perf_counter()
    with pytest.raises(worker.WorkerTimeout):
        worker.run_isolated("time", "sleep", 60, timeout=1)
    assert time.perf_counter() - start < 10


def test_a_child_that_dies_is_reported():
    with pytest.raises(worker.WorkerFailed):
        worker.run_isolated("os", "_exit", 3, timeout=30)
    with pytest.raises(worker.WorkerFailed, match="math domain error"):
        worker.run_isolated("math", "sqrt", -1, timeout=30)


# --- the upload check -------------------------------------------------------------------------

def _no_parsing_here(*_args, **_kwargs):
    raise AssertionError("an upload must not be parsed in the server's process")


def test_check_upload_parses_in_the_worker(sqlite_engine, monkeypatch):
    monkeypatch.setattr(loaders.parse, "parse_files", _no_parsing_here)
    monkeypatch.setattr(upload, "parse_files", _no_parsing_here, raising=False)
    data = hostile()["hostile/rels_unterminated.xlsx"].build()

    check = upload.check_upload(sqlite_engine, [("kvartal.xlsx", data)], ADMIN, "anna")

    assert [i.message for i in check.parsed.issues] == [
        "Filen kunde inte läsas som en Excel-fil (.xlsx). Öppna den i Excel, spara den som "
        "Excel-arbetsbok (.xlsx) och försök igen."]
    assert check.report is None and check.report_xlsx  # the marked report, made there too


def test_check_upload_out_of_time_says_so_in_swedish(sqlite_engine, monkeypatch):
    monkeypatch.setattr(limits, "PARSE_TIMEOUT_S", 0.05)
    files = [("Deltagare.csv", "Förbund;Insats\n".encode()), ("Budget.csv", b"x\n")]

    check = upload.check_upload(sqlite_engine, files, ADMIN, "anna")

    assert [(i.file, i.message) for i in check.parsed.issues] == [
        ("Deltagare.csv, Budget.csv", "Kontrollen av filerna tog mer än 0.05 sekunder och "
         "avbröts. Ingenting har sparats. Dela upp uppgifterna i flera filer, t.ex. en per "
         "blad eller per år.")]
    assert check.parsed.has_errors and check.report is None
    assert check.parsed.sha256 == loaders.parse.upload_sha256(files)


def test_check_upload_whose_worker_dies_says_so_in_swedish(sqlite_engine, monkeypatch):
    def dies(*_args, **_kwargs):
        raise worker.WorkerFailed("killed")

    monkeypatch.setattr(worker, "run_isolated", dies)

    check = upload.check_upload(sqlite_engine, [("Deltagare.csv", b"x\n")], ADMIN, "anna")

    assert [i.message for i in check.parsed.issues] == [
        "Kontrollen av filerna avbröts oväntat, troligen för att de kräver för mycket minne. "
        "Ingenting har sparats. Dela upp uppgifterna i flera filer, t.ex. en per blad eller "
        "per år."]
    assert check.parsed.has_errors
