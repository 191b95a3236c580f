"""Refuse personal identity data: personnummer, samordningsnummer, e-mail addresses, names.

The dashboard must only ever hold pseudonymous participant ids. Every cell of every sheet is
scanned (vectorised: the Luhn check is a polars expression over the digit string), and values
shown back to the user are masked so no message repeats a full personnummer.
"""

from __future__ import annotations

import polars as pl

from loaders.contract import Sheet
from loaders.issues import ROW, Issue, row_issues

#: A personnummer or samordningsnummer anywhere in a cell: YYMMDD-XXXX, YYMMDD+XXXX,
#: YYMMDDXXXX, YYYYMMDDXXXX or YYYYMMDD-XXXX (not part of a longer digit run).
PNR = r"(?:^|\D)((?:19|20)?\d{6}[-+]?\d{4})(?:\D|$)"
EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}"

#: Common Swedish first names (SCB's most frequent, women and men), for spotting names in
#: free text. Words that are also ordinary words in group names (Klara, Bo) are left out.
FIRST_NAMES = (
    "Agnes Alice Alva Amanda Ann Anna Anneli Annika Anette Astrid Birgitta Britt Camilla "
    "Carina Caroline Cecilia Ebba Elin Elisabeth Ella Elsa Emelie Emma Eva Fatima Frida "
    "Gunilla Gunnel Hanna Helena Ida Inger Ingrid Jenny Johanna Josefin Julia Karin Katarina "
    "Kerstin Kristina Lena Linda Linnea Linnéa Lisa Lotta Louise Maja Malin Margareta Maria "
    "Marianne Marie Matilda Mikaela Moa Monica Nora Olivia Pia Saga Sara Siv Sofia Stina "
    "Susanne Therese Ulla Viktoria Wilma Yvonne Åsa "
    "Adam Ahmed Albin Alexander Ali Anders Andreas Anton Arvid Axel Benjamin Bengt Björn "
    "Christer Daniel David Elias Emil Erik Filip Fredrik Gustav Göran Hans Hassan Henrik Hugo "
    "Håkan Isak Jakob Jan Jesper Joakim Johan Johannes Jonas Karl Kjell Kristoffer Lars Leif "
    "Leo Liam Linus Lucas Ludvig Magnus Marcus Martin Mats Mattias Mikael Mohammed Måns "
    "Niklas Nils Olof Oliver Omar Oskar Patrik Per Peter Rickard Robert Roger Rolf Samuel "
    "Sebastian Simon Stefan Sven Thomas Tobias Tommy Ulf Viktor William"
).split()

_NAMES = "|".join(FIRST_NAMES)
_WORD = r"\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?"
#: "Anna Svensson", "Per-Erik Lind", or one of the first names alone.
NAME_ID = rf"^(?:{_WORD}(?:\s+{_WORD})+|(?:{_NAMES}))$"
#: A common first name followed by a capitalised word: "Anna Svensson, ny grupp".
NAME_TEXT = rf"^(?:{_NAMES})\s+\p{{Lu}}"

PNR_MESSAGE = (
    "Cellen ser ut att innehålla ett personnummer eller samordningsnummer. Personnummer får "
    "inte laddas upp. Ersätt personnumret med ett löpnummer eller id från ärendesystemet, "
    "t.ex. D-000123; spara kopplingsnyckeln hos er, aldrig här.")
EMAIL_MESSAGE = ("Cellen innehåller en e-postadress. E-postadresser får inte laddas upp – ta "
                 "bort den.")
NAME_ID_MESSAGE = (
    "Deltagar-ID ser ut att vara ett namn. Använd ett pseudonymt id från ärendesystemet, t.ex. "
    "D-000123 – aldrig namn eller personnummer.")
NAME_TEXT_MESSAGE = (
    "Cellen ser ut att innehålla ett namn. Namn på deltagare får inte laddas upp – beskriv "
    "gruppen utan namn och använd pseudonyma id:n.")


