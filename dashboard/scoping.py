"""Which rows a viewer sees (pure polars, no Streamlit): the one place scoping happens.

`dashboard/data.py` caches what these functions return; a page only ever receives rows of
the förbund (and, for styrgrupp, the insatser) its viewer may see.
"""

from __future__ import annotations

import io

import polars as pl

from dashboard.auth import Viewer

Frames = dict[str, pl.DataFrame]


def scope(frames: Frames, viewer: Viewer) -> Frames:
    """Only the rows `viewer` may see; tables without förbund are shared reference data."""
    return scope_rows(frames, scope_key(viewer))


#: (role kind, förbund, insatser): what `scope` depends on.
ScopeKey = tuple[str, tuple[str, ...], tuple[str, ...]]
ALL_ROWS: ScopeKey = ("admin", (), ())


def scope_key(viewer: Viewer) -> ScopeKey:
    """What the viewer's rows depend on: viewers with the same key see the same rows."""
    if viewer.role == "admin":
        return ALL_ROWS
    if viewer.role == "styrgrupp":
        return "styrgrupp", tuple(viewer.forbund), tuple(viewer.insatser)
    return "forbund", tuple(viewer.forbund), ()


def scope_rows(frames: Frames, key: ScopeKey) -> Frames:
    """The rows of scope `key`; tables without förbund are shared reference data."""
    kind, forbund, insatser = key
    if kind == "admin":
        return frames
    out = {}
    for name, frame in frames.items():
        if "forbund" not in frame.columns:
            out[name] = frame
            continue
        # Categorical columns are compared as they are: a cast to text would copy every row.
        keep = pl.col("forbund").is_in(list(forbund))
        if kind == "styrgrupp" and "insats" in frame.columns:
            keep = keep & pl.col("insats").is_in(list(insatser))
        out[name] = owned(frame.filter(keep))
    return out


def owned(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` copied so that it shares no memory with the frames it was filtered from.

    A filtered text column still points into the whole column's buffers (polars' string
    views), so a cached or session-held slice would keep an old data version's frames (and
    their memory-mapped files) resident long after the version is gone. Writing the slice
    anew (an IPC round trip in memory: milliseconds for one förbund) cuts that tie.
    """
    if pl.String not in frame.schema.dtypes():
        return frame
    buffer = io.BytesIO()
    frame.write_ipc(buffer, compression="uncompressed")
    buffer.seek(0)
    return pl.read_ipc(buffer)


def only_forbund(frames: Frames, forbund: str) -> Frames:
    """The rows of one förbund; tables without förbund are shared reference data."""
    return {name: owned(frame.filter(pl.col("forbund") == forbund))
            if "forbund" in frame.columns else frame for name, frame in frames.items()}
