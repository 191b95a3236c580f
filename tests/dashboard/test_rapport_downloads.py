"""Rapport page downloads: every role makes the report of what it sees, as PDF and Word.

Charts are left out (`BROWSER_PATH` names a browser that does not exist), so a report takes
a few seconds: the tables carry the same numbers, and the PDF says why there are no charts.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile

import pypdf
import pytest
from apptest_tools import ROLES, notices, open_page, texts, widget

from dashboard import report_files_ui
from loaders.demo import DEMO_USERS
from tests.reports.pdf_tools import pdf_text

NORRDAL = "Demoförbundet Norrdal"
NORRDAL_INSATSER = ("Samordningsteamet", "Steget Vidare", "Unga Vuxna i Arbete",
                    "Hälsoslussen", "Samverkan Psykiatri")


@pytest.fixture(autouse=True)
def no_chromium(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/finns/inte/chromium")


def user(role: str) -> dict:
    return next(u for u in DEMO_USERS if u["username"] == role)


def create(at):
    """Click "Skapa rapport" and run the page."""
    next(b for b in at.main.button if b.label == "Skapa rapport").click()
    at.run()
    assert not at.exception, at.exception
    return at


def files(downloads: dict[str, bytes]) -> tuple[bytes, bytes]:
    pdf = [d for n, d in downloads.items() if n.endswith(".pdf")]
    word = [d for n, d in downloads.items() if n.endswith(".docx")]
    assert len(pdf) == 1 and len(word) == 1, list(downloads)
    return pdf[0], word[0]


def word_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return re.sub(r"<[^>]+>", " ", xml)


def layout(pdf: bytes) -> str:
    pdf_text(pdf)  # skips without pdftotext
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                         check=True)
    return out.stdout.decode("utf-8").replace("\u2060", "")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_creates_and_downloads_pdf_and_word(logged_in, downloads, role):
    at = open_page(logged_in(role), "rapport")
    assert not at.exception, at.exception
    captions = [c.value.replace("\\", "") for c in at.main.caption]  # markdown-escaped
    assert any("antal 1–4 visas som <5" in c for c in captions)  # before any click
    assert not [n for n in downloads if n.endswith((".pdf", ".docx"))]  # nothing made yet

    create(at)
    pdf, word = files(downloads)
    assert pdf.startswith(b"%PDF")
    assert str(pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"]).startswith("sv")
    with zipfile.ZipFile(io.BytesIO(word)) as z:
        assert "word/document.xml" in z.namelist()
    text = pdf_text(pdf)
    # the sidebar's first förbund: the user's own, for admin the first of all by name
    forbund = user(role)["forbund"][0] if user(role)["forbund"] else "Demoförbundet Kustlandet"
    assert forbund in text
    assert "Demo" in text and "Röjandekontroll som på sidorna" in text
    assert "Diagrammen kunde inte ritas" in text  # no Chromium here: tables, and why


def test_styrgrupp_report_holds_only_their_insatser(logged_in, downloads):
    mine = user("styrgrupp")["insatser"]
    create(open_page(logged_in("styrgrupp"), "rapport"))
    pdf, word = files(downloads)
    for text in (pdf_text(pdf), re.sub(r"\s+", " ", word_text(word))):
        assert all(name in text for name in mine)
        for other in set(NORRDAL_INSATSER) - set(mine):
            assert other not in text
        for forbund in ("Demoförbundet Sjöstad", "Demoförbundet Skogsbygden",
                        "Demoförbundet Kustlandet"):
            assert forbund not in text
    assert "Insatsrapport" in pdf_text(pdf)


def test_report_shows_the_numbers_of_the_pages(logged_in, downloads):
    # the samordnare's default: the whole förbund, the latest full year; the förbund report's
    # key figures are the KPI set the Resultat page shows for the same sidebar
    at = logged_in("samordnare")
    at = open_page(at, "resultat")
    cards = {m.label: m.value for m in at.main.metric}
    at = create(open_page(at, "rapport"))
    assert at.segmented_control(key="rapport_kind").value == "forbund"
    pdf, _ = files(downloads)
    text = layout(pdf)
    text = text[text.index("Tabell 1:"):]
    checked = 0
    for label in ("Andel till arbete", "Andel till studier", "Andel till fortsatt rehabilitering",
                  "Andel avbrott"):
        line = next(li for li in text.splitlines()
                    if re.split(r"\s{2,}", li.strip())[0] == label)
        assert re.split(r"\s{2,}", line.strip())[1] == cards[label], label
        checked += 1
    assert checked == 4


def test_made_once_and_kept_until_the_selection_changes(logged_in, downloads, monkeypatch):
    made = []
    original = report_files_ui.make_report

    def counting(ctx, kind, sel):
        made.append((kind, sel))
        return original(ctx, kind, sel)

    monkeypatch.setattr(report_files_ui, "make_report", counting)
    at = create(open_page(logged_in("styrelse"), "rapport"))
    assert len(made) == 1
    assert [b.label for b in at.main.button if b.label == "Skapa rapport"]
    at.run()  # any rerun: the same files, not made again
    assert len(made) == 1
    assert any("Ladda ner PDF" in t for t in texts(at))

    at.segmented_control(key="rapport_kind").set_value("insats").run()  # another report
    assert not at.exception, at.exception
    assert len(made) == 1
    assert not any("Ladda ner PDF" in t for t in texts(at))
    create(at)
    assert len(made) == 2 and made[-1][0] == "insats"


def test_an_empty_selection_says_so_instead_of_offering_a_report(logged_in):
    at = open_page(logged_in("samordnare"), "rapport")
    at.sidebar.segmented_control(key="period").set_value("Anpassad").run()
    from datetime import date

    widget(at, "date_input", "fran").set_value(date(2016, 1, 1))
    widget(at, "date_input", "till").set_value(date(2016, 12, 31)).run()
    assert not at.exception, at.exception
    assert any("Urvalet är tomt" in n for n in notices(at))
    assert not [b for b in at.main.button if b.label == "Skapa rapport"]


def test_a_failing_renderer_is_a_message_not_a_traceback(logged_in, monkeypatch):
    def broken(ctx, kind, sel):
        raise RuntimeError("typst gick sönder")

    monkeypatch.setattr(report_files_ui, "make_report", broken)
    at = create(open_page(logged_in("admin"), "rapport"))
    assert any("Rapporten kunde inte skapas: typst gick sönder" in e.value.replace("\\", "")
               for e in at.main.error)  # markdown-escaped
    assert not at.exception
    assert not any("Ladda ner PDF" in t for t in texts(at))
