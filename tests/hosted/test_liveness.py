"""The liveness step behind the link: frames are judged from their headers before anything is kept."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from idscan.container import Container
from idscan.db import transaction
from idscan.models import LivenessSession, Task
from idscan.transactions.states import TaskState, TaskType
from tests.conftest import Caller
from tests.support import hostile_images as hostile

API = "/id-scan/v1"
FRAME = hostile.encode(Image.new("RGB", (640, 480), (120, 100, 90)), "JPEG")


def _liveness_step(client: TestClient, container: Container, caller: Caller) -> tuple[str, str]:
    """A link whose document step is done (set directly: the document engine is not the point)."""
    body = {"tasks": ["document_scan", "face_liveness"]}
    trx = client.post(f"{API}/transactions", json=body, headers=caller.headers()).json()
    with transaction(container.session_factory) as session:
        task = session.get(Task, (trx["id"], TaskType.DOCUMENT_SCAN))
        assert task is not None
        task.state = TaskState.COMPLETED
    path = trx["url"].removeprefix("http://testserver")
    nonce = client.post(f"{path}/liveness").json()["nonce"]
    return path, nonce


def _send(client: TestClient, path: str, nonce: str, frames: list[bytes]) -> Any:
    return client.post(
        f"{path}/liveness/{nonce}/frames",
        files=[("frames", (f"{i}.jpg", data, "image/jpeg")) for i, data in enumerate(frames)],
        data={"timestamps": json.dumps([i * 100 for i in range(len(frames))])},
    )


@pytest.mark.parametrize(
    ("bad", "status", "words"),
    [
        (hostile.png_blank(7720, 5140), 415, "Frame 3: The file is not a JPEG or WebP image."),  # 39.7 MP
        (hostile.png_blank(640, 480), 415, "Frame 3: The file is not a JPEG or WebP image."),
        (hostile.jpeg_claiming(1680, 1260), 413, "Frame 3: The image is 1680 x 1260 pixels"),  # 2.1 MP
        (b"<!doctype html><p>hello", 415, "Frame 3: The file is not a JPEG or WebP image."),
    ],
)
def test_refused_frames_are_not_kept_and_the_session_stays_open(
    client: TestClient, container: Container, caller: Caller, bad: bytes, status: int, words: str
) -> None:
    path, nonce = _liveness_step(client, container, caller)
    response = _send(client, path, nonce, [FRAME, FRAME, bad, FRAME])
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith(words)
    with container.session_factory() as session:
        live = session.scalars(select(LivenessSession).where(LivenessSession.nonce == nonce)).one()
        assert live.submitted_at is None
        assert live.frames_key is None
    assert not container.blobs.exists(f"transactions/{live.transaction_id}/liveness/{live.id}/frames.zip")
    assert _send(client, path, nonce, [FRAME, FRAME]).status_code == 202  # the nonce was not spent


def test_a_new_attempt_after_a_spent_plan_gets_its_own_nonce(
    client: TestClient, container: Container, caller: Caller
) -> None:
    path, nonce = _liveness_step(client, container, caller)
    assert client.post(f"{path}/liveness").json()["nonce"] == nonce  # an open plan is reused
    assert _send(client, path, nonce, [FRAME, FRAME]).status_code == 202
    again = client.post(f"{path}/liveness")  # "try again" before (or after) the verdict
    assert again.status_code == 200, again.text
    assert again.json()["nonce"] != nonce
    assert _send(client, path, nonce, [FRAME, FRAME]).status_code == 410  # the first stays spent
