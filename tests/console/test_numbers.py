"""The pipeline indexes an accepted document's number (a keyed digest, never the number), and the
console finds the transaction by it: a test-mode specimen through the real pipeline."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from idscan.container import Container
from idscan.models import DocumentNumberDigest
from tests.conftest import Caller
from tests.support.factories import API, create_transaction
from tests.support.rawdb import assert_not_stored
from tests.support.runtime import eventually, running_jobs
from tests.testmode.test_simulate import detail, simulate, task_state
from tests.testmode.test_specimen import need_fonts


def test_an_accepted_document_is_found_by_its_number(
    console: tuple[TestClient, str], container: Container, test_caller: Caller
) -> None:
    need_fonts()
    client, _ = console
    trx = create_transaction(client, test_caller)["id"]
    other = create_transaction(
        client, test_caller, settings={"documentScan": {"extractFields": ["surname"]}}
    )["id"]
    with running_jobs(container):
        assert simulate(client, test_caller, trx, "document_valid").status_code == 202
        assert simulate(client, test_caller, other, "document_valid").status_code == 202
        eventually(lambda: task_state(client, test_caller, trx, "document_scan") == "completed", 90)
        eventually(lambda: task_state(client, test_caller, other, "document_scan") == "completed", 90)
    done = detail(client, test_caller, trx)
    result = client.get(f"{API}/transactions/{trx}/results/{done['resultId']}", headers=test_caller.headers())
    fields = {f["field"]: f for f in result.json()["tasks"][0]["result"]}
    number = fields["document_number"]["values"][0]["value"]
    with container.session_factory() as session:
        indexed = list(session.scalars(select(DocumentNumberDigest.transaction_id)))
    assert indexed == [trx]  # not the one whose extractFields left the number out
    assert_not_stored(container.settings.database_url, number)
    found = client.get("/console/transactions", params={"q": number.lower()}).text
    assert f"/console/transactions/{trx}" in found
    assert f"/console/transactions/{other}" not in found
