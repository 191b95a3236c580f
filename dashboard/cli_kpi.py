"""`finsam kpi`: KPIs for a selection as JSON, CSV or a table (docs/CLI.md)."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date

from dashboard import fmt
from dashboard.display import NOT_REACHED
from loaders.contract import REFERRER_SYNONYMS, REFERRERS, SEX_SYNONYMS
from loaders.frames import load_frames
from metrics import KpiResult, compute_kpis, suppress_kpis, year_period
from metrics.disclosure import label as hidden_label
from metrics.registry import BY_KEY
from metrics.selection import AGE_GROUPS, Selection

EXIT_OK, EXIT_REJECTED = 0, 2


def add_selection_options(parser) -> None:
    """The selection options `selection_from_args` reads (shared with `finsam report`)."""
    parser.add_argument("--forbund", required=True)
    parser.add_argument("--insats", action="append", default=[])
    parser.add_argument("--grupp")
    parser.add_argument("--year", type=int)
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat)
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat)
    parser.add_argument("--kon", choices=["Kvinna", "Man", "Annat"])
    parser.add_argument("--remittent", action="append", default=[])
    parser.add_argument("--aldersgrupp", choices=AGE_GROUPS)
    parser.add_argument("--suppress", type=int, default=5)


def add_kpi_parser(sub) -> None:
    """Register the `kpi` command's options."""
    kpi = sub.add_parser("kpi", help="nyckeltal för ett urval")
    add_selection_options(kpi)
    kpi.add_argument("--format", choices=["json", "csv", "table"], default="json")


def selection_from_args(args) -> Selection:
    """The Selection the options describe; Swedish error text on a bad combination."""
    if args.year is not None and (args.date_from or args.date_to):
        raise ValueError("Ange antingen --year eller --from/--to, inte båda.")
    if args.year is not None:
        frm, to = year_period(args.year)
    elif args.date_from and args.date_to:
        frm, to = args.date_from, args.date_to
    else:
        raise ValueError("Ange --year ÅÅÅÅ eller både --from och --to.")
    kon = (SEX_SYNONYMS.get(args.kon, args.kon),) if args.kon else ()
    remittent = tuple(_referrer(r) for r in args.remittent)
    return Selection(forbund=(args.forbund,), date_from=frm, date_to=to,
                     insatser=tuple(args.insats), grupp=args.grupp, kon=kon,
                     remittent=remittent,
                     aldersgrupp=(args.aldersgrupp,) if args.aldersgrupp else ())


def _referrer(name: str) -> str:
    canonical = REFERRER_SYNONYMS.get(name, name)
    if canonical not in REFERRERS:
        raise ValueError(f"Okänd remittent '{name}'. Tillåtna: {', '.join(REFERRERS)}.")
    return canonical


def run_kpi(engine, args) -> int:
    """Compute, suppress (unless --suppress 0) and print."""
    try:
        sel = selection_from_args(args)
    except ValueError as err:
        print(f"Fel: {err}", file=sys.stderr)
        return EXIT_REJECTED
    frames = load_frames(engine)
    if args.forbund not in set(frames["insatser"]["forbund"]) | set(
            frames["episodes"]["forbund"]):
        print(f"Fel: förbundet '{args.forbund}' finns inte i databasen.", file=sys.stderr)
        return EXIT_REJECTED
    result = compute_kpis(frames, sel)
    if args.suppress > 0:
        result = suppress_kpis(result, args.suppress)
    if args.format == "json":
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2, default=str))
    else:
        rows = list(_rows(result, args.suppress))
        print(_csv(rows) if args.format == "csv" else _table(rows), end="")
    return EXIT_OK


def _shown(result: KpiResult, key: str, base: str, value, threshold: int) -> str:
    """The value as the table prints it: formatted, or why it is hidden.

    `<5`, `för få`, `..` or `< 24 %`, so a hidden value never looks like a missing one (`–`).
    """
    why = result.disclosure.get(key)
    if why and (text := hidden_label(why, threshold, result.upper_bounds.get(key))):
        return text
    return fmt.kpi_value(base, value)


def _rows(result: KpiResult, threshold: int):
    """(key, label, raw value, shown text), per-actor KPIs one row per actor.

    A share shown as an upper bound is followed by its `<key>_upper_bound` row (as in JSON).
    """
    for key, value in result.values.items():
        base = key.removesuffix("_target")
        label = BY_KEY[base].label + (" (mål)" if key != base else "") if base in BY_KEY else key
        if isinstance(value, dict):
            not_reached = result.meta.get("payback_not_reached") or ()
            for part, v in value.items():
                name = f"{key}[{part}]"
                shown = (NOT_REACHED if key == "payback_months" and part in not_reached
                         else _shown(result, name, base, v, threshold))
                yield name, f"{label}, {part}", v, shown
        else:
            yield key, label, value, _shown(result, key, base, value, threshold)
        if key in result.upper_bounds:
            bound = result.upper_bounds[key]
            yield (f"{key}_upper_bound", f"{label} (övre gräns)", bound,
                   f"< {fmt.percent(bound, 0)}")


def _csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["key", "label", "value"])
    writer.writerows((k, label, "" if v is None else v) for k, label, v, _ in rows)
    return out.getvalue()


def _table(rows) -> str:
    # the bound is already in its share's row ("< 24 %")
    rows = [r for r in rows if not r[0].endswith("_upper_bound")]
    width = max((len(label) for _, label, _, _ in rows), default=10)
    return "".join(f"{label:<{width}}  {shown}\n" for _, label, _, shown in rows)



