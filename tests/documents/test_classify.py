"""Document type, country and side from the MRZ and the printed title."""

from __future__ import annotations

import pytest

from idscan.documents.classify import (
    Classification,
    DocumentType,
    Side,
    classify,
    type_from_mrz,
    type_from_title,
)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("P<", DocumentType.PASSPORT),
        ("PD", DocumentType.PASSPORT),
        ("V<", DocumentType.VISA),
        ("ID", DocumentType.IDENTITY_CARD),
        ("I<", DocumentType.IDENTITY_CARD),
        ("IR", DocumentType.RESIDENCE_PERMIT),
        ("AR", DocumentType.RESIDENCE_PERMIT),
        ("D1", DocumentType.DRIVING_LICENSE),
    ],
)
def test_mrz_document_codes(code: str, kind: DocumentType) -> None:
    assert type_from_mrz(code, None) is kind


def test_the_title_tells_a_residence_permit_printed_with_an_id_code() -> None:
    assert type_from_mrz("I<", DocumentType.RESIDENCE_PERMIT) is DocumentType.RESIDENCE_PERMIT


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("PASPOORT / PASSPORT", DocumentType.PASSPORT),
        ("REISEPASS", DocumentType.PASSPORT),
        ("CARTE D'IDENTITÉ / IDENTITY CARD", DocumentType.IDENTITY_CARD),
        ("DOWÓD OSOBISTY", DocumentType.IDENTITY_CARD),
        ("PERMIS DE CONDUIRE", DocumentType.DRIVING_LICENSE),
        ("RIJBEWIJS", DocumentType.DRIVING_LICENSE),
        ("TITRE DE SÉJOUR / RESIDENCE PERMIT", DocumentType.RESIDENCE_PERMIT),
        ("Uppehållstillstånd", DocumentType.RESIDENCE_PERMIT),
        ("VISUM", DocumentType.VISA),
    ],
)
def test_titles_in_eu_languages(title: str, kind: DocumentType) -> None:
    assert type_from_title(["KONINKRIJK DER NEDERLANDEN", title]) is kind


def test_no_title_is_none() -> None:
    assert type_from_title(["ERIKSSON", "12.08.1974"]) is None


def test_a_td1_mrz_without_portrait_or_names_is_a_back_that_needs_its_front() -> None:
    found = classify(
        mrz_format="TD1",
        document_code="ID",
        mrz_issuer="NLD",
        texts=[],
        has_portrait=False,
        has_name_fields=False,
    )
    assert (found.document_type, found.side, found.two_sided) == (DocumentType.IDENTITY_CARD, Side.BACK, True)
    assert found.file_name() == "Netherlands - Identity Card Side B"


def test_a_card_front_without_mrz_is_a_front_of_a_two_sided_card() -> None:
    found = classify(
        mrz_format=None,
        document_code=None,
        mrz_issuer=None,
        texts=["SVERIGE", "SWEDEN", "IDENTITETSKORT / IDENTITY CARD"],
        has_portrait=True,
        has_name_fields=True,
    )
    assert (found.document_type, found.side, found.two_sided) == (
        DocumentType.IDENTITY_CARD,
        Side.FRONT,
        True,
    )
    assert found.issuing_country == "SWE"


def test_passport_file_name_and_the_d_code() -> None:
    found = classify(
        mrz_format="TD3",
        document_code="P<",
        mrz_issuer="D<<",
        texts=[],
        has_portrait=True,
        has_name_fields=True,
    )
    assert found == Classification(DocumentType.PASSPORT, Side.FRONT, "D", two_sided=False)
    assert found.file_name() == "Germany - Passport"


def test_unknown_country_still_names_the_file() -> None:
    found = classify(
        mrz_format=None,
        document_code=None,
        mrz_issuer=None,
        texts=["RIJBEWIJS"],
        has_portrait=True,
        has_name_fields=True,
    )
    assert found.file_name() == "Unknown - Driving License"
