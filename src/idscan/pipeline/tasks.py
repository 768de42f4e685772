"""Job wrappers of the pipeline; the logic is in the step modules, which tests call directly."""

from __future__ import annotations

from typing import Any

from idscan import jobs
from idscan.container import Container
from idscan.pipeline import document

DOCUMENT_JOB = "pipeline.document_attempt"


@jobs.handler(DOCUMENT_JOB)
def document_attempt(ctx: Container, payload: dict[str, Any]) -> None:
    document.run(ctx, str(payload["attempt_id"]))
