"""AAMVA DL/ID card data as issuers write it, per standard version: the test oracle for the parser
and the payload of the synthetic US/Canadian backs. Written from the standard's record layout
(annex D), independently of `idscan.documents.aamva`."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

LF, RS, CR = "\n", "\x1e", "\r"
VERSIONS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)

# jurisdiction -> (IIN, name printed on the card, country)
JURISDICTIONS: dict[str, tuple[str, str, str]] = {
    "CA": ("636014", "CALIFORNIA", "USA"),
    "NY": ("636001", "NEW YORK STATE", "USA"),
    "TX": ("636015", "TEXAS", "USA"),
    "FL": ("636010", "FLORIDA", "USA"),
    "WA": ("636045", "WASHINGTON", "USA"),
    "ON": ("636012", "ONTARIO", "CAN"),
    "BC": ("636028", "BRITISH COLUMBIA", "CAN"),
    "QC": ("604428", "QUEBEC", "CAN"),
}
SURNAMES = ["SMITH", "JOHNSON", "GARCIA", "NGUYEN", "O'BRIEN", "MARTINEZ-LOPEZ", "TREMBLAY", "VAN DYKE"]
FIRST = ["JOHN", "MARY", "JOSE", "LINDA", "WEI", "MARIE", "JEAN-PAUL", "AISHA"]
MIDDLE = ["", "", "QUINCY", "ANN", "LEE", "MICHAEL"]
STREETS = ["123 MAIN ST", "4500 OAK AVE APT 12", "77 RUE SAINT-DENIS", "1 INFINITE LOOP", "2 KING ST W"]
CITIES = {"USA": ["SACRAMENTO", "ALBANY", "AUSTIN", "MIAMI"], "CAN": ["TORONTO", "VANCOUVER", "MONTREAL"]}


@dataclass(frozen=True)
class Licence:
    """One card's data, in the parser's terms (the expected `AamvaRecord`, field for field)."""

    version: int
    jurisdiction: str
    subfile: str  # DL | ID
    document_number: str
    surname: str
    first_name: str
    middle_name: str
    date_of_birth: dt.date
    date_of_expiry: dt.date
    date_of_issue: dt.date
    sex: str  # M | F | X
    street: str
    city: str
    postal_code: str  # as the parser returns it: 12345, 12345-6789, K1A 0B1

    @property
    def iin(self) -> str:
        return JURISDICTIONS[self.jurisdiction][0]

    @property
    def country(self) -> str:
        return JURISDICTIONS[self.jurisdiction][2]

    @property
    def given_names(self) -> str:
        return f"{self.first_name} {self.middle_name}".strip()


def random_licence(
    rng: random.Random,
    version: int | None = None,
    subfile: str | None = None,
    jurisdiction: str | None = None,
) -> Licence:
    drawn = rng.choice(sorted(JURISDICTIONS))
    jurisdiction = jurisdiction or drawn
    country = JURISDICTIONS[jurisdiction][2]
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 66))
    issued = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 7))
    expiry = issued.replace(year=issued.year + rng.choice((4, 5, 8)), day=min(issued.day, 28))
    if country == "USA":
        postal = str(rng.randint(10000, 99999)) + rng.choice(("", "-" + str(rng.randint(1000, 9999))))
    else:
        a, b = rng.choice("ABCEGHJKLMNPRSTVXY"), rng.choice("ABCEGHJKLMNPRSTVWXYZ")
        postal = f"{a}{rng.randint(0, 9)}{b} {rng.randint(0, 9)}{b}{rng.randint(0, 9)}"
    letter = rng.choice("ABCDEFGHJKLMNPRSTVWXYZ")
    number = letter + "".join(rng.choice("0123456789") for _ in range(rng.choice((7, 8, 12))))
    return Licence(
        version=version if version is not None else rng.choice((1, 3, 8, 9, 10)),
        jurisdiction=jurisdiction,
        subfile=subfile or rng.choice(("DL", "DL", "DL", "ID")),
        document_number=number,
        surname=rng.choice(SURNAMES),
        first_name=rng.choice(FIRST),
        middle_name=rng.choice(MIDDLE),
        date_of_birth=born,
        date_of_expiry=expiry,
        date_of_issue=issued,
        sex=rng.choice("MMFFX"),
        street=rng.choice(STREETS),
        city=rng.choice(CITIES[country]),
        postal_code=postal,
    )


def _date(d: dt.date, lic: Licence) -> str:
    # version 1: CCYYMMDD everywhere; later versions: MMDDCCYY in the USA, CCYYMMDD in Canada
    return d.strftime("%Y%m%d" if lic.version == 1 or lic.country == "CAN" else "%m%d%Y")


def _postal_field(lic: Licence) -> str:
    """DAK as written: 11 characters, a plain ZIP padded with 0000 (or spaces, in Canada)."""
    if lic.country == "USA":
        digits = lic.postal_code.replace("-", "")
        return (digits if len(digits) == 9 else digits + "0000").ljust(11)
    return lic.postal_code.ljust(11)


def elements(lic: Licence) -> list[tuple[str, str]]:
    """The card subfile's data elements, in the order and naming of `lic.version`."""
    sex = {"M": "1", "F": "2", "X": "9"}[lic.sex]
    d = lambda day: _date(day, lic)  # noqa: E731
    if lic.version == 1:
        # AAMVA DL/ID-2000: whole name in DAA (FAMILY,FIRST,MIDDLE), no country element
        name = ",".join(p for p in (lic.surname, lic.first_name, lic.middle_name) if p)
        out = [("DAQ", lic.document_number), ("DAA", name)]
        out += [("DAG", lic.street), ("DAI", lic.city), ("DAJ", lic.jurisdiction)]
        out += [("DAK", _postal_field(lic)), ("DAR", "C" if lic.subfile == "DL" else "")]
        out += [("DBA", d(lic.date_of_expiry)), ("DBB", d(lic.date_of_birth)), ("DBC", sex)]
        out += [("DBD", d(lic.date_of_issue)), ("DAU", "509"), ("DAY", "BRO")]
        return [(k, v) for k, v in out if v]
    if lic.version == 2:
        given = ",".join(p for p in (lic.first_name, lic.middle_name) if p)
        names = [("DCS", lic.surname), ("DCT", given)]
    else:
        names = [("DCS", lic.surname), ("DAC", lic.first_name), ("DAD", lic.middle_name or "NONE")]
    out = [("DCA", "C" if lic.subfile == "DL" else "NONE"), ("DCB", "NONE"), ("DCD", "NONE")]
    out += [("DBA", d(lic.date_of_expiry)), *names, ("DBD", d(lic.date_of_issue))]
    out += [("DBB", d(lic.date_of_birth)), ("DBC", sex), ("DAY", "BRO"), ("DAU", "070 IN")]
    out += [("DAG", lic.street), ("DAI", lic.city), ("DAJ", lic.jurisdiction)]
    out += [("DAK", _postal_field(lic)), ("DAQ", lic.document_number), ("DCF", "83D9BN217QO983B1")]
    out += [("DCG", lic.country)]
    if lic.version >= 4:
        out += [("DDE", "N"), ("DDF", "N"), ("DDG", "N")]
    if lic.version >= 5:
        out += [("DDA", "F"), ("DDB", d(dt.date(2016, 8, 1)))]
    if lic.version >= 9:
        out += [("DDK", "1")]
    return out


def payload(lic: Licence, offset_error: int = 0) -> bytes:
    """The PDF417 payload: header, designators, the card subfile and a jurisdiction subfile ZX.
    `offset_error` shifts the card subfile's declared offset, as some issuers' cards do."""
    body = lic.subfile + LF.join(k + v for k, v in elements(lic)) + CR
    extra = "ZX" + LF.join(("ZXA" + lic.jurisdiction, "ZXBTEST")) + CR
    head = "@" + LF + RS + CR + "ANSI " + lic.iin + f"{lic.version:02d}"
    if lic.version >= 2:
        head += "00"  # jurisdiction version
    head += "02"  # entries
    first = len(head) + 20
    head += f"{lic.subfile}{first + offset_error:04d}{len(body):04d}"
    head += f"ZX{first + len(body):04d}{len(extra):04d}"
    return (head + body + extra).encode("ascii")
