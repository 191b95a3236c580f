"""Reading a rendered PDF back: its structure tree (pypdf) and its text (pdftotext)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator

import pypdf
import pytest
from pypdf.generic import ArrayObject, DictionaryObject


def struct_elements(pdf: bytes) -> Iterator[DictionaryObject]:
    """Every structure element of the PDF's tag tree, depth first."""
    root = pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]

    def walk(node):
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for child in node:
                yield from walk(child)
        elif isinstance(node, DictionaryObject):
            if "/S" in node:
                yield node
            if "/K" in node:
                yield from walk(node["/K"])

    yield from walk(root["/StructTreeRoot"])


def embedded_fonts(pdf: bytes) -> set[str]:
    """Base names of every font in the PDF, including those inside charts (form XObjects)."""
    found: set[str] = set()

    def visit(resources) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            found.add(str(font.get_object()["/BaseFont"]))
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        visit(page.get("/Resources"))
    return found


def pdf_text(pdf: bytes) -> str:
    """The PDF's text (pdftotext, reading order), whitespace collapsed to single spaces."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext saknas (apt-get install poppler-utils)")
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode("utf-8").replace("\u2060", ""))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)
