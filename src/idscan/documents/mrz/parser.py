"""Parse and validate MRZ lines exactly as given: no correction here (see corrector.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from idscan.documents.countries import is_known_code
from idscan.documents.mrz.checkdigit import check_digit
from idscan.documents.mrz.dates import birth_date, expiry_date
from idscan.documents.mrz.layouts import FieldSpec, Layout, candidate_formats, detect_format, layout_for
from idscan.documents.mrz.model import (
    CheckDigitResult,
    Kind,
    MrzField,
    MrzFormat,
    MrzResult,
    Span,
    Validity,
)

MRZ_CHARS = re.compile(r"[A-Z0-9<]*")
SEX_CODES = {"M": "M", "F": "F", "X": "X", "<": "X"}  # `<` means unspecified, which ICAO now writes X


class MrzError(ValueError):
    """The lines have no MRZ shape (line count and length) that we know."""


def text_at(lines: Sequence[str], span: Span) -> str:
    return lines[span.line][span.start : span.end]


def split_names(raw: str) -> tuple[str | None, str | None]:
    """`ERIKSSON<<ANNA<MARIA<<<` -> (`ERIKSSON`, `ANNA MARIA`); single `<` inside a name is a space."""
    body = raw.rstrip("<")
    surname, _, given = body.partition("<<")
    clean_surname = surname.replace("<", " ").strip() or None
    clean_given = re.sub(r"<+", " ", given).strip() or None
    return clean_surname, clean_given


def _value(spec: FieldSpec, raw: str, today: date) -> str | None:
    if spec.kind is Kind.DATE:
        found = birth_date(raw, today) if spec.name == "date_of_birth" else expiry_date(raw, today)
        return None if found is None else found.isoformat()
    if spec.kind is Kind.SEX:
        return SEX_CODES.get(raw)
    if spec.kind is Kind.NAMES:
        return re.sub(r"<+", " ", raw).strip() or None
    if spec.kind is Kind.ALNUM:
        return _alnum(raw)
    return raw.replace("<", "").strip() or None


def _alnum(raw: str) -> str | None:
    # Fillers inside optional data separate parts (`111111<11648`); keep the parts, drop the padding.
    return raw.strip("<").replace("<", " ").strip() or None


def _covered(span: Span, checks: Sequence[CheckDigitResult]) -> list[CheckDigitResult]:
    return [
        c
        for c in checks
        if any(s.line == span.line and s.start <= span.start and span.end <= s.end for s in c.covers)
    ]


def _validity(spec: FieldSpec, raw: str, value: str | None, covering: list[CheckDigitResult]) -> Validity:
    own = [c for c in covering if c.name != "composite"]
    decisive = own or covering  # a field without its own digit is judged by the composite
    if spec.kind is Kind.DATE:
        if raw.strip("<") == "":
            return Validity.NOT_CHECKED  # unknown date, allowed by ICAO
        if value is None:
            return Validity.INVALID
    if spec.kind is Kind.SEX:
        return Validity.VALID if value is not None else Validity.INVALID
    if spec.kind is Kind.CODE and not decisive:
        # Soft code list: real documents use codes outside it (`SI<`, `132`), so unknown is not invalid.
        return Validity.VALID if is_known_code(raw) else Validity.NOT_CHECKED
    if decisive:
        return Validity.VALID if all(c.valid for c in decisive) else Validity.INVALID
    return Validity.NOT_CHECKED


def _run_checks(layout: Layout, lines: Sequence[str]) -> tuple[CheckDigitResult, ...]:
    out = []
    for spec in layout.checks:
        covered = "".join(text_at(lines, s) for s in spec.covers)
        expected = check_digit(covered)
        found = text_at(lines, spec.span)
        valid = found == expected or (spec.filler_ok and found == "<" and covered.strip("<") == "")
        out.append(CheckDigitResult(spec.name, spec.span, spec.covers, found, expected, valid))
    return tuple(out)


def parse_layout(layout: Layout, lines: Sequence[str], today: date) -> MrzResult:
    checks = _run_checks(layout, lines)
    fields: list[MrzField] = []
    for spec in layout.fields:
        raw = text_at(lines, spec.span)
        covering = _covered(spec.span, checks)
        if spec.name == "names":
            fields.extend(_name_fields(spec, raw))
            continue
        value = _value(spec, raw, today)
        validity = _validity(spec, raw, value, covering)
        fields.append(MrzField(spec.name, raw, value, spec.span, spec.kind, bool(covering), validity))
    fields = _join_long_document_number(fields)
    non_compliant = layout.format is MrzFormat.FRA_CNI or any(not MRZ_CHARS.fullmatch(x) for x in lines)
    return MrzResult(layout.format, tuple(lines), tuple(fields), checks, non_compliant)


def _join_long_document_number(fields: list[MrzField]) -> list[MrzField]:
    base = next((f for f in fields if f.name == "document_number"), None)
    extension = next((f for f in fields if f.name == "document_number_extension"), None)
    if base is None or extension is None:
        return fields
    full = (base.raw + extension.raw).replace("<", "")
    joined = MrzField(base.name, base.raw, full, base.span, base.kind, base.check_digit, base.validity)
    return [joined if f is base else f for f in fields]


def _name_fields(spec: FieldSpec, raw: str) -> list[MrzField]:
    """The names field splits into surname and given names, each with its own span for redaction."""
    surname, given = split_names(raw)
    sep = raw.find("<<")
    cut = len(raw) if sep < 0 else sep
    line, start = spec.span.line, spec.span.start
    out = [
        MrzField(
            "surname",
            raw[:cut],
            surname,
            Span(line, start, start + cut),
            Kind.NAMES,
            False,
            Validity.NOT_CHECKED,
        ),
    ]
    if sep >= 0:
        rest = Span(line, start + sep + 2, spec.span.end)
        out.append(
            MrzField("given_names", raw[sep + 2 :], given, rest, Kind.NAMES, False, Validity.NOT_CHECKED)
        )
    return out


def parse(lines: Sequence[str], *, today: date) -> MrzResult:
    """Parse MRZ lines as given. Raises MrzError when the shape matches no known format."""
    clean = [line.strip() for line in lines if line.strip()]
    if detect_format(clean) is None:
        shape = ", ".join(str(len(x)) for x in clean)
        raise MrzError(f"no MRZ format has {len(clean)} lines of lengths {shape}")
    results = [
        parse_layout(layout_for(fmt, clean), clean, today)
        for fmt in candidate_formats(len(clean), len(clean[0]), clean[0])
    ]
    # Where the shape fits two layouts, the most likely one (first) unless another one's check
    # digits all hold while its own do not: a partial score would let chance digits of the wrong
    # layout outvote an edited or misprinted document of the likely one.
    first = results[0]
    if not first.checks_valid:
        for other in results[1:]:
            if other.checks_valid:
                return other
    return first
