"""build_report: extractFields selects, redactFields hides (with its MRZ echoes), images follow both."""

from __future__ import annotations

import dataclasses

from idscan.report.model import ImageKind, ReportKind, WithheldImage, build_report
from tests.report.factories import MRZ, PERSONAL_NUMBER, T0, make_source


def _values(report: object) -> list[str]:
    return [v.value for f in report.fields for v in f.values]  # type: ignore[attr-defined]


def test_redacted_fields_have_no_values_and_their_mrz_echoes_are_hidden() -> None:
    report = build_report(make_source(redact=("personal_number",)), ReportKind.SIMPLE, generated=T0)
    hidden = {f.field for f in report.fields if f.redacted}
    assert hidden == {"personal_number", "optional_data", "mrz"}
    assert all(f.values == () for f in report.fields if f.redacted)
    assert PERSONAL_NUMBER not in _values(report)
    assert MRZ not in _values(report)
    # The checks stay visible: an auditor sees the field was read and validated.
    personal = next(f for f in report.fields if f.field == "personal_number")
    assert (personal.validity, personal.comparison) == ("valid", "match")


def test_without_redaction_every_value_is_kept() -> None:
    report = build_report(make_source(redact=()), ReportKind.SIMPLE, generated=T0)
    assert not any(f.redacted for f in report.fields)
    assert PERSONAL_NUMBER in _values(report)
    assert MRZ in _values(report)


def test_extract_fields_keeps_only_those_fields_and_their_codes() -> None:
    source = make_source(extract=("document_number", "surname", "issuing_country"))
    report = build_report(source, ReportKind.SIMPLE, generated=T0)
    assert [f.field for f in report.fields] == [
        "document_number",
        "issuing_country",
        "issuing_country_code",
        "surname",
    ]
    assert report.extract_fields == ("document_number", "surname", "issuing_country")


def test_field_locale_reaches_values_without_their_own() -> None:
    report = build_report(make_source(), ReportKind.SIMPLE, generated=T0)
    nationality = next(f for f in report.fields if f.field == "nationality")
    assert nationality.values[0].locale == "nl-NL"


def test_simple_report_carries_no_images() -> None:
    report = build_report(make_source(), ReportKind.SIMPLE, generated=T0)
    assert report.images == ()
    assert not report.sealed


def test_extended_report_images_follow_extract_and_redact() -> None:
    everything = build_report(make_source(redact=()), ReportKind.EXTENDED, generated=T0)
    assert [i.kind for i in everything.images] == list(ImageKind)

    masked = build_report(make_source(redact=("portrait",)), ReportKind.EXTENDED, generated=T0)
    assert ImageKind.PORTRAIT not in [i.kind for i in masked.images]
    assert masked.withheld_images == (WithheldImage(ImageKind.PORTRAIT, "redacted"),)

    documents_only = build_report(
        make_source(redact=(), extract=("surname", "document_image")), ReportKind.EXTENDED, generated=T0
    )
    assert [i.kind for i in documents_only.images] == [
        ImageKind.DOCUMENT_FRONT,
        ImageKind.DOCUMENT_BACK,
        ImageKind.SELFIE,
    ]
    assert documents_only.withheld_images == (WithheldImage(ImageKind.PORTRAIT, "not_asked"),)


def test_summary_attempts_locale_and_verdict() -> None:
    source = make_source(locale="nl-nl")
    shuffled = dataclasses.replace(source, attempts=list(reversed(source.attempts)))
    report = build_report(shuffled, ReportKind.EXTENDED, generated=T0)
    assert report.locale == "nl-NL"
    assert [a.created for a in report.attempts] == sorted(a.created for a in source.attempts)
    assert [t.type for t in report.tasks] == ["document_scan", "face_liveness", "face_match"]
    assert report.tasks[0].documents == ("Netherlands - Passport",)
    assert report.passed
    failed = build_report(make_source(state="failed"), ReportKind.SIMPLE, generated=T0)
    assert not failed.passed


def test_image_hash_is_of_the_bytes_given() -> None:
    image = make_source().images[0]
    import hashlib

    assert image.sha256 == hashlib.sha256(image.data).hexdigest()


def test_a_licences_categories_carry_their_dates() -> None:
    source = make_source(redact=())
    task = next(t for t in source.result["tasks"] if t["type"] == "document_scan")
    task["result"].append(
        {
            "field": "categories",
            "validity": "not_checked",
            "comparison": "match",
            "locale": None,
            "values": [{"source": "visual", "value": "B/AM"}],
            "items": [
                {"category": "B", "valid_from": "2012-06-15", "valid_until": "2032-06-15"},
                {"category": "AM", "valid_from": None, "valid_until": None},
            ],
        }
    )
    report = build_report(source, ReportKind.SIMPLE, generated=T0)
    categories = next(f for f in report.fields if f.field == "categories")
    assert [v.value for v in categories.values] == ["B 2012-06-15 - 2032-06-15; AM"]
