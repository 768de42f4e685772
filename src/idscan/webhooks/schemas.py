"""Wire format of the webhooks API."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

EventType = Literal["transaction.state.updated", "task.state.updated"]
EVENT_TYPES: tuple[str, ...] = ("transaction.state.updated", "task.state.updated")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$")
_RESERVED = frozenset({"host", "content-type", "content-length", "connection", "transfer-encoding"})


def _check_headers(value: dict[str, str] | None) -> dict[str, str] | None:
    if value is None:
        return None
    if len(value) > 20:
        raise ValueError("At most 20 custom headers.")
    for name, header_value in value.items():
        lowered = name.lower()
        if not _HEADER_NAME.match(name):
            raise ValueError(f"Invalid header name: {name!r}.")
        if lowered in _RESERVED or lowered.startswith("webhook-"):
            raise ValueError(f"Header {name} is set by the service and cannot be overridden.")
        if len(header_value) > 1024 or any(c in header_value for c in "\r\n\x00"):
            raise ValueError(f"Invalid value for header {name}.")
    return value


def _check_events(value: list[EventType] | None) -> list[EventType] | None:
    if value is not None:
        if not value:
            raise ValueError("events must not be empty.")
        if len(set(value)) != len(value):
            raise ValueError("Duplicate values are not allowed.")
    return value


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2048)
    events: list[EventType] | None = None
    headers: dict[str, str] | None = None

    _headers = field_validator("headers")(_check_headers)
    _events = field_validator("events")(_check_events)


class WebhookUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, max_length=2048)
    events: list[EventType] | None = None
    headers: dict[str, str] | None = None

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
    failure_reason: Literal["refused", "invalid_url", "gone", "exhausted", "crashed", "error"] | None = Field(
        alias="failureReason",
        description="Why a failed delivery stopped: the target is refused (private address), the URL "
        "is no longer valid, the receiver answered 410 Gone, the retries ran out, or the delivery "
        "job itself kept failing.",
    )


class DeliveryPage(_Out):
    items: list[DeliveryOut]
    next_cursor: str | None = Field(alias="nextCursor")
