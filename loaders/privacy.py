"""Refuse personal identity data: personnummer, samordningsnummer, e-mail addresses, names.

The dashboard must only ever hold pseudonymous participant ids. Every cell of every sheet is
scanned (vectorised: the Luhn check is a polars expression over the digit string), and values
shown back to the user are masked so no message repeats a full personnummer.
"""

from __future__ import annotations

import re

import polars as pl

from loaders.contract import Sheet
from loaders.issues import ROW, Issue, row_issues

#: A personnummer or samordningsnummer: YYMMDD-XXXX, YYMMDD+XXXX, YYMMDD XXXX, YYMMDDXXXX,
#: YYYYMMDD-XXXX, YYYYMMDD XXXX or YYYYMMDDXXXX (one `-`, `+` or space, or none, between
#: date and number).
PNR_SHAPE = r"(?:19|20)?\d{6}[-+\s]?\d{4}"
#: `PNR_SHAPE` anywhere in a cell, not part of a longer digit run.
PNR = rf"(?:^|\D)({PNR_SHAPE})(?:\D|$)"
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

#: One of the first names, in any case ("Anna", "ANNA", "anna").
_FIRST = "(?i:" + "|".join(FIRST_NAMES) + ")"
#: A word written as a name: capitalised or in capitals, hyphenated too ("Per-Erik", "LIND").
_CAP_WORD = r"\p{Lu}\p{L}+(?:['’-]\p{Lu}\p{L}+)*"
#: Any word of letters only ("svensson", "af-klint").
_ANY_WORD = r"\p{L}+(?:['’-]\p{L}+)*"
#: Between the parts of a name: spaces, or a comma as in "Svensson, Anna".
_SEP = r"(?:\s*,\s*|\s+)"
#: A Deltagar-ID that is a name: two or more words of letters, each written as a name
#: ("Anna Svensson", "ANNA SVENSSON", "Svensson, Anna", "Per-Erik Lind"), or words of letters
#: in any case of which one is a first name ("anna svensson", "Svensson anna", "Anna").
#: A pseudonymous id has digits ("D-000123", "AB-12", "KS2024-001"), so it never matches.
NAME_ID = (rf"^(?:{_CAP_WORD}(?:{_SEP}{_CAP_WORD})+"
           rf"|(?:{_ANY_WORD}{_SEP})*{_FIRST}(?:{_SEP}{_ANY_WORD})*)$")
#: Free text starting with a name: a first name and a capitalised word ("Anna Svensson, ny
#: grupp", "ANNA SVENSSON"), or a surname, a comma and a first name ("Svensson, Anna").
NAME_TEXT = rf"^(?:{_FIRST}\s+\p{{Lu}}|\p{{Lu}}\p{{L}}+\s*,\s*{_FIRST}(?:\s|$))"
#: A name inside prose (a report text): a capitalised first name and a capitalised word,
#: anywhere ("… tillsammans med Anna Svensson på …"). Only warned about: such texts also name
#: staff and contact persons, which is allowed; participants must not be named.
NAME_IN_PROSE = (r"(?:^|[^\p{L}])((?:" + "|".join(FIRST_NAMES)
                 + r")\s+\p{Lu}\p{L}+(?:-\p{Lu}\p{L}+)?)")

PNR_MESSAGE = (
    "Cellen ser ut att innehålla ett personnummer eller samordningsnummer. Personnummer får "
    "inte laddas upp. Ersätt personnumret med ett löpnummer eller id från ärendesystemet, "
    "t.ex. D-000123; spara kopplingsnyckeln hos er, aldrig här.")
EMAIL_MESSAGE = ("Cellen innehåller en e-postadress. E-postadresser får inte laddas upp – ta "
                 "bort den.")
NAME_ID_MESSAGE = (
    "Deltagar-ID ser ut att vara ett namn. Använd ett pseudonymt id från ärendesystemet, t.ex. "
    "D-000123 – aldrig namn eller personnummer.")
FILE_NAME_MESSAGE = (
    "Filnamnet innehåller ett personnummer eller en e-postadress. Byt namn på filen så att "
    "namnet inte innehåller personuppgifter, t.ex. Kvartal3-2026.xlsx, och ladda upp den igen.")
NAME_TEXT_MESSAGE = (
    "Cellen ser ut att innehålla ett namn. Namn på deltagare får inte laddas upp – beskriv "
    "gruppen utan namn och använd pseudonyma id:n.")
NAME_IN_PROSE_MESSAGE = (
    "Texten ser ut att innehålla ett namn. Kontrollera att ingen deltagare namnges: skriv om "
    "deltagare utan namn. Namn på personal eller kontaktpersoner går bra.")


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
    ten = found.str.replace_all(r"[-+\s]", "").str.slice(-10)
    month = ten.str.slice(2, 2).cast(pl.Int32, strict=False)
    day = ten.str.slice(4, 2).cast(pl.Int32, strict=False)
    plausible = month.is_between(1, 12) & (day.is_between(1, 31) | day.is_between(61, 91))
    masked = pl.concat_str(found.str.head(-4), pl.lit("****"))
    return pl.when(plausible & luhn_valid(ten)).then(masked)


