"""Which unknowns a set of linear equations pins down (for disclosure control).

Exact integer Gauss–Jordan elimination on sparse rows: the systems are small (the hidden
cells of one view) and the coefficients are ±1, so integers stay small and no rounding can
hide or invent a solution.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from math import gcd

Row = dict[int, int]


def _normalised(row: Row) -> Row:
    row = {c: a for c, a in row.items() if a}
    g = 0
    for a in row.values():
        g = gcd(g, a)
    return {c: a // g for c, a in row.items()} if g > 1 else row


def _eliminate(row: Row, pivot: Row, col: int) -> Row:
    """`row` with column `col` removed using `pivot` (integer multiples of both)."""
    a, p = row[col], pivot[col]
    out = {c: v * p for c, v in row.items()}
    for c, v in pivot.items():
        out[c] = out.get(c, 0) - a * v
    return _normalised(out)


def determined(equations: Iterable[Sequence[tuple[Hashable, int]]]) -> set[Hashable]:
    """The unknowns whose value follows from the equations.

    Each equation lists `(unknown, coefficient)` pairs; its known terms are left out (they
    only move the constant). An unknown is determined when the reduced row echelon form has
    a row with that unknown alone.

    >>> sorted(determined([[("x", 1), ("y", 1)], [("y", 1), ("z", 1)], [("x", 1), ("z", 1)]]))
    ['x', 'y', 'z']
    >>> determined([[("x", 1), ("y", -1)]])
    set()
    """
    index: dict[Hashable, int] = {}
    pivots: dict[int, Row] = {}
    for eq in equations:
        row: Row = {}
        for unknown, coef in eq:
            c = index.setdefault(unknown, len(index))
            row[c] = row.get(c, 0) + coef
        row = _normalised(row)
        for col, pivot in pivots.items():
            if col in row:
                row = _eliminate(row, pivot, col)
        if not row:
            continue
        col = min(row)
        for other, pivot in pivots.items():
            if col in pivot:
                pivots[other] = _eliminate(pivot, row, col)
        pivots[col] = row
    names = {c: u for u, c in index.items()}
    return {names[c] for c, row in pivots.items() if len(row) == 1}
