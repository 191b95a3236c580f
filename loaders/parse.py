"""Parse an upload (workbooks and CSV files) into typed frames, one per contract sheet.

Nothing is written anywhere: the result carries the frames and every issue found, and the
importer refuses the whole upload if any issue is an error.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from loaders import cells, examples, privacy, validate
from loaders.columns import NOTES, stored_columns
from loaders.contract import EXIT_REASONS, Column, Kind, Sheet, header_key
from loaders.headers import match_headers
from loaders.issues import FILE, ROW, Issue, has_errors
from loaders.read import RawSheet, read_file
from loaders.validate import Context, nonum, raw
from metrics.registry import KPIS, Unit, lookup

SHARE_KPIS = frozenset(k.key for k in KPIS if k.unit is Unit.SHARE)
_VOLUME = re.compile(r"(?i)^\s*(?:volume|volym)\s*:\s*(\S.*?)\s*$")
_NUMERIC = (Kind.INT, Kind.NUMBER, Kind.AMOUNT, Kind.PERCENT)


@dataclass
class ParseResult:
    """Typed frames per table (`Sheet.table`), all issues, and the upload's identity."""

    frames: dict[str, pl.DataFrame]
    issues: list[Issue]
    file_names: list[str]
    sha256: str  # over all files, sorted by name: name + bytes
    extra_columns: dict[str, list[str]] = field(default_factory=dict)  # table -> headers

    @property
    def has_errors(self) -> bool:
        """True if the upload must be refused."""
        return has_errors(self.issues)


def upload_sha256(files: list[tuple[str, bytes]]) -> str:
    """Identity of an upload: the same files give the same hash, whatever their order."""
    digest = hashlib.sha256()
    for name, data in sorted(files, key=lambda f: f[0]):
        digest.update(name.encode("utf-8"))
        digest.update(data)
    return digest.hexdigest()


def _distinct(df: pl.DataFrame, column: str) -> list[str]:
    return df.get_column(column).drop_nulls().unique().to_list()


def _kpi_key(text: str) -> str | None:
    volume = _VOLUME.match(text)
    if volume:
        return f"volume:{volume[1]}"
    kpi = lookup(text)
    return kpi.key if kpi else None


def _parse_expr(c: Column, today: date) -> tuple[Callable[[pl.Expr], pl.Expr], pl.DataType]:
    """How to read one cell text of column `c`, and the resulting dtype."""
    match c.kind:
        case Kind.TEXT:
            return cells.date_text, pl.String
        case Kind.LONG_TEXT:
            return cells.long_text, pl.String
        case Kind.PERIOD:
            return cells.report_period, pl.String
        case Kind.DATE:
            return (lambda t: cells.date_(t, today)), pl.Date
        case Kind.INT | Kind.YEAR:
            return (lambda t: pl.when(cells.is_whole(n := cells.number(t))).then(n)), pl.Int64
        case Kind.PERCENT:
            return cells.percent, pl.Float64
        case _:
            return cells.number, pl.Float64


def _typed(df: pl.DataFrame, sheet: Sheet, today: date) -> pl.DataFrame:
    """Add the typed value of every column beside its `__raw` text.

    Then defaults, derived columns and `notes`. Values that cannot be read are null
    (validation reports them). Optional numeric columns also get `__nonum`: text that is no
    number at all (kept as a comment rather than refused).
    """
    exprs = []
    for c in sheet.columns:
        text = pl.col(raw(c.name))
        if c.kind is Kind.CODE:
            seen = _distinct(df, raw(c.name))
            mapping = ({t: _kpi_key(t) for t in seen} if c.name == "kpi"
                       else cells.code_mapping(c, seen))
            exprs.append(cells.mapped(text, mapping).alias(c.name))
            continue
        parse, dtype = _parse_expr(c, today)
        value = cells.via_distinct(df, raw(c.name), parse, dtype)
        if c.kind is Kind.TEXT and c.name in sheet.key and not c.required:
            value = value.fill_null("")
        exprs.append(value.alias(c.name))
        if c.kind in _NUMERIC and not c.required:
            looks = cells.percent if c.kind is Kind.PERCENT else cells.number
            exprs.append(cells.via_distinct(
                df, raw(c.name), lambda t, looks=looks: t.is_not_null() & looks(t).is_null(),
                pl.Boolean).fill_null(False).alias(nonum(c.name)))
    df = df.with_columns(exprs)
    names = {c.name for c in sheet.columns}
    if "unit" in names:
        tkr = pl.col("unit") == "tkr"
        df = df.with_columns(pl.when(tkr).then(pl.col(c.name) * 1000).otherwise(pl.col(c.name))
                             for c in sheet.columns if c.kind is Kind.AMOUNT)
    if sheet.table == "targets":
        df = _targets(df)
    if sheet.table == "insatser":
        df = df.with_columns(_default("kind", pl.lit("Individinriktad")))
    if sheet.table == "episodes":
        df = df.with_columns(outcome_group=pl.col("exit_reason").replace_strict(
            EXIT_REASONS, default=None, return_dtype=pl.String))
    return df.with_columns(_notes(sheet))


