"""The hosted page's test-mode buttons: a scripted outcome chosen on the page of a test transaction."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from idscan.db import transaction
from idscan.hosted import service
from idscan.hosted.routes import ContainerDep, Limited, _locale
from idscan.testmode import service as testmode
from idscan.testmode.schemas import SimulateIn

router = APIRouter(include_in_schema=False)


@router.post("/{path_locale}/identifications/{token}/test-outcome", dependencies=[Limited])
def choose_outcome(path_locale: str, token: str, body: SimulateIn, c: ContainerDep) -> JSONResponse:
    """Like the API's simulate, behind the link: 404 for a live transaction's link."""
    _locale(path_locale)
    with transaction(c.session_factory) as session:
        trx = service.resolve(session, token)
        done = testmode.simulate(session, c.blobs, trx, body.outcome)
    return JSONResponse(
        {
            "outcome": done.outcome.value,
            "attemptId": done.attempt_id,
            "livenessSessionId": done.liveness_session_id,
        },
        status_code=202,
    )
