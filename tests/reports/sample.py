"""A small board report with every kind of block, for the renderer tests."""

from __future__ import annotations

import plotly.graph_objects as go

from reports.model import Figure, Paragraph, Report, Section, Signature, Table

#: Text that is markup in Typst (and XML-ish elsewhere): must print exactly as written.
SPECIAL = "Förbundet #1 betalar $500 * 2 ] till @kansliet <x> _inte_ `kod` \\ slut"
NAME = "Insats #panic() ] Östra Ärla"
OUTCOMES = ("Arbete", "Studier", "Arbetssökande")
GROUPS = ("Kvinnor", "Män", "Övriga")
SHARES = {"Kvinnor": (0.31, 0.12, 0.22), "Män": (0.27, 0.09, 0.3), "Övriga": (None, None, None)}


def outcome_chart() -> go.Figure:
    """Grouped bars like the dashboard's results chart (a hidden group draws no bar)."""
    fig = go.Figure()
    for i, outcome in enumerate(OUTCOMES):
        fig.add_trace(go.Bar(x=list(GROUPS), y=[SHARES[g][i] for g in GROUPS], name=outcome))
    fig.update_layout(barmode="group", title="Utfall vid avslut per kön – andel av avslutade",
                      separators=", ", height=380, legend={"orientation": "h", "y": -0.2})
    fig.update_yaxes(tickformat=".0%")
    return fig


def outcome_table() -> Table:
    def pct(v):
        return "för få" if v is None else f"{v * 100:.1f} %".replace(".", ",")
    return Table(caption="Utfall per kön (siffrorna i diagrammet)",
                 header=("Kön", *OUTCOMES, "Avslutade"),
                 rows=tuple((g, *(pct(v) for v in SHARES[g]), n)
                            for g, n in zip(GROUPS, ("1 923", "1 204", "<5"), strict=True)),
                 numeric=(False, True, True, True, True),
                 note="Andelar över färre än 5 avslutade visas som ”för få”.")


def long_table(rows: int = 60) -> Table:
    return Table(caption="Deltagare per månad och remittent",
                 header=("Månad", "Remittent", "Nya", "Avslutade", "Kostnad"),
                 rows=tuple((f"2023-{(i % 12) + 1:02d}", ("Arbetsförmedlingen", "Försäkringskassan",
                                                        "Kommunen", "Regionen")[i % 4],
                             str(10 + i), "<5" if i % 7 == 0 else str(i % 9 + 5),
                             f"{1_923_361 + i * 1000:,} kr".replace(",", " "))
                            for i in range(rows)),
                 numeric=(False, False, True, True, True))


def sample_report(*, figures: int = 1, demo: bool = True) -> Report:
    figs = tuple(Figure(figure=outcome_chart(),
                        alt="Stapeldiagram: andel till arbete, studier och arbetssökande per "
                            f"kön; kvinnor 31 % till arbete, män 27 %. ({i + 1})",
                        table=outcome_table(), caption=f"Utfall per kön {i + 1}")
                 for i in range(figures))
    return Report(
        kind="slutrapport",
        title="Slutrapport – Samordningsteamet i Åsele",
        subtitle="Verksamhetsåret 2023",
        cover=(("Förbund", "Demoförbundet Norrdal"), ("Insats", NAME),
               ("Period", "2023-01-01 – 2023-12-31"), ("Filter", "Kön: alla; ålder 18–29"),
               ("Skapad", "2024-02-01"), ("Dataversion", "uppladdning 17")),
        sections=(
            Section("Insatsen", (Paragraph("Insatsen startade i januari.\n\n" + SPECIAL),),
                    subsections=(Section("Bakgrund och syfte", (Paragraph(
                        "Målgruppen är unga vuxna med försörjningsstöd.\nRad två i samma stycke."),
                    )),)),
            Section("Avvikelser"),  # empty: left out
            Section("Resultat", figs, subsections=(Section("Tom underrubrik"),)),
            Section("Deltagare", (long_table(),)),
            Section("Ekonomi", (wide_table(),)),
            Section("Underskrift", (Signature(),)),
        ),
        appendix=(Section("Definitioner", (Table(
            caption="Nyckeltal", header=("Nyckeltal", "Definition"),
            rows=(("Andel till arbete", "Avslutade till arbete / alla avslutade, i procent."),
                  ("Årsplatser", "Deltagardagar / 365."))),)),),
        demo=demo,
        notes=("Antal 1–4 visas som <5 och andelar över färre än 5 som ”för få”.",),
    )


def wide_table() -> Table:
    """Budget per kostnadsslag: many columns and long text, to check nothing is clipped."""
    kinds = ("Personalkostnader inklusive sociala avgifter och pensionsavsättningar",
             "Lokaler", "Resor, kurser och konferenser för personal och deltagare",
             "Övriga kostnader (material, licenser, förbrukning)")
    return Table(caption="Budget och utfall per kostnadsslag",
                 header=("Kostnadsslag", "Budget", "Utfall", "Nyttjandegrad", "Prognos helår",
                         "Avvikelse mot budget", "Kommentar"),
                 rows=tuple((k, "1 923 361 kr", "1 204 118 kr", "62,6 %", "1 850 000 kr",
                             "−73 361 kr", "Se separat redovisning av ändrade villkor")
                            for k in kinds),
                 numeric=(False, True, True, True, True, True, False))
