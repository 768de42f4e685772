from __future__ import annotations

from datetime import date

import pytest

from idscan.documents.mrz import (
    MrzError,
    MrzField,
    MrzFormat,
    MrzResult,
    Span,
    Validity,
    check_digit,
    detect_format,
    parse,
)
from idscan.documents.mrz.dates import birth_date, expiry_date

from .factory import Holder, mrv, td1, td2, td3
from .fixtures import ground_truth, passport_style_items

TODAY = date(2026, 11, 25)
UTO_TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
UTO_TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]
UTO_TD1 = [
    "I<UTOD23145890<7349<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
]
FRA_CNI = ["IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<", "9409923102854CORINNE<<<<<<<6512068F4"]


def _field(result: MrzResult, name: str) -> MrzField:
    found = result.field(name)
    assert found is not None, name
    return found


def test_check_digit_icao_examples() -> None:
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("ZE184226B<<<<<") == "1"
    assert check_digit("<<<") == "0"


def test_td3_fields_values_and_spans() -> None:
    r = parse(UTO_TD3, today=TODAY)
    assert r.format is MrzFormat.TD3
    assert r.valid
    assert not r.non_compliant
    assert r.value("document_type") == "P"
    assert r.value("issuing_country") == "UTO"
    assert r.value("surname") == "ERIKSSON"
    assert r.value("given_names") == "ANNA MARIA"
    assert r.value("document_number") == "L898902C3"
    assert r.value("date_of_birth") == "1974-08-12"
    assert r.value("date_of_expiry") == "2012-04-15"
    assert r.value("sex") == "F"
    assert r.value("personal_number") == "ZE184226B"
    number = r.field("document_number")
    assert number is not None
    assert number.check_digit
    assert number.validity is Validity.VALID
    surname = r.field("surname")
    assert surname is not None
    assert not surname.check_digit
    assert surname.validity is Validity.NOT_CHECKED
    assert r.spans()["personal_number"] == Span(1, 28, 42)
    assert r.spans()["document_number"] == Span(1, 0, 9)
    assert [c.name for c in r.checks] == [
        "document_number",
        "date_of_birth",
        "date_of_expiry",
        "personal_number",
        "composite",
    ]


def test_td2_and_td1_with_long_document_number() -> None:
    r2 = parse(UTO_TD2, today=TODAY)
    assert r2.format is MrzFormat.TD2
    assert r2.valid
    assert r2.value("document_number") == "D23145890"
    r1 = parse(UTO_TD1, today=TODAY)
    assert r1.format is MrzFormat.TD1
    assert r1.valid
    # ICAO 9303 part 5: a 12-character number continues in the optional data after `<`.
    assert r1.value("document_number") == "D23145890734"
    assert r1.spans()["document_number_extension"] == Span(0, 15, 18)
    assert r1.value("nationality") == "UTO"


def test_visas_have_no_composite_digit() -> None:
    holder = Holder(doc_type="V", optional="")
    for width, fmt in ((44, MrzFormat.MRV_A), (36, MrzFormat.MRV_B)):
        r = parse(mrv(holder, width), today=TODAY)
        assert r.format is fmt
        assert r.valid
        assert "composite" not in [c.name for c in r.checks]
        assert r.value("document_number") == "L898902C3"


def test_format_detection_tells_visas_and_french_card_apart() -> None:
    assert detect_format(UTO_TD3) is MrzFormat.TD3
    assert detect_format(["V" + UTO_TD3[0][1:], UTO_TD3[1]]) is MrzFormat.MRV_A
    assert detect_format(UTO_TD2) is MrzFormat.TD2
    assert detect_format(["V" + UTO_TD2[0][1:], UTO_TD2[1]]) is MrzFormat.MRV_B
    assert detect_format(FRA_CNI) is MrzFormat.FRA_CNI
    assert detect_format(UTO_TD1) is MrzFormat.TD1
    assert detect_format([UTO_TD3[0], UTO_TD3[1][:-1]]) is None
    with pytest.raises(MrzError):
        parse(["P<UTO", "123"], today=TODAY)


def test_french_1994_identity_card_is_read_and_flagged() -> None:
    r = parse(FRA_CNI, today=TODAY)
    assert r.non_compliant
    assert r.checks_valid
    assert r.value("surname") == "BERTHIER"
    assert r.value("given_names") == "CORINNE"
    assert r.value("document_number") == "940992310285"
    assert r.value("date_of_birth") == "1965-12-06"
    assert r.value("sex") == "F"


def test_german_d_code_and_special_codes() -> None:
    r = parse(td1(Holder(doc_type="ID", issuer="D<<", nationality="D<<", optional="")), today=TODAY)
    assert r.value("issuing_country") == "D"
    assert r.value("nationality") == "D"
    issuer = r.field("issuing_country")
    assert issuer is not None
    assert issuer.validity is Validity.VALID
    for code in ("EUE", "UNO", "UNA", "UNK", "XXA", "XXB", "XXC", "XXX", "UTO"):
        lines = td3(Holder(issuer=code, nationality=code))
        assert _field(parse(lines, today=TODAY), "nationality").validity is Validity.VALID
    unknown = parse(td3(Holder(nationality="132")), today=TODAY).field("nationality")
    assert unknown is not None
    assert unknown.validity is Validity.NOT_CHECKED


