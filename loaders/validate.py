"""Checks on typed sheets: every check returns issues, none raises or stops the others.

Frames here carry, per contract column `x`, the typed value `x` and the cell text `x__raw`,
plus `__row` (spreadsheet row) and `__file`. A failure is text present but no typed value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from loaders import cells
from loaders.contract import SHEETS, Column, Kind, Sheet
from loaders.issues import CONTROL_CHARACTERS, FILE, ROW, Issue, Severity, row_issues

MIN_DATE = date(1990, 1, 1)
#: Tolerance for Negativt + Varken eller + Positivt (rounded survey shares).
INDICATOR_SUM_TOLERANCE = 0.02
#: A list of allowed values longer than this is shortened in messages.
MAX_VALUES_SHOWN = 8
#: Sheets without a Förbund column: only an administrator may upload them.
ADMIN_ONLY = ("unit_costs", "benefit_fye")
#: Sheets whose (Förbund, Insats) must name a known insats; blank Insats allowed where optional.
REFERENCING = ("episodes", "followups", "targets", "socioeconomic", "volumes", "budget_lines",
               "report_texts")


def uploadable_sheets(admin: bool) -> tuple[Sheet, ...]:
    """The sheets a user may upload: every sheet for an administrator, else not `ADMIN_ONLY`."""
    return SHEETS if admin else tuple(s for s in SHEETS if s.table not in ADMIN_ONLY)


def raw(name: str) -> str:
    """Name of the column holding a contract column's cell text."""
    return f"{name}__raw"


def nonum(name: str) -> str:
    """Name of the flag column: an optional numeric cell holds text that is no number."""
    return f"{name}__nonum"


@dataclass(frozen=True)
class Context:
    """Where a frame came from, for issues: file, sheet as written and headers as written."""

    file: str
    sheet_name: str
    sheet: Sheet
    headers: dict[str, str]  # column name -> header in the file (contract header if missing)
    present: frozenset[str]  # column names found in the file

    def report(self, df: pl.DataFrame, mask: pl.Expr, column: str | None, message: str | None,
               severity: Severity = "error", value: pl.Expr | None = None,
               message_expr: pl.Expr | None = None) -> list[Issue]:
        """Issues for the rows of `df` where `mask` holds; the value shown is the cell text.

        `message_expr` gives a per-row message instead of `message`.
        """
        if value is None:
            value = pl.col(raw(column)) if column else pl.lit(None, pl.String)
        extra = [] if message_expr is None else [message_expr.alias("message")]
        rows = df.filter(mask.fill_null(False)).select(ROW, FILE, *extra,
                                                       value=value.cast(pl.String))
        return row_issues(rows, file=self.file, sheet=self.sheet_name,
                          column=self.headers.get(column) if column else None,
                          message=message, severity=severity)


def max_date(sheet: Sheet, column: Column, today: date) -> date:
    """Latest accepted date for a column.

    Planned insatser may lie ten years ahead, planned end dates and budget periods up to the
    end of this year, everything else up to today.
    """
    if sheet.table == "insatser":
        leap_day = (today.month, today.day) == (2, 29)
        return today.replace(year=today.year + 10, day=28 if leap_day else today.day)
    if column.name in ("end_date", "period"):
        return date(today.year, 12, 31)
    return today


def _fmt(x: float, kind: Kind) -> str:
    if kind is Kind.PERCENT:
        return f"{x * 100:g} %"
    return f"{x:g}".replace(".", ",")


def _range_text(c: Column) -> str:
    lo, hi = c.min_value, c.max_value
    whole = {Kind.INT: "ett heltal ", Kind.YEAR: "ett årtal "}.get(c.kind, "")
    if lo is not None and hi is not None:
        return f"{c.header} ska vara {whole}mellan {_fmt(lo, c.kind)} och {_fmt(hi, c.kind)}."
    if lo == 0:
        return f"{c.header} får inte vara negativt."
    if lo is not None:
        return f"{c.header} ska vara {whole}minst {_fmt(lo, c.kind)}."
    return f"{c.header} ska vara {whole}högst {_fmt(hi, c.kind)}."


def _allowed(values: tuple[str, ...]) -> str:
    shown = ", ".join(values[:MAX_VALUES_SHOWN])
    more = len(values) - MAX_VALUES_SHOWN
    return f"{shown} … (och {more} till, se mallen)" if more > 0 else shown


