"""HTTP route of the audit reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from idscan.auth.dependencies import Principal, require_principal
from idscan.container import Container, get_container
from idscan.ops.openapi import PROBLEM_RESPONSES
from idscan.report import service
from idscan.report.model import ReportKind

router = APIRouter(prefix="/id-scan/v1", tags=["reports"], responses=PROBLEM_RESPONSES)

PrincipalDep = Annotated[Principal, Depends(require_principal)]
ContainerDep = Annotated[Container, Depends(get_container)]


@router.get(
    "/transactions/{transaction_id}/results/{result_id}/report",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}},
        409: {"description": "The transaction is not completed yet"},
        410: {"description": "Erased, or an extended report after the transaction expired"},
        503: {"description": "The configured timestamp authority is not reachable"},
    },
)
def get_report(
    transaction_id: str,
    result_id: str,
    principal: PrincipalDep,
    c: ContainerDep,
    report_type: Annotated[ReportKind, Query(alias="type")] = ReportKind.SIMPLE,
) -> Response:
    # A sync route on purpose: sealing blocks (pyHanko runs its own event loop).
    with c.session_factory() as session:
        prepared = service.prepare(
            session, c.keyring, c.blobs, principal.account_id, transaction_id, result_id, report_type
        )
    pdf = service.produce(prepared, c.blobs, c.seal)
    name = f"idscan-{transaction_id}-{report_type.value}.pdf"
    return Response(
        pdf,
        media_type=service.MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )
