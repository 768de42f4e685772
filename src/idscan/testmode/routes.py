"""HTTP routes of test mode (ours): drive a test transaction to an outcome without a browser."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from idscan.auth.dependencies import Principal, require_principal
from idscan.container import Container, get_container
from idscan.db import transaction
from idscan.ops.openapi import PROBLEM_RESPONSES
from idscan.testmode import schemas, service
from idscan.transactions import service as transactions

router = APIRouter(prefix="/id-scan/v1/test", tags=["test mode"], responses=PROBLEM_RESPONSES)

PrincipalDep = Annotated[Principal, Depends(require_principal)]
ContainerDep = Annotated[Container, Depends(get_container)]


@router.post(
    "/transactions/{transaction_id}/simulate",
    status_code=202,
    response_model=schemas.SimulateOut,
    responses={404: {"description": "Unknown, another account's, or not a test transaction"}},
)
def simulate(
    transaction_id: str, body: schemas.SimulateIn, principal: PrincipalDep, c: ContainerDep
) -> schemas.SimulateOut:
    """Test keys only. Queues the outcome through the real pipeline; the result, attempt codes,
    files, reports and webhooks follow as for a real capture (poll the transaction or wait for
    its webhook). A document outcome needs the document step open, a face outcome the liveness
    step (409 otherwise)."""
    with transaction(c.session_factory) as session:
        trx = transactions.get(session, principal.account_id, transaction_id)
        done = service.simulate(session, c.blobs, trx, body.outcome)
    return schemas.SimulateOut(
        outcome=done.outcome,
        transaction_id=transaction_id,
        attempt_id=done.attempt_id,
        liveness_session_id=done.liveness_session_id,
    )
