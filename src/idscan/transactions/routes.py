"""HTTP routes of the transactions API."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel

from idscan import db, pagination
from idscan.auth.dependencies import Principal, require_principal
from idscan.container import Container, get_container, get_hot_path
from idscan.db import transaction
from idscan.errors import IdscanError
from idscan.lib.clock import as_utc
from idscan.ops.openapi import PROBLEM_RESPONSES
from idscan.transactions import schemas, service, tasks
from idscan.transactions.states import TransactionState

log = logging.getLogger(__name__)
router = APIRouter(prefix="/id-scan/v1", tags=["transactions"], responses=PROBLEM_RESPONSES)

PrincipalDep = Annotated[Principal, Depends(require_principal)]
ContainerDep = Annotated[Container, Depends(get_container)]
HotDep = Annotated[db.HotPath, Depends(get_hot_path)]


def _json(model: BaseModel, status_code: int = 200) -> Response:
    """The hot routes answer their model serialised once: returned as a model, FastAPI would
    validate it against the response model again before serialising it."""
    return Response(model.model_dump_json(by_alias=True), status_code, media_type="application/json")


@router.post("/transactions", status_code=201, response_model=schemas.TransactionCreated)
async def create_transaction(
    body: schemas.TransactionCreate, principal: PrincipalDep, c: ContainerDep, hot: HotDep
) -> Response:
    created = await hot.write(
        lambda conn: service.create(
            conn,
            c.keyring,
            principal.account_id,
            body,
            c.settings.effective_public_base_url,
            test=principal.test,
        ),
    )
    return _json(created, 201)


@router.get(
    "/transactions/{transaction_id}",
    response_model=schemas.TransactionOut,
    responses={
        410: {"description": "Erased by DELETE or after the retention period (the list keeps its stub)"}
    },
)
async def get_transaction(
    transaction_id: str, principal: PrincipalDep, c: ContainerDep, hot: HotDep
) -> Response:
    detail = await hot.read(
        lambda conn: service.read_detail(
            conn, c.keyring, principal.account_id, transaction_id, c.settings.effective_public_base_url
        ),
    )
    return _json(detail)


@router.get("/transactions", response_model=schemas.TransactionPage)
def list_transactions(
    principal: PrincipalDep,
    c: ContainerDep,
    state: TransactionState | None = None,
    created_after: Annotated[schemas.Timestamp | None, Query(alias="createdAfter")] = None,
    created_before: Annotated[schemas.Timestamp | None, Query(alias="createdBefore")] = None,
    cursor: Annotated[str | None, Query(pattern=pagination.CURSOR_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> schemas.TransactionPage:
    with c.session_factory() as session:
        return service.list_page(
            session,
            principal.account_id,
            state=state,
            created_after=_aware(created_after),
            created_before=_aware(created_before),
            cursor=cursor,
            limit=limit,
        )


@router.delete(
    "/transactions/{transaction_id}",
    status_code=204,
    response_class=Response,
    description="Erases the transaction's personal data now; a pending one is cancelled. The transaction "
    "then answers 410 Gone; the list keeps its stub (id, states, timestamps) for the audit trail.",
)
def delete_transaction(transaction_id: str, principal: PrincipalDep, c: ContainerDep) -> Response:
    with transaction(c.session_factory) as session:
        service.erase(session, principal.account_id, transaction_id)
    # Erase the files now; the job enqueued with the state change repeats it if this fails.
    try:
        tasks.run_erase_files(c, transaction_id)
    except IdscanError:
        log.warning("immediate erasure failed; the erase job will retry")
    return Response(status_code=204)


def _aware(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None
