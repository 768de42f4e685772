"""Printed label words and date styles per language, as national documents print them."""

from __future__ import annotations

import datetime as dt
import random

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "surname": "Surname",
        "given_names": "Given names",
        "document_number": "Document no.",
        "date_of_birth": "Date of birth",
        "date_of_issue": "Date of issue",
        "date_of_expiry": "Date of expiry",
        "nationality": "Nationality",
        "sex": "Sex",
        "place_of_birth": "Place of birth",
        "personal_number": "Personal No.",
        "signature": "Holder's signature",
    },
    "nl": {
        "surname": "Naam",
        "given_names": "Voornamen",
        "document_number": "Documentnummer",
        "date_of_birth": "Geboortedatum",
        "date_of_issue": "Datum verstrekking",
        "date_of_expiry": "Geldig tot",
        "nationality": "Nationaliteit",
        "sex": "Geslacht",
        "place_of_birth": "Geboorteplaats",
        "personal_number": "Persoonsnummer",
        "signature": "Handtekening",
    },
    "de": {
        "surname": "Name",
        "given_names": "Vornamen",
        "document_number": "Ausweisnummer",
        "date_of_birth": "Geburtstag",
        "date_of_issue": "Ausstellungsdatum",
        "date_of_expiry": "Gültig bis",
        "nationality": "Staatsangehörigkeit",
        "sex": "Geschlecht",
        "place_of_birth": "Geburtsort",
        "personal_number": "Persönliche Nr.",
        "signature": "Unterschrift",
    },
    "fr": {
        "surname": "Nom",
        "given_names": "Prénoms",
        "document_number": "N° du document",
        "date_of_birth": "Date de naissance",
        "date_of_issue": "Date de délivrance",
        "date_of_expiry": "Date d'expiration",
        "nationality": "Nationalité",
        "sex": "Sexe",
        "place_of_birth": "Lieu de naissance",
        "personal_number": "N° personnel",
        "signature": "Signature du titulaire",
    },
    "es": {
        "surname": "Apellidos",
        "given_names": "Nombre",
        "document_number": "Núm. de documento",
        "date_of_birth": "Fecha de nacimiento",
        "date_of_issue": "Fecha de expedición",
        "date_of_expiry": "Fecha de caducidad",
        "nationality": "Nacionalidad",
        "sex": "Sexo",
        "place_of_birth": "Lugar de nacimiento",
        "personal_number": "DNI",
        "signature": "Firma del titular",
    },
    "it": {
        "surname": "Cognome",
        "given_names": "Nome",
        "document_number": "N. documento",
        "date_of_birth": "Data di nascita",
        "date_of_issue": "Data di rilascio",
        "date_of_expiry": "Data di scadenza",
        "nationality": "Cittadinanza",
        "sex": "Sesso",
        "place_of_birth": "Luogo di nascita",
        "personal_number": "Codice fiscale",
        "signature": "Firma del titolare",
    },
    "pl": {
        "surname": "Nazwisko",
        "given_names": "Imiona",
        "document_number": "Nr dokumentu",
        "date_of_birth": "Data urodzenia",
        "date_of_issue": "Data wydania",
        "date_of_expiry": "Data ważności",
        "nationality": "Obywatelstwo",
        "sex": "Płeć",
        "place_of_birth": "Miejsce urodzenia",
        "personal_number": "Nr PESEL",
        "signature": "Podpis posiadacza",
    },
    "pt": {
        "surname": "Apelido",
        "given_names": "Nome",
        "document_number": "N.º do documento",
        "date_of_birth": "Data de nascimento",
        "date_of_issue": "Data de emissão",
        "date_of_expiry": "Data de validade",
        "nationality": "Nacionalidade",
        "sex": "Sexo",
        "place_of_birth": "Local de nascimento",
        "personal_number": "N.º de identificação",
        "signature": "Assinatura",
    },
    "sv": {
        "surname": "Efternamn",
        "given_names": "Förnamn",
        "document_number": "Dokumentnummer",
        "date_of_birth": "Födelsedatum",
        "date_of_issue": "Utfärdandedatum",
        "date_of_expiry": "Giltig till",
        "nationality": "Medborgarskap",
        "sex": "Kön",
        "place_of_birth": "Födelseort",
        "personal_number": "Personnummer",
        "signature": "Innehavarens namnteckning",
    },
}

