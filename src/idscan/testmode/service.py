"""Drive a test transaction to an outcome. Takes the session first and never commits.

A document outcome is a generated specimen photo handed to the same upload use case as the page's;
a face outcome is a liveness session opened and submitted as the page would, marked with the
verdict to script. Both then run through the real pipeline jobs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from idscan import jobs
from idscan.errors import NotFoundError
from idscan.hosted import liveness as hosted_liveness
from idscan.hosted import service as hosted
from idscan.lib.clock import utcnow
from idscan.models import LivenessSession, Transaction
from idscan.pipeline.kinds import LIVENESS_JOB
from idscan.storage.blobstore import BlobStore
from idscan.testmode import specimen
from idscan.testmode.outcomes import Outcome
from idscan.transactions.policy import CaptureSource, policy_of


@dataclass(frozen=True, slots=True)
class Simulated:
    outcome: Outcome
    attempt_id: str | None = None  # a document outcome's attempt
    liveness_session_id: str | None = None  # a face outcome's liveness session


def simulate(session: Session, blobs: BlobStore, trx: Transaction, outcome: Outcome) -> Simulated:
    """Live transactions answer as unknown: scripted outcomes exist only in the test world."""
    if not trx.test:
        raise NotFoundError("Transaction not found.")
    hosted.require_pending(trx)
    if outcome.is_document:
        image, _ = specimen.passport_page(outcome, utcnow().date(), secrets.randbits(32))
        sources = policy_of(trx).capture_sources
        source = CaptureSource.FILE if CaptureSource.FILE in sources else next(iter(sources))
        submitted = hosted.submit_document(session, blobs, trx, image, str(source))
        return Simulated(outcome, attempt_id=submitted.attempt_id)
    # The same checks as the page's liveness step (task open, document done), then a submission
    # without frames: the verdict is the scripted one.
    plan = hosted_liveness.start(session, trx)
    session.flush()
    live = session.scalars(select(LivenessSession).where(LivenessSession.nonce == plan.nonce)).one()
    live.scripted = outcome.value
    live.submitted_at = utcnow()
    live.frames_key = ""
    jobs.enqueue(session, LIVENESS_JOB, {"session_id": live.id}, job_id=f"liveness:{live.id}")
    return Simulated(outcome, liveness_session_id=live.id)