@pytest.mark.parametrize(
    ("yymmdd", "today", "expected"),
    [
        ("740812", date(2026, 1, 1), date(1974, 8, 12)),
        ("250101", date(2026, 1, 1), date(2025, 1, 1)),
        ("260102", date(2026, 1, 1), date(1926, 1, 2)),  # tomorrow is in the past century
        ("000229", date(2026, 1, 1), date(2000, 2, 29)),
        ("000229", date(2099, 1, 1), date(2000, 2, 29)),  # 1900 had no 29 Feb... 2000 did
        ("991332", date(2026, 1, 1), None),
    ],
)
def test_birth_century(yymmdd: str, today: date, expected: date | None) -> None:
    assert birth_date(yymmdd, today) == expected


@pytest.mark.parametrize(
    ("yymmdd", "expected"),
    [
        ("120415", date(2012, 4, 15)),
        ("351231", date(2035, 12, 31)),
        ("760101", date(2076, 1, 1)),  # within 50 years ahead: future preferred
        ("770101", date(1977, 1, 1)),
        ("<<<<<<", None),
    ],
)
def test_expiry_century(yymmdd: str, expected: date | None) -> None:
    assert expiry_date(yymmdd, date(2026, 11, 25)) == expected


def test_invalid_calendar_date_is_invalid_even_with_good_digit() -> None:
    lines = td3(Holder(birth="741332"))
    r = parse(lines, today=TODAY)
    assert r.checks_valid
    assert not r.valid
    assert _field(r, "date_of_birth").validity is Validity.INVALID


def test_sex_codes() -> None:
    for code, value in (("M", "M"), ("F", "F"), ("X", "X"), ("<", "X")):
        assert parse(td3(Holder(sex=code)), today=TODAY).value("sex") == value
    bad = parse(td3(Holder(sex="Q")), today=TODAY)
    assert _field(bad, "sex").validity is Validity.INVALID


def test_dutch_personal_numbers() -> None:
    td3_nld = parse(td3(Holder(issuer="NLD", nationality="NLD", optional="123456782")), today=TODAY)
    assert td3_nld.value("personal_number") == "123456782"
    card = td1(
        Holder(doc_type="I", issuer="NLD", nationality="NLD", number="SPECI2021", optional="999999990")
    )
    r = parse(card, today=TODAY)
    assert r.valid
    assert r.value("personal_number") == "999999990"
    assert r.spans()["personal_number"] == Span(0, 15, 24)
    assert _field(r, "personal_number").check_digit  # composite covers it


def test_names_without_given_names_and_compound_surnames() -> None:
    r = parse(td3(Holder(surname="KOWALSKA KWIATKOWSKA", given="JOANNA")), today=TODAY)
    assert r.value("surname") == "KOWALSKA KWIATKOWSKA"
    only = parse(["P<UTOVADIS" + "<" * 34, UTO_TD3[1]], today=TODAY)
    assert only.value("surname") == "VADIS"
    assert only.value("given_names") is None


def test_real_fixture_lines_parse_as_printed() -> None:
    checked = 0
    for item in passport_style_items():
        r = parse(item["lines"], today=TODAY)
        assert r.checks_valid == item["check_digits_valid"], item["file"]
        assert r.lines == tuple(item["lines"])
        if item["format"].startswith("FRA-CNI"):
            assert r.non_compliant
        elif item["format"] in {f.value for f in MrzFormat}:
            assert r.format.value == item["format"], item["file"]
        checked += 1
    assert checked >= 40


def test_real_fixture_values_match_visual_ground_truth() -> None:
    truth = ground_truth()
    lines_by_file = {m["file"]: m["lines"] for m in truth["mrz"]}
    for item in truth["viz"]:
        r = parse(lines_by_file[item["file"]], today=TODAY)
        fields = item["fields"]
        assert r.value("date_of_birth") == fields["date_of_birth_iso"], item["file"]
        if "date_of_expiry_iso" in fields and "ltu" not in item["file"]:  # LTU specimen differs itself
            assert r.value("date_of_expiry") == fields["date_of_expiry_iso"], item["file"]


def test_td2_long_document_number_continues_in_optional_data() -> None:
    body = "D23145890<UTO7408122F1204159" + "734" + check_digit("D23145890734") + "<<<"
    line2 = body + check_digit(body[0:10] + body[13:20] + body[21:35])
    r = parse([UTO_TD2[0], line2], today=TODAY)
    assert r.valid
    assert r.value("document_number") == "D23145890734"
    assert r.redaction_spans("document_number") == (Span(1, 0, 9), Span(1, 28, 31), Span(1, 31, 32))


def test_idfra_td2_card_is_told_from_the_1994_card_by_its_check_digits() -> None:
    lines = td2(Holder(doc_type="ID", issuer="FRA", nationality="FRA", optional=""))
    assert lines[0].startswith("IDFRA")
    r = parse(lines, today=TODAY)
    assert r.format is MrzFormat.TD2
    assert r.valid
    assert not r.non_compliant
    assert parse(FRA_CNI, today=TODAY).format is MrzFormat.FRA_CNI
