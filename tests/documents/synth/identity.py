"""Random identities and their ICAO 9303 MRZ, computed independently of the engine (test oracle)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

# code -> (English short name, language, locale, MRZ issuer code)
COUNTRIES: dict[str, tuple[str, str, str, str]] = {
    "NLD": ("Netherlands", "nl", "nl-NL", "NLD"),
    "DEU": ("Germany", "de", "de-DE", "D<<"),
    "FRA": ("France", "fr", "fr-FR", "FRA"),
    "BEL": ("Belgium", "fr", "fr-BE", "BEL"),
    "ESP": ("Spain", "es", "es-ES", "ESP"),
    "ITA": ("Italy", "it", "it-IT", "ITA"),
    "POL": ("Poland", "pl", "pl-PL", "POL"),
    "AUT": ("Austria", "de", "de-AT", "AUT"),
    "PRT": ("Portugal", "pt", "pt-PT", "PRT"),
    "SWE": ("Sweden", "sv", "sv-SE", "SWE"),
    "UTO": ("Utopia", "en", "en-GB", "UTO"),
}

SURNAMES = [
    "JANSSEN",
    "DE VRIES",
    "MÜLLER",
    "SCHRÖDER",
    "GARCÍA LÓPEZ",
    "ROSSI",
    "KOWALSKA",
    "SVENSSON",
    "MARTIN",
    "DUBOIS",
    "VAN DEN BERG",
    "FERREIRA",
    "NOWAK",
    "LEFÈVRE",
    "BAKKER",
    "WEISS",
    "ERIKSSON",
    "PEETERS",
    "BIANCHI",
    "ÅKESSON",
    "MOREAU",
    "HOFFMANN",
    "SANTOS",
    "WÓJCIK",
]
GIVEN = [
    "ANNA MARIA",
    "JAN",
    "LUCAS",
    "SOPHIE",
    "JÜRGEN",
    "MARIE-LOUISE",
    "PIOTR",
    "LINNÉA",
    "GIULIA",
    "JOÃO PEDRO",
    "EMMA",
    "NOAH",
    "HÉLÈNE",
    "KAREL",
    "INÉS",
    "MATTEO",
    "LOTTE",
    "FRANÇOIS",
]
PLACES = [
    "AMSTERDAM",
    "BERLIN",
    "PARIS",
    "MADRID",
    "ROMA",
    "WARSZAWA",
    "WIEN",
    "LISBOA",
    "UTRECHT",
    "MALMÖ",
    "LYON",
    "GENT",
    "ZENITH",
    "KÖLN",
    "SEVILLA",
    "ROTTERDAM",
]

# ICAO 9303 part 3 transliteration of the letters our names use.
TRANSLIT = {
    "Ä": "AE",
    "Ö": "OE",
    "Ü": "UE",
    "Å": "AA",
    "É": "E",
    "È": "E",
    "Ó": "O",
    "Í": "I",
    "Ã": "A",
    "Ç": "C",
    "Ñ": "N",
    "Ł": "L",
    "ß": "SS",
    "Á": "A",
    "Ú": "U",
    "Ê": "E",
}
CHECK_WEIGHTS = (7, 3, 1)


def char_value(c: str) -> int:
    if c.isdigit():
        return int(c)
    if c == "<":
        return 0
    return ord(c) - 55


def check_digit(data: str) -> str:
    return str(sum(char_value(c) * CHECK_WEIGHTS[i % 3] for i, c in enumerate(data)) % 10)


def translit(name: str) -> str:
    out = "".join(TRANSLIT.get(c, c) for c in name.upper())
    return "".join(c if c.isalnum() else "<" for c in out.replace("'", ""))


def mrz_name(surname: str, given: str, width: int) -> str:
    raw = translit(surname) + "<<" + translit(given)
    return raw[:width].ljust(width, "<")


def yymmdd(d: dt.date) -> str:
    return d.strftime("%y%m%d")


@dataclass
class Identity:
    country: str  # ICAO code of issuer (as a 3-letter ISO code, DEU not D<<)
    doc_kind: str  # passport | identity_card | residence_permit | driving_license | visa
    surname: str
    given_names: str
    document_number: str
    nationality: str
    date_of_birth: dt.date
    sex: str
    date_of_issue: dt.date
    date_of_expiry: dt.date
    place_of_birth: str
    personal_number: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def mrz_issuer(self) -> str:
        return COUNTRIES[self.country][3]

    @property
    def mrz_nationality(self) -> str:
        return COUNTRIES[self.nationality][3] if self.nationality in COUNTRIES else self.nationality

    @property
    def doc_code(self) -> str:
        return {"passport": "P<", "identity_card": "ID", "residence_permit": "IR", "visa": "V<"}.get(
            self.doc_kind, "I<"
        )


def bsn(rng: random.Random) -> str:
    """A Dutch citizen service number passing the 11-test."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10 and digits[0] != 0:
            return "".join(map(str, digits)) + str(last)


