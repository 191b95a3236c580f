"""Disclosure control (KPI.md "Disclosure control"), applied in this one place.

Design: values stay numeric. A hidden value becomes None (a null cell) and gets a status
saying why, so pages format and label it (`label(status, threshold, bound)`):

- `small`: a count of 1 to threshold−1 (shown as "<5");
- `too_few`: a share, mean or median over fewer than threshold episodes ("för få");
- `upper_bound`: a share whose count is 1 to threshold−1 over a shown base of at least
  threshold: printed as an upper bound ("< 24 %"), never exactly, since share × base
  would give the count back; the bound (a fraction) is in `KpiResult.upper_bounds` and
  in a table's `<column>_upper_bound`;
- `secondary`: hidden so that another hidden count cannot be recovered ("..");
- `missing`: no value at all (nothing to hide).

**No recovery from what is shown together.** Every count of people a view shows is a
*cell*: the count KPIs and the count inside each share (share × base, `SHARES`).
`IDENTITIES` says how the cells of one row (a KPI set, a table row) add up; a table adds
how its rows add up (a breakdown's groups to the KPI set's counts, a year's quarters to
the year). After the primary rules, `_View.protect` solves those identities exactly over
the cells that are shown (`metrics.linear`); while a hidden count of 1..threshold−1
follows from them, it hides one more shown cell — the smallest whose hiding stops the
recovery, a zero last — and solves again. A share, mean or median whose base count is
hidden is hidden too (except a share of 0): its exact value would give the base back.

`suppress_kpis` returns a `KpiResult` with `suppressed` (hidden keys), `disclosure`
(key -> status) and `upper_bounds`; `suppress_table`/`protect_table` return the frame
with hidden cells null plus a `<column>_status` column per checked column and a
`<share>_upper_bound` column per share. Threshold 0 turns it off (command line only).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import polars as pl

from metrics.linear import determined
from metrics.registry import BY_KEY, EPISODE_FAMILIES, KPIS, Unit
from metrics.result import KpiResult

DEFAULT_THRESHOLD = 5
#: Capacity KPIs computed from episodes: hidden with them when too few episodes remain.
EPISODE_CAPACITY = ("participant_days", "fye_used", "occupancy")


class Shown(StrEnum):
    """Whether a value may be shown, and if not, why."""

    SHOWN = "shown"
    MISSING = "missing"
    SMALL = "small"
    TOO_FEW = "too_few"
    SECONDARY = "secondary"
    UPPER_BOUND = "upper_bound"


HIDDEN = frozenset({Shown.SMALL, Shown.TOO_FEW, Shown.SECONDARY, Shown.UPPER_BOUND})

#: Why a value is not shown as it is, for a help text (`{t}` = the threshold).
EXPLANATIONS = {
    Shown.SMALL: "Färre än {t} personer – antalet visas inte för att ingen ska kunna "
                 "kännas igen.",
    Shown.TOO_FEW: "Färre än {t} personer i underlaget – värdet visas inte.",
    Shown.UPPER_BOUND: "Färre än {t} personer – visas som en övre gräns för att ingen ska "
                       "kunna räknas fram.",
    Shown.SECONDARY: "Döljs för att ett annat dolt värde inte ska kunna räknas fram ur de "
                     "siffror som visas.",
}


def label(status: Shown | str, threshold: int = DEFAULT_THRESHOLD,
          bound: float | None = None) -> str | None:
    """What a page prints instead of a hidden value (None: print the value).

    >>> label("small"), label("upper_bound", 5, 0.24)
    ('<5', '< 24 %')
    """
    status = Shown(status)
    if status is Shown.UPPER_BOUND:
        return "för få" if bound is None else f"< {round(bound * 100)} %"
    return {Shown.SMALL: f"<{threshold}", Shown.TOO_FEW: "för få",
            Shown.SECONDARY: ".."}.get(status)


def explanation(status: Shown | str, threshold: int = DEFAULT_THRESHOLD) -> str | None:
    """Why a value is hidden, in Swedish (None for a value that is shown)."""
    text = EXPLANATIONS.get(Shown(status))
    return text.format(t=threshold) if text else None


def upper_bound(base: int, threshold: int = DEFAULT_THRESHOLD) -> float:
    """The threshold over the base, rounded up to a whole percent, as a fraction.

    >>> upper_bound(21), upper_bound(5), upper_bound(500)
    (0.24, 1.0, 0.01)
    """
    return -(-100 * threshold // base) / 100


def too_few(base_n: int | None, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True when a selection rests on fewer than `threshold` episodes: show a notice.

    None (no episode data at all) is not "too few": the page says there is no data.
    """
    return threshold > 0 and base_n is not None and base_n < threshold


