"""Parse the AAMVA DL/ID card data a US or Canadian licence carries in its PDF417 (pure, no I/O).

The layout (AAMVA DL/ID Card Design Standard, annex D): a header

    @ LF RS CR  "ANSI "  IIN(6)  version(2)  [jurisdiction version(2), from version 2]  entries(2)

then one 10-byte designator per subfile (type(2), offset(4), length(4)), then the subfiles: `DL` or
`ID`, data elements `DAQ...` separated by the header's element separator, ended by its segment
terminator. The separators are read from the header rather than assumed, because scanners and a few
issuers differ. Names and dates moved between versions: version 1 writes dates CCYYMMDD and may
put the whole name in DAA; version 2 has DCT for the given names; from version 2 US cards write
dates MMDDCCYY and Canadian ones CCYYMMDD.

The payload comes from a stranger's card: everything is bounded and checked, and any defect raises
`AamvaError` (never another exception).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MAX_PAYLOAD = 4096  # bytes; a PDF417 holds at most ~1.1 kB in byte mode, real cards use 300-700
MAX_VALUE = 150  # characters per element; the longest AAMVA element (DAA, version 1) is 125
FILE_TYPES = ("ANSI ", "AAMVA")  # version 1 cards from a few issuers wrote "AAMVA"
CARD_SUBFILES = ("DL", "ID")  # preferred in this order when a card carries both
ELEMENT_ID = re.compile(r"[A-Z]{3}")
CANADA = frozenset(("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"))
# fmt: off
USA = frozenset((  # the states, DC and the territories
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
    "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
    "AS", "GU", "MP", "PR", "VI",
))
# fmt: on
SEX = {"1": "M", "2": "F", "9": "X", "M": "M", "F": "F"}  # version 1 cards may write M/F
NO_NAME = frozenset(("NONE", "UNAVL", "UNAVAILABLE"))  # placeholders for an absent middle name


class AamvaError(ValueError):
    """The payload is not AAMVA card data we can trust (malformed, truncated or out of bounds)."""


@dataclass(frozen=True)
class Address:
    street: str  # DAG, with DAH (second line) after a comma when present
    city: str  # DAI
    state: str  # DAJ: the jurisdiction code (two letters for the USA and Canada)
    postal_code: str  # DAK: `12345`, `12345-6789`, `K1A 0B1` as printed


@dataclass(frozen=True)
class AamvaRecord:
    iin: str  # issuer identification number: which jurisdiction issued the card
    version: int  # AAMVA standard version (1 = 2000 ... 10 = 2020)
    jurisdiction_version: int | None  # None for version 1 (no such header field)
    subfile: str  # DL (licence) | ID (identity card)
    country: str  # USA | CAN
    document_number: str  # DAQ
    surname: str  # DCS (DAB / DAA in version 1)
    given_names: str  # first and middle names, space separated (DAC + DAD, or DCT)
    date_of_birth: date  # DBB
    date_of_expiry: date | None  # DBA
    date_of_issue: date | None  # DBD
    sex: str | None  # M | F | X (AAMVA 1, 2, 9)
    address: Address | None


def parse_aamva(payload: bytes) -> AamvaRecord:
    """The card data in `payload` (the PDF417's bytes). Raises `AamvaError`."""
    if not isinstance(payload, bytes | bytearray):
        raise AamvaError("the payload must be bytes")
    if len(payload) > MAX_PAYLOAD:
        raise AamvaError(f"payload of {len(payload)} bytes exceeds {MAX_PAYLOAD}")
    # latin-1 maps every byte to one character, so offsets stay byte offsets; values are checked later
    text = bytes(payload).decode("latin-1")
    header = _header(text)
    start, end = _subfile(text, header)
    elements = _elements(text[start + 2 : end], header.separator)
    return _record(header, elements)


@dataclass(frozen=True)
class _Header:
    separator: str
    terminator: str
    iin: str
    version: int
    jurisdiction_version: int | None
    designators: tuple[tuple[str, int, int], ...]  # (type, offset, length)
    end: int  # where the subfiles may start


def _digits(text: str, start: int, count: int, what: str) -> int:
    chunk = text[start : start + count]
    if len(chunk) != count or not chunk.isascii() or not chunk.isdigit():
        raise AamvaError(f"header: {what} is not {count} digits")
    return int(chunk)


def _header(text: str) -> _Header:
    if len(text) < 21 or text[0] != "@":
        raise AamvaError("no AAMVA header (compliance indicator `@` missing or payload too short)")
    separator, _record_sep, terminator = text[1], text[2], text[3]
    if separator.isalnum() or terminator.isalnum() or separator == terminator:
        raise AamvaError("header: unusable separator characters")
    if text[4:9] not in FILE_TYPES:
        raise AamvaError("header: file type is not ANSI")
    iin = text[9:15]
    _digits(text, 9, 6, "IIN")
    version = _digits(text, 15, 2, "version")
    if version < 1:
        raise AamvaError("AAMVA version 0 (pre-standard) is not supported")
    pos = 17
    jurisdiction_version = None
    if version >= 2:
        jurisdiction_version = _digits(text, pos, 2, "jurisdiction version")
        pos += 2
    entries = _digits(text, pos, 2, "number of entries")
    pos += 2
    if entries < 1:
        raise AamvaError("header: no subfiles")
    designators = []
    for _ in range(entries):
        kind = text[pos : pos + 2]
        if len(kind) != 2 or not kind.isascii() or not kind.isalnum():
            raise AamvaError("header: truncated subfile designator")
        offset = _digits(text, pos + 2, 4, "subfile offset")
        length = _digits(text, pos + 6, 4, "subfile length")
        designators.append((kind, offset, length))
        pos += 10
    return _Header(separator, terminator, iin, version, jurisdiction_version, tuple(designators), pos)


def _subfile(text: str, header: _Header) -> tuple[int, int]:
    """Where the card subfile (DL, else ID) starts and ends in `text`."""
    by_type = {kind: (offset, length) for kind, offset, length in reversed(header.designators)}
    kind = next((k for k in CARD_SUBFILES if k in by_type), None)
    if kind is None:
        raise AamvaError("no DL or ID subfile")
    offset, length = by_type[kind]
    start = offset
    if text[start : start + 2] != kind:
        # Several issuers count offsets one or two bytes off: find the subfile after the header
        # rather than refuse a genuine card (the elements are checked just the same).
        start = text.find(kind, header.end)
        if start < 0:
            raise AamvaError(f"subfile {kind} not found where the header puts it")
    # the terminator ends the subfile; declared lengths are as unreliable as offsets, so they only
    # bound a subfile whose terminator is missing
    end = text.find(header.terminator, start)
    if end < 0:
        end = min(start + length, len(text))
    if end <= start + 2:
        raise AamvaError(f"subfile {kind} is empty")
    return start, end


def _elements(body: str, separator: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in body.split(separator):
        item = chunk.strip("\r\n")
        if not item:
            continue
        key, value = item[:3], item[3:].strip()
        if not ELEMENT_ID.fullmatch(key):
            raise AamvaError("a data element without a three-letter identifier")
        if len(value) > MAX_VALUE:
            raise AamvaError(f"element {key} is longer than {MAX_VALUE} characters")
        if not value.isprintable():
            raise AamvaError(f"element {key} holds control characters")
        if key in out and out[key] != value:
            raise AamvaError(f"element {key} appears twice with different values")
        out[key] = value
    return out


def _names(el: dict[str, str]) -> tuple[str, str]:
    surname = el.get("DCS") or el.get("DAB") or ""
    first = el.get("DAC") or ""
    middle = el.get("DAD") or ""
    given = " ".join(p for p in (first, "" if middle.upper() in NO_NAME else middle) if p)
    given = given or el.get("DCT") or ""
    if (not surname or not given) and el.get("DAA"):
        # version 1 whole name: FAMILY,FIRST,MIDDLE (a few issuers used spaces after the commas)
        parts = [p.strip() for p in el["DAA"].split(",")]
        surname = surname or parts[0]
        given = given or " ".join(p for p in parts[1:] if p)
    surname, given = (" ".join(n.replace(",", " ").split()) for n in (surname, given))
    if not surname or not given:
        raise AamvaError("no family name or no given name")
    return surname, given


def _country(el: dict[str, str], version: int) -> str:
    code = el.get("DCG", "")
    if code:
        if code not in ("USA", "CAN"):
            raise AamvaError(f"country {code!r} is neither USA nor CAN")
        return code
    state = el.get("DAJ", "")
    if state in CANADA:
        return "CAN"
    if state in USA:
        return "USA"
    raise AamvaError(f"no country: DCG missing and jurisdiction {state!r} unknown (version {version})")


def _date(el: dict[str, str], key: str, canadian_order: bool) -> date | None:
    raw = el.get(key)
    if raw is None or raw == "":
        return None
    if len(raw) != 8 or not raw.isascii() or not raw.isdigit():
        raise AamvaError(f"element {key} is not an 8-digit date")
    year, month, day = (raw[0:4], raw[4:6], raw[6:8]) if canadian_order else (raw[4:8], raw[0:2], raw[2:4])
    try:
        found = date(int(year), int(month), int(day))
    except ValueError as exc:
        raise AamvaError(f"element {key} is not a calendar date") from exc
    if not 1900 <= found.year <= 2199:
        raise AamvaError(f"element {key} lies outside 1900-2199")
    return found


def _postal(raw: str, country: str) -> str:
    code = raw.strip()
    if country == "USA":
        digits = code.replace("-", "").replace(" ", "")
        if len(digits) == 9 and digits.isdigit():
            # the field is 11 wide: a plain ZIP is padded with 0000 or spaces
            return digits[:5] if digits[5:] == "0000" else f"{digits[:5]}-{digits[5:]}"
    return code


def _address(el: dict[str, str], country: str) -> Address | None:
    street = el.get("DAG", "")
    if el.get("DAH"):
        street = f"{street}, {el['DAH']}" if street else el["DAH"]
    city, state, postal = el.get("DAI", ""), el.get("DAJ", ""), el.get("DAK", "")
    if not (street or city or postal):
        return None
    return Address(street=street, city=city, state=state, postal_code=_postal(postal, country))


def _record(header: _Header, el: dict[str, str]) -> AamvaRecord:
    number = el.get("DAQ", "")
    if not number:
        raise AamvaError("no document number (DAQ)")
    surname, given = _names(el)
    country = _country(el, header.version)
    canadian_order = header.version == 1 or country == "CAN"
    born = _date(el, "DBB", canadian_order)
    if born is None:
        raise AamvaError("no date of birth (DBB)")
    raw_sex = el.get("DBC", "")
    if raw_sex and raw_sex not in SEX:
        raise AamvaError(f"sex code {raw_sex!r} is not 1, 2 or 9")
    subfile = next(k for k in CARD_SUBFILES if any(d[0] == k for d in header.designators))
    return AamvaRecord(
        iin=header.iin,
        version=header.version,
        jurisdiction_version=header.jurisdiction_version,
        subfile=subfile,
        country=country,
        document_number=number,
        surname=surname,
        given_names=given,
        date_of_birth=born,
        date_of_expiry=_date(el, "DBA", canadian_order),
        date_of_issue=_date(el, "DBD", canadian_order),
        sex=SEX[raw_sex] if raw_sex else None,
        address=_address(el, country),
    )
