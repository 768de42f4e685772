"""Wire format of the transactions API (camelCase JSON, snake_case enum values)."""

from __future__ import annotations

import re
from datetime import datetime
from itertools import permutations
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    field_validator,
    model_validator,
)

from idscan.documents.rules import Level, ValidateField
from idscan.documents.vocabulary import RedactField
from idscan.lib import clock, urls
from idscan.transactions.policy import CaptureSource, ExtractField
from idscan.transactions.states import ALLOWED_TASK_SETS, TaskType, canonical_tasks

LOCALES = ("en-US", "nl-NL", "fr-FR")
_LOCALE_BY_KEY = {loc.lower(): loc for loc in LOCALES}
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def _whole(value: object) -> object:
    # JSON has one number type: 3600.0 is the integer 3600 (as JSON Schema says); 3600.5 and "3600" are not.
    return int(value) if isinstance(value, float) and value.is_integer() else value


# Bounds first, then Strict, then the float check (which runs first): the bounds stay in the schema.
Days = Annotated[int, Field(ge=-3650, le=3650), Strict(), BeforeValidator(_whole)]
Age = Annotated[int, Field(ge=0, le=150), Strict(), BeforeValidator(_whole)]
Lifetime = Annotated[int, Field(ge=3600, le=86400), Strict(), BeforeValidator(_whole)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _no_duplicates(values: list[str] | None) -> list[str] | None:
    if values is not None and len(set(values)) != len(values):
        raise ValueError("Duplicate values are not allowed.")
    return values


def check_url(value: str, what: str) -> str:
    """Absolute https URL; plain http only to the local machine (`lib.urls.URL_PATTERN`)."""
    if urls.is_url(value):
        return value
    # Say which rule it broke.
    if len(value) > urls.MAX_URL_LENGTH or any(c.isspace() for c in value):
        raise ValueError(f"{what} must be an absolute URL without spaces, at most 2048 characters.")
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
        credentials = bool(parts.username or parts.password)
    except ValueError:
        parts, host, credentials = None, "", False
    if credentials:
        raise ValueError(f"{what} must not contain credentials.")
    if parts is not None and parts.scheme == "http" and host and host not in _LOCAL_HOSTS:
        raise ValueError(f"{what} must use https (http is allowed only for localhost).")
    raise ValueError(f"{what} must be an absolute https URL with a plain ASCII host name.")


def check_origin(value: str) -> str:
    """Exactly `scheme://host[:port]`, lower case: what a browser sends as Origin, and what the
    page copies into its Content-Security-Policy."""
    if urls.is_origin(value):
        return value
    if value.startswith("http://") and urls.is_origin("https://" + value.removeprefix("http://")):
        raise ValueError("Origins must use https (http is allowed only for localhost).")
    raise ValueError("An origin is scheme://host[:port] in lower case, such as https://shop.example.")


# What the OpenAPI document says of a value, where a validator above says it in friendlier words.
UrlText = Annotated[
    str, Field(json_schema_extra={"pattern": urls.URL_PATTERN, "maxLength": urls.MAX_URL_LENGTH})
]
OriginText = Annotated[
    str,
    AfterValidator(check_origin),
    Field(json_schema_extra={"pattern": urls.ORIGIN_PATTERN, "maxLength": urls.MAX_ORIGIN_LENGTH}),
]
_UNIQUE: dict[str, Any] = {"uniqueItems": True}
_TASK_ORDERS = [list(order) for tasks in ALLOWED_TASK_SETS for order in permutations(t.value for t in tasks)]
LOCALE_PATTERN = (
    "^(?:"
    + "|".join(
        "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in loc) for loc in LOCALES
    )
    + ")$"
)


def _both_sources() -> list[CaptureSource]:
    return list(CaptureSource)


class DocumentScanSettings(_Strict):
    allowed_expiration: Annotated[Days, Field(alias="allowedExpiration")] = 0
    redact_fields: Annotated[list[RedactField], Field(alias="redactFields", json_schema_extra=_UNIQUE)] = (
        Field(default_factory=list)
    )
    capture_sources: Annotated[
        list[CaptureSource], Field(alias="captureSources", min_length=1, json_schema_extra=_UNIQUE)
    ] = Field(default_factory=_both_sources)
    level: Level = Level.BASIC
    minimum_age: Annotated[Age | None, Field(alias="minimumAge", description="At most maximumAge.")] = None
    maximum_age: Annotated[Age | None, Field(alias="maximumAge", description="At least minimumAge.")] = None
    validate_fields: Annotated[
        list[ValidateField], Field(alias="validateFields", json_schema_extra=_UNIQUE)
    ] = Field(default_factory=list)
    extract_fields: Annotated[
        list[ExtractField] | None, Field(alias="extractFields", json_schema_extra=_UNIQUE)
    ] = None

    _unique = field_validator("redact_fields", "capture_sources", "validate_fields", "extract_fields")(
        _no_duplicates
    )

    @model_validator(mode="after")
    def _age_range(self) -> DocumentScanSettings:
        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.minimum_age > self.maximum_age
        ):
            raise ValueError("minimumAge must not exceed maximumAge.")
        return self


class TransactionSettingsIn(_Strict):
    document_scan: Annotated[DocumentScanSettings, Field(alias="documentScan")] = Field(
        default_factory=DocumentScanSettings
    )


