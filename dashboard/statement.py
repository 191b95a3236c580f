"""The tillgänglighetsredogörelse (lag 2018:1937), after DIGG's model.

Open to everyone, before and after login (`pages/tillganglighet.py`). Who runs the service
and where to report a problem come from configuration (`FINSAM_A11Y_ORGANISATION`,
`FINSAM_A11Y_CONTACT`, or `a11y_organisation` / `a11y_contact` in `.streamlit/secrets.toml`).
The shortcomings listed here include every axe-core finding the browser tests allow
(`KNOWN_ISSUES`, used by `tests/e2e/test_a11y_browser.py` as its allow-list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import streamlit as st

from dashboard import escape
from dashboard.config import Settings

SERVICE = "Finsam-dashboard"
ASSESSED = "2026-11-29"  # the last self-assessment (axe-core, keyboard test, screenshots)
UPDATED = "2026-11-29"
DIGG_REPORT = "https://www.digg.se/tdosanmalan"
DEFAULT_ORGANISATION = "Det samordningsförbund som använder tjänsten"
DEFAULT_CONTACT = "förbundssamordnaren i ditt samordningsförbund"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class KnownIssue:
    """A shortcoming of the service; `rule`/`target` name the axe finding it excuses.

    `target` is a CSS selector the finding's element must match; `upstream` is the issue in
    the project that has to fix it (none when it is ours to fix).
    """

    text: str  # Swedish, for the statement
    criterion: str  # WCAG 2.1 success criterion
    rule: str | None = None
    target: str | None = None
    upstream: str | None = None


#: Shortcomings that come from Streamlit or plotly and cannot be fixed from the app.
KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        "Tabellerna ritas av Streamlit på en canvas. Skärmläsare får en dold tabell att "
        "läsa, men att navigera i stora tabeller med skärmläsare är svårt. Varje tabell kan "
        "laddas ner som CSV och Excel och läsas där.",
        "1.3.1 Information och relationer"),
    KnownIssue(
        "Diagrammen går inte att nå med tangentbord, och detaljerna som visas när muspekaren "
        "hålls över ett diagram finns bara för mus. Varje diagram har en kort sammanfattning "
        "i text och tabellen under diagrammet har samma siffror.",
        "2.1.1 Tangentbord", upstream="https://github.com/plotly/plotly.js/issues/562"),
    KnownIssue(
        "Sidans språk sätts till svenska av ett skript när sidan har laddats; de första "
        "ögonblicken anger dokumentet engelska (Streamlit har ingen inställning för det).",
        "3.1.1 Sidans språk", upstream="https://github.com/streamlit/streamlit/issues/15726"),
    KnownIssue(
        "Filväljaren på sidan Uppladdning visar filstorleken i engelskt format (till exempel "
        "8.0B). Dess knapptexter och etiketter översätts till svenska av appen.",
        "3.1.2 Språk för delar av innehållet",
        upstream="https://github.com/streamlit/streamlit/issues/13500"),
    KnownIssue(
        "Enstaka meddelanden från Streamlit själv är på engelska, till exempel när "
        "anslutningen till servern bryts eller när en adress med snedstreck inte finns.",
        "3.1.2 Språk för delar av innehållet",
        upstream="https://github.com/streamlit/streamlit/issues/1353"),
)


def organisation(settings: Settings, secrets: dict) -> str:
    """Who stands behind the service, from configuration."""
    return (settings.a11y_organisation or str(secrets.get("a11y_organisation") or "")
            or DEFAULT_ORGANISATION)


def contact(settings: Settings, secrets: dict) -> str | None:
    """How to reach the service's owner about accessibility, or None when not configured."""
    return settings.a11y_contact or str(secrets.get("a11y_contact") or "") or None


def contact_markdown(value: str | None) -> str:
    """The contact as markdown: an e-mail address becomes a mailto link, other text is text."""
    if value is None:
        return DEFAULT_CONTACT
    if _EMAIL.fullmatch(value.strip()):
        address = value.strip()
        return f"[{escape.markdown(address)}](mailto:{address})"
    return escape.markdown(value)


