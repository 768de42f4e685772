"""The transaction list and page: filters, search by ID and by document number, roles (a viewer
never loads an image), only redacted files that `extractFields` keeps, and the audited actions."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from idscan.container import Container
from idscan.models import DocumentNumberDigest, DocumentScan, Transaction
from tests.conftest import Caller
from tests.console.conftest import JPEG, NUMBER, RAW, ConsoleUser, audit_actions, completed_transaction, login
from tests.support.factories import new_transaction
from tests.support.receiver import running_receiver

API = "/id-scan/v1"


def ids_on(html: str, *candidates: str) -> set[str]:
    return {c for c in candidates if f"/console/transactions/{c}" in html}


def test_list_filters_and_search(
    console: tuple[TestClient, str], container: Container, caller: Caller, test_caller: Caller
) -> None:
    client, _ = console
    done = completed_transaction(container, caller)
    pending = new_transaction(container, caller)
    test = new_transaction(container, test_caller)
    everything = client.get("/console/transactions").text
    assert ids_on(everything, done, pending, test) == {done, pending, test}
    assert ids_on(client.get("/console/transactions?state=pending").text, done, pending, test) == {
        pending,
        test,
    }
    assert ids_on(client.get("/console/transactions?mode=test").text, done, pending, test) == {test}
    assert ids_on(client.get("/console/transactions?task=face_match").text, done, pending, test) == {done}
    assert ids_on(client.get("/console/transactions?code=accepted").text, done, pending, test) == {done}
    since = client.get("/console/transactions?account=acme&from=2000-01-01").text
    assert ids_on(since, done, pending, test) == {done, pending, test}
    assert ids_on(client.get("/console/transactions?to=2000-01-01").text, done, pending, test) == set()
    assert ids_on(client.get(f"/console/transactions?q={done}").text, done, pending, test) == {done}
    with container.session_factory() as session:
        result_id = session.get(Transaction, done).result_id  # type: ignore[union-attr]
    assert ids_on(client.get(f"/console/transactions?q={result_id}").text, done, pending, test) == {done}
    # By document number, however it is typed; the database holds only a keyed digest.
    assert ids_on(client.get("/console/transactions?q=spec-123 45").text, done, pending, test) == {done}
    assert ids_on(client.get("/console/transactions?q=SPEC99999").text, done, pending, test) == set()
    with container.session_factory() as session:
        digest = session.scalars(select(DocumentNumberDigest.digest)).one()
    assert NUMBER not in digest
    assert len(digest) == 64


def test_keyset_pagination(console: tuple[TestClient, str], container: Container, caller: Caller) -> None:
    client, _ = console
    made = {new_transaction(container, caller) for _ in range(27)}
    first = client.get("/console/transactions")
    assert 'rel="next"' in first.text
    next_url = first.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(next_url)
    seen_first, seen_second = ids_on(first.text, *made), ids_on(second.text, *made)
    assert len(seen_first) == 25
    assert seen_first | seen_second == made
    assert not seen_first & seen_second


def test_the_transaction_page_by_role(
    client: TestClient, container: Container, caller: Caller, make_user: Callable[..., ConsoleUser]
) -> None:
    trx = completed_transaction(container, caller)
    with container.session_factory() as session:
        scan = session.scalars(select(DocumentScan).where(DocumentScan.transaction_id == trx)).one()
    front = f"/console/transactions/{trx}/files/{scan.id}/document_front"
    raw = f"/console/transactions/{trx}/files/{scan.id}/raw_document_image"
    login(client, make_user("viewer@example.org", "viewer"))
    page = client.get(f"/console/transactions/{trx}")
    assert page.status_code == 200
    assert "accepted" in page.text
    assert "Your document was accepted." in page.text  # the code's hint
    assert NUMBER in page.text  # the result as the integrator sees it (document_number is extracted)
    assert "<img" not in page.text  # a viewer loads no image
    assert "/files/" not in page.text
    assert client.get(front).status_code == 403
    assert "/id-scan/v1/downloads/" not in page.text  # the integrator's bearer URLs are not shown
    client.cookies.clear()
    login(client, make_user("reviewer@example.org", "reviewer"))
    page = client.get(f"/console/transactions/{trx}")
    assert front in page.text
    assert raw not in page.text
    image = client.get(front)
    assert image.status_code == 200
    assert image.content == JPEG
    assert image.headers["content-security-policy"].endswith("frame-ancestors 'none'")
    assert client.get(raw).status_code == 404  # the raw upload is never served
    assert RAW not in client.get(front).content
    assert "view_image" in audit_actions(container)
    assert 'action="/console/transactions/' + trx + '/erase"' not in page.text  # no admin actions


def test_extract_fields_limits_what_is_shown(
    console: tuple[TestClient, str], container: Container, caller: Caller
) -> None:
    client, _ = console
    trx = completed_transaction(container, caller, settings={"documentScan": {"extractFields": ["surname"]}})
    with container.session_factory() as session:
        scan = session.scalars(select(DocumentScan).where(DocumentScan.transaction_id == trx)).one()
    page = client.get(f"/console/transactions/{trx}").text
    assert "/document_front" not in page
    assert "/portrait" not in page
    assert client.get(f"/console/transactions/{trx}/files/{scan.id}/document_front").status_code == 404
    assert client.get(f"/console/transactions/{trx}/files/{scan.id}/portrait").status_code == 404


def test_erase_needs_a_reason_and_confirmation(
    console: tuple[TestClient, str], container: Container, caller: Caller
) -> None:
    client, csrf = console
    trx = completed_transaction(container, caller)
    with container.session_factory() as session:
        scan = session.scalars(select(DocumentScan).where(DocumentScan.transaction_id == trx)).one()
    url = f"/console/transactions/{trx}/erase"
    assert client.post(url, data={"csrf": csrf, "reason": "asked", "confirm": "nope"}).status_code == 422
    assert client.post(url, data={"csrf": csrf, "reason": "", "confirm": trx[:8]}).status_code == 422
    assert client.post(url, data={"reason": "asked", "confirm": trx[:8]}).status_code == 403  # no csrf field
    answer = client.post(
        url, data={"csrf": csrf, "reason": "The customer asked (GDPR art. 17)", "confirm": trx[:8]}
    )
    assert answer.status_code == 200
    with container.session_factory() as session:
        row = session.get(Transaction, trx)
        assert row is not None
        assert row.erased_at is not None
        assert session.get(DocumentNumberDigest, trx) is None  # not findable by number any more
    assert client.get(f"/console/transactions/{trx}/files/{scan.id}/document_front").status_code == 410
    assert "The transaction&#39;s personal data was erased." in answer.text or "erased" in answer.text
    audit = client.get("/console/audit?action=erase").text
    assert "GDPR art. 17" in audit


def test_a_pending_transaction_is_cancelled_by_erase(
    console: tuple[TestClient, str], container: Container, caller: Caller
) -> None:
    client, csrf = console
    trx = new_transaction(container, caller)
    client.post(
        f"/console/transactions/{trx}/erase", data={"csrf": csrf, "reason": "fraud", "confirm": trx[:8]}
    )
    with container.session_factory() as session:
        assert session.get(Transaction, trx).state == "cancelled"  # type: ignore[union-attr]


def test_reviewer_notes_and_reports(
    client: TestClient, container: Container, caller: Caller, make_user: Callable[..., ConsoleUser]
) -> None:
    trx = completed_transaction(container, caller)
    viewer = make_user("viewer@example.org", "viewer")
    csrf = login(client, viewer)
    assert (
        client.post(f"/console/transactions/{trx}/notes", data={"csrf": csrf, "body": "x"}).status_code == 403
    )
    assert client.get(f"/console/transactions/{trx}/report").status_code == 403
    client.cookies.clear()
    csrf = login(client, make_user("reviewer@example.org", "reviewer"))
    answer = client.post(
        f"/console/transactions/{trx}/notes", data={"csrf": csrf, "body": "Photo <b>checked</b>"}
    )
    assert answer.status_code == 200
    assert "Photo &lt;b&gt;checked&lt;/b&gt;" in answer.text
    report = client.get(f"/console/transactions/{trx}/report?type=simple")
    assert report.status_code == 200
    assert report.content.startswith(b"%PDF")
    assert {"add_note", "download_report"} <= set(audit_actions(container))


def test_resend_a_delivery_through_the_retry_path(
    console: tuple[TestClient, str], container: Container, caller: Caller
) -> None:
    client, csrf = console
    with running_receiver() as receiver:
        hook = client.post(f"{API}/webhooks", json={"url": receiver.url}, headers=caller.headers())
        assert hook.status_code == 201
        created = client.post(
            f"{API}/transactions", json={"tasks": ["document_scan"]}, headers=caller.headers()
        )
        trx = created.json()["id"]
        client.delete(f"{API}/transactions/{trx}", headers=caller.headers())  # emits a state event
        page = client.get(f"/console/transactions/{trx}").text
        assert "transaction.state.updated" in page
        delivery = page.split("/deliveries/")[1].split("/resend")[0]
        answer = client.post(f"/console/transactions/{trx}/deliveries/{delivery}/resend", data={"csrf": csrf})
        assert answer.status_code == 200
        receiver.wait_for(1)
    assert "resend_delivery" in audit_actions(container)
    assert ">1<" in answer.text  # the attempt is listed


def test_a_failed_task_shows_why(
    client: TestClient, container: Container, caller: Caller, make_user: Callable[..., ConsoleUser]
) -> None:
    trx = completed_transaction(container, caller)
    with container.session_factory.begin() as session:
        task = session.get(Transaction, trx).tasks[0]  # type: ignore[union-attr]
        task.state, task.reason = "failed", "document_expired"
    login(client, make_user("viewer@example.org", "viewer"))
    page = client.get(f"/console/transactions/{trx}")
    assert "(<code>document_expired</code>)" in page.text
