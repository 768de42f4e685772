"""HTTP routes of the branding API (ours): one branding per account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from idscan.auth.dependencies import Principal, require_principal
from idscan.branding import schemas, service
from idscan.container import Container, get_container
from idscan.db import transaction
from idscan.ops.openapi import PROBLEM_RESPONSES

router = APIRouter(prefix="/id-scan/v1", tags=["branding"], responses=PROBLEM_RESPONSES)

PrincipalDep = Annotated[Principal, Depends(require_principal)]
ContainerDep = Annotated[Container, Depends(get_container)]


@router.get("/branding", response_model=schemas.BrandingOut)
def get_branding(principal: PrincipalDep, c: ContainerDep) -> schemas.BrandingOut:
    """The account's branding (nulls: the neutral default)."""
    with c.session_factory() as session:
        return service.to_out(service.get(session, principal.account_id))


@router.put("/branding", response_model=schemas.BrandingOut)
def put_branding(body: schemas.BrandingIn, principal: PrincipalDep, c: ContainerDep) -> schemas.BrandingOut:
    """Replace the account's branding: the hosted pages, the phone's page and the simple report use
    it. Colours are refused (422) unless the text colour on the primary colour reaches WCAG AA."""
    with transaction(c.session_factory) as session:
        return service.to_out(service.put(session, principal.account_id, body))


@router.delete("/branding", status_code=204, response_class=Response)
def delete_branding(principal: PrincipalDep, c: ContainerDep) -> Response:
    """Back to the neutral default."""
    with transaction(c.session_factory) as session:
        service.clear(session, principal.account_id)
    return Response(status_code=204)
