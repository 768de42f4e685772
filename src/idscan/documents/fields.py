"""Merge the MRZ and the visual zone into result fields: values per source, validity, comparison."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date

from idscan.documents.countries import country_name, national_hint, normalise_code
from idscan.documents.mrz import Reconciled, Validity, visual_confirms
from idscan.documents.mrz.charsets import compact
from idscan.documents.reading import Field, FieldValue
from idscan.documents.rules import age_on, bsn_valid
from idscan.documents.viz import VisualField
from idscan.documents.vocabulary import ResultField

FIELD_ORDER: tuple[str, ...] = tuple(ResultField)
NAME_FIELDS = ("surname", "given_names", "place_of_birth")
UNCHECKED = ("surname", "given_names", "nationality", "issuing_country", "sex")


def _has_national_letters(text: str) -> bool:
    return any(not c.isascii() for c in text)


def latin(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if c.isascii()).upper().split())


def compare(name: str, mrz_value: str, visual: VisualField, truncated: bool = False) -> str:
    if name in ("surname", "given_names", "nationality", "issuing_country", "sex"):
        ok = visual_confirms(name, mrz_value, visual.text, truncated=truncated)
        return "match" if ok else "mismatch"
    if name in ("document_number", "personal_number"):
        return "match" if compact(mrz_value) == compact(visual.value) else "mismatch"
    return "match" if mrz_value == visual.value else "mismatch"


def build_fields(
    reconciled: Reconciled | None,
    visual: Mapping[str, VisualField],
    *,
    document_type: str,
    issuing_country: str | None,
    today: date,
) -> tuple[Field, ...]:
    result = reconciled.result if reconciled is not None else None
    locale = None
    if issuing_country:
        hint = national_hint(issuing_country)
        locale = hint.locale if hint else None
    out: dict[str, Field] = {"document_type": Field("document_type", (FieldValue("visual", document_type),))}
    names = {f.name for f in result.fields} if result else set()
    for name in (
        "document_number",
        "surname",
        "given_names",
        "date_of_birth",
        "sex",
        "date_of_issue",
        "date_of_expiry",
        "personal_number",
        "place_of_birth",
        "optional_data",
        "nationality",
        "issuing_country",
    ):
        mrz_field = result.field(name) if result is not None and name in names else None
        vis = visual.get(name)
        values: list[FieldValue] = []
        validity, comparison = "not_checked", "not_performed"
        if mrz_field is not None and mrz_field.value:
            shown = mrz_field.value
            if name in ("nationality", "issuing_country"):
                shown = country_name(mrz_field.value) or mrz_field.value
            values.append(FieldValue("mrz", shown))
            if mrz_field.validity is Validity.INVALID:
                validity = "invalid"
            elif (mrz_field.check_digit and mrz_field.validity is Validity.VALID) or (
                name in UNCHECKED and reconciled is not None and name in reconciled.confirmed
            ):
                validity = "valid"
            if vis is not None:
                cut = name == "given_names" and not mrz_field.raw.endswith("<")
                comparison = compare(name, mrz_field.value, vis, truncated=cut)
        if vis is not None:
            values.extend(_visual_values(name, vis, locale))
        if name == "personal_number" and issuing_country == "NLD":
            number = (mrz_field.value if mrz_field and mrz_field.value else None) or (
                vis.value if vis else None
            )
            if number:
                validity = "valid" if bsn_valid(number) else "invalid"
        if values:
            field_locale = next((v.locale for v in values if v.locale), None)
            out[name] = Field(name, tuple(values), validity, comparison, field_locale)
    _add_codes(out, result)
    _add_age(out, today)
    if result is not None:
        out["mrz"] = Field(
            "mrz", (FieldValue("mrz", "\n".join(result.lines)),), "valid" if result.valid else "invalid"
        )
    return tuple(out[k] for k in FIELD_ORDER if k in out)


def _visual_values(name: str, vis: VisualField, locale: str | None) -> list[FieldValue]:
    if name in NAME_FIELDS and _has_national_letters(vis.text):
        # the Latin form first (locale null), then the print as it stands in the national language
        return [FieldValue("visual", latin(vis.value)), FieldValue("visual", vis.text.strip(), locale)]
    if name == "nationality":
        printed = vis.text.strip()
        return [FieldValue("visual", printed, locale if _has_national_letters(printed) or locale else None)]
    return [FieldValue("visual", vis.value)]


def _add_codes(out: dict[str, Field], result: object) -> None:
    from idscan.documents.mrz import MrzResult

    if not isinstance(result, MrzResult):
        return
    for name in ("issuing_country", "nationality"):
        code = result.value(name)
        if code:
            base = out.get(name)
            validity = base.validity if base else "not_checked"
            out[f"{name}_code"] = Field(f"{name}_code", (FieldValue("mrz", normalise_code(code)),), validity)


def _add_age(out: dict[str, Field], today: date) -> None:
    dob = out.get("date_of_birth")
    if dob is None:
        return
    raw = dob.value("mrz") or dob.value("visual")
    try:
        born = date.fromisoformat(raw or "")
    except ValueError:
        return
    out["age"] = Field("age", (FieldValue(dob.values[0].source, str(age_on(born, today))),), dob.validity)
