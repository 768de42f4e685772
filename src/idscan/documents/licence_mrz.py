"""The one-line machine-readable zone of an ISO/IEC 18013 driving licence (the EU card model prints it
on the back: `D1NLD15094962111659VW87Z78NB84`, `D1FRA13AA000026181231MARTIN<<9`). Pure: a string in,
a frozen dataclass out.

Layout, 30 characters in the ICAO 9303 character set (A-Z, 0-9, `<`):
  1      `D`, the document code of a driving licence
  2      the basic-access-protection configuration of ISO/IEC 18013-3: `1`, `P`, `N` or `<`
  3-5    the issuing state, ISO 3166-1 alpha-3
  6-29   the issuer's own data
  30     check digit over characters 1-29 (ICAO 9303 weights 7-3-1)
What the issuer's data holds is known here for two states:
  FRA    6-14 licence number (field 5), 15 its check digit over characters 1-14, 16-21 expiry
         YYMMDD (field 4b), 22-29 the surname, cut to 8 characters and filled with `<`
  NLD    6 one character of undocumented meaning, 7-16 the 10-digit licence number (field 5),
         17-29 data that is not printed on the card
Other states' data is kept as printed, unread; their zone is still checked by its last digit.

Sources (the standard itself is not public): the field layout and the allowed configuration
characters of cheminfo/mrz (MIT; `src/parse/frenchDrivingLicenceFields.ts`,
`src/parsers/euDrivingLicense/parseBapConfiguration.js`); the Dutch layout from the tests of
datacheckerbv/MRZParser (MIT; `Tests/MRZParserTests/DLTests.swift`); both lines above are real
specimens whose check digits this parser's tests verify (the French one is the zone of the EU
licence specimen in shared/fixtures/mrz).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from idscan.documents.mrz.checkdigit import check_digit
from idscan.documents.mrz.dates import expiry_date

LENGTH = 30
BAP_CONFIGURATIONS = frozenset("1PN<")
_SHAPE = re.compile(r"D[1PN<][A-Z]{3}[A-Z0-9<]{25}")


@dataclass(frozen=True)
class LicenceMrz:
    line: str
    bap_configuration: str
    issuing_country: str  # alpha-3, as printed
    national_data: str  # characters 6-29, as printed
    check_digit_valid: bool  # the last character, over characters 1-29
    # Read only where the issuer's layout is known (see the module's docstring); None elsewhere.
    document_number: str | None = None
    document_number_check_valid: bool | None = None  # None: the layout has no such digit
    date_of_expiry: date | None = None
    surname: str | None = None  # cut to the zone's width: a prefix of the printed surname

    @property
    def valid(self) -> bool:
        """Every check digit of the zone holds, and every date in it is a calendar day."""
        return (
            self.check_digit_valid
            and self.document_number_check_valid is not False
            and not (self.issuing_country == "FRA" and self.date_of_expiry is None)
        )


def parse_licence_mrz(text: str, today: date) -> LicenceMrz | None:
    """The zone read from `text` (blanks dropped, capitals), or None when it does not have the
    zone's shape: 30 characters, `D`, a configuration character, three letters, the character set.
    A zone with a failed check digit is returned, with `valid` False: the caller refuses it."""
    line = re.sub(r"\s+", "", text).upper()
    if len(line) != LENGTH or not _SHAPE.fullmatch(line):
        return None
    country, data = line[2:5], line[5:29]
    found = LicenceMrz(
        line=line,
        bap_configuration=line[1],
        issuing_country=country,
        national_data=data,
        check_digit_valid=check_digit(line[:29]) == line[29],
    )
    if country == "FRA":
        return _french(found, today)
    if country == "NLD":
        number = line[6:16]
        # a Dutch licence number is 10 digits; anything else is another layout, left unread
        return replace(found, document_number=number) if number.isdigit() else found
    return found


def _french(found: LicenceMrz, today: date) -> LicenceMrz:
    line = found.line
    surname = line[21:29].rstrip("<").replace("<", " ")
    return replace(
        found,
        document_number=line[5:14].rstrip("<"),
        document_number_check_valid=check_digit(line[:14]) == line[14],
        date_of_expiry=expiry_date(line[15:21], today),
        surname=surname or None,
    )


@dataclass(frozen=True)
class ZoneVerdict:
    """What two independent reads of one zone say together."""

    zone: LicenceMrz | None  # the read to use: a valid one where there is one
    readers_agree: bool  # both reads give the same line

    @property
    def valid(self) -> bool:
        return self.zone is not None and self.zone.valid


def judge_zone(reads: tuple[str, ...], today: date) -> ZoneVerdict:
    """The zone from its reads (RapidOCR's, Tesseract's MRZ model's): the first read whose check
    digits hold; two valid reads that differ cancel each other (one of them is wrong and a single
    check digit cannot say which). No valid read: the first that has the zone's shape, invalid."""
    parsed = [p for p in (parse_licence_mrz(r, today) for r in reads if r) if p is not None]
    valid = [p for p in parsed if p.valid]
    agree = len(parsed) >= 2 and len({p.line for p in parsed}) == 1
    if len({p.line for p in valid}) > 1:
        return ZoneVerdict(replace(valid[0], check_digit_valid=False), False)
    if valid:
        return ZoneVerdict(valid[0], agree)
    return ZoneVerdict(parsed[0] if parsed else None, agree)
