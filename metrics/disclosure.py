"""Disclosure control (KPI.md "Disclosure control"), applied in this one place.

Design: values stay numeric. A hidden value becomes None (a null cell) and gets a status
saying why, so pages format and label it (`label(status)`: "<5", "för få", ".."):

- `small`: a count of 1 to threshold−1 (shown as "<5");
- `too_few`: a share, mean or median over fewer than threshold episodes ("för få");
- `secondary`: hidden so another hidden cell cannot be recovered by subtraction ("..");
- `missing`: no value at all (nothing to hide).

`suppress_kpis` returns a `KpiResult` with `suppressed` (hidden keys) and `disclosure`
(key -> status); `suppress_table` returns the frame with hidden cells null plus a
`<column>_status` column per checked column. Threshold 0 turns it off (command line only).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from enum import StrEnum

import polars as pl

from metrics.registry import BY_KEY, EPISODE_FAMILIES, KPIS, Unit
from metrics.result import KpiResult

DEFAULT_THRESHOLD = 5
#: Capacity KPIs computed from episodes: hidden with them when too few episodes remain.
EPISODE_CAPACITY = ("participant_days", "fye_used", "occupancy")
#: Counts that add up (total, part, part): one hidden part must not be recoverable.
IDENTITIES: tuple[tuple[str, str, str], ...] = (("ended", "completed", "dropped_out"),)


class Shown(StrEnum):
    """Whether a value may be shown, and if not, why."""

    SHOWN = "shown"
    MISSING = "missing"
    SMALL = "small"
    TOO_FEW = "too_few"
    SECONDARY = "secondary"


HIDDEN = frozenset({Shown.SMALL, Shown.TOO_FEW, Shown.SECONDARY})


def label(status: Shown | str, threshold: int = DEFAULT_THRESHOLD) -> str | None:
    """What a page prints instead of a hidden value (None: print the value)."""
    return {Shown.SMALL: f"<{threshold}", Shown.TOO_FEW: "för få",
            Shown.SECONDARY: ".."}.get(Shown(status))


def too_few(base_n: int | None, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True when a selection rests on fewer than `threshold` episodes: show a notice.

    None (no episode data at all) is not "too few": the page says there is no data.
    """
    return threshold > 0 and base_n is not None and base_n < threshold


def suppress_value(key: str, value: float | None, base_n: int | None,
                   threshold: int = DEFAULT_THRESHOLD) -> tuple[float | None, Shown]:
    """`(value or None, status)` for one KPI value.

    Counts (registry unit count) of 1..threshold−1 are `small`; other values resting on
    1..threshold−1 episodes (`base_n`) are `too_few`; zero is always shown.

    >>> suppress_value("started", 3, 3)
    (None, <Shown.SMALL: 'small'>)
    >>> suppress_value("share_work", 0.5, 4)
    (None, <Shown.TOO_FEW: 'too_few'>)
    """
    if value is None:
        return None, Shown.MISSING
    if threshold <= 0:
        return value, Shown.SHOWN
    kpi = BY_KEY.get(key)
    if kpi is not None and kpi.unit is Unit.COUNT:
        return (None, Shown.SMALL) if 0 < value < threshold else (value, Shown.SHOWN)
    if base_n is not None and 0 < base_n < threshold:
        return None, Shown.TOO_FEW
    return value, Shown.SHOWN


def _close_identities(status: dict[str, Shown], values: Mapping[str, object],
                      identities: Sequence[tuple[str, str, str]]) -> None:
    for total, a, b in identities:
        trio = [c for c in (total, a, b) if c in status]
        if len(trio) < 3 or sum(status[c] in HIDDEN for c in trio) != 1:
            continue
        hidden = next(c for c in trio if status[c] in HIDDEN)
        others = [c for c in (a, b) if c != hidden]
        victim = min(others, key=lambda c: values[c] if values[c] is not None else 0)
        status[victim] = Shown.SECONDARY


