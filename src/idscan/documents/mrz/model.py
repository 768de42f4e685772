"""Result types of the MRZ parser: fields with their place in the lines, check digits, formats."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MrzFormat(StrEnum):
    TD1 = "TD1"  # 3 x 30, identity cards
    TD2 = "TD2"  # 2 x 36
    TD3 = "TD3"  # 2 x 44, passports
    MRV_A = "MRV-A"  # 2 x 44 visa, no composite digit
    MRV_B = "MRV-B"  # 2 x 36 visa, no composite digit
    FRA_CNI = "FRA-CNI-1994"  # French identity card 1994-2021: 2 x 36, its own non-ICAO layout


LINE_SHAPES: dict[MrzFormat, tuple[int, int]] = {
    MrzFormat.TD1: (3, 30),
    MrzFormat.TD2: (2, 36),
    MrzFormat.TD3: (2, 44),
    MrzFormat.MRV_A: (2, 44),
    MrzFormat.MRV_B: (2, 36),
    MrzFormat.FRA_CNI: (2, 36),
}


class Validity(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    NOT_CHECKED = "not_checked"


class Kind(StrEnum):
    """What may stand at a position; the corrector restricts each position's charset by it."""

    DOC_TYPE = "doc_type"
    CODE = "code"  # issuing state / nationality: letters and filler
    NAMES = "names"  # letters and filler
    ALNUM = "alnum"  # document and personal numbers, optional data
    DATE = "date"  # digits (filler for an unknown date)
    SEX = "sex"
    CHECK = "check"  # digit (filler where the standard allows it)


@dataclass(frozen=True)
class Span:
    """Characters `start:end` of MRZ line `line` (0-based), for redaction and for the corrector."""

    line: int
    start: int
    end: int


@dataclass(frozen=True)
class MrzField:
    name: str
    raw: str  # as printed, with fillers
    value: str | None  # interpreted: fillers stripped, names with spaces, dates ISO; None when empty
    span: Span
    kind: Kind
    check_digit: bool  # covered by a check digit (its own or the composite)
    validity: Validity


@dataclass(frozen=True)
class CheckDigitResult:
    name: str  # the field it guards, or "composite"
    span: Span  # the digit itself
    covers: tuple[Span, ...]
    found: str
    expected: str
    valid: bool


@dataclass(frozen=True)
class MrzResult:
    format: MrzFormat
    lines: tuple[str, ...]
    fields: tuple[MrzField, ...]
    checks: tuple[CheckDigitResult, ...]
    non_compliant: bool  # printed layout or characters outside ICAO 9303, read as printed

    def field(self, name: str) -> MrzField | None:
        return next((f for f in self.fields if f.name == name), None)

    def value(self, name: str) -> str | None:
        found = self.field(name)
        return None if found is None else found.value

    @property
    def checks_valid(self) -> bool:
        return all(c.valid for c in self.checks)

    @property
    def valid(self) -> bool:
        """Every check digit holds and no field is invalid (impossible date, bad sex code)."""
        return self.checks_valid and all(f.validity is not Validity.INVALID for f in self.fields)

    def spans(self) -> dict[str, Span]:
        """Where each field sits in the lines, for masking a field's stretch of the MRZ."""
        return {f.name: f.span for f in self.fields}

    def redaction_spans(self, name: str) -> tuple[Span, ...]:
        """Everything to mask for a field: its characters, a long number's continuation, and its
        own check digit (which would otherwise leak part of the value). Empty when absent."""
        found = self.field(name)
        if found is None:
            return ()
        out = [found.span]
        extension = self.field(f"{name}_extension")
        if extension is not None:
            out.append(extension.span)
        out += [c.span for c in self.checks if c.name == name]
        return tuple(out)
