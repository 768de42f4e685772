"""HTTP routes: the result of a completed transaction, and file downloads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from idscan.auth.dependencies import Principal, require_principal
from idscan.container import Container, get_container
from idscan.ops.openapi import PROBLEM_RESPONSES
from idscan.results import service

router = APIRouter(prefix="/id-scan/v1", tags=["results"], responses=PROBLEM_RESPONSES)

PrincipalDep = Annotated[Principal, Depends(require_principal)]
ContainerDep = Annotated[Container, Depends(get_container)]


@router.get(
    "/transactions/{transaction_id}/results/{result_id}",
    responses={409: {"description": "The transaction is not completed yet"}, 410: {"description": "Erased"}},
)
def get_result(
    transaction_id: str, result_id: str, principal: PrincipalDep, c: ContainerDep
) -> dict[str, Any]:
    with c.session_factory() as session:
        return service.read(session, c.keyring, principal.account_id, transaction_id, result_id)


@router.get(
    "/downloads/{token}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}, 410: {"description": "Expired or erased"}},
)
def download(token: str, principal: PrincipalDep, c: ContainerDep) -> Response:
    with c.session_factory() as session:
        found = service.fetch(session, c.blobs, principal.account_id, token)
    return Response(found.data, media_type=found.media_type, headers={"Cache-Control": "private, no-store"})
