from __future__ import annotations

from datetime import date

import pytest

from idscan.documents.codes import AttemptCode
from idscan.documents.rules import (
    DocumentRules,
    ExtractedFields,
    FieldState,
    Level,
    age_on,
    attempt_code,
    bsn_valid,
    evaluate,
    is_expired,
)

TODAY = date(2026, 11, 25)


def _codes(rules: DocumentRules, fields: ExtractedFields) -> list[str]:
    return [f.code.value for f in evaluate(rules, fields)]


@pytest.mark.parametrize(
    ("expiry", "allowed", "expired"),
    [
        (date(2026, 11, 25), 0, False),  # expires today: still accepted with 0
        (date(2026, 11, 24), 0, True),
        (date(2026, 8, 27), 90, False),  # expired 90 days ago, +90 accepts it
        (date(2026, 8, 26), 90, True),
        (date(2027, 2, 23), -90, False),  # exactly 90 days of validity left
        (date(2027, 2, 22), -90, True),
        (None, -3650, False),  # no expiry date: passes
    ],
)
def test_expiry_rule(expiry: date | None, allowed: int, expired: bool) -> None:
    assert is_expired(expiry, TODAY, allowed) is expired
    codes = _codes(
        DocumentRules(today=TODAY, allowed_expiration=allowed), ExtractedFields(date_of_expiry=expiry)
    )
    assert ("document_expired" in codes) is expired


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(2008, 11, 25), date(2026, 11, 25), 18),
        (date(2008, 11, 26), date(2026, 11, 25), 17),
        (date(2008, 2, 29), date(2026, 2, 28), 17),  # leap-day birthday: a year older on 1 March
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
    ],
)
def test_age_on_scan_date(birth: date, day: date, age: int) -> None:
    assert age_on(birth, day) == age


def test_minimum_and_maximum_age() -> None:
    rules = DocumentRules(today=TODAY, minimum_age=18, maximum_age=80)
    assert _codes(rules, ExtractedFields(date_of_birth=date(2008, 11, 26))) == ["age_below_minimum"]
    assert _codes(rules, ExtractedFields(date_of_birth=date(2008, 11, 25))) == []
    assert _codes(rules, ExtractedFields(date_of_birth=date(1945, 11, 25))) == ["age_above_maximum"]
    assert _codes(rules, ExtractedFields(date_of_birth=date(1945, 11, 26))) == []


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("123456782", True),
        ("111222333", True),
        ("12345678", False),
        ("000000000", False),
        ("123456789", False),
        ("1234.56.782", True),
        ("ABC456782", False),
    ],
)
def test_bsn_eleven_test(number: str, valid: bool) -> None:
    assert bsn_valid(number) is valid


def test_validate_fields() -> None:
    rules = DocumentRules(today=TODAY, validate_fields=frozenset({"personal_number", "document_number"}))
    dutch_bad = ExtractedFields(personal_number="123456789", issuing_country="NLD")
    assert _codes(rules, dutch_bad) == ["field_invalid"]
    assert _codes(rules, ExtractedFields(personal_number="123456782", issuing_country="NLD")) == []
    number_bad = ExtractedFields(
        document_number="X", fields={"document_number": FieldState(validity="invalid")}
    )
    assert _codes(rules, number_bad) == ["field_invalid"]
    # Without validate_fields the same document passes.
    assert _codes(DocumentRules(today=TODAY), dutch_bad) == []


def test_advanced_level_demands_agreement() -> None:
    fields = ExtractedFields(fields={"surname": FieldState("not_checked", "mismatch")})
    assert _codes(DocumentRules(today=TODAY), fields) == []
    assert _codes(DocumentRules(today=TODAY, level=Level.ADVANCED), fields) == ["comparison_mismatch"]


def test_priority_order_and_attempt_code() -> None:
    rules = DocumentRules(today=TODAY, minimum_age=18, level=Level.ADVANCED)
    fields = ExtractedFields(
        date_of_birth=date(2015, 1, 1),
        date_of_expiry=date(2020, 1, 1),
        mrz_present=True,
        mrz_valid=False,
        fields={"surname": FieldState("not_checked", "mismatch")},
    )
    failures = evaluate(rules, fields)
    assert [f.code for f in failures] == [
        AttemptCode.MRZ_INVALID,
        AttemptCode.DOCUMENT_EXPIRED,
        AttemptCode.AGE_BELOW_MINIMUM,
        AttemptCode.COMPARISON_MISMATCH,
    ]
    assert attempt_code(failures) == "mrz_invalid"
    assert attempt_code([]) == "accepted"


def test_rules_are_validated() -> None:
    with pytest.raises(ValueError, match="allowed_expiration"):
        DocumentRules(today=TODAY, allowed_expiration=4000)
    with pytest.raises(ValueError, match="minimum_age"):
        DocumentRules(today=TODAY, minimum_age=50, maximum_age=40)
    with pytest.raises(ValueError, match="validate_fields"):
        DocumentRules(today=TODAY, validate_fields=frozenset({"surname"}))
