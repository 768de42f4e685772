"""Where each field and check digit sits in every supported MRZ format (ICAO 9303 parts 4-7).

A layout is data: the parser, the corrector and the redaction code all read positions from here.
Two layouts depend on the content: TD1/TD2 document numbers longer than 9 characters continue in the
optional data (the check digit position then holds `<`), and Dutch TD1 cards carry the personal
number (BSN) in the optional data of line 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from idscan.documents.mrz.model import LINE_SHAPES, Kind, MrzFormat, Span


@dataclass(frozen=True)
class FieldSpec:
    name: str
    span: Span
    kind: Kind


@dataclass(frozen=True)
class CheckSpec:
    name: str
    span: Span  # the check digit
    covers: tuple[Span, ...]
    # `<` instead of a digit is allowed when everything covered is filler: optional data, and an
    # expiry date a document does not have (the Russian internal passport); the composite still
    # covers the field, so a misread that blanks it breaks the composite.
    filler_ok: bool = False


@dataclass(frozen=True)
class Layout:
    format: MrzFormat
    fields: tuple[FieldSpec, ...]
    checks: tuple[CheckSpec, ...]

    def kind_at(self, line: int, pos: int) -> Kind | None:
        for check in self.checks:
            if check.span.line == line and check.span.start == pos:
                return Kind.CHECK
        for spec in self.fields:
            if spec.span.line == line and spec.span.start <= pos < spec.span.end:
                return spec.kind
        return None


def detect_format(lines: Sequence[str]) -> MrzFormat | None:
    """Exact shape match: line count, line lengths, and `V` for visas, `IDFRA` for the French card
    (first of `candidate_formats`; `parse` settles the French-card/TD2 question by check digits)."""
    shape = (len(lines), len(lines[0]) if lines else 0)
    if not lines or any(len(line) != shape[1] for line in lines):
        return None
    found = candidate_formats(shape[0], shape[1], lines[0])
    return found[0] if found else None


def candidate_formats(count: int, length: int, first_line: str) -> list[MrzFormat]:
    """Formats lines of this shape can be, most likely first. Two lines of 36 starting `IDFRA` are
    the 1994 French card or an ICAO TD2 card from France: only the check digits can tell."""
    if count == 3 and length == 30:
        return [MrzFormat.TD1]
    if count != 2:
        return []
    visa = first_line.startswith("V")
    if length == 44:
        return [MrzFormat.MRV_A if visa else MrzFormat.TD3]
    if length == 36:
        if visa:
            return [MrzFormat.MRV_B]
        return [MrzFormat.FRA_CNI, MrzFormat.TD2] if first_line.startswith("IDFRA") else [MrzFormat.TD2]
    return []


def _f(name: str, line: int, start: int, end: int, kind: Kind) -> FieldSpec:
    return FieldSpec(name, Span(line, start, end), kind)


def _c(name: str, line: int, pos: int, *covers: Span, filler_ok: bool = False) -> CheckSpec:
    return CheckSpec(name, Span(line, pos, pos + 1), covers, filler_ok)


def _header(names_line: int, names_start: int, names_end: int) -> list[FieldSpec]:
    return [
        _f("document_type", 0, 0, 2, Kind.DOC_TYPE),
        _f("issuing_country", 0, 2, 5, Kind.CODE),
        _f("names", names_line, names_start, names_end, Kind.NAMES),
    ]


def _two_line(fmt: MrzFormat, lines: Sequence[str]) -> Layout:
    length = LINE_SHAPES[fmt][1]
    fields = _header(0, 5, length)
    fields += [
        _f("document_number", 1, 0, 9, Kind.ALNUM),
        _f("nationality", 1, 10, 13, Kind.CODE),
        _f("date_of_birth", 1, 13, 19, Kind.DATE),
        _f("sex", 1, 20, 21, Kind.SEX),
        _f("date_of_expiry", 1, 21, 27, Kind.DATE),
    ]
    doc_check = _c("document_number", 1, 9, Span(1, 0, 9))
    checks = [
        doc_check,
        _c("date_of_birth", 1, 19, Span(1, 13, 19)),
        _c("date_of_expiry", 1, 27, Span(1, 21, 27), filler_ok=True),
    ]
    if fmt is MrzFormat.TD3:
        fields.append(_f("personal_number", 1, 28, 42, Kind.ALNUM))
        checks.append(_c("personal_number", 1, 42, Span(1, 28, 42), filler_ok=True))
        checks.append(_c("composite", 1, 43, Span(1, 0, 10), Span(1, 13, 20), Span(1, 21, 43)))
    elif fmt is MrzFormat.TD2:
        optional = Span(1, 28, 35)
        fields.append(FieldSpec("optional_data", optional, Kind.ALNUM))
        fields, checks[0] = _long_document_number(lines, fields, doc_check, optional)
        checks.append(_c("composite", 1, 35, Span(1, 0, 10), Span(1, 13, 20), Span(1, 21, 35)))
    else:  # visas: optional data to the end of the line, no composite digit
        fields.append(_f("optional_data", 1, 28, length, Kind.ALNUM))
    return Layout(fmt, tuple(fields), tuple(checks))


def _long_document_number(
    lines: Sequence[str], fields: list[FieldSpec], doc_check: CheckSpec, optional: Span
) -> tuple[list[FieldSpec], CheckSpec]:
    """ICAO 9303: a number over 9 characters prints `<` as its check digit and continues, with its
    check digit, at the start of the optional data. Returns the adjusted fields and check."""
    line = lines[doc_check.span.line]
    tail = line[optional.start : optional.end]
    content = tail.rstrip("<")
    if line[doc_check.span.start] != "<" or len(content) < 2 or "<" in content:
        return fields, doc_check
    digit_pos = optional.start + len(content) - 1
    base = next(f for f in fields if f.name == "document_number")
    extension = Span(optional.line, optional.start, digit_pos)
    out = [f for f in fields if f.name not in {"document_number", "optional_data"}]
    out.append(FieldSpec("document_number", base.span, Kind.ALNUM))
    out.append(FieldSpec("document_number_extension", extension, Kind.ALNUM))
    if digit_pos + 1 < optional.end:
        out.append(_f("optional_data", optional.line, digit_pos + 1, optional.end, Kind.ALNUM))
    check = CheckSpec(
        "document_number", Span(optional.line, digit_pos, digit_pos + 1), (base.span, extension)
    )
    return out, check


def _td1(lines: Sequence[str]) -> Layout:
    fields = [
        _f("document_type", 0, 0, 2, Kind.DOC_TYPE),
        _f("issuing_country", 0, 2, 5, Kind.CODE),
        _f("document_number", 0, 5, 14, Kind.ALNUM),
        _f("optional_data", 0, 15, 30, Kind.ALNUM),
        _f("date_of_birth", 1, 0, 6, Kind.DATE),
        _f("sex", 1, 7, 8, Kind.SEX),
        _f("date_of_expiry", 1, 8, 14, Kind.DATE),
        _f("nationality", 1, 15, 18, Kind.CODE),
        _f("optional_data_2", 1, 18, 29, Kind.ALNUM),
        _f("names", 2, 0, 30, Kind.NAMES),
    ]
    doc_check = _c("document_number", 0, 14, Span(0, 5, 14))
    fields, doc_check = _long_document_number(lines, fields, doc_check, Span(0, 15, 30))
    if lines[0][2:5] == "NLD":
        fields = _dutch_personal_number(lines, fields)
    checks = (
        doc_check,
        _c("date_of_birth", 1, 6, Span(1, 0, 6)),
        _c("date_of_expiry", 1, 14, Span(1, 8, 14), filler_ok=True),
        _c("composite", 1, 29, Span(0, 5, 30), Span(1, 0, 7), Span(1, 8, 15), Span(1, 18, 29)),
    )
    return Layout(MrzFormat.TD1, tuple(fields), checks)


def _dutch_personal_number(lines: Sequence[str], fields: list[FieldSpec]) -> list[FieldSpec]:
    """Dutch identity cards print the BSN in the optional data of line 1; name it for redaction."""
    optional = next((f for f in fields if f.name == "optional_data"), None)
    if optional is None:
        return fields
    text = lines[0][optional.span.start : optional.span.end]
    content = text.rstrip("<")
    if not content or "<" in content:
        return fields
    out = [f for f in fields if f.name != "optional_data"]
    start = optional.span.start
    out.append(_f("personal_number", 0, start, start + len(content), Kind.ALNUM))
    if start + len(content) < optional.span.end:
        out.append(_f("optional_data", 0, start + len(content), optional.span.end, Kind.ALNUM))
    return out


def _french_cni() -> Layout:
    fields = (
        _f("document_type", 0, 0, 2, Kind.DOC_TYPE),
        _f("issuing_country", 0, 2, 5, Kind.CODE),
        _f("surname", 0, 5, 30, Kind.NAMES),
        _f("optional_data", 0, 30, 36, Kind.ALNUM),  # department and office of issue
        _f("document_number", 1, 0, 12, Kind.ALNUM),
        _f("given_names", 1, 13, 27, Kind.NAMES),
        _f("date_of_birth", 1, 27, 33, Kind.DATE),
        _f("sex", 1, 34, 35, Kind.SEX),
    )
    checks = (
        _c("document_number", 1, 12, Span(1, 0, 12)),
        _c("date_of_birth", 1, 33, Span(1, 27, 33)),
        # The final digit covers both whole lines up to itself.
        _c("composite", 1, 35, Span(0, 0, 36), Span(1, 0, 35)),
    )
    return Layout(MrzFormat.FRA_CNI, fields, checks)


def layout_for(fmt: MrzFormat, lines: Sequence[str]) -> Layout:
    """The layout of `lines`, which must already have the format's shape."""
    if fmt is MrzFormat.TD1:
        return _td1(lines)
    if fmt is MrzFormat.FRA_CNI:
        return _french_cni()
    return _two_line(fmt, lines)
