"""`finsam report` end to end on the small demo database: every kind as PDF and Word, the
numbers `finsam kpi` prints, disclosure control, and refusals that leave nothing behind.

Charts need Chromium; most tests point the renderer at a browser that does not exist
(`BROWSER_PATH`), so they are fast and the report prints its tables with a note instead.
The `browser` tests draw the charts.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile

import docx
import pypdf
import pytest

from dashboard import cli_report, fmt
from dashboard.cli import main
from metrics.registry import BY_KEY
from reports.charts import NO_BROWSER, find_browser
from reports.content_insats import KEY_FIGURES
from tests.reports.pdf_tools import pdf_text, struct_elements

NORRDAL = "Demoförbundet Norrdal"
INSATS = "Samordningsteamet"
#: kind -> the extra options of its selection (all 2025, the demo's latest full year)
KINDS = {"insats": ["--insats", INSATS], "slutrapport": ["--insats", INSATS],
         "forbund": []}
TITLES = {"insats": f"Insatsrapport – {INSATS}", "slutrapport": f"Slutrapport – {INSATS}",
          "forbund": f"Förbundsrapport – {NORRDAL}"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'demo.db'}"
    assert main(["--db", url, "demo"]) == 0
    return url


@pytest.fixture
def no_chromium(monkeypatch):
    """Charts cannot be drawn: the report keeps its tables (fast, and no browser needed)."""
    monkeypatch.setenv("BROWSER_PATH", "/finns/inte/chromium")


def report(capsys, url: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", url, "report", "--forbund", NORRDAL, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def layout_text(pdf: bytes) -> str:
    """pdftotext -layout: one table row per line, columns apart by two spaces or more."""
    text = pdf_text(pdf)  # skips without pdftotext
    assert text
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                         check=True)
    return out.stdout.decode("utf-8").replace("\u2060", "")


def row(text: str, label: str, after: str | None = None) -> list[str]:
    """The cells of the first line starting with `label` (after the line `after`)."""
    if after is not None:
        text = text[text.index(after):]
    for line in text.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if cells and cells[0] == label:
            return cells[1:]
    raise AssertionError(f"no row {label!r}")


def leftovers(folder, name: str) -> list[str]:
    """Temporary files of `name` left in `folder` (there must be none)."""
    return [p.name for p in folder.iterdir() if p.name.startswith(f".{name}.")]


def check_pdf(pdf: bytes, title: str) -> pypdf.PdfReader:
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert str(root["/Lang"]).startswith("sv")
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert reader.metadata.title == title
    return reader


def check_docx(data: bytes, title: str) -> str:
    """The document's XML, after checking it is a Word file with title and Swedish."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        document = z.read("word/document.xml").decode("utf-8")
    doc = docx.Document(io.BytesIO(data))
    assert doc.core_properties.title == title
    assert doc.core_properties.language == "sv-SE"
    return document


# -- every kind, both formats ----------------------------------------------------------------

