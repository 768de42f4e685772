"""Real US licence fronts (`shared/fixtures/dl`, a development set), each read alone as a first
upload: every one is a driving licence that asks for its back, and no field is read wrong. How
many fields are read is the bench's number (`bench/documents_us_fixtures.py`), not a test's."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from idscan.documents.reader import read_document
from idscan.documents.reading import ReadParams
from idscan.documents.rules import DocumentRules
from tests.documents.synth import fixtures_dir
from tests.support.factories import engines

FIELDS = {
    "surname": "surname",
    "given_names": "given_names",
    "date_of_birth_iso": "date_of_birth",
    "date_of_issue_iso": "date_of_issue",
    "date_of_expiry_iso": "date_of_expiry",
    "licence_number": "document_number",
    "sex": "sex",
}


def _fronts() -> list[dict[str, Any]]:
    root = fixtures_dir()
    path = root / "dl" / "ground_truth.json" if root else None
    if path is None or not path.is_file():
        return []
    items: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["dl"]
    return [i for i in items if i.get("side") == "front"]


def _comparable(name: str, text: str) -> str:
    text = " ".join(text.upper().split())
    return re.sub(r"[\s-]", "", text) if name == "document_number" else text


@pytest.mark.slow
@pytest.mark.parametrize("item", _fronts() or [None], ids=lambda i: Path(i["file"]).stem if i else "absent")
def test_a_us_front_alone_asks_for_its_back_and_reads_nothing_wrong(item: dict[str, Any] | None) -> None:
    root = fixtures_dir()
    if item is None or root is None:
        pytest.skip("shared/fixtures/dl not found beside the repository (or $IDSCAN_FIXTURES)")
    today = dt.date(2026, 1, 1)
    params = ReadParams(today=today, rules=DocumentRules(today=today))
    reading = read_document((root / item["file"]).read_bytes(), None, params, engines())
    assert reading.document_type == "driving_license"
    assert reading.code == "front_side_provided_back_side_required"
    for key, name in FIELDS.items():
        field = reading.field(name)
        want = item["fields"].get(key)
        got = field.value("visual") if field else None
        if got is not None and want is not None:
            assert _comparable(name, got) == _comparable(name, want), name
