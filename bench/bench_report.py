"""Benchmark: one `insats` board report (PDF, with charts) on the small demo.

What the Rapport page does on "Skapa rapport" and `finsam report` after reading the frames:
`build_report` over the förbund's frames, then `render_pdf` with the charts drawn by
Chromium (kaleido). Targets (issue 10) on the 2-core machine: ≤ 5 s with the renderer
already started (the app's shared renderer after its first report), ≤ 15 s including the
first Chromium start (the command line, or the app's first report).

Cases: `cold_s` — a new renderer, so the browser starts inside the timing; `warm_s` — the
same renderer again (median of `WARM_RUNS`), split into `build_s` (content) and
`render_s` (charts + Typst); `docx_warm_s` — the Word file with the warm renderer.
Run alone with `PYTHONPATH=. .venv/bin/python bench/bench_report.py`.
Without Chromium the charts are left out and the numbers say nothing about them: the
result then carries `"charts": "missing"`.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from dashboard import cli
from loaders.frames import load_frames
from loaders.history import list_uploads
from loaders.schema import make_engine
from metrics.periods import year_period
from metrics.selection import Selection
from reports.charts import ChartRenderer, find_browser
from reports.content import build_report
from reports.docx import render_docx
from reports.pdf import render_pdf

WARM_RUNS = 3
FORBUND, INSATS, YEAR = "Demoförbundet Norrdal", "Samordningsteamet", 2025
TARGETS = {"warm_s": 5.0, "cold_s": 15.0}


def _frames(folder: Path):
    """The förbund's frames and uploads of a fresh small demo, made as `finsam demo` does."""
    url = f"sqlite:///{folder / 'demo.db'}"
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(["--db", url, "demo", "--size", "small"]) == 0
    engine = make_engine(url)
    frames = load_frames(engine)
    frames = {name: f.filter(f["forbund"] == FORBUND) if "forbund" in f.columns else f
              for name, f in frames.items()}
    uploads = list_uploads(engine, forbund={FORBUND})
    engine.dispose()
    return frames, uploads


def _once(frames, uploads, charts: ChartRenderer) -> tuple[float, float]:
    sel = Selection(forbund=(FORBUND,), date_from=year_period(YEAR)[0],
                    date_to=year_period(YEAR)[1], insatser=(INSATS,))
    t0 = time.perf_counter()
    report = build_report(frames, sel, "insats", uploads=uploads, demo=True, made=date.today())
    t1 = time.perf_counter()
    pdf = render_pdf(report, charts)
    t2 = time.perf_counter()
    assert pdf.startswith(b"%PDF")
    return t1 - t0, t2 - t1


def run() -> dict[str, dict]:
    """{"report": {"insats_small": {measure: seconds}}} (medians for the warm runs), and
    `"charts": "missing"` beside it when there is no Chromium."""
    with tempfile.TemporaryDirectory() as tmp:
        frames, uploads = _frames(Path(tmp))
    charts_found = find_browser() is not None
    with ChartRenderer() as charts:
        build, render = _once(frames, uploads, charts)
        out: dict[str, float] = {"cold_s": build + render}
        warm = [_once(frames, uploads, charts) for _ in range(WARM_RUNS)]
        out["warm_s"] = statistics.median(b + r for b, r in warm)
        out["build_s"] = statistics.median(b for b, _ in warm)
        out["render_s"] = statistics.median(r for _, r in warm)
        sel = Selection(forbund=(FORBUND,), date_from=year_period(YEAR)[0],
                        date_to=year_period(YEAR)[1], insatser=(INSATS,))
        report = build_report(frames, sel, "insats", uploads=uploads, demo=True,
                              made=date.today())
        t0 = time.perf_counter()
        render_docx(report, charts)
        out["docx_warm_s"] = time.perf_counter() - t0
    return {"report": {"insats_small": out, **({} if charts_found else {"charts": "missing"})}}


def main() -> None:
    """Run once and print the measures against the targets."""
    result = run()["report"]
    if "charts" in result:
        print("Chromium saknas: diagrammen ritas inte, siffrorna gäller bara tabellerna.")
    for key, value in result["insats_small"].items():
        target = TARGETS.get(key)
        verdict = "" if target is None else (f"  (mål ≤ {target:g} s: "
                                             f"{'ok' if value <= target else 'ÖVER'})")
        print(f"{key}: {value:.2f} s{verdict}")


if __name__ == "__main__":
    main()