@pytest.mark.parametrize("fmt_", ["pdf", "docx"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_to_pdf_and_docx(demo_db, capsys, tmp_path, no_chromium, kind, fmt_):
    out = tmp_path / f"rapport.{fmt_}"
    code, stdout, err = report(capsys, demo_db, *KINDS[kind], "--year", "2025", "--kind", kind,
                               "-o", str(out))
    assert code == 0, err
    assert str(out) in stdout and TITLES[kind] in stdout
    assert leftovers(tmp_path, out.name) == []
    data = out.read_bytes()
    if fmt_ == "pdf":
        check_pdf(data, TITLES[kind])
        text = pdf_text(data)
        assert NORRDAL in text and "Verksamhetsåret 2025" in text
        assert "Demo" in text and "uppladdning 1" in text  # cover: demo data, data version
        if kind == "slutrapport":  # tables only, and the signature line
            assert "Underskrift" in text and "Namnförtydligande" in text
        else:  # no Chromium: tables with the reason, no traceback
            assert NO_BROWSER in text
        # no figure without a text alternative (without Chromium there are none at all)
        assert all(str(e.get("/Alt", "")).strip() for e in struct_elements(data)
                   if e["/S"] == "/Figure")
    else:
        document = check_docx(data, TITLES[kind])
        assert "Verksamhetsåret 2025" in document
        assert (NO_BROWSER in document) == (kind != "slutrapport")


def test_default_kind_is_insats_with_insats_else_forbund(demo_db, capsys, tmp_path,
                                                         no_chromium):
    code, stdout, _ = report(capsys, demo_db, "--insats", INSATS, "--year", "2025",
                             "-o", str(tmp_path / "a.pdf"))
    assert code == 0 and TITLES["insats"] in stdout
    code, stdout, _ = report(capsys, demo_db, "--year", "2025", "-o", str(tmp_path / "b.pdf"))
    assert code == 0 and TITLES["forbund"] in stdout


# -- format ----------------------------------------------------------------------------------

def test_format_from_the_extension_and_the_option_overrides_it(demo_db, capsys, tmp_path,
                                                              no_chromium):
    args = ("--insats", INSATS, "--year", "2025")
    assert report(capsys, demo_db, *args, "-o", str(tmp_path / "r.DOCX"))[0] == 0
    assert zipfile.is_zipfile(tmp_path / "r.DOCX")
    assert report(capsys, demo_db, *args, "-o", str(tmp_path / "r.pdf"),
                  "--format", "docx")[0] == 0
    assert zipfile.is_zipfile(tmp_path / "r.pdf")
    assert report(capsys, demo_db, *args, "-o", str(tmp_path / "r.bin"),
                  "--format", "pdf")[0] == 0
    assert (tmp_path / "r.bin").read_bytes().startswith(b"%PDF")

    code, _, err = report(capsys, demo_db, *args, "-o", str(tmp_path / "r.txt"))
    assert code == 2 and "--format" in err and "Ingen fil har skrivits" in err
    assert not (tmp_path / "r.txt").exists()


# -- the numbers -----------------------------------------------------------------------------

@pytest.mark.parametrize("selection", [
    ("--insats", INSATS, "--year", "2025"),
    ("--year", "2025", "--kon", "Kvinna"),
    ("--insats", INSATS, "--from", "2025-01-01", "--to", "2025-06-30"),
])
def test_key_figures_are_finsam_kpi_numbers_as_printed(demo_db, capsys, tmp_path, no_chromium,
                                                      selection):
    assert main(["--db", demo_db, "kpi", "--forbund", NORRDAL, *selection]) == 0
    result = json.loads(capsys.readouterr().out)
    out = tmp_path / "r.pdf"
    assert report(capsys, demo_db, *selection, "-o", str(out))[0] == 0
    text = layout_text(out.read_bytes())
    suppressed = set(result.get("suppressed", ()))
    checked = 0
    for item in KEY_FIGURES:
        key, part = item if isinstance(item, tuple) else (item, None)
        if key in suppressed or key not in result["kpis"]:
            continue
        label = BY_KEY[key].label + (f", {part.lower()}" if part else "")
        value = result["kpis"][key]
        value = value[part] if part and value is not None else value
        expected = fmt.kpi_value(key, value)
        if key == "payback_months" and part in result.get("payback_not_reached", ()):
            expected = "Nås inte"
        assert row(text, label, "Tabell 1:")[0] == expected, label
        checked += 1
    assert checked >= 15


def test_suppress_0_prints_the_small_counts_the_default_hides(demo_db, capsys, tmp_path,
                                                            no_chromium):
    # Samordningsteamet 2025: 4 new participants from Region, 1 each "Egen ansökan" and "Annan"
    args = ("--insats", INSATS, "--year", "2025")
    hidden, shown = tmp_path / "dold.pdf", tmp_path / "visad.pdf"
    assert report(capsys, demo_db, *args, "-o", str(hidden))[0] == 0
    assert report(capsys, demo_db, *args, "--suppress", "0", "-o", str(shown))[0] == 0
    caption = "Tabell 5: Nya deltagare per remittent"
    hidden_text, shown_text = layout_text(hidden.read_bytes()), layout_text(shown.read_bytes())
    assert row(hidden_text, "Region", caption) == ["<5"]
    assert row(shown_text, "Region", caption) == ["4"]
    assert row(shown_text, "Egen ansökan", caption) == ["1"]
    assert "Röjandekontrollen är avstängd" in pdf_text(shown.read_bytes())
    assert "antal 1–4 visas som <5" in pdf_text(hidden.read_bytes())


# -- refusals: exit 2, a Swedish message, nothing written ------------------------------------

@pytest.mark.parametrize(("args", "words"), [
    (["--forbund", "Demoförbundet Finns Inte", "--year", "2025"],
     "Förbundet 'Demoförbundet Finns Inte' finns inte"),
    (["--insats", "Finns Inte", "--year", "2025"], "Insatsen 'Finns Inte' finns inte"),
    (["--insats", INSATS, "--year", "1990"], "Urvalet är tomt"),
    (["--year", "1990"], "Urvalet är tomt"),
    (["--kind", "slutrapport", "--year", "2025"], "En slutrapport gäller en insats"),
    (["--kind", "slutrapport", "--insats", INSATS, "--insats", "Steget Vidare", "--year",
      "2025"], "En slutrapport gäller en insats"),
    (["--insats", INSATS], "Ange --year"),
    (["--remittent", "Grannen", "--year", "2025"], "Okänd remittent"),
    (["--suppress", "-1", "--year", "2025"], "--suppress"),
])
def test_refusals_leave_nothing_behind(demo_db, capsys, tmp_path, no_chromium, args, words):
    out = tmp_path / "rapport.pdf"
    argv = ["--db", demo_db, "report"]
    if "--forbund" not in args:
        argv += ["--forbund", NORRDAL]
    code = main([*argv, *args, "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("Fel: ") and words in err and "Ingen fil har skrivits." in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_refusal_leaves_an_existing_file_as_it_was(demo_db, capsys, tmp_path, no_chromium):
    out = tmp_path / "rapport.pdf"
    out.write_bytes(b"forra rapporten")
    code, _, _ = report(capsys, demo_db, "--insats", "Finns Inte", "--year", "2025",
                        "-o", str(out))
    assert code == 2
    assert out.read_bytes() == b"forra rapporten"
    assert leftovers(tmp_path, out.name) == []


def test_a_failure_while_rendering_writes_nothing(demo_db, capsys, tmp_path, no_chromium,
                                                  monkeypatch):
    def broken(report, fmt):
        raise RuntimeError("renderaren gick sönder")

    monkeypatch.setattr(cli_report, "render", broken)
    out = tmp_path / "rapport.pdf"
    code, _, err = report(capsys, demo_db, "--insats", INSATS, "--year", "2025",
                          "-o", str(out))
    assert code == 1 and err.startswith("Fel: renderaren gick sönder")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_removes_its_temporary_file(tmp_path, monkeypatch):
    out = tmp_path / "rapport.pdf"
    out.write_bytes(b"gammal")

    def no_replace(src, dst):
        raise OSError("disken är full")

    monkeypatch.setattr(cli_report.os, "replace", no_replace)
    with pytest.raises(OSError):
        cli_report.write_atomically(out, b"%PDF-ny")
    assert out.read_bytes() == b"gammal"
    assert leftovers(tmp_path, out.name) == []


def test_a_written_file_gets_the_usual_permissions(tmp_path):
    out = tmp_path / "rapport.pdf"
    cli_report.write_atomically(out, b"%PDF-1")
    assert out.stat().st_mode & 0o044  # readable by others as a plain open() would give


# -- with the charts -------------------------------------------------------------------------

@pytest.mark.browser
def test_charts_every_figure_has_alt_text(demo_db, capsys, tmp_path):
    if find_browser() is None:
        pytest.skip("Chromium saknas")
    pdf_out, docx_out = tmp_path / "r.pdf", tmp_path / "r.docx"
    args = ("--insats", INSATS, "--year", "2025")
    assert report(capsys, demo_db, *args, "-o", str(pdf_out))[0] == 0
    assert report(capsys, demo_db, *args, "-o", str(docx_out))[0] == 0

    pdf = pdf_out.read_bytes()
    check_pdf(pdf, TITLES["insats"])
    figures = [e for e in struct_elements(pdf) if e["/S"] == "/Figure"]
    assert len(figures) >= 15
    assert all(str(e.get("/Alt", "")).strip() for e in figures)
    assert "Diagrammen kunde inte ritas" not in pdf_text(pdf)

    document = check_docx(docx_out.read_bytes(), TITLES["insats"])
    pictures = re.findall(r"<wp:docPr [^>]*>", document)
    assert len(pictures) == len(figures)
    assert all(re.search(r'descr="[^"]+"', p) for p in pictures)