def show(settings: Settings, secrets: dict) -> None:
    """Draw the statement."""
    org = escape.markdown(organisation(settings, secrets))
    configured = contact(settings, secrets)
    reach = contact_markdown(configured)
    st.title("Tillgänglighetsredogörelse")
    st.markdown(
        f"{org} står bakom {SERVICE}, en tjänst för att följa upp insatser inom finansiell "
        "samordning. Vi vill att så många som möjligt ska kunna använda tjänsten. Här "
        f"beskriver vi hur {SERVICE} uppfyller lagen (2018:1937) om tillgänglighet till "
        "digital offentlig service, vilka kända brister som finns och hur du kan rapportera "
        "brister till oss så att vi kan åtgärda dem.")

    st.header("Hur tillgänglig är tjänsten?", anchor=False)
    st.markdown(
        f"{SERVICE} är **delvis förenlig** med lagen om tillgänglighet till digital offentlig "
        "service, på grund av de brister som beskrivs nedan.\n\n"
        "- Hela tjänsten går att använda med enbart tangentbord: logga in, välja filter, "
        "byta sida och ladda ner tabeller.\n"
        "- Varje diagram har en kort sammanfattning i text och en tabell med samma siffror.\n"
        "- Alla tabeller kan laddas ner som CSV och Excel.\n"
        "- Om ett mål är uppfyllt visas med text och symbol, aldrig bara med färg.\n"
        "- Texten har minst kontrasten 4,5:1 mot bakgrunden.")

    st.header("Vad kan du göra om du inte kan använda delar av tjänsten?", anchor=False)
    st.markdown(
        "Om du behöver innehåll från tjänsten i ett annat format, till exempel siffrorna bakom "
        f"ett diagram eller en rapport i ett format du kan läsa, kontakta {reach}.")

    st.header("Rapportera brister i tjänstens tillgänglighet", anchor=False)
    st.markdown(
        "Vi strävar hela tiden efter att förbättra tjänstens tillgänglighet. Om du upptäcker "
        "problem som inte beskrivs på den här sidan, eller om du anser att vi inte uppfyller "
        f"lagens krav, meddela {reach} så att vi får veta att problemet finns.")
    if configured is None:
        st.caption("Kontaktuppgiften är inte inställd i den här installationen "
                   "(FINSAM_A11Y_CONTACT).")

    st.header("Tillsyn", anchor=False)
    st.markdown(
        "Myndigheten för digital förvaltning (Digg) har ansvaret för tillsyn över lagen om "
        "tillgänglighet till digital offentlig service. Om du inte är nöjd med hur vi hanterar "
        f"dina synpunkter kan du [anmäla det till Digg]({DIGG_REPORT}).")

    st.header("Teknisk information om tjänstens tillgänglighet", anchor=False)
    st.markdown(
        f"{SERVICE} är delvis förenlig med standarden EN 301 549, som för webbinnehåll "
        "motsvarar WCAG 2.1 nivå AA, på grund av de brister som beskrivs nedan.")

    st.header("Innehåll som inte är tillgängligt", anchor=False)
    st.subheader("Bristande förenlighet med lagkraven", anchor=False)
    st.markdown("\n".join(f"- {issue.text} (WCAG {issue.criterion})"
                          for issue in KNOWN_ISSUES))

    st.header("Hur vi testat tjänsten", anchor=False)
    st.markdown(
        f"Vi har gjort en självskattning (intern testning) av {SERVICE}. Vid varje ändring "
        "av tjänsten granskas inloggningssidan och varje sida för varje roll automatiskt med "
        "verktyget axe-core, och ett test använder tjänsten med enbart tangentbord: det "
        "loggar in, ändrar ett filter, byter sida och laddar ner en tabell.\n\n"
        f"Senaste bedömningen gjordes den {ASSESSED}. "
        f"Redogörelsen uppdaterades senast den {UPDATED}.")
