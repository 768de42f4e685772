"""An EU driving licence's result fields: the print's, the one-line zone's (source `mrz`, compared
with the print as an MRZ is) and the vehicle categories. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from idscan.documents.countries import country_name, normalise_code
from idscan.documents.fields import FIELD_ORDER, compare
from idscan.documents.licence_categories import Category, merged
from idscan.documents.licence_mrz import LicenceMrz
from idscan.documents.reading import Field, FieldValue
from idscan.documents.viz import VisualField

SURNAME_WIDTH = 8  # the French zone cuts the surname to 8 characters (a filler inside read as a space)


def licence_fields(
    fields: Sequence[Field],
    visual: dict[str, VisualField],
    zone: LicenceMrz | None,
    front_codes: Sequence[str],
    table: Sequence[Category],
    printed_country: str | None = None,
) -> tuple[Field, ...]:
    """`fields` (from the print) with the zone's values put first and compared, and `categories`.
    `printed_country` is the state the print names (the sign in its flag), used without a zone."""
    out = {f.field: f for f in fields}
    if printed_country and "issuing_country" not in out:
        shown = country_name(printed_country) or printed_country
        out["issuing_country"] = Field("issuing_country", (FieldValue("visual", shown),))
        out["issuing_country_code"] = Field(
            "issuing_country_code", (FieldValue("visual", normalise_code(printed_country)),)
        )
    if zone is not None:
        validity = "valid" if zone.valid else "invalid"
        expiry = zone.date_of_expiry.isoformat() if zone.date_of_expiry else None
        for name, value in (
            ("document_number", zone.document_number),
            ("date_of_expiry", expiry),
            ("surname", zone.surname),
        ):
            if value:
                out[name] = _with_zone(out.get(name), name, value, visual.get(name), validity)
        name_of = country_name(zone.issuing_country) or zone.issuing_country
        out["issuing_country"] = Field("issuing_country", (FieldValue("mrz", name_of),), validity)
        out["issuing_country_code"] = Field(
            "issuing_country_code", (FieldValue("mrz", zone.issuing_country),), validity
        )
        out["mrz"] = Field("mrz", (FieldValue("mrz", zone.line),), validity)
    categories = categories_field(front_codes, table)
    if categories is not None:
        out["categories"] = categories
    return tuple(out[k] for k in FIELD_ORDER if k in out)


def _with_zone(base: Field | None, name: str, value: str, vis: VisualField | None, validity: str) -> Field:
    # a surname that fills the zone's width may go on in the print: it is compared as a prefix,
    # and the print's whole name comes before the zone's 8 letters
    cut = name == "surname" and len(value) >= SURNAME_WIDTH
    comparison = compare(name, value, vis, truncated=cut) if vis is not None else "not_performed"
    printed = base.values if base else ()
    zone_value = FieldValue("mrz", value)
    values = (*printed, zone_value) if cut and printed else (zone_value, *printed)
    if base is None:
        return Field(name, values, validity, comparison)
    return replace(base, values=values, validity=validity, comparison=comparison)


def categories_field(front_codes: Sequence[str], table: Sequence[Category]) -> Field | None:
    """The categories as the front lists them (field 9.) or the back's table; with both, whether
    they name the same categories."""
    codes = [c.category for c in table] or list(front_codes)
    if not codes:
        return None
    comparison = "not_performed"
    if table and front_codes:
        comparison = "match" if set(front_codes) == {c.category for c in table} else "mismatch"
    items = tuple(c.to_dict() for c in merged(front_codes, table))
    return Field("categories", (FieldValue("visual", "/".join(codes)),), comparison=comparison, items=items)
