"""Liveness and face match end to end: plan, frames from a synthetic performer, verdict, comparison."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from idscan.container import Container
from idscan.pipeline import document, face_match, liveness
from idscan.vision.images import decode_image
from idscan.vision.liveness_plan import Challenge, ChallengeKind, ChallengePlan, Flash
from idscan.vision.liveness_track import Frame
from tests.conftest import Caller
from tests.documents.synth import fixtures_dir as document_fixtures
from tests.documents.synth import make_document, need_faces, need_fonts, photograph
from tests.support.plans import fix_plans
from tests.support.rawdb import assert_not_stored
from tests.vision.synth import sequences
from tests.vision.synth.stills import make_rig

API = "/id-scan/v1"
PASSPORT_FACE = "facerec__biden__biden2.jpg"  # the same person as the portrait on passport seed 31
OTHER_FACE = "facerec__obama__obama.jpg"


@pytest.fixture(autouse=True)
def fixed_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """The service draws each plan at random; a fixed draw keeps this test's performance repeatable."""
    fix_plans(monkeypatch)


@pytest.fixture(scope="module")
def passport_photo() -> bytes:
    need_fonts()
    need_faces()
    doc = make_document(31, kind="passport", country="NLD")
    return photograph(doc.sides[0].image, "medium", random.Random(31), turns=2).data


def plan_from_client(data: dict[str, Any]) -> ChallengePlan:
    """Rebuild the plan the page received, as a performer would follow it."""
    from datetime import datetime

    return ChallengePlan(
        nonce=data["nonce"],
        issued_at=datetime.fromisoformat(data["expiresAt"]),
        expires_at=datetime.fromisoformat(data["expiresAt"]),
        frontal_until_ms=max(f["endMs"] for f in data["flashes"]),
        flashes=tuple(Flash(f["colour"], f["startMs"], f["endMs"]) for f in data["flashes"]),
        challenges=tuple(
            Challenge(ChallengeKind(c["kind"]), c["startMs"], c["endMs"]) for c in data["challenges"]
        ),
        duration_ms=data["durationMs"],
    )


def jpeg_frames(frames: Sequence[Frame]) -> list[tuple[int, bytes]]:
    out = []
    for frame in frames:
        buffer = io.BytesIO()
        Image.fromarray(np.ascontiguousarray(frame.image[:, :, ::-1])).save(buffer, "JPEG", quality=90)
        out.append((frame.timestamp_ms, buffer.getvalue()))
    return out


def accept_document(client: TestClient, container: Container, path: str, photo: bytes) -> None:
    attempt = client.post(
        f"{path}/documents",
        files={"file": ("p.jpg", photo, "image/jpeg")},
        headers={"Accept": "application/json"},
    ).json()
    document.run(container, attempt["attemptId"])


def perform(client: TestClient, container: Container, path: str, face_file: str, seed: int) -> dict[str, Any]:
    plan_data = client.post(f"{path}/liveness").json()
    assert client.post(f"{path}/liveness").json()["nonce"] == plan_data["nonce"]  # the open plan is reused
    root = document_fixtures()
    assert root is not None
    rig = make_rig(decode_image((root / "faces" / face_file).read_bytes()), container.engines.vision)
    assert rig is not None
    frames = jpeg_frames(sequences.genuine(rig, plan_from_client(plan_data), random.Random(seed)))
    response = client.post(
        f"{path}/liveness/{plan_data['nonce']}/frames",
        files=[("frames", (f"{i}.jpg", data, "image/jpeg")) for i, (_, data) in enumerate(frames)],
        data={"timestamps": json.dumps([t for t, _ in frames])},
    )
    assert response.status_code == 202, response.text
    replay = client.post(
        f"{path}/liveness/{plan_data['nonce']}/frames",
        files=[("frames", ("0.jpg", frames[0][1], "image/jpeg"))],
        data={"timestamps": json.dumps([frames[0][0]])},
    )
    assert replay.status_code == 410  # the nonce is single use
    liveness.run(container, response.json()["sessionId"])
    return plan_data


@pytest.mark.parametrize(("face_file", "same_person"), [(PASSPORT_FACE, True), (OTHER_FACE, False)])
def test_liveness_then_face_match(
    client: TestClient,
    container: Container,
    caller: Caller,
    passport_photo: bytes,
    face_file: str,
    same_person: bool,
) -> None:
    body = {
        "tasks": ["document_scan", "face_liveness", "face_match"],
        "settings": {"documentScan": {"allowedExpiration": 3650}},
    }
    trx = client.post(f"{API}/transactions", json=body, headers=caller.headers()).json()
    path = trx["url"].removeprefix("http://testserver")
    assert client.post(f"{path}/liveness").status_code == 409  # the document comes first
    accept_document(client, container, path, passport_photo)
    perform(client, container, path, face_file, seed=7)

    detail = client.get(f"{API}/transactions/{trx['id']}", headers=caller.headers()).json()
    states = {t["type"]: t["state"] for t in detail["tasks"]}
    assert states["face_liveness"] == "completed"
    assert states["face_match"] == "pending"
    face_match.run(container, trx["id"])

    detail = client.get(f"{API}/transactions/{trx['id']}", headers=caller.headers()).json()
    assert detail["state"] == "completed"
    result = client.get(
        f"{API}/transactions/{trx['id']}/results/{detail['resultId']}", headers=caller.headers()
    ).json()
    tasks = {t["type"]: t for t in result["tasks"]}
    live = tasks["face_liveness"]
    assert live["passed"] is True
    assert live["threshold"] == 0.5
    assert live["score"] >= 0.5
    (selfie,) = live["files"]
    assert selfie["type"] == "selfie"
    image = client.get(selfie["url"].removeprefix("http://testserver"), headers=caller.headers())
    assert image.headers["content-type"] == "image/jpeg"
    assert_not_stored(container.settings.database_url, selfie["url"].rsplit("/", 1)[1])
    match = tasks["face_match"]
    assert match["threshold"] == 0.5
    assert match["passed"] is same_person
    assert (match["score"] >= 0.5) is same_person
    assert match["state"] == ("completed" if same_person else "failed")
