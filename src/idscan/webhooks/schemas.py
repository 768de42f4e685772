"""Wire format of the webhooks API."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from idscan.lib import urls

EventType = Literal["transaction.state.updated", "task.state.updated"]
EVENT_TYPES: tuple[str, ...] = ("transaction.state.updated", "task.state.updated")
MAX_HEADERS = 20
HEADER_NAME_PATTERN = r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$"
# Visible ASCII with inner spaces and tabs, at most 1024 characters: what an HTTP client sends as is.
HEADER_VALUE_PATTERN = r"^(?:[!-~](?:[\t -~]{0,1022}[!-~])?)?$"
# Set by the service on every delivery; compared without regard to case.
_RESERVED = ("host", "content-type", "content-length", "connection", "transfer-encoding")
RESERVED_PATTERN = (
    "^(?:"
    + "|".join("".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in name) for name in _RESERVED)
    + ")$|^[wW][eE][bB][hH][oO][oO][kK]-"
)
_HEADER_NAME = re.compile(HEADER_NAME_PATTERN)
_HEADER_VALUE = re.compile(HEADER_VALUE_PATTERN)
_RESERVED_NAME = re.compile(RESERVED_PATTERN)


def _check_url(value: str | None) -> str | None:
    if value is not None and not urls.is_url(value):
        raise ValueError(
            "The URL must be an absolute https URL with a plain ASCII host name (http only for localhost)."
        )
    return value


def _check_headers(value: dict[str, str] | None) -> dict[str, str] | None:
    if value is None:
        return None
    if len(value) > MAX_HEADERS:
        raise ValueError(f"At most {MAX_HEADERS} custom headers.")
    for name, header_value in value.items():
        if not _HEADER_NAME.fullmatch(name):
            raise ValueError(f"Invalid header name: {name!r}.")
        if _RESERVED_NAME.search(name):
            raise ValueError(f"Header {name} is set by the service and cannot be overridden.")
        if not _HEADER_VALUE.fullmatch(header_value):
            raise ValueError(
                f"Invalid value for header {name}: visible ASCII with inner spaces, at most 1024 characters."
            )
    return value


def _check_events(value: list[EventType] | None) -> list[EventType] | None:
    if value is not None:
        if not value:
            raise ValueError("events must not be empty.")
        if len(set(value)) != len(value):
            raise ValueError("Duplicate values are not allowed.")
    return value


# What the OpenAPI document says of each field; the validators above say it in friendlier words.
_URL_SCHEMA: dict[str, Any] = {"pattern": urls.URL_PATTERN, "maxLength": urls.MAX_URL_LENGTH}
WebhookUrl = Annotated[
    str,
    Field(
        description="Where deliveries go: https (http only for localhost). Private, loopback and "
        "link-local targets are refused unless the service allows them "
        "(IDSCAN_WEBHOOKS__ALLOW_PRIVATE_TARGETS).",
        json_schema_extra=_URL_SCHEMA,
    ),
]
Events = Annotated[
    list[EventType],
    Field(
        description="Event types to deliver; null: all.",
        json_schema_extra={"minItems": 1, "uniqueItems": True},
    ),
]
Headers = Annotated[
    dict[str, str],
    Field(
        description="Extra headers sent with every delivery (names other than the ones the service sets).",
        json_schema_extra={
            "maxProperties": MAX_HEADERS,
            "propertyNames": {
                "pattern": HEADER_NAME_PATTERN,
                "not": {"pattern": RESERVED_PATTERN},
            },
            "additionalProperties": {"type": "string", "pattern": HEADER_VALUE_PATTERN},
        },
    ),
]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl
    events: Events | None = None
    headers: Headers | None = None

    _url = field_validator("url")(_check_url)
    _headers = field_validator("headers")(_check_headers)
    _events = field_validator("events")(_check_events)


class WebhookUpdate(BaseModel):
    """Fields left out (or null) stay as they are."""

    model_config = ConfigDict(extra="forbid")

    url: WebhookUrl | None = None
    events: Events | None = None
    headers: Headers | None = None

    _url = field_validator("url")(_check_url)
    _headers = field_validator("headers")(_check_headers)
    _events = field_validator("events")(_check_events)


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class WebhookOut(_Out):
    id: str
    url: str
    events: list[str]
    headers: dict[str, str]
    secret: str = Field(description="Standard Webhooks signing secret (whsec_...).")
    created_at: str = Field(alias="createdAt")
    updated_at: str = Field(alias="updatedAt")


class WebhookList(_Out):
    items: list[WebhookOut]


class DeliveryAttemptOut(_Out):
    number: int
    started: str
    duration_ms: int = Field(alias="durationMs")
    response_status: int | None = Field(alias="responseStatus")
    outcome: Literal["success", "http_error", "timeout", "network_error", "refused"] | None
    host: str | None = Field(description="The host the attempt was sent to.")
    error: str | None = Field(description="The error class and message, or `HTTP <status>`.")


class DeliveryOut(_Out):
    id: str
    event_id: str = Field(alias="eventId")
    event_type: str = Field(alias="eventType")
    state: Literal["pending", "succeeded", "failed"]
    attempts: list[DeliveryAttemptOut]
    created: str
    next_attempt: str | None = Field(alias="nextAttempt")
    completed: str | None
    failure_reason: (
        Literal["refused", "invalid_url", "gone", "exhausted", "crashed", "error", "not_retried"] | None
    ) = Field(
        alias="failureReason",
        description="Why a failed delivery stopped: the target is refused (private address), the URL "
        "is no longer valid, the receiver answered 410 Gone, the retries ran out, the delivery "
        "job itself kept failing, or a test ping failed (pings are not retried).",
    )


class DeliveryPage(_Out):
    items: list[DeliveryOut]
    next_cursor: str | None = Field(alias="nextCursor")
