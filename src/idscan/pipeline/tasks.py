"""Job wrappers of the pipeline; the logic is in the step modules, which tests call directly.

Each kind has a failure handler: an input that crashes or breaks the engine every time fails its
task with `processing_failed` instead of staying pending (and its worker crash-looping) forever.
"""

from __future__ import annotations

from typing import Any

from idscan import jobs
from idscan.container import Container
from idscan.pipeline import document, face_match, liveness
from idscan.pipeline.kinds import DOCUMENT_JOB, FACE_MATCH_JOB, LIVENESS_JOB


def _document_failed(ctx: Container, payload: dict[str, Any], reason: str) -> None:
    document.fail(ctx, str(payload["attempt_id"]))


def _liveness_failed(ctx: Container, payload: dict[str, Any], reason: str) -> None:
    liveness.fail(ctx, str(payload["session_id"]))


def _match_failed(ctx: Container, payload: dict[str, Any], reason: str) -> None:
    face_match.fail(ctx, str(payload["transaction_id"]))


@jobs.handler(DOCUMENT_JOB, on_failure=_document_failed)
def document_attempt(ctx: Container, payload: dict[str, Any]) -> None:
    document.run(ctx, str(payload["attempt_id"]))


@jobs.handler(LIVENESS_JOB, on_failure=_liveness_failed)
def liveness_session(ctx: Container, payload: dict[str, Any]) -> None:
    liveness.run(ctx, str(payload["session_id"]))


@jobs.handler(FACE_MATCH_JOB, on_failure=_match_failed)
def match_faces(ctx: Container, payload: dict[str, Any]) -> None:
    face_match.run(ctx, str(payload["transaction_id"]))
