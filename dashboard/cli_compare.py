"""`finsam compare`: a förbund against the others, or its insatser side by side (docs/CLI.md).

The selection options are `finsam kpi`'s (`selection_from_args`); each unit's value is the
one `finsam kpi` prints for it. Other förbund are anonymous unless `--names` (this command
line is an operator's tool; the app never names them).
"""

from __future__ import annotations

import csv
import io
import json
import sys

from dashboard import fmt
from dashboard.cli_kpi import EXIT_OK, EXIT_REJECTED, add_selection_options, selection_from_args
from loaders.frames import load_frames
from metrics.compare import BY, Comparison, KpiComparison, compare, default_units
from metrics.disclosure import label as hidden_label
from metrics.registry import BY_KEY

STATS = ("mean", "median", "min", "max", "p25", "p75")
#: Column headers of `--format table`.
HEADERS = {"value": "Värde", "rank": "Rang", "mean": "Medel", "median": "Median",
           "min": "Min", "max": "Max", "p25": "P25", "p75": "P75", "direction": "Bättre"}
BETTER = {"higher": "högre", "lower": "lägre", "neutral": "–"}


def add_compare_parser(sub) -> None:
    """Register the `compare` command's options."""
    cmp = sub.add_parser("compare", help="jämför förbundet med andra förbund, eller dess "
                         "insatser med varandra")
    add_selection_options(cmp)
    cmp.add_argument("--by", choices=BY, default="forbund")
    cmp.add_argument("--min-units", type=int, default=None,
                     help="minsta antal förbund med ett värde (standard: FINSAM_COMPARE_MIN "
                     "eller 5)")
    cmp.add_argument("--names", action="store_true",
                     help="skriv ut förbundens namn vid värdena (bara på kommandoraden)")
    cmp.add_argument("--format", choices=["json", "csv", "table"], default="json")


def _reject(message: str) -> int:
    print(f"Fel: {message}", file=sys.stderr)
    return EXIT_REJECTED


def run_compare(engine, args, min_units: int) -> int:
    """Check the request, compare and print; `min_units` unless `--min-units` is given."""
    try:
        sel = selection_from_args(args)
    except ValueError as err:
        return _reject(str(err))
    if args.grupp:
        return _reject("--grupp kan inte användas i en jämförelse: en grupp hör till en "
                       "insats.")
    if args.insats and args.by != "insats":
        return _reject("--insats väljer insatser att jämföra och kräver --by insats.")
    if args.suppress < 0:
        return _reject("--suppress måste vara 0 eller större.")
    if args.min_units is not None:
        min_units = args.min_units
    if min_units < 1:
        return _reject("--min-units måste vara minst 1.")
    frames = load_frames(engine)
    if args.forbund not in set(frames["insatser"]["forbund"]) | set(
            frames["episodes"]["forbund"]):
        return _reject(f"förbundet '{args.forbund}' finns inte i databasen.")
    if args.by == "insats":
        known = default_units(frames, sel, "insats")
        if unknown := [i for i in args.insats if i not in known]:
            return _reject(f"insatsen '{unknown[0]}' finns inte i {args.forbund}. Förbundets "
                           f"insatser: {', '.join(known) or 'inga'}.")
    result = compare(frames, sel, args.by, threshold=args.suppress, min_units=min_units)
    named = args.names or args.by == "insats"
    if args.format == "json":
        out = {"selection": _selection(sel), **result.to_json(names=args.names)}
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    elif args.format == "csv":
        print(_csv(result, named), end="")
    else:
        print(_table(result, named, args.suppress, args.forbund), end="")
    return EXIT_OK


def _selection(sel) -> dict:
    """`selection` of the JSON: the own förbund, the period, the filters (and insatser)."""
    out = {"forbund": sel.forbund[0], "from": sel.date_from.isoformat(),
           "to": sel.date_to.isoformat(),
           "filters": {f: list(getattr(sel, f)) for f in sel.active_filters if f != "grupp"}}
    if sel.insatser:
        out["insats"] = list(sel.insatser)
    return out


def _label(key: str) -> str:
    """`Återbetalningstid (mån), Samhället` for `payback_months.Samhället`."""
    base, _, actor = key.partition(".")
    return BY_KEY[base].label + (f", {actor}" if actor else "")


def _unit_values(c: KpiComparison, units) -> list:
    values = dict(c.values)
    return [values.get(u) for u in units]


def _unit_cells(c: KpiComparison, units, base: str, threshold: int) -> list[str]:
    """Each unit's value as the app shows it, or why it is hidden (`för få`, `..`)."""
    why = dict(c.hidden)
    return [(u in why and hidden_label(why[u], threshold)) or fmt.kpi_value(base, v)
            for u, v in zip(units, _unit_values(c, units), strict=True)]


def _csv(result: Comparison, named: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["key", "label", "direction", "value", "rank", "n", *STATS,
                     *(result.units if named else ())])
    for key, c in result.kpis.items():
        row = [key, _label(key), c.direction, c.value, c.rank, c.n,
               *(getattr(c, s) for s in STATS),
               *(_unit_values(c, result.units) if named else ())]
        writer.writerow("" if v is None else v for v in row)
    return out.getvalue()


def _table(result: Comparison, named: bool, threshold: int, forbund: str) -> str:
    """Labels and values as the app formats them; `–` where there is none."""
    own = ("value", "rank") if result.by == "forbund" else ()
    cols = [*own, *STATS, "direction"]
    header = ["Nyckeltal", *(HEADERS[c] for c in cols), *(result.units if named else ())]
    rows = [header]
    for key, c in result.kpis.items():
        base = key.split(".")[0]
        cells = [_label(key)]
        for col in cols:
            if col == "value":
                why = c.disclosure and hidden_label(c.disclosure, threshold)
                cells.append(why or fmt.kpi_value(base, c.value))
            elif col == "rank":
                cells.append(f"{c.rank} av {c.n}" if c.rank is not None else fmt.MISSING)
            elif col == "direction":
                cells.append(BETTER[c.direction])
            else:
                cells.append(fmt.kpi_value(base, getattr(c, col)))
        if named:
            cells += _unit_cells(c, result.units, base, threshold)
        rows.append(cells)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(r, widths, strict=True))).rstrip()
             for r in rows]
    if result.by == "forbund":
        lines.append(f"\n{len(result.units)} förbund jämförs. Medel, median, min, max och "
                     f"rang visas när minst {result.min_units} förbund har ett värde; dolda "
                     "värden ingår inte.")
    else:
        lines.append(f"\n{len(result.units)} insatser i {forbund} jämförs; dolda värden ingår "
                     "inte.")
    return "\n".join(lines) + "\n"
