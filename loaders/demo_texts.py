"""Demo report texts (sheet Rapporttexter): a few fictional sections per förbund.

Each förbund gets texts for the whole förbund and for its first insats, for the last three
demo years; some sections stay empty, so the Rapport page and the reports show how an empty
section is left out. No randomness: the texts are the same for every seed and size.
"""

from __future__ import annotations

import polars as pl

from loaders.demo_util import LAST_YEAR, InsatsPlan

#: Years with texts: the demo's default year (the latest full one) and its neighbours.
YEARS = (LAST_YEAR - 2, LAST_YEAR - 1, LAST_YEAR)

FORBUND_TEXTS = {
    "Bakgrund och syfte": (
        "Förbundet finansierar insatser där Arbetsförmedlingen, Försäkringskassan, regionen "
        "och kommunerna arbetar tillsammans, så att fler personer i behov av samordnat stöd "
        "kommer närmare arbete eller studier.\n\nDetta är en fiktiv text i demodata."),
    "Slutsatser": (
        "Verksamheten {year} har bedrivits enligt verksamhetsplanen. Insatsernas resultat och "
        "ekonomi redovisas i tabellerna i rapporten.\n\nDetta är en fiktiv text i demodata."),
}
INSATS_TEXTS = {
    "Bakgrund och syfte": (
        "Insatsen startades för att ge personer långt från arbetsmarknaden ett samordnat "
        "stöd från flera myndigheter på ett och samma ställe.\n\nDetta är en fiktiv text i "
        "demodata."),
    "Målgrupp": (
        "Personer 16–64 år med behov av samordnade rehabiliteringsinsatser, till exempel med "
        "sjukpenning, ekonomiskt bistånd eller aktivitetsstöd."),
    "Genomförande": (
        "Deltagarna får en personlig plan och träffar sin handledare varje vecka. Under {year} "
        "har insatsen också erbjudit gruppverksamhet och arbetsträning."),
    "Analys och reflektion": (
        "Andelen som gått vidare till arbete eller studier följs per kvartal. Samverkan med "
        "remittenterna har fungerat väl; väntetiden till start kan bli kortare."),
}


def report_texts(plans: list[InsatsPlan], forbund: list[str]) -> pl.DataFrame:
    """Rows of the `report_texts` table (without `notes`) for every förbund."""
    first = {}
    for plan in plans:
        first.setdefault(plan.forbund, plan.name)
    rows = []
    for name in forbund:
        for year in YEARS:
            rows += [(name, "", str(year), section, text.format(year=year))
                     for section, text in FORBUND_TEXTS.items()]
            if name in first:
                rows += [(name, first[name], str(year), section, text.format(year=year))
                         for section, text in INSATS_TEXTS.items()]
    return pl.DataFrame(rows, orient="row", schema={
        "forbund": pl.String, "insats": pl.String, "period": pl.String, "section": pl.String,
        "text": pl.String})
