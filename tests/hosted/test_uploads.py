"""The hosted page's forms, read strictly: their shape, and liveness capture times."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from idscan.container import Container
from idscan.db import transaction
from idscan.errors import ValidationError
from idscan.hosted.uploads import MAX_CAPTURE_MS, capture_times
from idscan.models import Task
from tests.conftest import Caller

API = "/id-scan/v1"

BAD_TIMESTAMPS = [
    ("infinity", "[0, Infinity]"),
    ("overflow", "[0, 1e400]"),
    ("nan", "[0, NaN]"),
    ("negative", "[-1, 5]"),
    ("backwards", "[100, 50]"),
    ("float", "[0, 1.5]"),
    ("boolean", "[0, true]"),
    ("string", '[0, "5"]'),
    ("too late", f"[0, {MAX_CAPTURE_MS + 1}]"),
    ("huge integer", "[0, " + "9" * 5000 + "]"),
    ("not a list", '{"0": 1}'),
    ("not JSON", "[0, 1"),
    ("deep nesting", "[" * 100_000),
    ("one short", "[0]"),
    ("one too many", "[0, 1, 2]"),
]


@pytest.mark.parametrize("text", [t for _, t in BAD_TIMESTAMPS], ids=[n for n, _ in BAD_TIMESTAMPS])
def test_capture_times_refuse_anything_but_rising_whole_milliseconds(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        capture_times(text, 2)
    assert [p.path for p in refused.value.problems] == ["timestamps"]


def test_capture_times_accept_equal_and_rising_values() -> None:
    assert capture_times("[0, 0, 100, 3000]", 4) == [0, 0, 100, 3000]


def _liveness_link(client: TestClient, container: Container, caller: Caller) -> tuple[str, str]:
    """A link whose document step is done, with an open liveness plan: (path, nonce)."""
    body = {"tasks": ["document_scan", "face_liveness"]}
    trx = client.post(f"{API}/transactions", json=body, headers=caller.headers()).json()
    with transaction(container.session_factory) as session:
        session.get(Task, (trx["id"], "document_scan")).state = "completed"  # type: ignore[union-attr]
    path = trx["url"].removeprefix("http://testserver")
    plan = client.post(f"{path}/liveness")
    assert plan.status_code == 200, plan.text
    return path, plan.json()["nonce"]


def _frames(count: int) -> list[tuple[str, tuple[str, bytes, str]]]:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (90, 80, 70)).save(buffer, "JPEG")
    return [("frames", (f"{i}.jpg", buffer.getvalue(), "image/jpeg")) for i in range(count)]


@pytest.mark.parametrize("text", [t for _, t in BAD_TIMESTAMPS], ids=[n for n, _ in BAD_TIMESTAMPS])
def test_bad_capture_times_are_422_and_keep_the_plan_open(
    client: TestClient, container: Container, caller: Caller, text: str
) -> None:
    path, nonce = _liveness_link(client, container, caller)
    refused = client.post(f"{path}/liveness/{nonce}/frames", files=_frames(2), data={"timestamps": text})
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["path"] == "timestamps"
    # Nothing was spent: the same plan still takes a good capture.
    accepted = client.post(
        f"{path}/liveness/{nonce}/frames", files=_frames(2), data={"timestamps": json.dumps([0, 100])}
    )
    assert accepted.status_code == 202, accepted.text


PHOTO = ("file", ("a.jpg", b"a", "image/jpeg"))
# As the page sends them (multipart, even with no file); (None, text) is a text field.
FORM_PROBLEMS: list[tuple[str, list[Any], str]] = [
    ("no file", [("source", (None, "file"))], "file"),
    ("two files", [PHOTO, ("file", ("b.jpg", b"b", "image/jpeg"))], "file"),
    ("file as text", [("file", (None, "not a file"))], "file"),
    ("unknown field", [PHOTO, ("colour", (None, "red"))], "colour"),
    ("source twice", [PHOTO, ("source", (None, "file")), ("source", (None, "camera"))], "source"),
    ("source as a file", [PHOTO, ("source", ("s.txt", b"file", "text/plain"))], "source"),
]


@pytest.mark.parametrize(
    ("form", "path"), [(f, p) for _, f, p in FORM_PROBLEMS], ids=[n for n, _, _ in FORM_PROBLEMS]
)
def test_document_forms_are_read_strictly(
    client: TestClient, caller: Caller, form: list[Any], path: str
) -> None:
    trx = client.post(f"{API}/transactions", json={"tasks": ["document_scan"]}, headers=caller.headers())
    link = trx.json()["url"].removeprefix("http://testserver")
    refused = client.post(f"{link}/documents", headers={"Accept": "application/json"}, files=form)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["path"] == path


def test_a_body_that_is_not_a_form_is_refused(client: TestClient, caller: Caller) -> None:
    trx = client.post(f"{API}/transactions", json={"tasks": ["document_scan"]}, headers=caller.headers())
    link = trx.json()["url"].removeprefix("http://testserver")
    as_json = client.post(f"{link}/documents", json={"file": "x"})
    assert as_json.status_code == 415
    broken = client.post(
        f"{link}/documents",
        content=b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\nabc',
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["path"] == "body"
    no_boundary = client.post(
        f"{link}/documents", content=b"abc", headers={"Content-Type": "multipart/form-data"}
    )
    assert no_boundary.status_code == 422