def suppress_kpis(result: KpiResult, threshold: int = DEFAULT_THRESHOLD) -> KpiResult:
    """The result with every value that may not be shown set to None.

    When the selection has fewer than `threshold` episodes, every episode-based KPI is
    hidden (the page shows a notice). Per-actor values resting on too few participants are
    hidden as a whole; volume counts per Mått individually (`volume[Mått]`). Targets stay;
    the status against a hidden value is dropped; small base counts are removed too.
    """
    if threshold <= 0:
        return result
    values = dict(result.values)
    status: dict[str, Shown] = {}
    notice = too_few(result.episodes_n, threshold)
    for kpi in KPIS:
        key, value = kpi.key, values.get(kpi.key)
        if value is None:
            continue
        if notice and (kpi.family in EPISODE_FAMILIES or key in EPISODE_CAPACITY):
            status[key] = Shown.TOO_FEW
        elif isinstance(value, dict):
            base = result.base_n.get(key)
            if kpi.unit is Unit.COUNT:
                kept = {}
                for name, n in value.items():
                    kept[name], st = suppress_value(key, n, None, threshold)
                    if st in HIDDEN:
                        status[f"{key}[{name}]"] = st
                values[key] = kept
            elif base is not None and 0 < base < threshold:
                status[key] = Shown.TOO_FEW
        else:
            status[key] = suppress_value(key, value, result.base_n.get(key), threshold)[1]
    _close_identities(status, values, IDENTITIES)
    hidden = {k: s for k, s in status.items() if s in HIDDEN}
    for key in hidden:
        if key in values:
            values[key] = None
    base_n = {k: (None if n is not None and 0 < n < threshold else n)
              for k, n in result.base_n.items()}
    meta = dict(result.meta, too_few=notice)  # the episode count itself may be hidden
    if 0 < (meta.get("socioeconomic_excluded") or 0) < threshold:
        meta["socioeconomic_excluded"] = None
    return dataclasses.replace(
        result, values=values, base_n=base_n, meta=meta, suppressed=tuple(hidden),
        disclosure={k: str(s) for k, s in hidden.items()},
        target_status={k: s for k, s in result.target_status.items()
                       if k not in hidden and k.split("[")[0] not in hidden})


def _secondary(values: list, status: list[Shown]) -> bool:
    """Hide the next smallest shown cell when exactly one cell of a column is hidden."""
    if sum(s in HIDDEN for s in status) != 1:
        return False
    shown = [i for i, s in enumerate(status) if s is Shown.SHOWN and values[i] is not None]
    if not shown:
        return False
    victim = min(shown, key=lambda i: (values[i] == 0, values[i]))
    status[victim] = Shown.SECONDARY
    return True


def suppress_table(df: pl.DataFrame, count_cols: Sequence[str], share_cols: Sequence[str],
                   base_col: str | Mapping[str, str] | None,
                   threshold: int = DEFAULT_THRESHOLD, *, total_shown: bool = True,
                   share_of: Mapping[str, str] | None = None,
                   identities: Sequence[tuple[str, str, str]] = IDENTITIES) -> pl.DataFrame:
    """A breakdown or trend table made safe to show, with a `<col>_status` per column.

    - counts 1..threshold−1 -> `small`;
    - `share_cols` (shares, means, medians) whose base (`base_col`, one column or a mapping
      share -> base column) is 1..threshold−1 -> `too_few`;
    - with `total_shown` (a breakdown whose total is on the page), a count column with
      exactly one hidden cell also hides its next smallest cell (`secondary`); count
      identities (ended = completed + dropped_out) get the same protection per row;
    - `share_of` ties a share to the count it is derived from (count / total): the share
      is hidden whenever that count is.
    Threshold 0 returns the table unchanged (statuses `shown`/`missing`).
    """
    cols = {c: df[c].to_list() for c in [*count_cols, *share_cols]}
    status = {c: [Shown.MISSING if v is None else Shown.SHOWN for v in vals]
              for c, vals in cols.items()}
    if threshold > 0:
        for c in count_cols:
            status[c] = [Shown.SMALL if v is not None and 0 < v < threshold else s
                         for v, s in zip(cols[c], status[c], strict=True)]
        changed = total_shown and df.height >= 2
        while changed:
            changed = any([_secondary(cols[c], status[c]) for c in count_cols])
            for row in range(df.height):
                before = {c: status[c][row] for c in count_cols}
                _close_identities(before, {c: cols[c][row] for c in count_cols}, identities)
                for c, s in before.items():
                    if s is not status[c][row]:
                        status[c][row], changed = s, True
        for c in share_cols:
            base = base_col if isinstance(base_col, str) or base_col is None else base_col.get(c)
            bases = df[base].to_list() if base else [None] * df.height
            linked = (share_of or {}).get(c)
            for i, s in enumerate(status[c]):
                if s is Shown.MISSING:
                    continue
                if bases[i] is not None and 0 < bases[i] < threshold:
                    status[c][i] = Shown.TOO_FEW
                elif linked and status[linked][i] in HIDDEN:
                    status[c][i] = (Shown.TOO_FEW if status[linked][i] is Shown.SMALL
                                    else Shown.SECONDARY)
    return df.with_columns(
        *(pl.Series(c, [None if s in HIDDEN else v for v, s in zip(cols[c], status[c],
                                                                    strict=True)],
                    dtype=df.schema[c]) for c in cols),
        *(pl.Series(f"{c}_status", [str(s) for s in status[c]], dtype=pl.String)
          for c in cols))
