"""Job wrappers of the pipeline; the logic is in the step modules, which tests call directly."""

from __future__ import annotations

from typing import Any

from idscan import jobs
from idscan.container import Container
from idscan.pipeline import document, face_match, liveness
from idscan.pipeline.kinds import DOCUMENT_JOB, FACE_MATCH_JOB, LIVENESS_JOB


@jobs.handler(DOCUMENT_JOB)
def document_attempt(ctx: Container, payload: dict[str, Any]) -> None:
    document.run(ctx, str(payload["attempt_id"]))


@jobs.handler(LIVENESS_JOB)
def liveness_session(ctx: Container, payload: dict[str, Any]) -> None:
    liveness.run(ctx, str(payload["session_id"]))


@jobs.handler(FACE_MATCH_JOB)
def match_faces(ctx: Container, payload: dict[str, Any]) -> None:
    face_match.run(ctx, str(payload["transaction_id"]))