def random_identity(rng: random.Random, doc_kind: str, country: str | None = None) -> Identity:
    country = country or rng.choice(list(COUNTRIES))
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 66))
    issued = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 9))
    expiry = issued.replace(year=issued.year + rng.choice((5, 10))) - dt.timedelta(days=1)
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    if rng.random() < 0.5:
        number = "".join(rng.choice(letters + "0123456789") for _ in range(9))
        number = rng.choice(letters) + number[1:]
    else:
        number = "".join(rng.choice("0123456789") for _ in range(rng.choice((8, 9))))
    personal = ""
    if country == "NLD":
        personal = bsn(rng)
    elif rng.random() < 0.4:
        personal = "".join(rng.choice("0123456789") for _ in range(rng.choice((9, 11))))
    return Identity(
        country=country,
        doc_kind=doc_kind,
        surname=rng.choice(SURNAMES),
        given_names=rng.choice(GIVEN),
        document_number=number,
        nationality=country,
        date_of_birth=born,
        sex=rng.choice("MF"),
        date_of_issue=issued,
        date_of_expiry=expiry,
        place_of_birth=rng.choice(PLACES),
        personal_number=personal,
    )


def td3(p: Identity) -> list[str]:
    line1 = (p.doc_code + p.mrz_issuer + mrz_name(p.surname, p.given_names, 39))[:44]
    num = p.document_number.ljust(9, "<")
    opt = p.personal_number.ljust(14, "<")
    opt_cd = check_digit(opt) if p.personal_number else "<"
    dob, exp = yymmdd(p.date_of_birth), yymmdd(p.date_of_expiry)
    head = num + check_digit(num) + p.mrz_nationality + dob + check_digit(dob) + p.sex
    tail = exp + check_digit(exp) + opt + opt_cd
    composite = check_digit(num + check_digit(num) + dob + check_digit(dob) + tail)
    return [line1, head + tail + composite]


def td2(p: Identity) -> list[str]:
    line1 = (p.doc_code + p.mrz_issuer + mrz_name(p.surname, p.given_names, 31))[:36]
    num = p.document_number.ljust(9, "<")
    dob, exp = yymmdd(p.date_of_birth), yymmdd(p.date_of_expiry)
    opt = "<" * 7
    body = num + check_digit(num) + p.mrz_nationality + dob + check_digit(dob) + p.sex
    body += exp + check_digit(exp) + opt
    composite = check_digit(num + check_digit(num) + dob + check_digit(dob) + exp + check_digit(exp) + opt)
    return [line1, body + composite]


def td1(p: Identity) -> list[str]:
    num = p.document_number.ljust(9, "<")
    opt1 = p.personal_number.ljust(15, "<")[:15]
    line1 = p.doc_code + p.mrz_issuer + num + check_digit(num) + opt1
    dob, exp = yymmdd(p.date_of_birth), yymmdd(p.date_of_expiry)
    opt2 = "<" * 11
    line2 = dob + check_digit(dob) + p.sex + exp + check_digit(exp) + p.mrz_nationality + opt2
    composite = check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    line2 += composite
    return [line1, line2, mrz_name(p.surname, p.given_names, 30)]


def mrz_lines(p: Identity, fmt: str) -> list[str]:
    return {"TD1": td1, "TD2": td2, "TD3": td3}[fmt](p)


def mrz_spans(p: Identity, fmt: str) -> dict[str, tuple[int, int, int]]:
    """Where each value sits in the MRZ: field -> (line, start, end)."""
    n = len(p.document_number)
    if fmt == "TD1":
        spans = {"document_number": (0, 5, 5 + n), "date_of_birth": (1, 0, 6)}
        if p.personal_number:
            spans["personal_number"] = (0, 15, 15 + len(p.personal_number))
        return spans
    spans = {"document_number": (1, 0, n), "date_of_birth": (1, 13, 19)}
    if fmt == "TD3" and p.personal_number:
        spans["personal_number"] = (1, 28, 28 + len(p.personal_number))
    return spans
