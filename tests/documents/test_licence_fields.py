"""An EU licence's fields: the zone's values first and compared with the print, the categories."""

from __future__ import annotations

import datetime as dt

from idscan.documents.fields import build_fields
from idscan.documents.licence_categories import Category
from idscan.documents.licence_fields import categories_field, licence_fields
from idscan.documents.licence_mrz import parse_licence_mrz
from idscan.documents.reading import Field
from idscan.documents.viz import VisualField

TODAY = dt.date(2026, 12, 6)
FRENCH = "D1FRA13AA000026181231MARTIN<<9"


def visual(**values: str) -> dict[str, VisualField]:
    return {k: VisualField(k, v, v, (0, 0, 10, 10)) for k, v in values.items()}


def fields_of(vis: dict[str, VisualField], zone_line: str | None) -> dict[str, Field]:
    base = build_fields(None, vis, document_type="driving_license", issuing_country=None, today=TODAY)
    zone = parse_licence_mrz(zone_line, TODAY) if zone_line else None
    return {f.field: f for f in licence_fields(base, vis, zone, (), ())}


def test_the_zone_confirms_the_print() -> None:
    vis = visual(document_number="13AA00002", surname="MARTIN", date_of_expiry="2018-12-31")
    out = fields_of(vis, FRENCH)
    number = out["document_number"]
    assert number.to_dict()["values"] == [
        {"source": "mrz", "value": "13AA00002"},
        {"source": "visual", "value": "13AA00002"},
    ]
    for name in ("document_number", "surname", "date_of_expiry"):
        assert out[name].comparison == "match", name
        assert out[name].validity == "valid", name
    assert out["issuing_country_code"].value() == "FRA"
    assert out["mrz"].value() == FRENCH


def test_a_print_that_differs_from_the_zone_is_a_mismatch() -> None:
    out = fields_of(visual(document_number="13AA00003", surname="MARTINEZ"), FRENCH)
    assert out["document_number"].comparison == "mismatch"
    assert out["surname"].comparison == "mismatch"


def test_a_surname_cut_by_the_zone_still_matches_its_print() -> None:
    from idscan.documents.mrz.checkdigit import check_digit

    head = "D1FRA13AA00002" + "6" + "301231" + "DELACROI"
    line = head + check_digit(head)
    out = fields_of(visual(surname="DELACROIX-MARTIN"), line)
    assert out["surname"].comparison == "match"
    # the whole printed name first, the zone's 8 letters after it
    assert [(v.source, v.value) for v in out["surname"].values] == [
        ("visual", "DELACROIX-MARTIN"),
        ("mrz", "DELACROI"),
    ]


def test_without_a_zone_only_the_print() -> None:
    out = fields_of(visual(document_number="13AA00002"), None)
    assert out["document_number"].comparison == "not_performed"
    assert "mrz" not in out


def test_categories_from_both_sides() -> None:
    table = (Category("B", dt.date(2012, 6, 15), dt.date(2032, 6, 15)), Category("AM", dt.date(2012, 6, 15)))
    agree = categories_field(("AM", "B"), table)
    assert agree is not None
    assert agree.comparison == "match"
    assert agree.to_dict()["values"] == [{"source": "visual", "value": "B/AM"}]
    assert agree.to_dict()["items"][0] == {
        "category": "B",
        "valid_from": "2012-06-15",
        "valid_until": "2032-06-15",
    }
    differ = categories_field(("AM", "B", "C"), table)
    assert differ is not None
    assert differ.comparison == "mismatch"
    front_only = categories_field(("AM", "B"), ())
    assert front_only is not None
    assert front_only.comparison == "not_performed"
    assert [i["category"] for i in front_only.items] == ["AM", "B"]
    assert categories_field((), ()) is None


def test_without_a_zone_the_country_comes_from_the_print() -> None:
    vis = visual(document_number="5094962111")
    base = build_fields(None, vis, document_type="driving_license", issuing_country="NLD", today=TODAY)
    out = {f.field: f for f in licence_fields(base, vis, None, (), (), "NLD")}
    assert out["issuing_country"].values[0].source == "visual"
    assert out["issuing_country"].value() == "Netherlands"
    assert out["issuing_country_code"].value() == "NLD"


def test_a_cut_surname_with_a_filler_inside() -> None:
    from idscan.documents.mrz.checkdigit import check_digit

    head = "D1FRA13AA00002" + "6" + "301231" + "GARCIA<L"
    line = head + check_digit(head)
    out = fields_of(visual(surname="GARCÍA LÓPEZ"), line)
    assert out["surname"].comparison == "match"
    assert out["surname"].values[0].source == "visual"
