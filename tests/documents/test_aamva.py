from __future__ import annotations

import dataclasses
import random
from datetime import date

import pytest

from idscan.documents.aamva import MAX_PAYLOAD, AamvaError, AamvaRecord, Address, parse_aamva

from .synth.aamva import VERSIONS, Licence, payload, random_licence

# The example of the AAMVA 2020 standard's annex D (version 10, a test IIN), as a card carries it.
ANNEX_D = (
    "@\n\x1e\rANSI 636000100002DL00410278ZV03190008"
    "DLDAQT64235789\nDCSSAMPLE\nDDEN\nDACMICHAEL\nDDFN\nDADJOHN\nDDGN\nDCAD\nDCBK\nDCDPH\n"
    "DBD06062019\nDBB06061986\nDBA12102024\nDBC1\nDAU068 in\nDAYBRO\nDAG2300 WEST BROAD STREET\n"
    "DAIRICHMOND\nDAJVA\nDAK232690000  \nDCF2424244747474786102204\nDCGUSA\nDCK123456789\nDDAF\n"
    "DDB06062018\nDDC06062020\nDDD1\rZVZVA01\r"
).encode("ascii")


def expected(lic: Licence) -> AamvaRecord:
    return AamvaRecord(
        iin=lic.iin,
        version=lic.version,
        jurisdiction_version=None if lic.version == 1 else 0,
        subfile=lic.subfile,
        country=lic.country,
        document_number=lic.document_number,
        surname=lic.surname,
        given_names=lic.given_names,
        date_of_birth=lic.date_of_birth,
        date_of_expiry=lic.date_of_expiry,
        date_of_issue=lic.date_of_issue,
        sex=lic.sex,
        address=Address(lic.street, lic.city, lic.jurisdiction, lic.postal_code),
    )


def test_annex_d_example() -> None:
    record = parse_aamva(ANNEX_D)
    assert record == AamvaRecord(
        iin="636000",
        version=10,
        jurisdiction_version=0,
        subfile="DL",
        country="USA",
        document_number="T64235789",
        surname="SAMPLE",
        given_names="MICHAEL JOHN",
        date_of_birth=date(1986, 6, 6),
        date_of_expiry=date(2024, 12, 10),  # MMDDCCYY: a US card from version 2 on
        date_of_issue=date(2019, 6, 6),
        sex="M",
        address=Address("2300 WEST BROAD STREET", "RICHMOND", "VA", "23269"),
    )


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("jurisdiction", ["CA", "NY", "ON", "QC"])
@pytest.mark.parametrize("subfile", ["DL", "ID"])
def test_each_version_round_trips(version: int, jurisdiction: str, subfile: str) -> None:
    for seed in range(5):
        lic = random_licence(random.Random(seed), version, subfile, jurisdiction)
        assert parse_aamva(payload(lic)) == expected(lic), (version, jurisdiction, seed)


def test_date_order_follows_version_and_country() -> None:
    day = date(2030, 1, 12)  # 01/12 and 12/01 are both dates: the order must come from the rules
    for version, jurisdiction in ((1, "CA"), (3, "CA"), (3, "ON"), (10, "TX"), (10, "BC")):
        lic = random_licence(random.Random(3), version, "DL", jurisdiction)
        lic = dataclasses.replace(lic, date_of_expiry=day)
        assert parse_aamva(payload(lic)).date_of_expiry == day, (version, jurisdiction)


def test_version_2_given_names_in_dct() -> None:
    lic = dataclasses.replace(random_licence(random.Random(1), 2, "DL", "NY"), middle_name="ANN")
    assert b"DCT" in payload(lic)
    assert parse_aamva(payload(lic)).given_names == f"{lic.first_name} ANN"


def test_version_1_whole_name_in_daa() -> None:
    lic = random_licence(random.Random(2), 1, "DL", "TX")
    lic = dataclasses.replace(lic, surname="VAN DYKE", first_name="MARY", middle_name="LEE")
    assert b"DAAVAN DYKE,MARY,LEE" in payload(lic)
    record = parse_aamva(payload(lic))
    assert (record.surname, record.given_names) == ("VAN DYKE", "MARY LEE")


