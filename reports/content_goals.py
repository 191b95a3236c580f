"""An insats's goals against its outcomes, for the slutrapport's goals table (section 4).

Each goal is a target from `Mål` (a KPI, or `Volym: Mått` for the `Volymer` sheet) that
the KPI set of the report's selection resolved, as the pages do (`<key>_target`,
`volume_target`). Its fulfilment is `Ja`, `Nej` or `Delvis` (docs/REPORT.md):

- *minst* (more is better): Ja when the outcome reaches the target, Delvis when it reaches
  at least 80 % of it, else Nej; volumes the same;
- *högst* (less is better): Ja at or below the target, Delvis up to the target / 0,8
  (at least 80 % of the way), else Nej;
- an outcome hidden by disclosure control cannot be judged ("Kan inte bedömas (för få)"),
  unless the upper bound it is shown as settles it (`< 10 %` against *minst 25 %* is Nej);
  a missing outcome "Kan inte bedömas (uppgift saknas)".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from dashboard import display, fmt
from metrics.disclosure import label as hidden_label
from metrics.frames import table
from metrics.registry import BY_KEY, KPIS, Unit
from metrics.result import KpiResult
from metrics.selection import Selection
from metrics.targets import normalise, volume_key

YES, NO, PARTLY = "Ja", "Nej", "Delvis"
HIDDEN = "Kan inte bedömas (för få)"
UNKNOWN = "Kan inte bedömas (uppgift saknas)"
#: Share of the way to the target that counts as partly met.
PARTLY_SHARE = 0.8
_ORDER = {k.key: i for i, k in enumerate(KPIS)}


@dataclass(frozen=True)
class Goal:
    """One row of the goals table: the goal in words, fulfilment, the outcome as shown."""

    key: str
    goal: str
    fulfilled: str
    outcome: str


def fulfilment(value: float | None, target: float, direction: str, *, hidden: bool = False,
               bound: float | None = None) -> str:
    """Ja / Nej / Delvis for an outcome against its target (module docstring).

    >>> fulfilment(0.118, 0.25, "minst"), fulfilment(0.21, 0.25, "minst")
    ('Nej', 'Delvis')
    >>> fulfilment(69, 34, "högst"), fulfilment(None, 0.25, "minst", hidden=True, bound=0.1)
    ('Nej', 'Nej')
    """
    lower = direction == "högst"
    if hidden:
        if bound is not None and lower and bound <= target:
            return YES
        if bound is not None and not lower and bound <= PARTLY_SHARE * target:
            return NO
        return HIDDEN
    if value is None:
        return UNKNOWN
    if lower:
        if value <= target:
            return YES
        return PARTLY if PARTLY_SHARE * value <= target else NO
    if value >= target:
        return YES
    return PARTLY if value >= PARTLY_SHARE * target else NO


def target_direction(frames: Mapping[str, pl.DataFrame], sel: Selection, key: str) -> str:
    """`minst` or `högst` for `key` (a KPI key or `volume[Mått]`) as `Mål` gives it.

    The first direction given for the selection's förbund, insatser and year, else the
    KPI's default (as `metrics.targets.resolve_given` decides).
    """
    rows = table(frames, "targets").filter(pl.col("forbund").is_in(list(sel.forbund))
                                           & (pl.col("year") == sel.date_to.year))
    if sel.insatser:
        rows = rows.filter(pl.col("insats").is_in([*sel.insatser, ""]))
    measures = [key[len("volume["):-1]] if key.startswith("volume[") else []
    rows = normalise(rows, measures).filter((pl.col("kpi") == key)
                                            & pl.col("direction").is_not_null())
    if not rows.is_empty():
        return str(rows["direction"][0])
    return BY_KEY[key.split("[")[0]].target_direction


def target_words(key: str, value: float) -> str:
    """A target as a goal states it: `25 %`, `34 mån`, `111 årsplatser`, `70`.

    Whole numbers lose their decimals; otherwise formatted as the KPI is.
    """
    unit = BY_KEY[key.split("[")[0]].unit
    if unit is Unit.SHARE:
        whole = round(value * 100, 6).is_integer()
        return fmt.percent(value, 0) if whole else fmt.percent(value)
    text = (fmt.number(value) if float(value).is_integer()
            else fmt.kpi_value(key.split("[")[0], value))
    return text + {Unit.MONTHS: " mån", Unit.YEARS: " år", Unit.FYE: " årsplatser"}.get(
        unit, "")


def goals(result: KpiResult, frames: Mapping[str, pl.DataFrame], threshold: int) -> list[Goal]:
    """Every goal the selection's KPI set has a target for, in registry order, then volumes.

    Per-actor targets (payback) are judged for Samhället, as the pages judge them.
    """
    sel = result.selection
    out = []
    keys = sorted((k.removesuffix("_target") for k, v in result.values.items()
                   if k.endswith("_target") and k != "volume_target"
                   and isinstance(v, int | float)), key=lambda k: _ORDER.get(k, len(_ORDER)))
    for key in keys:
        kpi = BY_KEY[key]
        target = float(result.values[f"{key}_target"])  # type: ignore[arg-type]
        part = "Samhället" if kpi.per_actor else None
        value = result.values.get(key)
        value = value.get(part) if isinstance(value, dict) and part else value
        direction = target_direction(frames, sel, key)
        why = result.disclosure.get(key)
        name = kpi.label + (", samhället" if part else "")
        out.append(Goal(key, f"{name} {direction} {target_words(key, target)}", fulfilment(
            None if why else value, target, direction, hidden=bool(why),  # type: ignore[arg-type]
            bound=result.upper_bounds.get(key)),
            display.kpi_text(result, key, threshold, part)))
    volumes: dict = result.values.get("volume") or {}  # type: ignore[assignment]
    volume_targets: dict = result.values.get("volume_target") or {}  # type: ignore[assignment]
    for measure, target in sorted(volume_targets.items()):
        key = volume_key(measure)
        direction = target_direction(frames, sel, key)
        why = result.disclosure.get(key)
        value = volumes.get(measure)
        shown = (hidden_label(why, threshold) if why else None) or fmt.number(value)
        out.append(Goal(key, f"{measure} {direction} {target_words(key, target)}", fulfilment(
            None if why else value, float(target), direction, hidden=bool(why)), shown))
    return out
