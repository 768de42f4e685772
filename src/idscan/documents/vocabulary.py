"""Names the engine and the API share: the result fields and the redactable fields. A leaf module
(no imports beyond the standard library), so the wire schemas can use them cheaply."""

from __future__ import annotations

from enum import StrEnum


class ResultField(StrEnum):
    """The result fields (API section 3), in the order the API lists them."""

    DOCUMENT_TYPE = "document_type"
    DOCUMENT_NUMBER = "document_number"
    ISSUING_COUNTRY = "issuing_country"
    ISSUING_COUNTRY_CODE = "issuing_country_code"
    NATIONALITY = "nationality"
    NATIONALITY_CODE = "nationality_code"
    SURNAME = "surname"
    GIVEN_NAMES = "given_names"
    DATE_OF_BIRTH = "date_of_birth"
    AGE = "age"
    SEX = "sex"
    DATE_OF_ISSUE = "date_of_issue"
    DATE_OF_EXPIRY = "date_of_expiry"
    PERSONAL_NUMBER = "personal_number"
    PLACE_OF_BIRTH = "place_of_birth"
    ADDRESS = "address"  # ours: US/Canadian cards carry it in their barcode
    CATEGORIES = "categories"  # ours: a driving licence's vehicle categories, with `items` per category
    OPTIONAL_DATA = "optional_data"
    MRZ = "mrz"


# Returned only when `extractFields` names them: a home address is more than an identity check
# needs, so an integrator asks for it rather than receiving it by default.
OPT_IN_FIELDS = frozenset({ResultField.ADDRESS})


class RedactField(StrEnum):
    """What `redactFields` may name (API section 2)."""

    PERSONAL_NUMBER = "personal_number"
    SIGNATURE = "signature"
    DOCUMENT_NUMBER = "document_number"
    DATE_OF_BIRTH = "date_of_birth"
    PLACE_OF_BIRTH = "place_of_birth"
    ADDRESS = "address"
    PORTRAIT = "portrait"
    MRZ = "mrz"
