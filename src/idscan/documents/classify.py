"""Document type, issuing country and side; whether the sides given make a whole document.

The MRZ decides when there is one (its document code and format are printed to a standard); the
printed title words decide otherwise. TD1 identity cards and residence permits carry the MRZ on the
back, so a TD1 MRZ without a portrait is a back side, and such a card needs both sides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from idscan.documents.countries import COUNTRY_NAMES, country_name, normalise_code
from idscan.documents.viz import plain


class DocumentType(StrEnum):
    PASSPORT = "passport"
    IDENTITY_CARD = "identity_card"
    DRIVING_LICENSE = "driving_license"
    RESIDENCE_PERMIT = "residence_permit"
    VISA = "visa"
    OTHER = "other"


class Side(StrEnum):
    FRONT = "front"
    BACK = "back"


TYPE_NAMES = {
    DocumentType.PASSPORT: "Passport",
    DocumentType.IDENTITY_CARD: "Identity Card",
    DocumentType.DRIVING_LICENSE: "Driving License",
    DocumentType.RESIDENCE_PERMIT: "Residence Permit",
    DocumentType.VISA: "Visa",
    DocumentType.OTHER: "Document",
}
TWO_SIDED = frozenset({DocumentType.IDENTITY_CARD, DocumentType.RESIDENCE_PERMIT})

# Title words, accents dropped, lower case; checked longest first so "residence permit card" is not an ID.
TITLES: dict[DocumentType, tuple[str, ...]] = {
    DocumentType.RESIDENCE_PERMIT: (
        "residence permit",
        "titre de sejour",
        "aufenthaltstitel",
        "aufenthaltserlaubnis",
        "verblijfsdocument",
        "verblijfsvergunning",
        "permiso de residencia",
        "tarjeta de residencia",
        "permesso di soggiorno",
        "karta pobytu",
        "titulo de residencia",
        "autorizacao de residencia",
        "uppehallstillstand",
        "opholdstilladelse",
        "oleskelulupa",
        "povoleni k pobytu",
        "tartozkodasi engedely",
    ),
    DocumentType.DRIVING_LICENSE: (
        "driving licence",
        "driving license",
        "driver license",
        "drivers license",
        "permis de conduire",
        "fuhrerschein",
        "rijbewijs",
        "permiso de conduccion",
        "patente di guida",
        "prawo jazdy",
        "carta de conducao",
        "korkort",
        "korekort",
        "ajokortti",
        "ridicsky prukaz",
        "vezetoi engedely",
        "vairuotojo pazymejimas",
        "vaditaja aplieciba",
        "juhiluba",
        "vozacka dozvola",
        "permis de conducere",
    ),
    DocumentType.VISA: ("visa", "visum", "visto", "wiza", "viisumi"),
    DocumentType.IDENTITY_CARD: (
        "identity card",
        "id card",
        "carte d identite",
        "carte nationale d identite",
        "personalausweis",
        "identiteitskaart",
        "documento nacional de identidad",
        "carta d identita",
        "dowod osobisty",
        "cartao de cidadao",
        "bilhete de identidade",
        "identitetskort",
        "nationellt id kort",
        "henkilokortti",
        "obcansky prukaz",
        "szemelyazonosito igazolvany",
        "asmens tapatybes kortele",
        "personas apliecib",
        "isikutunnistus",
        "osobna iskaznica",
        "carte de identitate",
        "identitetskort",
    ),
    DocumentType.PASSPORT: (
        "passport",
        "passeport",
        "reisepass",
        "paspoort",
        "pasaporte",
        "passaporto",
        "paszport",
        "passaporte",
        "pass",
        "passi",
        "cestovni pas",
        "utlevel",
        "pasas",
        "pase",
        "putovnica",
        "pasaport",
    ),
}
_TITLE_PHRASES = sorted(((p, t) for t, ps in TITLES.items() for p in ps), key=lambda x: -len(x[0]))


@dataclass(frozen=True)
class Classification:
    document_type: DocumentType
    side: Side
    issuing_country: str | None  # ICAO code, fillers stripped (`D`, `NLD`)
    two_sided: bool

    def file_name(self) -> str:
        """`Netherlands - Passport`; the back of a card is `... Side B`."""
        country = country_name(self.issuing_country) if self.issuing_country else None
        name = f"{country or 'Unknown'} - {TYPE_NAMES[self.document_type]}"
        return f"{name} Side B" if self.side is Side.BACK else name


def type_from_mrz(document_code: str, title: DocumentType | None) -> DocumentType:
    """ICAO 9303 document codes: P passport, V visa, I/A/C identity-type cards (the issuer's own
    second letter, or the printed title, tells a residence permit apart)."""
    code = (document_code + "<<")[:2].upper()
    if code[0] == "P":
        return DocumentType.PASSPORT
    if code[0] == "V":
        return DocumentType.VISA
    if code[0] == "D":  # a few driving licences carry a one-line MRZ-like code starting with D
        return DocumentType.DRIVING_LICENSE
    if code[0] in "IAC":
        if code[1] in "RP" or title is DocumentType.RESIDENCE_PERMIT:
            return DocumentType.RESIDENCE_PERMIT
        return DocumentType.IDENTITY_CARD
    return title or DocumentType.OTHER


def type_from_title(texts: Sequence[str]) -> DocumentType | None:
    """The first document title among the printed lines (the title sits at the top)."""
    for text in texts:
        words = plain(text)
        for phrase, kind in _TITLE_PHRASES:
            if re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", words):
                return kind
    return None


def country_from_text(texts: Sequence[str]) -> str | None:
    """An English or national country name printed as a heading (when there is no MRZ)."""
    names = {plain(n): code for code, n in COUNTRY_NAMES.items() if len(code) == 3}
    for text in texts:
        key = plain(text)
        if key in names:
            return names[key]
    return None


def classify(
    *,
    mrz_format: str | None,
    document_code: str | None,
    mrz_issuer: str | None,
    texts: Sequence[str],
    has_portrait: bool,
    has_name_fields: bool,
) -> Classification:
    title = type_from_title(texts)
    kind = type_from_mrz(document_code, title) if document_code else (title or DocumentType.OTHER)
    country = normalise_code(mrz_issuer) if mrz_issuer else country_from_text(texts)
    two_sided = kind in TWO_SIDED and mrz_format in (None, "TD1")
    back = mrz_format == "TD1" and not has_portrait and not has_name_fields
    if mrz_format is None and not has_portrait and not has_name_fields and title is None:
        back = True  # nothing of a front: a back side we cannot read (or no document at all)
    return Classification(kind, Side.BACK if back else Side.FRONT, country, two_sided)
