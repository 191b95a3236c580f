"""Hostile files (tests/data/bad/hostile): refused quickly, in bounded memory, in Swedish.

Each file is parsed as the web page and `finsam import` parse an upload (`parse_files`), in
a fresh Python process, so that its peak memory is its own: VmHWM of that process, imports
included (ru_maxrss would carry over the forking pytest process's peak). Messages are in
expected.csv, bounds (≤ 5 s, ≤ 1 GB) in hostile.csv, both
written by make_corpus.py; files too big to commit (zip bombs) are built here from its
builders. Before the limits of `loaders.limits` these took 9–95 s, crashed the process with
an allocation failure, or passed 1 GB.
"""

from __future__ import annotations

import csv
import json
import resource
import subprocess
import sys
from pathlib import Path, PurePath

import pytest

from tests.data.bad.make_corpus import hostile
from tests.loaders.test_bad_files import CORPUS, expected_issues

ROOT = Path(__file__).resolve().parents[2]
#: A safety net for the machine running the tests, not the bound under test: without the
#: limits a single file asked for 17 billion cells.
ADDRESS_SPACE = 6 * 1024**3

CHILD = r"""
import json, resource, sys, time
from pathlib import Path

from loaders.parse import parse_files

path = Path(sys.argv[1])
files = [(path.name, path.read_bytes())]
start = time.perf_counter()
parsed = parse_files(files)
seconds = time.perf_counter() - start
# VmHWM is this interpreter's own peak. ru_maxrss is not: the child is forked (preexec_fn)
# and Linux carries the pre-exec high-water mark over, i.e. the whole pytest process's RSS.
status = Path("/proc/self/status")
if status.exists():
    peak_kb = next(int(line.split()[1]) for line in status.read_text().splitlines()
                   if line.startswith("VmHWM:"))
else:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (
        1024 if sys.platform == "darwin" else 1)
print(json.dumps({
    "seconds": seconds,
    "peak_mb": peak_kb / 1024,
    "errors": [[i.file, i.sheet, i.row, i.column, i.message] for i in parsed.issues
               if i.severity == "error"]}))
"""


def _bounds() -> dict[str, dict[str, str]]:
    with (CORPUS / "hostile.csv").open(encoding="utf-8", newline="") as f:
        return {r["file"]: r for r in csv.DictReader(f, delimiter=";")}


BOUNDS = _bounds()


def _limit_address_space():
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def parse_in_fresh_process(path: Path) -> dict:
    """`parse_files` on one file in a new interpreter: errors, seconds, peak memory in MB."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=ROOT, timeout=120,
                          capture_output=True, text=True, preexec_fn=_limit_address_space)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_every_hostile_case_is_listed_with_its_bounds():
    assert set(BOUNDS) == set(hostile())
    assert all(float(b["seconds"]) <= 5 and int(b["megabytes"]) <= 1024
               for b in BOUNDS.values())


@pytest.mark.parametrize("file", sorted(BOUNDS))
def test_hostile_file_is_refused_fast_in_bounded_memory(file, tmp_path):
    bounds = BOUNDS[file]
    if bounds["generated"] == "1":
        path = tmp_path / PurePath(file).name
        path.write_bytes(hostile()[file].build())
    else:
        path = CORPUS / file

    result = parse_in_fresh_process(path)

    assert {tuple(e) for e in result["errors"]} == expected_issues(file)
    assert result["seconds"] <= float(bounds["seconds"]), result["seconds"]
    assert result["peak_mb"] <= int(bounds["megabytes"]), result["peak_mb"]


def test_committed_hostile_files_are_small():
    # What makes them hostile is how they unpack, not their size.
    committed = [f for f, b in BOUNDS.items() if b["generated"] == "0"]
    assert committed and all((CORPUS / f).stat().st_size < 100_000 for f in committed)


def test_generated_hostile_files_are_built_the_same_every_time():
    # Their messages name sizes and ratios, so the bytes must not drift between runs.
    build = hostile()["hostile/bomb_rows.xlsx"].build
    assert build() == build()