def suppress_value(key: str, value: float | None, base_n: int | None,
                   threshold: int = DEFAULT_THRESHOLD) -> tuple[float | None, Shown]:
    """`(value or None, status)` for one KPI value on its own (the primary rules).

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


# What is shown together: cells, the shares over them and the identities between them ------

#: Completed episodes in no outcome group (none when every ended episode has an exit reason).
NO_OUTCOME = "n(no_outcome)"
_NUMERATORS = {"share_dropout": "dropped_out",
               **{f"share_{g}_incl_dropouts": f"n(share_{g})"
                  for g in ("work", "studies", "rehab")}}


def numerator(share: str) -> str:
    """The cell holding a share's count; shares of the same people name the same cell.

    >>> numerator("share_work_incl_dropouts"), numerator("share_dropout")
    ('n(share_work)', 'dropped_out')
    """
    return _NUMERATORS.get(share, f"n({share})")


#: share -> (the cell of its count, the count KPI it is a share of), for every share of
#: people: share × base prints the count.
SHARES: dict[str, tuple[str, str]] = {
    **{k.key: (numerator(k.key), k.denominator) for k in KPIS
       if k.unit is Unit.SHARE and k.denominator and BY_KEY[k.denominator].unit is Unit.COUNT},
    "nns_neutral": (numerator("nns_neutral"), "nns_n"),  # the NNS table's "varken eller"
}

#: total = Σ parts, for the cells of every row that shows them (KPI.md "Disclosure control").
IDENTITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # every episode of the period ended in it or is still active at its end
    ("participants_in_period", ("ended", "active_at_end")),
    ("ended", ("completed", "dropped_out")),
    # each completed episode is in one outcome group (NO_OUTCOME: without a valid reason)
    ("completed", ("n(share_work)", "n(share_studies)", "n(share_rehab)", "n(share_other)",
                   NO_OUTCOME)),
    ("n(share_work_or_studies)", ("n(share_work)", "n(share_studies)")),
    ("n(share_towards_work)", ("n(share_work_or_studies)", "n(share_rehab)")),
    ("nns_n", ("n(nns_positive)", "n(nns_neutral)", "n(nns_negative)")),
)
#: Cells that do not add up over periods (a stock, or an episode counted in several).
NOT_ADDITIVE = frozenset({"participants_in_period", "active_at_end", "nns_n",
                          "n(nns_positive)", "n(nns_neutral)", "n(nns_negative)",
                          "n(nns_clearly_positive)"})
#: The KPIs the identities tie together. A breakdown or trend computes all of them, so each
#: row is protected exactly as the KPI set of that group or period would be.
LINKED = ("participants_in_period", "ended", "active_at_end", "completed", "dropped_out",
          "share_work", "share_studies", "share_rehab", "share_other", "share_work_or_studies",
          "share_towards_work", "share_work_incl_dropouts", "share_studies_incl_dropouts",
          "share_rehab_incl_dropouts", "share_dropout")
#: Row index of the cells a table adds up to (the KPI set it breaks down).
TOTAL = -1

Cell = tuple[int, str]  # (row, cell name)
Equation = tuple[Cell, tuple[Cell, ...]]  # total = Σ parts


def row_identities(row: int, identities=IDENTITIES) -> list[Equation]:
    """`identities` for the cells of one row."""
    return [((row, total), tuple((row, p) for p in parts)) for total, parts in identities]


def sums(total: str, rows: Iterable[int], cell: str | None = None) -> Equation:
    """Cell `cell` (default `total`) of `rows` adds up to the total's `total`."""
    return (TOTAL, total), tuple((r, cell or total) for r in rows)