def _invalid_message(c: Column) -> str:
    match c.kind:
        case Kind.DATE:
            return ("Ogiltigt datum. Skriv datumet som ÅÅÅÅ-MM-DD (t.ex. 2023-03-31), "
                    "ÅÅÅÅMMDD eller ÅÅMMDD.")
        case Kind.CODE:
            return f"Okänt värde för {c.header}. Tillåtna värden: {_allowed(c.values)}."
        case Kind.INT:
            return f"{c.header} ska vara ett heltal, t.ex. 34."
        case Kind.YEAR:
            return f"{c.header} ska vara ett årtal, t.ex. 2025."
        case Kind.PERCENT:
            return f"{c.header} ska vara en procentsats, t.ex. 25 %, 25 eller 8,1 %."
        case Kind.PERIOD:
            return PERIOD_MESSAGE
        case _:
            return f"{c.header} ska vara ett tal, t.ex. 1 923 361 eller 8,1."


PERIOD_MESSAGE = ("Okänd period. Skriv ett år (2024), ett halvår (2024 H1), ett kvartal "
                  "(2024 Q3) eller ett datumintervall (2024-01-01–2024-06-30).")
KPI_MESSAGE = ("Okänt nyckeltal. Ange nyckeln (t.ex. share_work) eller det svenska namnet från "
               "nyckeltalslistan, eller volume:<Mått> för ett volymmål.")
NOTE_MESSAGE = "är inget tal. Värdet sparas som saknat och texten sparas som kommentar."


def cell_issues(df: pl.DataFrame, ctx: Context, today: date) -> list[Issue]:
    """Empty required cells, unreadable cells, unknown codes, values out of range."""
    out: list[Issue] = []
    for c in ctx.sheet.columns:
        if c.name not in ctx.present:
            continue
        # Cell texts arrive stripped, blank as null (loaders.read).
        text, value = pl.col(raw(c.name)), pl.col(c.name)
        if c.required:
            out += ctx.report(df, text.is_null(), c.name, f"{c.header} måste fyllas i.")
        bad = text.is_not_null() & value.is_null()
        numeric = c.kind in (Kind.INT, Kind.NUMBER, Kind.AMOUNT, Kind.PERCENT)
        if ctx.sheet.table == "targets" and c.name in ("kpi", "target_value"):
            out += _target_issues(df, ctx, c, bad)
        elif numeric and not c.required:
            # Text such as "Se separat redovisning" is kept as a comment; 34,5 as an age is not.
            text_only = pl.col(nonum(c.name))
            out += ctx.report(df, bad & ~text_only, c.name, _invalid_message(c))
            out += ctx.report(df, text_only, c.name, f"{c.header} {NOTE_MESSAGE}", "warning")
        else:
            out += ctx.report(df, bad, c.name, _invalid_message(c))
        if c.kind is Kind.DATE:
            last = max_date(ctx.sheet, c, today)
            out += ctx.report(df, (value < MIN_DATE) | (value > last), c.name,
                              f"Datumet måste ligga mellan {MIN_DATE} och {last}.")
        if c.min_value is not None or c.max_value is not None:
            lo = value < c.min_value if c.min_value is not None else pl.lit(False)
            hi = value > c.max_value if c.max_value is not None else pl.lit(False)
            out += ctx.report(df, lo | hi, c.name, _range_text(c))
        if c.kind is Kind.PERCENT:
            out += _fraction_warning(df, ctx, c)
    return out


def _target_issues(df: pl.DataFrame, ctx: Context, c: Column, bad: pl.Expr) -> list[Issue]:
    if c.name == "kpi":
        return ctx.report(df, bad, c.name, KPI_MESSAGE)
    text = pl.col(raw(c.name))
    pct = cells.has_percent_sign(text)
    known_kpi = pl.col("kpi").is_not_null()
    out = ctx.report(df, bad & known_kpi & pct & cells.percent(text).is_not_null(), c.name,
                     "Nyckeltalet mäts inte i procent. Skriv målvärdet som ett tal utan %, "
                     "t.ex. 34.")
    out += ctx.report(df, bad & known_kpi & cells.percent(text).is_null(), c.name,
                      _invalid_message(c))
    out += ctx.report(df, pl.col("target_is_share") & ~pct & (pl.col(c.name) > 0)
                      & (pl.col(c.name) < 0.01), c.name,
                      "Målvärdet läses som procent: 0,25 betyder 0,25 %. Skriv 25 för 25 %.",
                      "warning")
    return out


