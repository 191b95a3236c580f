"""Whether a report can be made for a selection, and whether its data is demo data.

The command line (`finsam report`) and the Rapport page ask the same questions before they
build a report: does the förbund exist (in the frames the asker may see), are the insatser
the förbund's, does a slutrapport name exactly one insats, and is there anything to report
at all. The answers are Swedish sentences, shown as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from loaders.installation import demo_forbund
from metrics.periods import parse_period
from metrics.selection import PARTICIPANT_FILTERS, Selection, filter_episodes
from reports.model import Kind

Frames = Mapping[str, pl.DataFrame]
#: Tables whose rows belong to a förbund (and an insats) and a period given as text.
_PERIOD_TABLES = {"volumes": "period", "socioeconomic": "period",
                  "indicators": "measurement_period"}


def _names(frames: Frames, table: str, column: str, forbund: str | None = None) -> set[str]:
    frame = frames.get(table)
    if frame is None or column not in frame.columns:
        return set()
    if forbund is not None:
        frame = frame.filter(pl.col("forbund").cast(pl.String) == forbund)
    return {n for n in frame[column].cast(pl.String).unique().to_list() if n}


def known_forbund(frames: Frames) -> set[str]:
    """Förbund with insatser or participants in `frames` (as `finsam kpi` checks)."""
    return _names(frames, "insatser", "forbund") | _names(frames, "episodes", "forbund")


def known_insatser(frames: Frames, forbund: str) -> list[str]:
    """The förbund's insatser (the `Insatser` sheet and the participants' insatser), sorted."""
    return sorted(_names(frames, "insatser", "insats", forbund)
                  | _names(frames, "episodes", "insats", forbund))


def _of_selection(frame: pl.DataFrame, sel: Selection) -> pl.DataFrame:
    keep = pl.col("forbund").cast(pl.String).is_in(list(sel.forbund))
    if sel.insatser and "insats" in frame.columns:
        keep = keep & pl.col("insats").cast(pl.String).is_in(list(sel.insatser))
    return frame.filter(keep)


def _overlaps(texts: Sequence[str | None], sel: Selection) -> bool:
    for text in texts:
        found = parse_period(text)
        if found is not None and found[0] <= sel.date_to and found[1] >= sel.date_from:
            return True
    return False


def is_empty(frames: Frames, sel: Selection) -> bool:
    """Nothing to report for `sel`.

    No participant of the selection in the period, and — unless participant filters or a
    grupp narrow it to participants — no budget, volumes, evaluation or NNS measurement of
    the förbund (and insatser) in the period either.
    """
    episodes = frames.get("episodes")
    if episodes is not None and not filter_episodes(episodes, sel).is_empty():
        return False
    if sel.grupp or any(getattr(sel, f) for f in PARTICIPANT_FILTERS):
        return True
    years = list(range(sel.date_from.year, sel.date_to.year + 1))
    budget = frames.get("budget_lines")
    if budget is not None and not _of_selection(budget, sel).filter(
            pl.col("year").is_in(years)).is_empty():
        return False
    for name, column in _PERIOD_TABLES.items():
        frame = frames.get(name)
        if frame is None or frame.is_empty():
            continue
        texts = _of_selection(frame, sel)[column].cast(pl.String).unique().to_list()
        if _overlaps(texts, sel):
            return False
    return True


def selection_problem(frames: Frames, sel: Selection, kind: Kind) -> str | None:
    """Why no report of `kind` can be made for `sel` (Swedish), or None when one can.

    `frames` are the frames the asker may see: for a styrgrupp member an insats outside
    their own is as unknown as one that does not exist.
    """
    if len(sel.forbund) != 1:
        return "En rapport gäller ett förbund: välj exakt ett."
    forbund = sel.forbund[0]
    if forbund not in known_forbund(frames):
        return f"Förbundet '{forbund}' finns inte i databasen."
    known = known_insatser(frames, forbund)
    unknown = [i for i in sel.insatser if i not in known]
    if unknown:
        which = ", ".join(f"'{i}'" for i in unknown)
        return (f"{'Insatsen' if len(unknown) == 1 else 'Insatserna'} {which} finns inte i "
                f"{forbund}. Förbundets insatser: {', '.join(known) or 'inga'}.")
    if kind == "slutrapport" and len(sel.insatser) != 1:
        return "En slutrapport gäller en insats: ange exakt en insats."
    if is_empty(frames, sel):
        whom = ", ".join(sel.insatser) if sel.insatser else forbund
        return (f"Urvalet är tomt: {whom} har inga uppgifter för perioden "
                f"{sel.date_from.isoformat()} – {sel.date_to.isoformat()}"
                + (" med de valda deltagarfiltren." if sel.grupp or any(
                    getattr(sel, f) for f in PARTICIPANT_FILTERS) else ".")
                + " Välj en annan period eller andra filter.")
    return None


def demo_data(forbund: str, demo_mode: bool = False) -> bool:
    """Whether a report on `forbund` is made from demo data (its cover then says "Demo").

    True in the app's demo mode, and for every förbund `finsam demo` creates: those names
    are recognised as demo data everywhere (`loaders.installation`), also when the
    command line runs without FINSAM_DEMO.
    """
    return demo_mode or forbund in demo_forbund()