def _default(name: str, default: pl.Expr) -> pl.Expr:
    # Only blank cells get the default: an unknown value must stay null to be reported.
    return pl.when(pl.col(raw(name)).is_null()).then(default) \
        .otherwise(pl.col(name)).alias(name)


def _targets(df: pl.DataFrame) -> pl.DataFrame:
    """Målvärde in the KPI's unit (shares: 25 or 25 % -> 0.25); Riktning from the registry."""
    text = pl.col(raw("target_value"))
    is_share = pl.col("kpi").is_in(sorted(SHARE_KPIS))
    directions = {k.key: k.target_direction for k in KPIS}
    default = (pl.when(pl.col("kpi").str.starts_with("volume:")).then(pl.lit("minst"))
               .otherwise(pl.col("kpi").replace_strict(directions, default=None,
                                                       return_dtype=pl.String)))
    return df.with_columns(
        target_value=pl.when(is_share).then(cells.percent(text))
        .when(~cells.has_percent_sign(text)).then(cells.number(text)),
        target_is_share=is_share.fill_null(False),
    ).with_columns(_default("direction", default))


def _notes(sheet: Sheet) -> pl.Expr:
    """JSON text {"Utfall": "Se separat redovisning"} for optional numeric cells with text.

    Null where a row has no such cell.
    """
    parts = []
    for c in sheet.columns:
        if c.kind not in _NUMERIC or c.required:
            continue
        text = pl.col(raw(c.name))
        escaped = pl.struct(text.alias("v")).struct.json_encode().str.slice(5)
        entry = pl.concat_str(pl.lit(f'"{c.header}": '), escaped.str.head(-1))
        parts.append(pl.when(pl.col(nonum(c.name))).then(entry))
    if not parts:
        return pl.lit(None, pl.String).alias(NOTES)
    joined = pl.concat_str(parts, separator=", ", ignore_nulls=True)
    return pl.when(joined.str.len_chars() > 0).then(
        pl.concat_str(pl.lit("{"), joined, pl.lit("}"))).alias(NOTES)


def _parse_sheet(raw_sheet: RawSheet, today: date):
    """Typed frame of one sheet of one file.

    Returns it with its context, issues, extra headers and the contract columns' positions.
    """
    found, issues, extras = match_headers(raw_sheet)
    sheet = raw_sheet.sheet
    headers = {c.name: raw_sheet.headers[found[c.name]] if c.name in found else c.header
               for c in sheet.columns}
    ctx = Context(raw_sheet.file, raw_sheet.name, sheet, headers, frozenset(found))
    marker = found.get(examples.EXAMPLE)
    df = raw_sheet.frame.select(ROW, pl.lit(raw_sheet.file).alias(FILE), *(
        (pl.col(f"c{found[c.name]}") if c.name in found else pl.lit(None, pl.String))
        .alias(raw(c.name)) for c in sheet.columns),
        *([] if marker is None else [pl.col(f"c{marker}").alias(examples.EXAMPLE)]))
    df = _typed(df, sheet, today)
    if marker is not None:
        # before the checks: an example row left as it is gives no other issue
        df, marked = examples.split_examples(
            df, ctx, _typed(examples.example_texts(sheet), sheet, today),
            raw_sheet.headers[marker])
        issues += marked
    if found:
        issues += validate.cell_issues(df, ctx, today) + validate.row_checks(df, ctx)
    return ctx, df, issues, extras, found


def _canonical_forbund(df: pl.DataFrame, allowed: set[str]) -> pl.DataFrame:
    """Spell each Förbund as the user's permission does ("demoförbundet norr" is fine)."""
    spelled = {header_key(f): f for f in allowed}
    mapping = {v: spelled[header_key(v)] for v in _distinct(df, "forbund")
               if header_key(v) in spelled}
    return df.with_columns(pl.col("forbund").replace(mapping))


