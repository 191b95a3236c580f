"""`KpiResult`: what `compute_kpis` returns and `suppress_kpis` passes on."""

from __future__ import annotations

from dataclasses import dataclass, field

from metrics.selection import Selection
from metrics.targets import Status

Value = int | float | dict[str, float | int | None] | None


@dataclass(frozen=True)
class KpiResult:
    """Every KPI for a selection.

    `values`: registry key -> number (counts int, shares fractions, money kr), a dict actor ->
    number for per-actor KPIs and Mått -> count for `volume`, None when missing; plus
    `<key>_target` where a target exists. `base_n`: the number of episodes (or answers) a
    value rests on, None for non-participant data. `target_status`: met/near/not_met.
    `missing_targets`: insatser without a target, per key. `ignored_filters`: key -> the
    active filters that do not apply to it. `meta`: what was used (budget as-of date,
    evaluation or estimate and its assumptions, SCB year, NNS periods, …). After disclosure
    control, `suppressed`/`disclosure` name the hidden keys and why, and `upper_bounds` the
    bound (a fraction) of each share shown as `< p %`.
    """

    selection: Selection
    values: dict[str, Value]
    base_n: dict[str, int | None]
    target_status: dict[str, Status] = field(default_factory=dict)
    missing_targets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ignored_filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)
    suppressed: tuple[str, ...] = ()
    disclosure: dict[str, str] = field(default_factory=dict)  # key -> why it is hidden
    upper_bounds: dict[str, float] = field(default_factory=dict)  # key -> bound (fraction)

    @property
    def episodes_n(self) -> int | None:
        """Episodes in the selection (overlapping the period), the base of the notice."""
        return self.base_n.get("participants_in_period")

    def to_json(self) -> dict:
        """The object `finsam kpi --format json` prints (docs/CLI.md)."""
        sel = self.selection
        filters = {f: list(getattr(sel, f)) for f in sel.active_filters if f != "grupp"}
        out = {
            "selection": {
                "forbund": sel.forbund[0] if len(sel.forbund) == 1 else list(sel.forbund),
                "insats": list(sel.insatser), "grupp": sel.grupp,
                "from": sel.date_from.isoformat(), "to": sel.date_to.isoformat(),
                "filters": filters,
            },
            "kpis": self._kpis(),
            "target_status": {k: str(v) for k, v in self.target_status.items()},
            "missing_targets": {k: list(v) for k, v in self.missing_targets.items()},
            "ignored_filters": {k: list(v) for k, v in self.ignored_filters.items()},
        }
        if self.suppressed:
            out["suppressed"] = list(self.suppressed)
        if not_reached := self.meta.get("payback_not_reached"):
            out["payback_not_reached"] = list(not_reached)  # type: ignore[call-overload]
        return out

    def _kpis(self) -> dict:
        """The values, each upper-bounded share followed by `<key>_upper_bound`."""
        out = {}
        for key, value in self.values.items():
            out[key] = value
            if key in self.upper_bounds:
                out[f"{key}_upper_bound"] = self.upper_bounds[key]
        return out