TITLES: dict[str, dict[str, str]] = {
    "passport": {
        "en": "PASSPORT",
        "nl": "PASPOORT",
        "de": "REISEPASS",
        "fr": "PASSEPORT",
        "es": "PASAPORTE",
        "it": "PASSAPORTO",
        "pl": "PASZPORT",
        "pt": "PASSAPORTE",
        "sv": "PASS",
    },
    "identity_card": {
        "en": "IDENTITY CARD",
        "nl": "IDENTITEITSKAART",
        "de": "PERSONALAUSWEIS",
        "fr": "CARTE D'IDENTITÉ",
        "es": "DOCUMENTO NACIONAL DE IDENTIDAD",
        "it": "CARTA D'IDENTITÀ",
        "pl": "DOWÓD OSOBISTY",
        "pt": "CARTÃO DE CIDADÃO",
        "sv": "IDENTITETSKORT",
    },
    "residence_permit": {
        "en": "RESIDENCE PERMIT",
        "nl": "VERBLIJFSDOCUMENT",
        "de": "AUFENTHALTSTITEL",
        "fr": "TITRE DE SÉJOUR",
        "es": "PERMISO DE RESIDENCIA",
        "it": "PERMESSO DI SOGGIORNO",
        "pl": "KARTA POBYTU",
        "pt": "TÍTULO DE RESIDÊNCIA",
        "sv": "UPPEHÅLLSTILLSTÅND",
    },
    "driving_license": {
        "en": "DRIVING LICENCE",
        "nl": "RIJBEWIJS",
        "de": "FÜHRERSCHEIN",
        "fr": "PERMIS DE CONDUIRE",
        "es": "PERMISO DE CONDUCCIÓN",
        "it": "PATENTE DI GUIDA",
        "pl": "PRAWO JAZDY",
        "pt": "CARTA DE CONDUÇÃO",
        "sv": "KÖRKORT",
    },
}

MONTHS: dict[str, list[str]] = {
    "en": ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
    "fr": ["JAN", "FÉV", "MARS", "AVR", "MAI", "JUIN", "JUIL", "AOÛT", "SEPT", "OCT", "NOV", "DÉC"],
    "nl": ["JAN", "FEB", "MAA", "APR", "MEI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEC"],
    "de": ["JAN", "FEB", "MÄR", "APR", "MAI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEZ"],
    "es": ["ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SEP", "OCT", "NOV", "DIC"],
    "it": ["GEN", "FEB", "MAR", "APR", "MAG", "GIU", "LUG", "AGO", "SET", "OTT", "NOV", "DIC"],
    "pl": ["STY", "LUT", "MAR", "KWI", "MAJ", "CZE", "LIP", "SIE", "WRZ", "PAŹ", "LIS", "GRU"],
    "pt": ["JAN", "FEV", "MAR", "ABR", "MAI", "JUN", "JUL", "AGO", "SET", "OUT", "NOV", "DEZ"],
    "sv": ["JAN", "FEB", "MAR", "APR", "MAJ", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEC"],
}
SEX = {
    "en": {"M": "M", "F": "F"},
    "nl": {"M": "M/M", "F": "V/F"},
    "de": {"M": "M", "F": "F"},
    "fr": {"M": "M", "F": "F"},
    "es": {"M": "M", "F": "F"},
    "it": {"M": "M", "F": "F"},
    "pl": {"M": "M/M", "F": "K/F"},
    "pt": {"M": "M", "F": "F"},
    "sv": {"M": "M", "F": "K/F"},
}
DATE_STYLES = ("month", "dots", "spaces", "slashes")


def label(lang: str, key: str) -> str:
    """Bilingual label as most EU documents print it: national / English."""
    own = LABELS[lang][key]
    return own if lang == "en" else f"{own} / {LABELS['en'][key]}"


def format_date(d: dt.date, lang: str, style: str) -> str:
    if style == "month":
        own = MONTHS.get(lang, MONTHS["en"])[d.month - 1]
        eng = MONTHS["en"][d.month - 1]
        mon = own if own == eng else f"{own}/{eng}"
        return f"{d.day:02d} {mon} {d.year}"
    sep = {"dots": ".", "spaces": " ", "slashes": "/"}[style]
    return f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year}"


def pick_style(rng: random.Random) -> str:
    return rng.choice(DATE_STYLES)