def personnummer_shaped(cell: pl.Expr) -> pl.Expr:
    """The masked personnummer in a cell whose date part is a real date (or day + 60), else null.

    For Deltagar-ID, where the shape alone is enough: a mistyped personnummer (wrong check
    digit) is still one. Six-digit years count if the date exists in either century.
    """
    found = cell.str.extract(PNR, 1)
    digits = found.str.replace_all(r"[-+\s]", "")
    ten = digits.str.slice(-10)
    day = ten.str.slice(4, 2).cast(pl.Int32, strict=False)
    calendar_day = pl.when(day > 60).then(day - 60).otherwise(day).cast(pl.String).str.zfill(2)

    def real_date(century: pl.Expr) -> pl.Expr:
        text = pl.concat_str(century, ten.str.slice(0, 4), calendar_day)
        return text.str.to_date("%Y%m%d", strict=False).is_not_null()

    given = digits.str.slice(0, 2)
    real = (pl.when(digits.str.len_chars() == 12).then(real_date(given))
            .otherwise(real_date(pl.lit("19")) | real_date(pl.lit("20"))))
    return pl.when(real).then(pl.concat_str(found.str.head(-4), pl.lit("****")))


def email(cell: pl.Expr) -> pl.Expr:
    """The masked e-mail address found in a cell (`a***@kommun.se`), else null."""
    found = cell.str.extract(f"({EMAIL})", 1)
    return pl.concat_str(found.str.head(1), pl.lit("***@"), found.str.extract(r"@(.+)$", 1))


def masked_text(text: str) -> str:
    """`text` with each personnummer and e-mail address masked as the cell checks mask them.

    For text that is kept rather than refused, such as an uploaded file's name:
    "Deltagare 811218-9876.csv" -> "Deltagare 811218-****.csv". A number is masked exactly
    when it would reject an ordinary cell (a possible date and a valid check digit).
    """
    found = [m[1] for m in re.finditer(rf"(?<!\d)({PNR_SHAPE})(?!\d)", text)]
    found += re.findall(EMAIL, text)
    if not found:
        return text
    masked = pl.select(pl.Series(found).alias("t")).select(
        pl.coalesce(personnummer(pl.col("t")), email(pl.col("t")))).to_series().to_list()
    for raw, shown in zip(found, masked, strict=True):
        if shown is not None:
            text = text.replace(raw, shown)
    return text


def _masked_name(cell: pl.Expr) -> pl.Expr:
    """Capitalised words cut to their initial: "Anna Svensson grupp" -> "A*** S*** grupp"."""
    return cell.str.replace_all(r"(\p{Lu})\p{L}+", "${1}***")


def _name_in_prose(cell: pl.Expr) -> pl.Expr:
    """The first name found in a text, masked: "… med Anna Svensson på …" -> "A*** S***"."""
    return _masked_name(cell.str.extract(NAME_IN_PROSE, 1))


def _masked_id(cell: pl.Expr) -> pl.Expr:
    """Every word cut to its initial: "svensson, anna" -> "s***, a***"."""
    return cell.str.replace_all(r"(\p{L})\p{L}+", "${1}***")


def _hits(values: pl.Series, prefilter: str, find) -> pl.DataFrame:
    """Distinct cell texts where `find` finds something, with the masked finding."""
    candidates = values.filter(values.str.contains(prefilter)).to_frame("text")
    return candidates.select("text", masked=find(pl.col("text"))).drop_nulls()


def scan(file: str, sheet_name: str, sheet: Sheet | None, headers: list[str],
         frame: pl.DataFrame, names: dict[str, int]) -> list[Issue]:
    """Issues for identity data in a raw sheet (text columns `c0`…, `__row`).

    `names` maps the sheet's matched contract column names to their positions; in sheets
    with participant rows, Deltagar-ID must not be a name, and free text (Grupp and columns
    outside the contract) must not start with a first name and a surname; a report text
    naming someone gets a warning (it may name staff). Each check runs on
    the distinct texts of a column after a cheap pre-filter, so a clean sheet costs little.
    """
    participant = sheet is not None and sheet.participant_rows
    prose = sheet is not None and sheet.table == "report_texts"
    by_pos = {pos: name for name, pos in names.items()}
    issues: list[Issue] = []
    for pos, header in enumerate(headers):
        col = f"c{pos}"
        values = frame.get_column(col).drop_nulls().unique()
        is_id = participant and by_pos.get(pos) == "participant_id"
        checks = [(_hits(values, r"\d{6}", personnummer_shaped if is_id else personnummer),
                   PNR_MESSAGE, "error"),
                  (_hits(values, "@", email), EMAIL_MESSAGE, "error")]
        if is_id:
            checks.append((_hits(values, NAME_ID, _masked_id), NAME_ID_MESSAGE, "error"))
        elif participant and by_pos.get(pos, "grupp") == "grupp":
            checks.append((_hits(values, NAME_TEXT, _masked_name), NAME_TEXT_MESSAGE, "error"))
        elif prose and by_pos.get(pos) == "text":
            checks.append((_hits(values, NAME_IN_PROSE, _name_in_prose), NAME_IN_PROSE_MESSAGE,
                           "warning"))
        for hits, message, severity in checks:
            if hits.is_empty():
                continue
            rows = frame.filter(pl.col(col).is_in(hits["text"].implode())).select(
                ROW, value=pl.col(col).replace_strict(hits["text"], hits["masked"]))
            issues += row_issues(rows, file=file, sheet=sheet_name, column=header or None,
                                 message=message, severity=severity)
    return issues
