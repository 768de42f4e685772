"""Shared OpenAPI fragments: every error is problem+json."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ProblemItem(BaseModel):
    path: str
    message: str


class ProblemDetails(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str
    errors: list[ProblemItem] | None = Field(default=None, description="422 only: every problem by path.")


_PROBLEM: dict[str, Any] = {"model": ProblemDetails, "content": {"application/problem+json": {}}}
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {**_PROBLEM, "description": text}
    for status, text in (
        (400, "Invalid JSON"),
        (401, "Missing or invalid bearer token"),
        (404, "Not found (or another account's)"),
        (413, "Body too large"),
        (415, "Body is not JSON"),
        (422, "Validation failed"),
        (429, "Rate limited"),
    )
}
