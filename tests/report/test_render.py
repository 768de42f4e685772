"""The rendered PDF, read back as text: expected fields in each locale, no redacted value, fonts
embedded, page numbers, image hashes; page 1 is written as PNG to test-artifacts/reports/."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, cast

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, StreamObject

from idscan.report.model import ReportKind, build_report
from idscan.report.render import render_pdf
from tests.report.factories import DOCUMENT_NUMBER, MRZ, PERSONAL_NUMBER, T0, make_source

EXPECTED = {
    "en-US": [
        "Identity verification report",
        "Document number",
        "Surname",
        "redacted",
        "Verified",
        "Page 1 of",
    ],
    "nl-NL": [
        "Rapport identiteitsverificatie",
        "Documentnummer",
        "Achternaam",
        "afgeschermd",
        "Pagina 1 van",
    ],
    "fr-FR": ["Rapport de vérification d'identité", "Numéro du document", "Nom", "masqué", "Page 1 sur"],
}


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # Table cells may wrap: compare on text with whitespace runs folded to one space.
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


def _render(locale: str, kind: ReportKind, **kwargs: object) -> bytes:
    source = make_source(locale=locale, **kwargs)  # type: ignore[arg-type]
    return render_pdf(build_report(source, kind, generated=T0))


@pytest.mark.parametrize("kind", list(ReportKind))
@pytest.mark.parametrize("locale", list(EXPECTED))
def test_text_holds_expected_fields_and_no_redacted_value(locale: str, kind: ReportKind) -> None:
    text = _text(_render(locale, kind, redact=("personal_number", "signature")))
    for expected in EXPECTED[locale]:
        assert expected in text, expected
    for value in ("tx_01JDQ8Z5K3M8Y6F2W9R4T7V0AB", "rs_01JDQ9A1B2C3D4E5F6G7H8J9KM", "Shop Example B.V."):
        assert value in text
    assert DOCUMENT_NUMBER in text
    assert "De Bruijn" in text
    assert "Nederlandse" in text
    assert PERSONAL_NUMBER not in text.replace(" ", "")
    for line in MRZ.splitlines():
        assert line not in text
    assert ("SHA-256" in text) is (kind is ReportKind.EXTENDED)


def test_extract_fields_limits_the_printed_fields() -> None:
    text = _text(_render("en-US", ReportKind.SIMPLE, extract=("surname", "document_number")))
    assert "DE BRUIJN" in text
    assert DOCUMENT_NUMBER in text
    assert "WILLEKE" not in text
    assert "1965-03-10" not in text


def test_untrusted_text_is_printed_literally() -> None:
    source = make_source()
    result = dict(source.result)
    tasks = [dict(t) for t in result["tasks"]]
    tasks[0]["result"] = [
        {
            "field": "surname",
            "validity": "valid",
            "comparison": "not_performed",
            "locale": None,
            "values": [{"source": "visual", "value": "<b>O'Brien & Søn</b> Őrség"}],
        }
    ]
    result["tasks"] = tasks
    pdf = render_pdf(
        build_report(dataclasses.replace(source, result=result), ReportKind.SIMPLE, generated=T0)
    )
    assert "<b>O'Brien & Søn</b> Őrség" in _text(pdf)


def test_a_failed_task_prints_why() -> None:
    source = make_source()
    result = dict(source.result)
    tasks = [dict(t) for t in result["tasks"]]
    tasks[-1] = {**tasks[-1], "state": "failed", "reason": "passive_spoof_suspected"}
    result["tasks"] = tasks
    pdf = render_pdf(
        build_report(dataclasses.replace(source, result=result), ReportKind.SIMPLE, generated=T0)
    )
    assert "passive spoof suspected" in _text(pdf)
    assert "passive spoof suspected" not in _text(_render("en-US", ReportKind.SIMPLE))


def test_fonts_are_embedded() -> None:
    reader = PdfReader(io.BytesIO(_render("fr-FR", ReportKind.SIMPLE)))
    fonts: list[Any] = [
        font.get_object()
        for page in reader.pages
        for font in cast(DictionaryObject, cast(DictionaryObject, page["/Resources"])["/Font"]).values()
    ]
    assert fonts
    for font in fonts:
        descriptor = (
            font["/DescendantFonts"][0]["/FontDescriptor"]
            if "/DescendantFonts" in font
            else font["/FontDescriptor"]
        )
        assert "/FontFile2" in descriptor, font["/BaseFont"]


def test_extended_report_prints_the_hash_of_each_embedded_image() -> None:
    source = make_source(redact=())
    pdf = render_pdf(build_report(source, ReportKind.EXTENDED, generated=T0))
    text = _text(pdf).replace(" ", "")
    embedded = [
        cast(StreamObject, xobject.get_object()).get_data()
        for page in PdfReader(io.BytesIO(pdf)).pages
        for xobject in cast(DictionaryObject, page["/Resources"]).get("/XObject", DictionaryObject()).values()
    ]
    for image in source.images:
        assert image.sha256 in text
        # JPEG goes in unchanged, so the hash can be checked against the file inside the PDF.
        assert image.data in embedded
        assert hashlib.sha256(image.data).hexdigest() == image.sha256


def test_page_one_rendered_to_png(artifacts: Path) -> None:
    written = []
    for kind in ReportKind:
        for locale in EXPECTED:
            pdf = _render(locale, kind)
            path = artifacts / f"{kind.value}-{locale}.pdf"
            path.write_bytes(pdf)
            written.append(path)
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian poppler-utils) is not installed: PDFs written, no PNG of page 1")
    for path in written:
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "110",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(path),
                str(path.with_suffix("")),
            ],
            check=True,
            timeout=30,
        )
        png = path.with_suffix(".png")
        assert png.read_bytes().startswith(b"\x89PNG")
        assert png.stat().st_size > 10_000


def test_the_simple_report_wears_the_account_branding(artifacts: Path) -> None:
    from idscan.branding.logo import PNG, Logo
    from idscan.branding.look import Look
    from tests.branding.test_logo import png

    look = Look(primary="#0b6e4f", on_primary="#ffffff", display_name="Acme Bank", logo=Logo(PNG, png()))
    source = dataclasses.replace(make_source(), look=look)
    simple = render_pdf(build_report(source, ReportKind.SIMPLE, generated=T0))
    (artifacts / "simple-branded.pdf").write_bytes(simple)
    assert "Acme Bank" in _text(simple)
    page = PdfReader(io.BytesIO(simple)).pages[0]
    content = page.get_contents()
    assert content is not None
    # The band is filled with the primary colour (0b6e4f = 0.043 0.431 0.310 in PDF RGB).
    assert re.search(rb"\.0431\d* \.4313\d* \.3098\d* rg", content.get_data())
    assert cast(DictionaryObject, page["/Resources"])["/XObject"]  # the logo
    # The sealed extended report keeps the service's neutral look.
    extended = render_pdf(build_report(source, ReportKind.EXTENDED, generated=T0))
    assert "Acme Bank" not in _text(extended)
    # Neutral branding adds no band.
    plain = render_pdf(
        build_report(dataclasses.replace(source, look=Look()), ReportKind.SIMPLE, generated=T0)
    )
    assert "Acme Bank" not in _text(plain)