def _count(value) -> int | None:
    return None if value is None else int(round(value))


def _derived(cells: dict[Cell, int | None], row: int) -> None:
    """Cells that follow from others in every row: NO_OUTCOME and NNS "varken eller"."""
    done = [cells.get((row, c)) for c in ("completed", "n(share_work)", "n(share_studies)",
                                          "n(share_rehab)", "n(share_other)")]
    if None not in done:
        cells.setdefault((row, NO_OUTCOME), max(done[0] - sum(done[1:]), 0))
    nns = [cells.get((row, c)) for c in ("nns_n", "n(nns_positive)", "n(nns_negative)")]
    if None not in nns:
        cells.setdefault((row, "n(nns_neutral)"), max(nns[0] - nns[1] - nns[2], 0))


@dataclass
class _Item:
    """One value a view shows.

    A count (`cell`), a share (`cell` = its count, and `base`), or another value resting on
    a count (`base` only: a mean, a median, a rate).
    """

    row: int
    key: str
    value: object
    cell: str | None = None
    base: Cell | None = None
    base_n: int | None = None
    status: Shown = Shown.SHOWN
    bound: float | None = None

    @property
    def share(self) -> bool:
        return self.cell is not None and self.base is not None

    def primary(self, cells: Mapping[Cell, int | None], threshold: int) -> None:
        """The rules for this value alone: small count, too few, upper bound."""
        if self.value is None:
            self.status = Shown.MISSING
        elif self.cell is not None and self.base is None:
            self.status = Shown.SMALL if 0 < self.value < threshold else Shown.SHOWN
        elif self.base_n is not None and 0 < self.base_n < threshold:
            self.status = Shown.TOO_FEW
        elif self.share and 0 < (cells.get((self.row, self.cell)) or 0) < threshold:
            self.status = Shown.UPPER_BOUND
            self.bound = upper_bound(self.base_n, threshold) if self.base_n else None
        else:
            self.status = Shown.SHOWN


