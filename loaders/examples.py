"""The template's example rows: marked `Ja` in the column `Exempelrad`, never imported.

The downloaded template carries one made-up row per sheet so that uploading it unchanged
must neither fail nor store made-up data: a marked row left as the template wrote it is
skipped with a warning. A marked row that was edited is an error instead of being dropped
in silence: a row copied down from the example keeps the mark, and its own data would be
lost. The Förbund cell is not compared, as the template writes the viewer's own förbund.
"""

from __future__ import annotations

import polars as pl

from loaders.contract import Sheet, header_key
from loaders.issues import FILE, ROW, Issue, row_issues
from loaders.validate import Context, raw

#: The marker column, last in every data sheet of the template; outside the contract.
EXAMPLE_HEADER = "Exempelrad"
EXAMPLE_KEY = header_key(EXAMPLE_HEADER)
#: What the template writes in the marker column of its example row.
EXAMPLE_MARK = "Ja"
#: Name of the marker column in a parsed sheet (`loaders.headers.match_headers`).
EXAMPLE = "__example"

SKIPPED_MESSAGE = ("Raden är mallens exempelrad (Ja i kolumnen Exempelrad) och läses inte in. "
                   "Ta bort den, eller skriv över den med egna uppgifter och töm cellen i "
                   "Exempelrad.")
EDITED_MESSAGE = ("Raden är markerad som exempelrad (kolumnen Exempelrad) men har egna "
                  "uppgifter. Töm cellen i Exempelrad om raden ska läsas in, eller ta bort "
                  "raden.")


def example_texts(sheet: Sheet) -> pl.DataFrame:
    """The sheet's example row as cell texts (`x__raw` columns), blank as null."""
    return pl.DataFrame({raw(c.name): [sheet.example.get(c.header) or None]
                         for c in sheet.columns},
                        schema={raw(c.name): pl.String for c in sheet.columns})


def split_examples(df: pl.DataFrame, ctx: Context, example: pl.DataFrame,
                   header: str) -> tuple[pl.DataFrame, list[Issue]]:
    """`df` without the unchanged example rows, and an issue for every marked row.

    `df` has the marker column's text as `EXAMPLE`; `header` is that column's header as
    written. `df` and `example` are typed the same way (`parse._typed`), so `3 200 000` and an
    Excel number cell compare equal.
    """
    marked = pl.col(EXAMPLE).is_not_null()
    same = pl.all_horizontal([
        pl.col(c.name).eq_missing(pl.lit(example[c.name][0], example.schema[c.name]))
        for c in ctx.sheet.columns if c.name != "forbund"])
    flagged = df.filter(marked).with_columns(__same=same)
    issues: list[Issue] = []
    for unchanged, message, severity in ((True, SKIPPED_MESSAGE, "warning"),
                                         (False, EDITED_MESSAGE, "error")):
        rows = flagged.filter(pl.col("__same") == unchanged).select(
            ROW, FILE, value=pl.col(EXAMPLE))
        issues += row_issues(rows, file=ctx.file, sheet=ctx.sheet_name, column=header,
                             message=message, severity=severity)
    return df.filter(~(marked & same)), issues