def luhn_valid(digits: pl.Expr) -> pl.Expr:
    """True where a 10-digit string has a valid Luhn check digit (weights 2,1,2,1,…)."""
    total = pl.lit(0, pl.Int32)
    for i in range(10):
        product = digits.str.slice(i, 1).cast(pl.Int32, strict=False) * (2 if i % 2 == 0 else 1)
        total = total + pl.when(product > 9).then(product - 9).otherwise(product)
    return (total % 10) == 0


def personnummer(cell: pl.Expr) -> pl.Expr:
    """The masked personnummer found in a cell (`19850312-****`), else null.

    Requires a possible month, a day 01–31 (or 61–91 for a samordningsnummer) and a valid
    check digit, so an ordinary ten-digit number is rarely mistaken for one.
    """
    found = cell.str.extract(PNR, 1)
    ten = found.str.replace_all(r"[-+]", "").str.slice(-10)
    month = ten.str.slice(2, 2).cast(pl.Int32, strict=False)
    day = ten.str.slice(4, 2).cast(pl.Int32, strict=False)
    plausible = month.is_between(1, 12) & (day.is_between(1, 31) | day.is_between(61, 91))
    masked = pl.concat_str(found.str.head(-4), pl.lit("****"))
    return pl.when(plausible & luhn_valid(ten)).then(masked)


def email(cell: pl.Expr) -> pl.Expr:
    """The masked e-mail address found in a cell (`a***@kommun.se`), else null."""
    found = cell.str.extract(f"({EMAIL})", 1)
    return pl.concat_str(found.str.head(1), pl.lit("***@"), found.str.extract(r"@(.+)$", 1))


def _masked_name(cell: pl.Expr) -> pl.Expr:
    return cell.str.replace_all(r"(\p{Lu})\p{Ll}+", "${1}***")


def _hits(values: pl.Series, prefilter: str, find) -> pl.DataFrame:
    """Distinct cell texts where `find` finds something, with the masked finding."""
    candidates = values.filter(values.str.contains(prefilter)).to_frame("text")
    return candidates.select("text", masked=find(pl.col("text"))).drop_nulls()


def scan(file: str, sheet_name: str, sheet: Sheet | None, headers: list[str],
         frame: pl.DataFrame, names: dict[str, int]) -> list[Issue]:
    """Issues for identity data in a raw sheet (text columns `c0`…, `__row`).

    `names` maps the sheet's matched contract column names to their positions; in sheets
    with participant rows, Deltagar-ID must not be a name, and free text (Grupp and columns
    outside the contract) must not start with a first name and a surname. Each check runs on
    the distinct texts of a column after a cheap pre-filter, so a clean sheet costs little.
    """
    participant = sheet is not None and sheet.participant_rows
    by_pos = {pos: name for name, pos in names.items()}
    issues: list[Issue] = []
    for pos, header in enumerate(headers):
        col = f"c{pos}"
        values = frame.get_column(col).drop_nulls().unique()
        checks = [(_hits(values, r"\d{6}", personnummer), PNR_MESSAGE),
                  (_hits(values, "@", email), EMAIL_MESSAGE)]
        if participant and by_pos.get(pos) == "participant_id":
            checks.append((_hits(values, NAME_ID, _masked_name), NAME_ID_MESSAGE))
        elif participant and by_pos.get(pos, "grupp") == "grupp":
            checks.append((_hits(values, NAME_TEXT, _masked_name), NAME_TEXT_MESSAGE))
        for hits, message in checks:
            if hits.is_empty():
                continue
            rows = frame.filter(pl.col(col).is_in(hits["text"].implode())).select(
                ROW, value=pl.col(col).replace_strict(hits["text"], hits["masked"]))
            issues += row_issues(rows, file=file, sheet=sheet_name, column=header or None,
                                 message=message)
    return issues
