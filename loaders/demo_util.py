"""Small vectorised helpers shared by the demo generators.

The large demo has a million episodes, so every draw works on whole numpy arrays; these
helpers keep that readable (a categorical draw per row, labels by index, dates as day numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

EPOCH = date(1970, 1, 1)
FIRST_DAY = date(2020, 1, 1)  # first start date of a demo episode
CUTOFF = date(2026, 9, 30)  # "today" of the demo: the latest reported quarter
FIRST_YEAR, LAST_YEAR = FIRST_DAY.year, CUTOFF.year


def day(d: date) -> int:
    """Days since 1970-01-01 (polars' Date representation)."""
    return (d - EPOCH).days


def to_date(days: np.ndarray, null: np.ndarray | None = None) -> pl.Series:
    """A Date series from day numbers; rows where `null` is true become null."""
    series = pl.Series(np.asarray(days, dtype=np.int32)).cast(pl.Date)
    return series.scatter(np.flatnonzero(null), None) if null is not None else series


def normalise(p: np.ndarray) -> np.ndarray:
    """Rows of non-negative weights scaled to sum to 1."""
    p = np.asarray(p, dtype=float)
    return p / p.sum(axis=-1, keepdims=True)


def categorical(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of `probs` (an n × k array of weights); the chosen column index."""
    cdf = np.cumsum(probs, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random(len(cdf))
    out = np.zeros(len(cdf), dtype=np.int64)
    for k in range(cdf.shape[1] - 1):
        out += u > cdf[:, k]
    return out


def categorical_by(rng: np.random.Generator, table, group: np.ndarray) -> np.ndarray:
    """One draw per row from the distribution `table[group[row]]`.

    Equivalent to `categorical(rng, table[group])` without building that n × k array,
    which for the million-row demo would cost hundreds of megabytes.
    """
    cdf = np.cumsum(normalise(table), axis=1)
    u = rng.random(group.size)
    out = np.zeros(group.size, dtype=np.int64)
    for k in range(cdf.shape[1] - 1):
        out += u > cdf[group, k]
    return out


def draw(rng: np.random.Generator, probs, n: int) -> np.ndarray:
    """`n` draws from one distribution."""
    cdf = np.cumsum(normalise(probs))
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(cdf) - 1)


def pick(labels, idx: np.ndarray, null: np.ndarray | None = None) -> pl.Series:
    """Labels by index as a String series; rows where `null` is true become null."""
    index = pl.Series(np.asarray(idx, dtype=np.int64))
    if null is not None:
        index = index.scatter(np.flatnonzero(null), None)
    return pl.Series(list(labels), dtype=pl.String).gather(index)


def noisy(rng: np.random.Generator, base: np.ndarray, sd: float) -> np.ndarray:
    """Distributions perturbed multiplicatively (log-normal noise) and renormalised."""
    base = np.asarray(base, dtype=float)
    return normalise(base * np.exp(rng.normal(0.0, sd, base.shape)))


@dataclass(frozen=True)
class InsatsPlan:
    """One demo insats before its numbers are drawn."""

    forbund: str
    name: str
    kind: str
    grupper: tuple[str, ...]
    archetype: str
    start: date
    end: date | None
    owner: str

    @property
    def individual(self) -> bool:
        """Whether the insats has participant episodes."""
        return self.kind == "Individinriktad"
