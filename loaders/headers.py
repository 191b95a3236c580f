"""Match a sheet's headers to the contract's columns, forgivingly (`header_key`, aliases)."""

from __future__ import annotations

from loaders.contract import header_key
from loaders.examples import EXAMPLE, EXAMPLE_KEY
from loaders.issues import Issue
from loaders.read import RawSheet

#: Headers that name personal data; such a column is refused in any sheet.
PERSONAL_HEADERS = frozenset(header_key(h) for h in (
    "Namn", "Förnamn", "Efternamn", "Fullständigt namn", "Deltagarnamn", "Personnummer",
    "Personnr", "Pnr", "Samordningsnummer", "E-post", "Epost", "E-postadress", "Email", "Mail",
    "Mailadress", "Telefon", "Telefonnummer", "Tel", "Mobil", "Mobilnummer", "Adress",
    "Postadress", "Gatuadress"))


def match_headers(raw_sheet: RawSheet) -> tuple[dict[str, int], list[Issue], list[str]]:
    """Contract column name -> position; issues for missing, doubled and unknown headers.

    The template's marker column `Exempelrad` is found as `EXAMPLE`, not as an unknown column.
    """
    sheet, file, name = raw_sheet.sheet, raw_sheet.file, raw_sheet.name
    by_key = {header_key(h): c for c in sheet.columns for h in (c.header, *c.aliases)}
    found: dict[str, int] = {}
    issues: list[Issue] = []
    extras: list[str] = []
    marker: int | None = None
    for pos, header in enumerate(raw_sheet.headers):
        key = header_key(header)
        column = by_key.get(key)
        if not key:
            issues.append(Issue(file, name, None, raw_sheet.letters[pos], None,
                                "Kolumnen saknar rubrik men innehåller värden. Den läses inte "
                                "in; ge den en rubrik eller ta bort den.", "warning"))
        elif column is not None and column.name in found:
            issues.append(Issue(file, name, None, header, None,
                                f"Kolumnen {column.header} finns flera gånger. Varje kolumn får "
                                "bara finnas en gång."))
        elif column is not None:
            found[column.name] = pos
        elif key == EXAMPLE_KEY and marker is None:
            marker = pos
        elif key in PERSONAL_HEADERS:
            issues.append(Issue(file, name, None, header, None,
                                f"Kolumnen {header} ser ut att innehålla personuppgifter. Ta "
                                "bort kolumnen: namn, personnummer och kontaktuppgifter får inte "
                                "laddas upp."))
        else:
            extras.append(header)
            issues.append(Issue(file, name, None, header, None,
                                "Okänd kolumn. Den läses inte in; kontrollera stavningen om den "
                                "ska motsvara en kolumn i mallen.", "warning"))
    if not found:
        # Most likely the first filled row is data or a title: one clear error, not dozens.
        expected = ", ".join(c.header for c in sheet.columns if c.required)
        return {}, [Issue(file, name, raw_sheet.header_row, None, None,
                          "Hittar ingen rubrikrad. Första ifyllda raden ska innehålla "
                          f"kolumnrubrikerna, t.ex. {expected}.")], []
    for c in sheet.columns:
        if c.required and c.name not in found:
            issues.append(Issue(file, name, None, c.header, None,
                                f"Kolumnen {c.header} saknas. Den måste finnas i bladet "
                                f"{sheet.name}."))
    if marker is not None:
        found[EXAMPLE] = marker
    return found, issues, extras