def _fraction_warning(df: pl.DataFrame, ctx: Context, c: Column) -> list[Issue]:
    """Warn once when a whole percent column looks like fractions (0.8 meant as 80 %)."""
    text = pl.col(raw(c.name))
    stats = df.select(
        written_pct=cells.has_percent_sign(text).any(),
        top=pl.col(c.name).max(), first=pl.col(ROW).filter(pl.col(c.name) > 0).min())
    written_pct, top, first = stats.row(0)
    if written_pct or top is None or top == 0 or top > 0.01:
        return []
    return [Issue(ctx.file, ctx.sheet_name, first, ctx.headers[c.name], None,
                  f"Alla värden i {c.header} är 1 eller mindre och läses som procent "
                  "(0,8 = 0,8 %). Skriv 80 eller 80 % för 80 %.", "warning")]


def row_checks(df: pl.DataFrame, ctx: Context) -> list[Issue]:
    """Checks across columns of one row."""
    out: list[Issue] = []
    has = ctx.present.__contains__
    if has("start_date") and has("end_date"):
        out += ctx.report(df, pl.col("end_date") < pl.col("start_date"), "end_date",
                          "Slutdatum ligger före Startdatum.")
    if ctx.sheet.table == "episodes":
        end = pl.col("end_date").is_not_null() if has("end_date") else pl.lit(False)
        reason = pl.col(raw("exit_reason")).is_not_null()
        if has("end_date") or has("exit_reason"):
            out += ctx.report(df, end & ~reason, "exit_reason",
                              "Avslutsorsak måste fyllas i när Slutdatum är ifyllt.")
            out += ctx.report(df, reason & ~end & pl.col(raw("end_date")).is_null(),
                              "exit_reason", "Avslutsorsak är ifylld men Slutdatum saknas. Fyll "
                              "i Slutdatum eller ta bort avslutsorsaken.")
    if ctx.sheet.table == "indicators":
        total = pl.col("negative") + pl.col("neutral") + pl.col("positive")
        shown = ((total * 100).round(1).cast(pl.String).str.replace(r"\.0$", "")
                 .str.replace(".", ",", literal=True))  # 30 -> "30", 88.1 -> "88,1"
        out += ctx.report(df, (total - 1).abs() > INDICATOR_SUM_TOLERANCE + 1e-9, "positive",
                          None, value=shown, message_expr=pl.format(
                              "Negativt, Varken eller och Positivt ska tillsammans bli 100 % "
                              "(±2 procentenheter), men blir {} %.", shown))
        out += ctx.report(df, pl.col("clearly_positive") > pl.col("positive") + 1e-9,
                          "clearly_positive", "Klart positivt kan inte vara större än Positivt.")
    if ctx.sheet.table == "socioeconomic":
        blank = pl.col("cost").is_null() & pl.col("profit_1y").is_null()
        out += ctx.report(df, blank, "cost",
                          "Fyll i Kostnad eller Lönsamhet 1 år (minst en av dem).",
                          value=pl.lit(None, pl.String))
    return out


CONTROL_MESSAGE = (
    "Cellen innehåller ett osynligt styrtecken (t.ex. ett NUL-tecken), markerat i värdet. "
    "Ta bort tecknet: skriv om texten eller klistra in den som ren text.")


def control_character_issues(file: str, sheet_name: str, headers: list[str],
                             frame: pl.DataFrame) -> list[Issue]:
    """Cells holding a `CONTROL_CHARACTERS` character, in any column of a raw sheet.

    `frame` is the sheet as read (text columns `c0`…, `__row`), so every cell is checked,
    whatever its column; the value shown marks where the character is (`row_issues`).
    """
    out: list[Issue] = []
    for pos, header in enumerate(headers):
        col = f"c{pos}"
        values = frame.get_column(col).drop_nulls().unique()
        hits = values.filter(values.str.contains(CONTROL_CHARACTERS))
        if hits.is_empty():
            continue
        rows = frame.filter(pl.col(col).is_in(hits.implode())).select(ROW, value=pl.col(col))
        out += row_issues(rows, file=file, sheet=sheet_name, column=header or None,
                          message=CONTROL_MESSAGE)
    return out


# --- checks across rows, sheets and files ---------------------------------------------------

