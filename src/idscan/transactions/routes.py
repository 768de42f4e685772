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


# The two hottest routes are answered by hot_routes.HotRoutes before the router; these declare them
# (the OpenAPI document) and answer what that layer hands on (a root path, an invalid body).
@router.post("/transactions", status_code=201, response_model=schemas.TransactionCreated)
async def create_transaction(
    body: schemas.TransactionCreate, principal: PrincipalDep, c: ContainerDep, hot: HotDep
) -> Response:
    return _json(await create(hot, c, principal, body), 201)


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
    return _json(await read(hot, c, principal, transaction_id))


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


async def create(
    hot: db.HotPath, c: Container, principal: Principal, data: schemas.TransactionCreate
) -> schemas.TransactionCreated:
    """POST /transactions: two inserts on the hot path's own connection."""
    settings = c.settings
    new = service.new_transaction(
        c.keyring, principal.account_id, data, settings.effective_public_base_url, test=principal.test
    )
    # PostgreSQL takes both inserts as one statement: one round trip, atomic without BEGIN/COMMIT.
    await hot.insert([new.one_insert()] if hot.dialect == "postgresql" else new.inserts())
    return new.created


async def read(
    hot: db.HotPath, c: Container, principal: Principal, transaction_id: str
) -> schemas.TransactionOut:
    """GET /transactions/{id}: one or two selects on the hot path's own connection."""
    base_url = c.settings.effective_public_base_url
    return await service.read_detail(hot.fetch, c.keyring, principal.account_id, transaction_id, base_url)


def _aware(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None
