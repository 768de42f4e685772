"""The attempt code: quality, side pairing, MRZ presence and validity (or, for a US or Canadian card,
its barcode and the front that goes with it), portrait, then the rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from idscan.documents.aamva import AamvaRecord
from idscan.documents.classify import Classification, DocumentType, Side
from idscan.documents.codes import AttemptCode
from idscan.documents.mrz import Reconciled
from idscan.documents.reading import Check, Field, ReadParams, SideReading
from idscan.documents.rules import ExtractedFields, FieldState, attempt_code, evaluate
from idscan.documents.viz import VisualField

MRZ_TYPES = frozenset(
    {DocumentType.PASSPORT, DocumentType.IDENTITY_CARD, DocumentType.RESIDENCE_PERMIT, DocumentType.VISA}
)
QUALITY_ORDER = (AttemptCode.IMAGE_TOO_SMALL, AttemptCode.IMAGE_TOO_BLURRY, AttemptCode.IMAGE_GLARE)


def _quality_code(sides: Sequence[SideReading]) -> AttemptCode | None:
    found = {q for s in sides for q in s.quality}
    return next((q for q in QUALITY_ORDER if q in found), None)


def _same_document(
    a: Reconciled | None, va: Mapping[str, VisualField], b: Reconciled | None, vb: Mapping[str, VisualField]
) -> bool:
    """A back belongs to the front when a number or the surname printed on one is in the other."""

    def values(rec: Reconciled | None, vis: Mapping[str, VisualField], name: str) -> set[str]:
        out = {v.value.replace(" ", "") for k, v in vis.items() if k == name}
        if rec is not None and rec.result is not None:
            found = rec.result.value(name)
            if found:
                out.add(found.replace(" ", ""))
        return out

    # the strongest value both sides show decides: the document number, then the birth date
    for name in ("document_number", "date_of_birth", "surname"):
        x, y = values(a, va, name), values(b, vb, name)
        if x and y:
            return bool(x & y)
    return True


AAMVA_LINKS = ("document_number", "date_of_birth", "surname", "given_names")
MIN_AAMVA_LINKS = 2  # values a printed front must share with the barcode to be that card's front


def _barcode_sides(
    sides: Sequence[SideReading],
    barcodes: Sequence[AamvaRecord | None],
    aamva_fronts: Sequence[bool],
    fields: Sequence[Field],
) -> AttemptCode | None:
    """Pairing for a US or Canadian card: the printed front and the back with the barcode, in
    either order. None when the two sides make one readable card."""
    coded = [i for i, b in enumerate(barcodes) if b is not None]
    if len(sides) == 1:
        if coded:
            return AttemptCode.BACK_SIDE_PROVIDED_FRONT_SIDE_REQUIRED
        return AttemptCode.FRONT_SIDE_PROVIDED_BACK_SIDE_REQUIRED
    if len(coded) != 1:
        # two fronts, two backs, or a front with a back whose barcode did not read
        others = [s for s, front in zip(sides, aamva_fronts, strict=True) if not front] if not coded else []
        return _unread(others) or AttemptCode.UNKNOWN_TYPE_BACK
    other = 1 - coded[0]
    if not aamva_fronts[other]:
        # the barcode read, but the other photo is not a front we can read: nothing to compare with
        return _unread([sides[other]]) or AttemptCode.UNKNOWN_DOCUMENT
    agreeing = sum(f.field in AAMVA_LINKS and f.comparison == "match" for f in fields)
    if agreeing < MIN_AAMVA_LINKS:
        return AttemptCode.UNKNOWN_TYPE_BACK  # a back of another card
    return None


LICENCE_ESSENTIALS = frozenset({"document_number", "surname", "date_of_birth"})


@dataclass(frozen=True)
class LicenceFacts:
    """What the reader found of an EU driving licence, per side and for its one-line zone."""

    backs: tuple[bool, ...]  # the side is the back (the categories table, or the zone alone)
    zone_side: int | None  # the side carrying the ISO/IEC 18013 zone
    zone_found: bool
    zone_valid: bool  # its check digits hold (and the two reads do not contradict each other)
    readers_agree: bool


def _licence_sides(
    sides: Sequence[SideReading], facts: LicenceFacts, fields: Sequence[Field]
) -> AttemptCode | None:
    """Pairing for an EU licence, as for identity cards: the front and the back in either order.
    None when the sides make one licence."""
    if len(sides) == 1:
        if facts.backs[0]:
            return AttemptCode.BACK_SIDE_PROVIDED_FRONT_SIDE_REQUIRED
        return AttemptCode.FRONT_SIDE_PROVIDED_BACK_SIDE_REQUIRED
    if facts.backs[0] == facts.backs[1]:
        # two fronts, or two tables: the second photo is not this licence's other side
        return _unread([s for s, back in zip(sides, facts.backs, strict=True) if not back]) or (
            AttemptCode.UNKNOWN_TYPE_BACK
        )
    if facts.zone_side is not None and facts.backs[facts.zone_side] and facts.zone_valid:
        # a zone on the back repeats the front's licence number: another number is another licence
        number = next((f for f in fields if f.field == "document_number"), None)
        if number is not None and number.comparison == "mismatch":
            return AttemptCode.UNKNOWN_TYPE_BACK
    return None


def _unread(sides: Sequence[SideReading]) -> AttemptCode | None:
    """Why a side could not be read, when its photo says so."""
    quality = _quality_code(sides)
    if quality:
        return quality
    if any(not s.fully_visible for s in sides):
        return AttemptCode.DOCUMENT_NOT_FULLY_VISIBLE
    return None


def decide(
    sides: Sequence[SideReading],
    visuals: Sequence[Mapping[str, VisualField]],
    recs: Sequence[Reconciled | None],
    classes: Sequence[Classification],
    fields: Sequence[Field],
    params: ReadParams,
    *,
    barcodes: Sequence[AamvaRecord | None] = (),
    aamva_fronts: Sequence[bool] = (),
    licence: LicenceFacts | None = None,
) -> tuple[AttemptCode, list[Check]]:
    checks: list[Check] = []
    # quality verdicts explain a failed read; a photo that was read and validated is not refused for them
    quality = _quality_code(sides)
    main = next((i for i, r in enumerate(recs) if r is not None and r.result is not None), None)
    if main is None and (any(b is not None for b in barcodes) or any(aamva_fronts)):
        # a US or Canadian card: the barcode stands where the MRZ would
        early = _barcode_sides(sides, barcodes, aamva_fronts, fields)
        if early is not None:
            return early, checks
        record = next(b for b in barcodes if b is not None)
        checks.append(Check("barcode_read", True, f"AAMVA version {record.version}, {record.subfile}"))
        differ = sorted(f.field for f in fields if f.comparison == "mismatch")
        checks.append(Check("barcode_matches_print", not differ, ", ".join(differ)))
        return _final(sides, fields, None, params, checks)
    if main is None and licence is not None:
        return _licence(sides, licence, fields, params, checks)
    front = classes[0]
    kinds = {c.document_type for c in classes}
    # side pairing
    if len(sides) == 1:
        if front.side is Side.BACK and main is not None:
            return AttemptCode.BACK_SIDE_PROVIDED_FRONT_SIDE_REQUIRED, checks
        if front.two_sided and main is None and front.document_type in MRZ_TYPES:
            return AttemptCode.FRONT_SIDE_PROVIDED_BACK_SIDE_REQUIRED, checks
    else:
        back_rec, back_cls = recs[1], classes[1]
        belongs = back_cls.side is Side.BACK or back_rec is not None
        if belongs:
            belongs = _same_document(recs[0], visuals[0], back_rec, visuals[1])
        if not belongs:
            return AttemptCode.UNKNOWN_TYPE_BACK, checks
    rec = recs[main] if main is not None else None
    needs_mrz = bool(kinds & MRZ_TYPES)
    if rec is None or rec.result is None:
        if not needs_mrz and fields_found(fields):
            checks.append(Check("mrz_present", False, "this document type carries no MRZ"))
        else:
            if quality:
                return quality, checks
            if any(not s.fully_visible for s in sides):
                return AttemptCode.DOCUMENT_NOT_FULLY_VISIBLE, checks
            if front.document_type is DocumentType.OTHER and not fields_found(fields):
                return AttemptCode.UNKNOWN_DOCUMENT, checks
            return AttemptCode.MRZ_NOT_FOUND, checks
    else:
        result = rec.result
        checks.append(
            Check(
                "mrz_check_digits",
                result.checks_valid,
                ", ".join(c.name for c in result.checks if not c.valid),
            )
        )
        checks.append(Check("mrz_readers_agree", not rec.conflicts, ", ".join(rec.conflicts)))
        checks.append(
            Check("mrz_unchecked_fields_confirmed", not rec.unconfirmed, ", ".join(sorted(rec.unconfirmed)))
        )
        if not rec.accepted:
            if not result.checks_valid and quality:
                return quality, checks
            return AttemptCode.MRZ_INVALID, checks
    return _final(sides, fields, rec, params, checks)


def _licence(
    sides: Sequence[SideReading],
    facts: LicenceFacts,
    fields: Sequence[Field],
    params: ReadParams,
    checks: list[Check],
) -> tuple[AttemptCode, list[Check]]:
    """An EU licence: both sides, the zone's check digits where it has one, the print's fields."""
    early = _licence_sides(sides, facts, fields)
    if early is not None:
        return early, checks
    found = {f.field for f in fields}
    if not found >= LICENCE_ESSENTIALS:
        # a licence read from its print alone is only as good as what was read: without its number,
        # its holder's name or birth date there is nothing to verify (a wrong guess is worse)
        return _unread(sides) or AttemptCode.UNKNOWN_DOCUMENT, checks
    checks.append(Check("mrz_present", facts.zone_found, "" if facts.zone_found else "no one-line zone"))
    if facts.zone_found:
        checks.append(Check("mrz_check_digits", facts.zone_valid, "" if facts.zone_valid else "zone"))
        checks.append(Check("mrz_readers_agree", facts.readers_agree, ""))
        if not facts.zone_valid:
            return _quality_code(sides) or AttemptCode.MRZ_INVALID, checks
    categories = next((f for f in fields if f.field == "categories"), None)
    if categories is not None and categories.comparison != "not_performed":
        checks.append(
            Check("categories_front_back_agree", categories.comparison == "match", categories.value() or "")
        )
    return _final(
        sides, fields, None, params, checks, zone_valid=facts.zone_valid if facts.zone_found else None
    )


def _final(
    sides: Sequence[SideReading],
    fields: Sequence[Field],
    rec: Reconciled | None,
    params: ReadParams,
    checks: list[Check],
    *,
    zone_valid: bool | None = None,
) -> tuple[AttemptCode, list[Check]]:
    """The portrait the face match needs, then the transaction's rules."""
    if params.require_portrait and all(s.portrait is None for s in sides if s.side == "front"):
        return AttemptCode.PORTRAIT_NOT_FOUND, checks
    problems = [s.portrait.problem for s in sides if s.side == "front" and s.portrait is not None]
    if params.require_portrait and problems and all(problems):
        # too poor for the face match that follows: a new photo now beats a failed match later
        return AttemptCode(str(problems[0])), checks
    if params.rules is None:
        return AttemptCode.ACCEPTED, checks
    failures = evaluate(params.rules, extracted(fields, rec, zone_valid=zone_valid))
    for f in failures:
        checks.append(Check(f.code.value, False, f.detail))
    return attempt_code(failures), checks