def key_text(*names: str) -> pl.Expr:
    """One string per row for set membership of a composite key."""
    return pl.concat_str([pl.col(n).cast(pl.String) for n in names], separator="\x1f")


def _and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} och {words[-1]}"


def duplicate_issues(df: pl.DataFrame, contexts: dict[str, Context]) -> list[Issue]:
    """Rows repeating an earlier row's key, in the same file or an earlier file of the upload."""
    sheet = next(iter(contexts.values())).sheet
    key = list(sheet.key)
    marked = df.filter(pl.all_horizontal(pl.col(key).is_not_null())).with_columns(
        first_row=pl.col(ROW).first().over(key), first_file=pl.col(FILE).first().over(key))
    dups = marked.filter((pl.col(ROW) != pl.col("first_row"))
                         | (pl.col(FILE) != pl.col("first_file")))
    out: list[Issue] = []
    for (file,), part in dups.partition_by(FILE, as_dict=True, maintain_order=True).items():
        ctx = contexts[file]
        names = _and_list([ctx.headers[k] for k in key])
        where = pl.when(pl.col("first_file") != pl.col(FILE)).then(
            pl.format(" i filen {}", pl.col("first_file"))).otherwise(pl.lit(""))
        out += ctx.report(part, pl.lit(True), None, None, value=pl.concat_str(
            [pl.col(k).cast(pl.String) for k in key], separator=" | "),
            message_expr=pl.format(f"Raden har samma {names} som rad {{}}{{}}. Varje "
                                   "kombination får bara finnas en gång.",
                                   pl.col("first_row"), where))
    return out


def reference_issues(df: pl.DataFrame, ctx: Context,
                     known: set[tuple[str, str]]) -> list[Issue]:
    """Rows naming an insats that is neither in the upload's Insatser nor in the database."""
    optional = not ctx.sheet.column("insats").required
    pairs = df.select("forbund", "insats").unique().drop_nulls().rows()
    missing = ["\x1f".join(p) for p in pairs if p not in known and not (optional and p[1] == "")]
    if not missing:
        return []
    return ctx.report(
        df, key_text("forbund", "insats").is_in(missing), "insats", None,
        message_expr=pl.format("Insatsen ”{}” finns inte för {}. Lägg till den i bladet "
                               "Insatser (i samma uppladdning) eller ladda upp den först.",
                               pl.col("insats"), pl.col("forbund")))


def forbund_issues(df: pl.DataFrame, ctx: Context, allowed: set[str]) -> list[Issue]:
    """Rows for a förbund the user may not upload for; sheets without Förbund are admin-only."""
    if ctx.sheet.table in ADMIN_ONLY:
        # An empty sheet (as in the downloaded template) is no upload of it.
        return [] if df.is_empty() else [Issue(ctx.file, ctx.sheet_name, None, None, None,
                      f"Bladet {ctx.sheet.name} kan bara laddas upp av en administratör.")]
    if "forbund" not in ctx.present:
        return []
    message = (f"Du kan bara ladda upp uppgifter för {_and_list(sorted(allowed))}."
               if allowed else "Du har inte behörighet att ladda upp uppgifter för något "
               "förbund.")
    return ctx.report(df, pl.col("forbund").is_not_null() & ~pl.col("forbund").is_in(
        sorted(allowed)), "forbund", message)


FOLLOWUP_KEY = ("forbund", "insats", "participant_id", "start_date")


def followup_issues(followups: pl.DataFrame, episodes: pl.DataFrame,
                    ctx: Context) -> list[Issue]:
    """Warn for follow-ups whose episode is not in this upload's Deltagare sheet.

    Only checked when the upload has a Deltagare sheet; episodes already in the database are
    not looked up (the follow-up may belong to one of them), hence a warning, not an error.
    """
    known = episodes.select(key_text(*FOLLOWUP_KEY)).to_series().drop_nulls().unique()
    complete = pl.all_horizontal(pl.col(list(FOLLOWUP_KEY)).is_not_null())
    return ctx.report(
        followups, complete & ~key_text(*FOLLOWUP_KEY).is_in(known.implode()),
        "participant_id", "Deltagarperioden (Deltagar-ID och Startdatum) finns inte i bladet "
        "Deltagare i den här uppladdningen. Den måste redan finnas i databasen, annars hör "
        "uppföljningen inte till någon deltagare.", "warning")
