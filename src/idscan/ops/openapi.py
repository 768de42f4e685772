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


# How the operations lead to one another (OpenAPI links): what a client, or a stateful fuzzer, can
# call next with the values an answer holds. (source method, source path, status) -> links.
_T = "/id-scan/v1/transactions"
_ONE = f"{_T}/{{transaction_id}}"
_RESULT = f"{_ONE}/results/{{result_id}}"
_W = "/id-scan/v1/webhooks"
_HOOK = f"{_W}/{{webhook_id}}"
LINKS: dict[tuple[str, str, str], dict[str, tuple[str, str, dict[str, str]]]] = {
    ("post", _T, "201"): {
        "GetTransaction": ("get", _ONE, {"transaction_id": "$response.body#/id"}),
        "DeleteTransaction": ("delete", _ONE, {"transaction_id": "$response.body#/id"}),
    },
    ("get", _T, "200"): {
        "GetTransaction": ("get", _ONE, {"transaction_id": "$response.body#/items/0/id"}),
        "GetResult": (
            "get",
            _RESULT,
            {"transaction_id": "$response.body#/items/0/id", "result_id": "$response.body#/items/0/resultId"},
        ),
        "NextPage": ("get", _T, {"cursor": "$response.body#/nextCursor"}),
    },
    ("get", _ONE, "200"): {
        "GetResult": (
            "get",
            _RESULT,
            {"transaction_id": "$response.body#/id", "result_id": "$response.body#/resultId"},
        ),
        "GetReport": (
            "get",
            f"{_RESULT}/report",
            {"transaction_id": "$response.body#/id", "result_id": "$response.body#/resultId"},
        ),
        "DeleteTransaction": ("delete", _ONE, {"transaction_id": "$response.body#/id"}),
    },
    ("get", _RESULT, "200"): {
        "GetReport": (
            "get",
            f"{_RESULT}/report",
            {"transaction_id": "$request.path.transaction_id", "result_id": "$request.path.result_id"},
        ),
    },
    ("post", _W, "201"): {
        "GetWebhook": ("get", _HOOK, {"webhook_id": "$response.body#/id"}),
        "UpdateWebhook": ("patch", _HOOK, {"webhook_id": "$response.body#/id"}),
        "DeleteWebhook": ("delete", _HOOK, {"webhook_id": "$response.body#/id"}),
        "ListDeliveries": ("get", f"{_HOOK}/deliveries", {"webhook_id": "$response.body#/id"}),
    },
    ("get", _W, "200"): {
        "GetWebhook": ("get", _HOOK, {"webhook_id": "$response.body#/items/0/id"}),
        "ListDeliveries": ("get", f"{_HOOK}/deliveries", {"webhook_id": "$response.body#/items/0/id"}),
    },
    ("patch", _HOOK, "200"): {
        "GetWebhook": ("get", _HOOK, {"webhook_id": "$response.body#/id"}),
    },
    ("get", f"{_HOOK}/deliveries", "200"): {
        "NextPage": (
            "get",
            f"{_HOOK}/deliveries",
            {"webhook_id": "$request.path.webhook_id", "cursor": "$response.body#/nextCursor"},
        ),
    },
}


def refine(document: dict[str, Any]) -> dict[str, Any]:
    """What FastAPI cannot say by itself: errors are application/problem+json (FastAPI files their
    model under application/json), and how operations link to one another."""
    paths = document.get("paths", {})
    for operations in paths.values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[0] in "45" and "application/problem+json" in content:
                    schema = content.pop("application/json", {}).get("schema")
                    content["application/problem+json"] = {"schema": schema} if schema else {}
    for (method, path, status), links in LINKS.items():
        response = paths[path][method]["responses"][status]
        response["links"] = {
            name: {"operationId": paths[target][verb]["operationId"], "parameters": parameters}
            for name, (verb, target, parameters) in links.items()
        }
    return document
