"""The result body of the contract (API section 3), assembled from task outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from idscan.results import assemble


def field_body(
    field: str,
    values: Sequence[tuple[str, str, str | None]],
    validity: str,
    comparison: str,
    locale: str | None,
) -> dict[str, Any]:
    """One entry of `result`: values as (source, value, locale-or-None)."""
    return {
        "field": field,
        "validity": validity,
        "comparison": comparison,
        "locale": locale,
        "values": [
            {"source": source, "value": value, **({"locale": loc} if loc else {})}
            for source, value, loc in values
        ],
    }


FIELDS = [
    field_body(
        "document_number", [("mrz", "SPECI2021", None), ("visual", "SPECI2021", None)], "valid", "match", None
    ),
    field_body("nationality", [("visual", "Nederlandse", "nl-NL")], "valid", "not_performed", "nl-NL"),
    field_body("surname", [("mrz", "DE BRUIJN", None)], "not_checked", "not_performed", None),
]
FILES = [
    assemble.FileRef("document", "passport", "https://x/d/1", "Netherlands - Passport", 0.98),
    assemble.FileRef("image", "portrait", "https://x/d/2"),
]


def body(extract: list[str] | None) -> dict[str, object]:
    task = assemble.TaskOutcome(
        "document_scan", "completed", attempts=1, score=0.98, fields=FIELDS, files=FILES
    )
    match = assemble.TaskOutcome("face_match", "completed", score=0.91, threshold=0.5, passed=True)
    return assemble.result_body("trx", "completed", [task, match], extract)


def test_shape_of_the_contract() -> None:
    result = body(None)
    document, match = result["tasks"]  # type: ignore[misc]
    assert document["result"][0] == {
        "field": "document_number",
        "validity": "valid",
        "comparison": "match",
        "locale": None,
        "values": [{"source": "mrz", "value": "SPECI2021"}, {"source": "visual", "value": "SPECI2021"}],
    }
    assert document["files"][0] == {
        "category": "document",
        "type": "passport",
        "name": "Netherlands - Passport",
        "score": 0.98,
        "url": "https://x/d/1",
    }
    assert match == {
        "type": "face_match",
        "state": "completed",
        "score": 0.91,
        "threshold": 0.5,
        "passed": True,
    }


def test_extract_fields_limits_fields_and_nulls_unlisted_images() -> None:
    result = body(["surname", "portrait"])
    document = result["tasks"][0]  # type: ignore[index]
    assert [f["field"] for f in document["result"]] == ["surname"]
    assert document["files"][0]["url"] is None
    assert document["files"][1]["url"] == "https://x/d/2"


def test_a_failed_task_says_why_and_a_completed_one_has_no_reason() -> None:
    failed = assemble.TaskOutcome("document_scan", "failed", attempts=5, reason="document_expired")
    blocked = assemble.TaskOutcome("face_match", "failed", score=None, reason="dependency_failed")
    passed = assemble.TaskOutcome(
        "face_liveness", "completed", attempts=1, score=0.9, threshold=0.5, passed=True
    )
    tasks = assemble.result_body("trx", "completed", [failed, passed, blocked], None)["tasks"]
    assert [t.get("reason", "(none)") for t in tasks] == ["document_expired", "(none)", "dependency_failed"]
    assert tasks[0] == {
        "type": "document_scan",
        "state": "failed",
        "reason": "document_expired",
        "attempts": 5,
        "score": None,
        "result": [],
        "files": [],
    }


def test_the_address_is_returned_only_when_extract_fields_names_it() -> None:
    address = field_body("address", [("barcode", "1 MAIN ST, ALBANY, NY 12207", None)], "", "", None)
    fields = [*FIELDS, address]
    assert [f["field"] for f in assemble.select_fields(fields, None)] == [
        "document_number",
        "nationality",
        "surname",
    ]
    assert [f["field"] for f in assemble.select_fields(fields, ["surname"])] == ["surname"]
    asked = assemble.select_fields(fields, ["address", "surname"])
    assert [f["field"] for f in asked] == ["surname", "address"]
