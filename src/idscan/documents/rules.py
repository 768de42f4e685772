"""The transaction's document rules (API section 2) applied to extracted fields: pure, no I/O.

Every failed rule carries its attempt code; `attempt_code` picks the one to report by a fixed
priority, so an expired document with a wrong MRZ is reported the same way every time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from idscan.documents.codes import AttemptCode


class Level(StrEnum):
    BASIC = "basic"
    ADVANCED = "advanced"  # also demands that MRZ and print agree


# The codes a rule can fail with, in reporting order: a broken MRZ makes every later verdict
# doubtful, so it comes first.
PRIORITY: tuple[AttemptCode, ...] = (
    AttemptCode.MRZ_INVALID,
    AttemptCode.DOCUMENT_EXPIRED,
    AttemptCode.AGE_BELOW_MINIMUM,
    AttemptCode.AGE_ABOVE_MAXIMUM,
    AttemptCode.FIELD_INVALID,
    AttemptCode.COMPARISON_MISMATCH,
)


class ValidateField(StrEnum):
    """Fields whose issuer's own check `validateFields` can demand (API section 2)."""

    PERSONAL_NUMBER = "personal_number"
    DOCUMENT_NUMBER = "document_number"


VALIDATABLE_FIELDS = frozenset(ValidateField)


@dataclass(frozen=True)
class DocumentRules:
    today: date  # the scan date (UTC)
    allowed_expiration: int = 0  # days; accept iff date_of_expiry + N >= today
    minimum_age: int | None = None
    maximum_age: int | None = None
    validate_fields: frozenset[str] = frozenset()
    level: Level = Level.BASIC

    def __post_init__(self) -> None:
        if not -3650 <= self.allowed_expiration <= 3650:
            raise ValueError("allowed_expiration must lie within -3650..3650 days")
        for age in (self.minimum_age, self.maximum_age):
            if age is not None and not 0 <= age <= 150:
                raise ValueError("ages must lie within 0..150")
        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.minimum_age > self.maximum_age
        ):
            raise ValueError("minimum_age exceeds maximum_age")
        if not self.validate_fields <= VALIDATABLE_FIELDS:
            raise ValueError(f"validate_fields must be a subset of {sorted(VALIDATABLE_FIELDS)}")


@dataclass(frozen=True)
class FieldState:
    validity: str = "not_checked"  # valid | invalid | not_checked
    comparison: str = "not_performed"  # match | mismatch | not_performed


@dataclass(frozen=True)
class ExtractedFields:
    date_of_birth: date | None = None
    date_of_expiry: date | None = None
    personal_number: str | None = None
    document_number: str | None = None
    issuing_country: str | None = None  # ICAO code, fillers stripped (`D`, `NLD`)
    mrz_present: bool = False
    mrz_valid: bool = False  # every MRZ check digit holds
    fields: Mapping[str, FieldState] = field(default_factory=dict)


@dataclass(frozen=True)
class Failure:
    code: AttemptCode
    field: str | None
    detail: str


def age_on(birth: date, day: date) -> int:
    """Whole years on `day`. Someone born on 29 February turns a year older on 1 March in common
    years (the tuple comparison below does exactly that)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_expired(expiry: date | None, today: date, allowed_expiration: int) -> bool:
    """API: accept iff dateOfExpiry + N days >= today; a document without expiry never expires."""
    return expiry is not None and expiry + timedelta(days=allowed_expiration) < today


def bsn_valid(number: str) -> bool:
    """Dutch BSN 11-test: 9 digits (8 with a leading zero dropped), weights 9..2 and -1,
    sum divisible by 11, not all zeros."""
    digits = "".join(c for c in number if not c.isspace() and c not in ".-<")
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or not digits.isdigit() or set(digits) == {"0"}:
        return False
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0


def _field_checks(rules: DocumentRules, fields: ExtractedFields) -> list[Failure]:
    out = []
    if "personal_number" in rules.validate_fields and fields.personal_number:
        if fields.issuing_country == "NLD":
            if not bsn_valid(fields.personal_number):
                out.append(Failure(AttemptCode.FIELD_INVALID, "personal_number", "BSN fails the 11-test"))
        elif fields.fields.get("personal_number", FieldState()).validity == "invalid":
            out.append(Failure(AttemptCode.FIELD_INVALID, "personal_number", "check digit fails"))
    number_state = fields.fields.get("document_number", FieldState())
    if "document_number" in rules.validate_fields and number_state.validity == "invalid":
        out.append(Failure(AttemptCode.FIELD_INVALID, "document_number", "check digit fails"))
    return out


def evaluate(rules: DocumentRules, fields: ExtractedFields) -> list[Failure]:
    """Every rule the document breaks, in `PRIORITY` order (empty list: accepted)."""
    out: list[Failure] = []
    if fields.mrz_present and not fields.mrz_valid:
        out.append(Failure(AttemptCode.MRZ_INVALID, "mrz", "an MRZ check digit fails"))
    if is_expired(fields.date_of_expiry, rules.today, rules.allowed_expiration):
        out.append(
            Failure(AttemptCode.DOCUMENT_EXPIRED, "date_of_expiry", f"expired {fields.date_of_expiry}")
        )
    if fields.date_of_birth is not None:
        age = age_on(fields.date_of_birth, rules.today)
        if rules.minimum_age is not None and age < rules.minimum_age:
            out.append(Failure(AttemptCode.AGE_BELOW_MINIMUM, "date_of_birth", f"age {age}"))
        if rules.maximum_age is not None and age > rules.maximum_age:
            out.append(Failure(AttemptCode.AGE_ABOVE_MAXIMUM, "date_of_birth", f"age {age}"))
    out += _field_checks(rules, fields)
    if rules.level is Level.ADVANCED:
        for name, state in sorted(fields.fields.items()):
            if state.comparison == "mismatch":
                out.append(Failure(AttemptCode.COMPARISON_MISMATCH, name, "MRZ and print differ"))
    return sorted(out, key=lambda f: PRIORITY.index(f.code))


def attempt_code(failures: Sequence[Failure]) -> AttemptCode:
    """The one attempt code to report: the first failure by priority, or `accepted`."""
    return failures[0].code if failures else AttemptCode.ACCEPTED