def fields_found(fields: Sequence[Field]) -> bool:
    return sum(f.field in ("surname", "given_names", "document_number", "date_of_birth") for f in fields) >= 2


def extracted(
    fields: Sequence[Field], rec: Reconciled | None, *, zone_valid: bool | None = None
) -> ExtractedFields:
    """The rules' view of the fields; `zone_valid` is a licence's one-line zone (None: it has none)."""
    from datetime import date

    by = {f.field: f for f in fields}

    def day(name: str) -> date | None:
        f = by.get(name)
        raw = (f.value("mrz") or f.value("barcode") or f.value("visual")) if f else None
        try:
            return date.fromisoformat(raw) if raw else None
        except ValueError:
            return None

    def text(name: str) -> str | None:
        f = by.get(name)
        return (f.value("mrz") or f.value("barcode") or f.value("visual")) if f else None

    result = rec.result if rec is not None else None
    return ExtractedFields(
        date_of_birth=day("date_of_birth"),
        date_of_expiry=day("date_of_expiry"),
        personal_number=text("personal_number"),
        document_number=text("document_number"),
        issuing_country=text("issuing_country_code"),
        mrz_present=result is not None or zone_valid is not None,
        mrz_valid=bool(result and result.checks_valid) or bool(zone_valid),
        fields={f.field: FieldState(f.validity, f.comparison) for f in fields},
    )
