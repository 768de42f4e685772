"""Builds valid MRZ lines from field values, and random valid MRZs for property tests."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

from idscan.documents.mrz import check_digit

LETTERS = string.ascii_uppercase
CODES = ["UTO", "NLD", "D<<", "FRA", "EUE", "UNO", "XXA", "GBR", "USA", "BEL"]


def pad(text: str, width: int) -> str:
    assert len(text) <= width, (text, width)
    return text + "<" * (width - len(text))


def names(surname: str, given: str, width: int) -> str:
    text = (surname.replace(" ", "<") + "<<" + given.replace(" ", "<"))[:width]  # ICAO truncates
    return pad(text, width)


@dataclass(frozen=True)
class Holder:
    doc_type: str = "P"
    issuer: str = "UTO"
    surname: str = "ERIKSSON"
    given: str = "ANNA MARIA"
    number: str = "L898902C3"
    nationality: str = "UTO"
    birth: str = "740812"
    sex: str = "F"
    expiry: str = "120415"
    optional: str = "ZE184226B"
    optional2: str = ""


def td3(h: Holder) -> list[str]:
    line1 = pad(h.doc_type, 2) + h.issuer + names(h.surname, h.given, 39)
    num = pad(h.number, 9)
    personal = pad(h.optional, 14)
    pcheck = check_digit(personal) if h.optional else "<"
    body = (
        num
        + check_digit(num)
        + h.nationality
        + h.birth
        + check_digit(h.birth)
        + h.sex
        + h.expiry
        + check_digit(h.expiry)
        + personal
        + pcheck
    )
    composite = check_digit(body[0:10] + body[13:20] + body[21:43])
    return [line1, body + composite]


def td2(h: Holder) -> list[str]:
    line1 = pad(h.doc_type, 2) + h.issuer + names(h.surname, h.given, 31)
    num = pad(h.number, 9)
    body = (
        num
        + check_digit(num)
        + h.nationality
        + h.birth
        + check_digit(h.birth)
        + h.sex
        + h.expiry
        + check_digit(h.expiry)
        + pad(h.optional[:7], 7)
    )
    return [line1, body + check_digit(body[0:10] + body[13:20] + body[21:35])]


def mrv(h: Holder, width: int) -> list[str]:
    line1 = pad("V" + h.doc_type[1:], 2) + h.issuer + names(h.surname, h.given, width - 5)
    num = pad(h.number, 9)
    body = (
        num
        + check_digit(num)
        + h.nationality
        + h.birth
        + check_digit(h.birth)
        + h.sex
        + h.expiry
        + check_digit(h.expiry)
        + pad(h.optional[: width - 28], width - 28)
    )
    return [line1, body]


def td1(h: Holder) -> list[str]:
    if len(h.number) > 9:  # ICAO long document number: `<`, then the rest and its digit
        num = h.number[:9] + "<" + h.number[9:] + check_digit(h.number)
        line1 = pad(h.doc_type, 2) + h.issuer + pad(num + h.optional, 25)
    else:
        num = pad(h.number, 9)
        line1 = pad(h.doc_type, 2) + h.issuer + num + check_digit(num) + pad(h.optional, 15)
    line2 = (
        h.birth
        + check_digit(h.birth)
        + h.sex
        + h.expiry
        + check_digit(h.expiry)
        + h.nationality
        + pad(h.optional2, 11)
    )
    composite = check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return [line1, line2 + composite, names(h.surname, h.given, 30)]


def _word(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(low, high)))


def _alnum(rng: random.Random, low: int, high: int) -> str:
    alphabet = LETTERS + string.digits * 3  # numbers are mostly digits
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))


def _date(rng: random.Random) -> str:
    return f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def random_holder(rng: random.Random, doc_type: str) -> Holder:
    return Holder(
        doc_type=doc_type,
        issuer=rng.choice(CODES),
        surname=_word(rng, 2, 12),
        given=" ".join(_word(rng, 1, 8) for _ in range(rng.randint(1, 2))),
        number=_alnum(rng, 6, 9),
        nationality=rng.choice(CODES),
        birth=_date(rng),
        sex=rng.choice("MFX<"),
        expiry=_date(rng),
        optional=_alnum(rng, 0, 9),
        optional2=_alnum(rng, 0, 6),
    )


def random_mrz(rng: random.Random) -> list[str]:
    kind = rng.choice(["TD1", "TD2", "TD3", "MRV-A", "MRV-B"])
    if kind == "TD1":
        return td1(random_holder(rng, "ID"))
    if kind == "TD2":
        return td2(random_holder(rng, "I"))
    if kind == "TD3":
        return td3(random_holder(rng, "P"))
    return mrv(random_holder(rng, "VC"), 44 if kind == "MRV-A" else 36)