@dataclass
class _View:
    """Values shown together, their cells and the identities between the cells.

    `fixed`: cells outside the view (a KPI set beside a table) that are known (`True`) or
    hidden (`False`) there; they are never changed here.
    """

    items: list[_Item]
    cells: dict[Cell, int | None]
    equations: list[Equation]
    threshold: int
    fixed: dict[Cell, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.order = {c: i for i, c in enumerate(self.cells)}
        self.publishers: dict[Cell, list[int]] = {}
        for i, it in enumerate(self.items):
            if it.cell is not None:
                self.publishers.setdefault((it.row, it.cell), []).append(i)
        self.rows = [[(total, 1), *((p, -1) for p in parts)] for total, parts in self.equations
                     if total in self.cells or any(p in self.cells for p in parts)]
        self.touching: dict[Cell, list[int]] = {}
        for n, eq in enumerate(self.rows):
            for c, _ in eq:
                self.touching.setdefault(c, []).append(n)
        # completed with no outcome group: everyone reads the identity as if none (the
        # contract requires an exit reason), so a zero there is as good as shown
        self.assumed = {c for c, v in self.cells.items() if c[1] == NO_OUTCOME and v == 0}

    def known(self, status: list[Shown]) -> set[Cell]:
        """The cells that can be read off the view; applies the hidden-base rule first."""
        known = {c for c, k in self.fixed.items() if k} | self.assumed
        known |= {(it.row, it.cell) for it, s in zip(self.items, status, strict=True)
                  if it.cell is not None and it.base is None and s is Shown.SHOWN}
        for i, it in enumerate(self.items):
            if (it.base is not None and status[i] in (Shown.SHOWN, Shown.UPPER_BOUND)
                    and (it.base in self.cells or it.base in self.fixed)
                    and it.base not in known and not (it.share and it.value == 0)):
                status[i] = Shown.SECONDARY
        known |= {(it.row, it.cell) for it, s in zip(self.items, status, strict=True)
                  if it.share and s is Shown.SHOWN}
        return known

    def determined(self, status: list[Shown]) -> tuple[set[Cell], set[Cell]]:
        """(hidden cells that follow from the shown ones, the shown cells).

        Only identities linked (through hidden cells) to a hidden count of
        1..threshold−1 are solved: nothing else can reveal one.
        """
        known = self.known(status)
        eqs = [[(c, a) for c, a in eq if c not in known] for eq in self.rows]
        parent: dict[Cell, Cell] = {}

        def root(c: Cell) -> Cell:
            while parent.setdefault(c, c) != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        for eq in eqs:
            for c, _ in eq:
                parent[root(c)] = root(eq[0][0])
        wanted = {root(c) for c in parent if self._sensitive(c)}
        return determined(eq for eq in eqs if eq and root(eq[0][0]) in wanted), known

    def _sensitive(self, cell: Cell) -> bool:
        value = self.cells.get(cell)
        return value is not None and 0 < value < self.threshold

    def _hide(self, cell: Cell, status: list[Shown]) -> None:
        for i in self.publishers.get(cell, ()):
            if status[i] is Shown.SHOWN:
                status[i] = Shown.SECONDARY

    def _candidates(self, leak: Cell, known: set[Cell], status: list[Shown]) -> list[Cell]:
        """Shown cells tied to `leak` through identities, the best ones to hide first.

        Smallest first, but a cell large enough to leave the hidden count its whole range
        (1..threshold−1) before smaller ones, and zeros last: a zero beside a small hidden
        count pins it down.
        """
        seen, todo, found = {leak}, [leak], set()
        while todo:
            for n in self.touching.get(todo.pop(), ()):
                for c, _ in self.rows[n]:
                    if c in known:
                        found.add(c)
                    elif c not in seen:
                        seen.add(c)
                        todo.append(c)
        hideable = [c for c in found if any(status[i] is Shown.SHOWN
                                            for i in self.publishers.get(c, ()))]
        margin = 2 * self.threshold - 1 - (self.cells[leak] or 0)
        return sorted(hideable, key=lambda c: (self.cells[c] == 0, self.cells[c] < margin,
                                               self.cells[c], self.order.get(c, 0)))

    def _stops(self, leak: Cell, cells: Sequence[Cell], status: list[Shown]) -> bool:
        trial = list(status)
        for c in cells:
            self._hide(c, trial)
        return leak not in self.determined(trial)[0]

    def _pair(self, leak: Cell, options: list[Cell], status: list[Shown]) -> tuple[Cell, ...]:
        """No one cell is enough: the best pair, else the best cell alone (another round).

        It looks one step ahead: hiding the first cell opens new identities.
        """
        best: tuple[tuple[int, int], tuple[Cell, ...]] | None = None
        for first in options[:3]:
            trial = list(status)
            self._hide(first, trial)
            _, known = self.determined(trial)
            for second in self._candidates(leak, known, trial)[:4]:
                if self._stops(leak, (second,), trial):
                    pair = (first, second)
                    cost = (sum(self.cells[c] == 0 for c in pair),
                            sum(self.cells[c] for c in pair))
                    if best is None or cost < best[0]:
                        best = (cost, pair)
                    break
        return best[1] if best else (options[0],)

    def protect(self) -> None:
        """Hide shown cells until no hidden count of 1..threshold−1 follows from the rest."""
        status = [it.status for it in self.items]
        for _ in range(len(self.items) + 1):  # every round hides at least one more value
            found, known = self.determined(status)
            leaks = sorted((c for c in found if self._sensitive(c)), key=self.order.get)
            if not leaks:
                break
            leak = leaks[0]
            options = self._candidates(leak, known, status)
            if not options:
                break
            single = next((c for c in options[:6] if self._stops(leak, (c,), status)), None)
            chosen = (single,) if single is not None else self._pair(leak, options, status)
            for c in chosen:
                self._hide(c, status)
        self.known(status)
        for it, s in zip(self.items, status, strict=True):
            it.status = s
            if s is not Shown.UPPER_BOUND:
                it.bound = None


# The KPI set -----------------------------------------------------------------------------


def _kpi_items(values: Mapping[str, object], base_n: Mapping[str, int | None],
               keys: Iterable[str], row: int = 0
               ) -> tuple[list[_Item], dict[Cell, int | None]]:
    """Items and cells of one KPI set (`values` by registry key) in `row`."""
    items, cells = [], {}
    for key in keys:
        value, kpi = values.get(key), BY_KEY[key]
        if kpi.unit is Unit.COUNT:
            items.append(_Item(row, key, value, cell=key))
            cells[(row, key)] = _count(value)
        elif key in SHARES and values.get(SHARES[key][1]) is not None:
            num, base = SHARES[key]
            n = _count(values[base])
            items.append(_Item(row, key, value, cell=num, base=(row, base), base_n=n))
            cells.setdefault((row, num), 0 if not n else _count(value * n) if value is not None
                             else None)
        else:
            rests_on = kpi.denominator if kpi.denominator in values else None
            items.append(_Item(row, key, value, base=(row, rests_on) if rests_on and BY_KEY[
                rests_on].unit is Unit.COUNT else None, base_n=base_n.get(key)))
    _derived(cells, row)
    return items, cells


def _linked_view(values: Mapping[str, object], threshold: int, keys: Sequence[str],
                 row: int = 0) -> _View:
    items, cells = _kpi_items(values, {}, keys, row)
    for it in items:
        it.primary(cells, threshold)
    if too_few(_count(values.get("participants_in_period")), threshold):
        for it in items:
            if it.key in LINKED and it.value is not None:
                it.status = Shown.TOO_FEW
    return _View(items, cells, row_identities(row), threshold)


def totals(values: Mapping[str, object], threshold: int = DEFAULT_THRESHOLD,
           keys: Sequence[str] = LINKED) -> dict[str, tuple[int | None, bool]]:
    """Cell -> (value, shown) for the KPI set `values` of a whole selection.

    Protected exactly as `suppress_kpis` protects those KPIs: what a table of the
    selection's parts adds up to.
    """
    view = _linked_view(values, threshold, [k for k in keys if k in values])
    view.protect()
    known = view.known([it.status for it in view.items])
    return {name: (v, (0, name) in known) for (_, name), v in view.cells.items()}


def suppress_kpis(result: KpiResult, threshold: int = DEFAULT_THRESHOLD) -> KpiResult:
    """The result with every value that may not be shown set to None.

    When the selection has fewer than `threshold` episodes, every episode-based KPI is
    hidden (the page shows a notice). Per-actor values resting on too few participants are
    hidden as a whole; volume counts per Mått individually (`volume[Mått]`). Then no hidden
    count may follow from the shown ones (`_View.protect`). Targets stay; the status
    against a hidden value is dropped; base counts that are small or hidden are removed.
    """
    if threshold <= 0:
        return result
    values = dict(result.values)
    status: dict[str, Shown] = {}
    notice = too_few(result.episodes_n, threshold)
    scalar = []
    for kpi in KPIS:
        key, value = kpi.key, values.get(kpi.key)
        if value is None:
            continue
        if isinstance(value, dict):
            base = result.base_n.get(key)
            if notice and kpi.family in EPISODE_FAMILIES:
                status[key] = Shown.TOO_FEW
            elif kpi.unit is Unit.COUNT:
                kept = {}
                for name, n in value.items():
                    kept[name], st = suppress_value(key, n, None, threshold)
                    if st in HIDDEN:
                        status[f"{key}[{name}]"] = st
                values[key] = kept
            elif base is not None and 0 < base < threshold:
                status[key] = Shown.TOO_FEW
        else:
            scalar.append(key)
    items, cells = _kpi_items(values, result.base_n, scalar)
    for it in items:
        it.primary(cells, threshold)
        kpi = BY_KEY[it.key]
        if notice and (kpi.family in EPISODE_FAMILIES or it.key in EPISODE_CAPACITY):
            it.status = Shown.TOO_FEW
    _View(items, cells, row_identities(0), threshold).protect()
    bounds = {}
    for it in items:
        if it.status in HIDDEN:
            status[it.key] = it.status
        if it.bound is not None:
            bounds[it.key] = it.bound
    order = {k.key: i for i, k in enumerate(KPIS)}
    hidden = dict(sorted(((k, s) for k, s in status.items() if s in HIDDEN),
                         key=lambda ks: order.get(ks[0].split("[")[0], 0)))
    for key in hidden:
        if key in values:
            values[key] = None
    base_n = {k: (None if n and (n < threshold or _rests_on(k) in hidden) else n)
              for k, n in result.base_n.items()}  # a zero gives nothing away
    meta = dict(result.meta, too_few=notice)  # the episode count itself may be hidden
    if 0 < (meta.get("socioeconomic_excluded") or 0) < threshold:
        meta["socioeconomic_excluded"] = None
    return dataclasses.replace(
        result, values=values, base_n=base_n, meta=meta, suppressed=tuple(hidden),
        disclosure={k: str(s) for k, s in hidden.items()}, upper_bounds=bounds,
        target_status={k: s for k, s in result.target_status.items()
                       if k not in hidden and k.split("[")[0] not in hidden})


def _rests_on(key: str) -> str | None:
    kpi = BY_KEY.get(key)
    if kpi is None:
        return None
    return key if kpi.unit is Unit.COUNT else kpi.denominator


# Tables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """The columns of a table disclosure control looks at.

    `counts`: count columns, a cell each. `shares`: share column -> (the cell of its count,
    its base: a count column of the same row, or a `(TOTAL, cell)` of the KPI set).
    `others`: column -> the count column it rests on (means, medians, rates), or None.
    """

    counts: Sequence[str] = ()
    shares: Mapping[str, tuple[str, str | Cell]] = field(default_factory=dict)
    others: Mapping[str, str | None] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return [*self.counts, *self.shares, *self.others]


def protect_table(df: pl.DataFrame, layout: Layout, threshold: int = DEFAULT_THRESHOLD, *,
                  base_n: Mapping[str, str] | None = None,
                  identities: Sequence[tuple[str, Sequence[str]]] = IDENTITIES,
                  equations: Sequence[Equation] = (),
                  total: Mapping[str, tuple[int | None, bool]] | None = None) -> pl.DataFrame:
    """`df` made safe to show: hidden cells null, `<col>_status` and `<share>_upper_bound`.

    Each row is first protected on its own with `identities` (as a KPI set would be), then
    all rows together with `equations` between rows and the cells of `total` (row
    `TOTAL`, with every identity: value and whether it is shown where the table is shown;
    it is never hidden here). `base_n` maps a column to the column holding the number it
    rests on (default: its base in `layout`).
    """
    n = df.height
    cols = {c: df[c].to_list() for c in {*layout.columns, *(base_n or {}).values(),
                                         *(b for _, b in layout.shares.values()
                                           if isinstance(b, str))} if c in df.columns}
    cells: dict[Cell, int | None] = {(TOTAL, k): v for k, (v, _) in (total or {}).items()}
    items: list[_Item] = []
    for row in range(n):
        for c in layout.counts:
            cells[(row, c)] = _count(cols[c][row])
            items.append(_Item(row, c, cols[c][row], cell=c))
    for row in range(n):
        for c, (num, base) in layout.shares.items():
            where = base if isinstance(base, tuple) else (row, base)
            b = cells.get(where) if isinstance(base, tuple) else _count(cols[base][row])
            value = cols[c][row]
            items.append(_Item(row, c, value, cell=num, base=where, base_n=b))
            if (row, num) not in cells:
                cells[(row, num)] = 0 if not b else _count(value * b) if value is not None \
                    else None
        for c, base in layout.others.items():
            rests = (base_n or {}).get(c, base)
            items.append(_Item(row, c, cols[c][row],
                               base=(row, base) if base in layout.counts else None,
                               base_n=_count(cols[rests][row]) if rests else None))
        _derived(cells, row)
    for it in items:
        it.primary(cells, threshold)
    if threshold > 0:
        fixed = {(TOTAL, k): shown for k, (_, shown) in (total or {}).items()}
        by_row: dict[int, list[_Item]] = {}
        for it in items:
            by_row.setdefault(it.row, []).append(it)
        done: dict[tuple, list[tuple[Shown, float | None]]] = {}  # rows alike end alike
        for row, mine in by_row.items():
            own = {c: v for c, v in cells.items() if c[0] == row}
            alike = (tuple((it.key, it.value, it.cell, it.base and (it.base[0] == TOTAL,
                            it.base[1]), it.base_n, it.status) for it in mine),
                     tuple((c[1], v) for c, v in own.items()))
            if alike not in done:
                _View(mine, own, row_identities(row, identities), threshold).protect()
                done[alike] = [(it.status, it.bound) for it in mine]
            for it, (status, bound) in zip(mine, done[alike], strict=True):
                it.status, it.bound = status, bound
        if equations or total:
            # only rows tied to others (or to the KPI set) can change here; the KPI set
            # (row TOTAL) has every identity, whatever the table's rows have
            tied = sorted({c[0] for total_cell, parts in equations
                           for c in (total_cell, *parts)} - {TOTAL})
            rows = [eq for r in tied for eq in row_identities(r, identities)]
            rows += row_identities(TOTAL) if total else []
            mine = set(tied)
            _View([it for it in items if it.row in mine],
                  {c: v for c, v in cells.items() if c[0] in mine or c[0] == TOTAL},
                  [*rows, *equations], threshold, fixed).protect()
    else:
        for it in items:
            it.status = Shown.MISSING if it.value is None else Shown.SHOWN
            it.bound = None
    by_col: dict[str, list[_Item]] = {c: [] for c in layout.columns}
    for it in items:
        by_col[it.key].append(it)
    return df.with_columns(
        *(pl.Series(c, [None if it.status in HIDDEN else it.value for it in its],
                    dtype=df.schema[c]) for c, its in by_col.items()),
        *(pl.Series(f"{c}_status", [str(it.status) for it in its], dtype=pl.String)
          for c, its in by_col.items()),
        *(pl.Series(f"{c}_upper_bound", [it.bound for it in by_col[c]], dtype=pl.Float64)
          for c in layout.shares))


def suppress_table(df: pl.DataFrame, count_cols: Sequence[str], share_cols: Sequence[str],
                   base_col: str | Mapping[str, str] | None,
                   threshold: int = DEFAULT_THRESHOLD, *, total_shown: bool = True,
                   share_of: Mapping[str, str] | None = None,
                   identities: Sequence[tuple[str, Sequence[str]]] = IDENTITIES,
                   total: Mapping[str, tuple[int | None, bool]] | None = None
                   ) -> pl.DataFrame:
    """A breakdown or trend table made safe to show, with a `<col>_status` per column.

    - counts 1..threshold−1 -> `small`;
    - `share_cols` (shares, means, medians) whose base (`base_col`, one column or a mapping
      share -> base column) is 1..threshold−1 -> `too_few`; a share of people whose count
      is 1..threshold−1 -> `upper_bound`;
    - `share_of` ties a share to the count column it is a share of, over the column's
      total (a distribution): hidden or bounded with that count;
    - with `total_shown` (a breakdown whose total is on the page) the rows of every count
      add up to a shown total (or to `total`, the KPI set's cells), and no hidden count
      may follow from that or from `identities` within a row (`secondary`).
    Threshold 0 returns the table unchanged (statuses `shown`/`missing`).
    """
    bases = {c: (base_col if isinstance(base_col, str) or base_col is None
                 else base_col.get(c)) for c in share_cols}
    shares, others = {}, {}
    for c in share_cols:
        linked, base = (share_of or {}).get(c), bases[c]
        if linked:
            shares[c] = (linked, (TOTAL, linked))
        elif c in SHARES and base is not None and base in count_cols:
            num, of = SHARES[c]
            shares[c] = (num if of == base else f"{num}/{base}", base)
        else:
            others[c] = base
    layout = Layout(tuple(count_cols), shares, others)
    base_n = {c: b for c, b in bases.items() if b and c in others}
    equations: list[Equation] = []
    if total_shown and df.height >= 1:
        names = {name for name, _ in shares.values()} | set(count_cols)
        if total is None:
            total = {c: (int(df[c].drop_nulls().sum()), True) for c in count_cols}
            total |= {num: (None, True) for num, _ in shares.values() if num not in total}
        equations = [sums(name, range(df.height)) for name in sorted(names) if name in total]
    elif any(linked for linked in (share_of or {}).values()):
        total = {c: (int(df[c].drop_nulls().sum()), True) for c in count_cols}
    return protect_table(df, layout, threshold, base_n=base_n, identities=identities,
                         equations=equations, total=total if equations or share_of else None)