@pytest.mark.parametrize("shift", [-1, 1, 2])
def test_subfile_offset_off_by_a_few_bytes(shift: int) -> None:
    lic = random_licence(random.Random(5), 8, "DL", "FL")
    assert parse_aamva(payload(lic, offset_error=shift)) == expected(lic)


def test_id_subfile() -> None:
    lic = random_licence(random.Random(6), 9, "ID", "WA")
    assert parse_aamva(payload(lic)).subfile == "ID"


def _replace(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new, 1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "no AAMVA header"),
        (b"hello world, not a licence at all", "no AAMVA header"),
        (ANNEX_D[:30], "subfile length is not 4 digits"),
        (ANNEX_D[:22], "truncated subfile designator"),
        (b"@" + b"A" * (MAX_PAYLOAD + 10), "exceeds"),
        (_replace(ANNEX_D, b"ANSI ", b"XXXX "), "file type"),
        (_replace(ANNEX_D, b"ANSI 63600010", b"ANSI 63600000"), "version 0"),
        (_replace(ANNEX_D, b"ANSI 6360001000", b"ANSI 6360001000".replace(b"00", b"0x", 1)), "digits"),
        (_replace(ANNEX_D, b"DL0041", b"XX0041"), "no DL or ID subfile"),
        (_replace(ANNEX_D, b"DAQT64235789\n", b""), "DAQ"),
        (_replace(ANNEX_D, b"DCSSAMPLE\n", b""), "family name"),
        (_replace(ANNEX_D, b"DBB06061986\n", b""), "DBB"),
        (_replace(ANNEX_D, b"DBB06061986", b"DBB13061986"), "calendar date"),
        (_replace(ANNEX_D, b"DBB06061986", b"DBB0606198"), "8-digit"),
        (_replace(ANNEX_D, b"DBA12102024", b"DBA12102224"), "1900-2199"),
        (_replace(ANNEX_D, b"DBC1", b"DBC5"), "sex code"),
        (_replace(ANNEX_D, b"DCGUSA", b"DCGMEX"), "neither USA nor CAN"),
        (_replace(ANNEX_D, b"DACMICHAEL", b"DACMI\x07CHAEL"), "control characters"),
        (_replace(ANNEX_D, b"DACMICHAEL", b"DAC" + b"M" * 200), "longer than"),
        (_replace(ANNEX_D, b"DCSSAMPLE\n", b"DCSSAMPLE\nDCSOTHER\n"), "twice"),
        (_replace(ANNEX_D, b"DAYBRO", b"dayBRO"), "three-letter"),
    ],
)
def test_malformed_payloads_are_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(AamvaError, match=message):
        parse_aamva(data)


def test_text_instead_of_bytes_is_refused() -> None:
    with pytest.raises(AamvaError):
        parse_aamva(ANNEX_D.decode("ascii"))  # type: ignore[arg-type]


def test_mutated_payloads_raise_only_aamva_error() -> None:
    """Hostile input: flipped, dropped and inserted bytes and truncations give a record or an
    AamvaError, never another exception."""
    rng = random.Random(17)
    seeds = [payload(random_licence(random.Random(i))) for i in range(20)] + [ANNEX_D]
    outcomes = {"record": 0, "refused": 0}
    for _ in range(3000):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 4)):
            if not data:
                break
            pos = rng.randrange(len(data))
            action = rng.random()
            if action < 0.4:
                data[pos] = rng.randrange(256)
            elif action < 0.6:
                del data[pos]
            elif action < 0.8:
                data.insert(pos, rng.choice(b"\n\r\x1e@0123456789DLZ"))
            else:
                del data[pos:]
        try:
            parse_aamva(bytes(data))
            outcomes["record"] += 1
        except AamvaError:
            outcomes["refused"] += 1
    assert outcomes["record"] > 0
    assert outcomes["refused"] > 0