def _canonical_pairs(df: pl.DataFrame, known: set[tuple[str, str]]) -> pl.DataFrame:
    """Spell (Förbund, Insats) as the known insats is spelled, matching like headers do."""
    by_key = {(header_key(f), header_key(i)): (f, i) for f, i in known}
    fix = {}
    for pair in df.select("forbund", "insats").unique().drop_nulls().rows():
        target = by_key.get((header_key(pair[0]), header_key(pair[1])))
        if target is not None and target != pair:
            fix["\x1f".join(pair)] = target
    if not fix:
        return df
    key = validate.key_text("forbund", "insats")
    return df.with_columns(
        forbund=key.replace_strict({k: v[0] for k, v in fix.items()}, default=pl.col("forbund")),
        insats=key.replace_strict({k: v[1] for k, v in fix.items()}, default=pl.col("insats")))


def parse_files(files: list[tuple[str, bytes]], *,
                existing_insatser: set[tuple[str, str]] = frozenset(),
                allowed_forbund: set[str] | None = None,
                today: date | None = None) -> ParseResult:
    """Read, type and validate all files of one upload; collect every issue.

    `existing_insatser` are the (Förbund, Insats) pairs already in the database;
    `allowed_forbund` limits a non-administrator to their förbund (None = administrator).
    Follow-ups are matched against the upload's own Deltagare sheet only (a warning).
    """
    today = today or date.today()
    issues: list[Issue] = []
    parts: dict[str, list[tuple[Context, pl.DataFrame]]] = {}
    extra: dict[str, list[str]] = {}
    for raw_name, data in files:
        # The name is echoed in every issue and stored in the history: never in clear.
        name = privacy.masked_text(raw_name)
        if name != raw_name:
            issues.append(Issue(name, "", None, None, None, privacy.FILE_NAME_MESSAGE))
        raws, file_issues = read_file(name, data)
        issues += file_issues
        if not raws and not file_issues:
            issues.append(Issue(name, "", None, None, None,
                                "Filen innehåller inga ifyllda blad."))
        for r in raws:
            found: dict[str, int] = {}
            sheet_issues: list[Issue] = []
            if r.sheet is not None:
                ctx, df, sheet_issues, extras, found = _parse_sheet(r, today)
                parts.setdefault(r.sheet.table, []).append((ctx, df))
                known_extra = extra.setdefault(r.sheet.table, [])
                known_extra += [h for h in extras if h not in known_extra]
            issues += privacy.scan(r.file, r.name, r.sheet, r.headers, r.frame, found)
            issues += validate.control_character_issues(r.file, r.name, r.headers, r.frame)
            issues += sheet_issues

    tables = {t: pl.concat([df for _, df in p]) for t, p in parts.items()}
    contexts = {t: {ctx.file: ctx for ctx, _ in p} for t, p in parts.items()}
    if allowed_forbund is not None:
        for t, df in tables.items():
            if "forbund" in df.columns:
                tables[t] = df = _canonical_forbund(df, allowed_forbund)
            for file, ctx in contexts[t].items():
                issues += validate.forbund_issues(df.filter(pl.col(FILE) == file), ctx,
                                                  allowed_forbund)
    if "insatser" in tables:
        tables["insatser"] = _canonical_pairs(tables["insatser"], set(existing_insatser))
    known = set(existing_insatser) | set(
        tables["insatser"].select("forbund", "insats").drop_nulls().rows()
        if "insatser" in tables else [])
    for t in validate.REFERENCING:
        if t in tables:
            tables[t] = df = _canonical_pairs(tables[t], known)
            for file, ctx in contexts[t].items():
                issues += validate.reference_issues(df.filter(pl.col(FILE) == file), ctx, known)
    for t, df in tables.items():
        issues += validate.duplicate_issues(df, contexts[t])
    if "followups" in tables and "episodes" in tables:
        for file, ctx in contexts["followups"].items():
            issues += validate.followup_issues(
                tables["followups"].filter(pl.col(FILE) == file), tables["episodes"], ctx)

    extra = {t: headers for t, headers in extra.items() if headers}
    frames = {t: df.select(*stored_columns(next(iter(contexts[t].values())).sheet), NOTES)
              for t, df in tables.items()}
    return ParseResult(frames=frames, issues=issues,
                       file_names=[privacy.masked_text(n) for n, _ in files],
                       sha256=upload_sha256(files), extra_columns=extra)