class TransactionCreate(_Strict):
    tasks: list[str] = Field(
        description="One of the allowed task sets, in any order: "
        + "; ".join(", ".join(t.value for t in s) for s in ALLOWED_TASK_SETS),
        json_schema_extra={
            "items": {"type": "string", "enum": [t.value for t in TaskType]},
            "minItems": 1,
            "maxItems": len(TaskType),
            "uniqueItems": True,
            "enum": _TASK_ORDERS,  # type: ignore[dict-item]  # JSON values
        },
    )
    settings: TransactionSettingsIn = Field(default_factory=TransactionSettingsIn)
    locale: str = Field(
        default="en-US",
        description="en-US, nl-NL or fr-FR (case-insensitive).",
        json_schema_extra={"pattern": LOCALE_PATTERN},
    )
    mobile_only: Annotated[StrictBool, Field(alias="mobileOnly")] = False
    expires_in: Annotated[Lifetime, Field(alias="expiresIn")] = 3600
    return_url: Annotated[UrlText | None, Field(alias="returnUrl")] = None
    scan_return_url: Annotated[UrlText | None, Field(alias="scanReturnUrl")] = None
    allowed_origins: Annotated[
        list[OriginText] | None,
        Field(
            alias="allowedOrigins",
            max_length=20,
            description="Origins (scheme://host[:port]) that may frame the page and receive its events.",
            json_schema_extra={"minItems": 1, "uniqueItems": True},
        ),
    ] = None

    @field_validator("tasks")
    @classmethod
    def _tasks(cls, value: list[str]) -> list[str]:
        known = {t.value for t in TaskType}
        unknown = [t for t in value if t not in known]
        if unknown:
            raise ValueError(f"Unknown task: {unknown[0]}.")
        canonical = canonical_tasks(value)
        if canonical is None:
            raise ValueError(
                "Invalid task combination. Use one of: "
                + "; ".join("[" + ", ".join(t.value for t in s) + "]" for s in ALLOWED_TASK_SETS)
                + "."
            )
        return [t.value for t in canonical]

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        canonical = _LOCALE_BY_KEY.get(value.lower())
        if canonical is None:
            raise ValueError(f"Unsupported locale; use one of {', '.join(LOCALES)}.")
        return canonical

    @field_validator("return_url")
    @classmethod
    def _return_url(cls, value: str | None) -> str | None:
        return None if value is None else check_url(value, "returnUrl")

    @field_validator("scan_return_url")
    @classmethod
    def _scan_return_url(cls, value: str | None) -> str | None:
        return None if value is None else check_url(value, "scanReturnUrl")

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("allowedOrigins must be null or a non-empty list.")
        return _no_duplicates(value)


def _timestamp(value: object) -> object:
    return clock.parse_rfc3339(value) if isinstance(value, str) else value


# A filter's date-time: RFC 3339 only (no bare dates, no epoch numbers), as the document states.
Timestamp = Annotated[datetime, BeforeValidator(_timestamp)]


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class DocumentScanSettingsOut(_Out):
    allowed_expiration: int = Field(alias="allowedExpiration")
    redact_fields: list[str] = Field(alias="redactFields")
    capture_sources: list[str] = Field(alias="captureSources")
    level: str
    minimum_age: int | None = Field(alias="minimumAge")
    maximum_age: int | None = Field(alias="maximumAge")
    validate_fields: list[str] = Field(alias="validateFields")
    extract_fields: list[str] | None = Field(alias="extractFields")


class SettingsOut(_Out):
    document_scan: DocumentScanSettingsOut = Field(alias="documentScan")


class TransactionCreated(_Out):
    id: str
    state: str
    tasks: list[str]
    settings: SettingsOut
    url: str
    locale: str
    mobile_only: bool = Field(alias="mobileOnly")
    expires: str
    created: str
    return_url: str | None = Field(alias="returnUrl")
    scan_return_url: str | None = Field(alias="scanReturnUrl")
    allowed_origins: list[str] | None = Field(alias="allowedOrigins")
    test: bool = Field(
        default=False, description="Made with a test key: specimen data and scripted outcomes (ours)."
    )


class AttemptFile(_Out):
    category: str
    type: str
    url: str | None


class DocumentScanAttempt(_Out):
    created: str
    code: str
    score: float | None
    source: str
    linked: bool
    files: list[AttemptFile]


class TaskOut(_Out):
    type: str
    state: str
    level: str | None = Field(default=None, description="document_scan only")
    attempts: int
    attempts_invoiced: int = Field(alias="attemptsInvoiced")
    reason: str | None = Field(
        default=None,
        description="Ours. Why a failed task failed: the last document attempt's code, the last "
        "liveness reason, face_mismatch, a portrait code, dependency_failed or processing_failed.",
    )
    document_scans: list[DocumentScanAttempt] | None = Field(
        default=None, alias="documentScans", description="document_scan only, while pending"
    )


class TransactionOut(_Out):
    id: str
    state: str
    url: str | None = Field(
        description="The hosted page, while the transaction is pending (null afterwards, and for "
        "transactions made before this field existed)."
    )
    created: str
    expires: str
    completed: str | None
    result_id: str | None = Field(alias="resultId")
    tasks: list[TaskOut]
    test: bool = Field(
        default=False, description="Made with a test key: specimen data and scripted outcomes (ours)."
    )


class TransactionSummary(_Out):
    id: str
    state: str
    tasks: list[str]
    locale: str
    created: str
    expires: str
    completed: str | None
    result_id: str | None = Field(alias="resultId")
    test: bool = Field(
        default=False, description="Made with a test key: specimen data and scripted outcomes (ours)."
    )


class TransactionPage(_Out):
    items: list[TransactionSummary]
    next_cursor: str | None = Field(alias="nextCursor")


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)
