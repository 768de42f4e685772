"""HTTP routes of the webhooks API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from idscan import pagination
from idscan.auth.dependencies import Principal, require_principal
from idscan.container import Container, get_container
from idscan.db import transaction
from idscan.ops.openapi import PROBLEM_RESPONSES
from idscan.webhooks import dispatch, schemas, service

router = APIRouter(prefix="/id-scan/v1", tags=["webhooks"], responses=PROBLEM_RESPONSES)

PrincipalDep = Annotated[Principal, Depends(require_principal)]
ContainerDep = Annotated[Container, Depends(get_container)]


@router.post("/webhooks", status_code=201, response_model=schemas.WebhookOut)
def create_webhook(
    body: schemas.WebhookCreate, principal: PrincipalDep, c: ContainerDep
) -> schemas.WebhookOut:
    with transaction(c.session_factory) as session:
        webhook = service.create(
            session,
            c.keyring,
            principal.account_id,
            body,
            allow_private=c.settings.webhooks.allow_private_targets,
        )
        return service.to_out(c.keyring, webhook)


@router.get("/webhooks", response_model=schemas.WebhookList)
def list_webhooks(principal: PrincipalDep, c: ContainerDep) -> schemas.WebhookList:
    with c.session_factory() as session:
        return schemas.WebhookList(
            items=[
                service.to_out(c.keyring, w) for w in service.list_for_account(session, principal.account_id)
            ]
        )


@router.get("/webhooks/{webhook_id}", response_model=schemas.WebhookOut)
def get_webhook(webhook_id: str, principal: PrincipalDep, c: ContainerDep) -> schemas.WebhookOut:
    with c.session_factory() as session:
        return service.to_out(c.keyring, service.get(session, principal.account_id, webhook_id))


@router.patch("/webhooks/{webhook_id}", response_model=schemas.WebhookOut)
def update_webhook(
    webhook_id: str, body: schemas.WebhookUpdate, principal: PrincipalDep, c: ContainerDep
) -> schemas.WebhookOut:
    with transaction(c.session_factory) as session:
        webhook = service.update(
            session,
            c.keyring,
            principal.account_id,
            webhook_id,
            body,
            allow_private=c.settings.webhooks.allow_private_targets,
        )
        return service.to_out(c.keyring, webhook)


@router.delete("/webhooks/{webhook_id}", status_code=204, response_class=Response)
def delete_webhook(webhook_id: str, principal: PrincipalDep, c: ContainerDep) -> Response:
    with transaction(c.session_factory) as session:
        service.delete(session, principal.account_id, webhook_id)
    return Response(status_code=204)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=schemas.DeliveryPage)
def list_deliveries(
    webhook_id: str,
    principal: PrincipalDep,
    c: ContainerDep,
    cursor: Annotated[str | None, Query(pattern=pagination.CURSOR_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> schemas.DeliveryPage:
    with c.session_factory() as session:
        return service.list_deliveries(session, principal.account_id, webhook_id, cursor=cursor, limit=limit)


def _after_send(c: Container, account_id: str, webhook_id: str, delivery_id: str) -> schemas.DeliveryOut:
    with c.session_factory() as session:
        return service.delivery_out(
            session, service.get_delivery(session, account_id, webhook_id, delivery_id)
        )


@router.post(
    "/webhooks/{webhook_id}/test",
    response_model=schemas.DeliveryOut,
    summary="Send a signed test event now",
    description="Sends a signed `webhook.ping` event to the webhook's URL at once (whatever events it "
    "subscribes to) and answers with the delivery: state, response status or error, duration. A "
    "failed ping is not retried.",
)
def test_webhook(webhook_id: str, principal: PrincipalDep, c: ContainerDep) -> schemas.DeliveryOut:
    # A sync route: the attempt blocks this worker thread for at most the delivery timeout.
    with transaction(c.session_factory) as session:
        delivery_id = service.create_ping(session, principal.account_id, webhook_id).id
    dispatch.send(c, delivery_id, why=dispatch.Send.PING)
    return _after_send(c, principal.account_id, webhook_id, delivery_id)


@router.post(
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/retry",
    response_model=schemas.DeliveryOut,
    summary="Send a delivery's event again now",
    description="One more attempt at once, with the same event body and ID (receivers de-duplicate by "
    "it). Success settles the delivery; after a failure a pending delivery keeps its retry schedule "
    "and a failed one stays failed.",
)
def retry_delivery(
    webhook_id: str, delivery_id: str, principal: PrincipalDep, c: ContainerDep
) -> schemas.DeliveryOut:
    with c.session_factory() as session:
        service.get_delivery(session, principal.account_id, webhook_id, delivery_id)  # tenancy, 404
    dispatch.send(c, delivery_id, why=dispatch.Send.RETRY)
    return _after_send(c, principal.account_id, webhook_id, delivery_id)
