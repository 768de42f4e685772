"""The hosted page: languages, states, framing policy, and what it says about each attempt."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from idscan.app import create_app
from idscan.config import Settings
from idscan.container import Container
from idscan.db import transaction
from idscan.lib.ids import token_digest
from idscan.models import Handoff, Transaction
from tests.conftest import Caller
from tests.support.factories import create_transaction
from tests.support.rawdb import assert_not_stored

API = "/id-scan/v1"


@pytest.mark.parametrize(
    ("locale", "title"),
    [
        ("en-US", "Verify your identity"),
        ("nl-NL", "Verifieer uw identiteit"),
        ("fr-FR", "Vérifiez votre identité"),
    ],
)
def test_page_speaks_the_transaction_language(
    client: TestClient, caller: Caller, locale: str, title: str
) -> None:
    trx = create_transaction(client, caller, locale=locale)
    page = client.get(trx["url"].removeprefix("http://testserver"))
    assert page.status_code == 200
    assert title in page.text
    assert f'lang="{locale[:2]}"' in page.text
    assert '<label for="document"' in page.text  # the file input has a visible label


def test_framing_is_limited_to_allowed_origins(client: TestClient, caller: Caller) -> None:
    open_trx = create_transaction(client, caller)
    strict_trx = create_transaction(
        client, caller, allowedOrigins=["https://shop.example", "https://www.shop.example"]
    )
    open_page = client.get(open_trx["url"].removeprefix("http://testserver"))
    strict_page = client.get(strict_trx["url"].removeprefix("http://testserver"))
    assert "frame-ancestors *" in open_page.headers["content-security-policy"]
    assert (
        "frame-ancestors https://shop.example https://www.shop.example"
        in strict_page.headers["content-security-policy"]
    )
    assert strict_page.headers["cache-control"] == "no-store"


def test_a_stored_origin_that_is_not_strict_never_reaches_the_page(
    client: TestClient,
    caller: Caller,
    container: Container,
) -> None:
    """Defence in depth: origins are checked at creation, and again before they go into a header."""
    from idscan.db import transaction
    from idscan.models import Transaction

    mixed = create_transaction(client, caller, allowedOrigins=["https://shop.example"])
    none_left = create_transaction(client, caller, allowedOrigins=["https://shop.example"])
    with transaction(container.session_factory) as session:
        session.get(Transaction, mixed["id"]).allowed_origins = [  # type: ignore[union-attr]
            "https://shop.example",
            "https://a.example; script-src *",
        ]
        session.get(Transaction, none_left["id"]).allowed_origins = ["*"]  # type: ignore[union-attr]
    page = client.get(mixed["url"].removeprefix("http://testserver"))
    policy = page.headers["content-security-policy"]
    assert policy.endswith("frame-ancestors https://shop.example")
    assert "script-src" not in policy
    assert "a.example" not in page.text
    closed = client.get(none_left["url"].removeprefix("http://testserver"))
    assert closed.headers["content-security-policy"].endswith("frame-ancestors 'none'")


def test_unknown_link_is_a_clear_page(client: TestClient) -> None:
    page = client.get("/nl-nl/identifications/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert page.status_code == 404
    assert "Deze link is niet geldig." in page.text
    assert "Traceback" not in page.text


def test_unknown_language_is_404(client: TestClient, caller: Caller) -> None:
    trx = create_transaction(client, caller)
    token = trx["url"].rsplit("/", 1)[1]
    assert client.get(f"/de-de/identifications/{token}").status_code == 404


def test_cancelled_transaction_shows_a_clear_page(client: TestClient, caller: Caller) -> None:
    trx = create_transaction(client, caller, locale="fr-FR")
    client.delete(f"{API}/transactions/{trx['id']}", headers=caller.headers())
    page = client.get(trx["url"].removeprefix("http://testserver"))
    assert "Cette vérification a été annulée." in page.text
    assert "<form" not in page.text


def test_status_reports_the_last_attempt_with_a_localised_hint(
    client: TestClient, caller: Caller, container
) -> None:  # type: ignore[no-untyped-def]
    from idscan.pipeline import document

    trx = create_transaction(client, caller, locale="nl-NL")
    path = trx["url"].removeprefix("http://testserver")
    status = client.get(f"{path}/status").json()
    assert status["state"] == "pending"
    assert status["lastAttempt"] is None
    attempt = client.post(
        f"{path}/documents",
        files={"file": ("x.jpg", b"not an image", "image/jpeg")},
        headers={"Accept": "application/json"},
    ).json()
    assert client.get(f"{path}/status").json()["lastAttempt"]["code"] is None  # still being checked
    document.run(container, attempt["attemptId"])
    last = client.get(f"{path}/status").json()["lastAttempt"]
    assert last["code"] == "unsupported_file"
    assert last["hint"] == "Dit bestand is niet bruikbaar. Stuur een JPEG-, PNG-, WebP- of HEIC-foto."
    page = client.get(path)
    assert "Dit bestand is niet bruikbaar." in page.text


def test_form_upload_without_javascript_returns_to_the_page(client: TestClient, caller: Caller) -> None:
    trx = create_transaction(client, caller)
    path = trx["url"].removeprefix("http://testserver")
    response = client.post(
        f"{path}/documents",
        files={"file": ("x.jpg", b"img", "image/jpeg")},
        data={"source": "file"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == path


def test_oversized_upload_is_413(client: TestClient, caller: Caller, settings) -> None:  # type: ignore[no-untyped-def]
    trx = create_transaction(client, caller)
    path = trx["url"].removeprefix("http://testserver")
    big = b"\xff" * (settings.request_limits.max_upload_bytes + 10)
    response = client.post(f"{path}/documents", files={"file": ("x.jpg", big, "image/jpeg")})
    assert response.status_code == 413


def test_expired_transaction_shows_a_clear_page_and_refuses_uploads(
    client: TestClient,
    caller: Caller,
    container,  # type: ignore[no-untyped-def]
) -> None:
    from datetime import timedelta

    from idscan.db import transaction
    from idscan.lib.clock import utcnow
    from idscan.models import Transaction
    from idscan.transactions import tasks

    trx = create_transaction(client, caller, locale="nl-NL")
    with transaction(container.session_factory) as session:
        stored = session.get(Transaction, trx["id"])
        stored.expires_at = utcnow() - timedelta(seconds=1)
    path = trx["url"].removeprefix("http://testserver")
    # Past its expiry but not yet swept: uploads are already refused.
    refused = client.post(
        f"{path}/documents",
        files={"file": ("x.jpg", b"img", "image/jpeg")},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 410
    tasks.run_sweep(container)
    page = client.get(path)
    assert "Deze link is verlopen." in page.text
    assert "<form" not in page.text
    assert client.get(f"{path}/status").json()["state"] == "expired"


def limited_client(settings: Settings, container: Container, per_link: str) -> TestClient:
    limits = settings.rate_limit.model_copy(update={"enabled": True, "per_link": per_link})
    return TestClient(
        create_app(settings.model_copy(update={"rate_limit": limits}), container=container, run_jobs=False)
    )


def test_a_link_that_sends_too_much_is_slowed_down_in_its_language(
    settings: Settings, container: Container, caller: Caller
) -> None:
    with limited_client(settings, container, "3/minute") as client:
        flooded = create_transaction(client, caller, locale="fr-FR")["url"].removeprefix("http://testserver")
        other = create_transaction(client, caller)["url"].removeprefix("http://testserver")
        statuses = [client.post(f"{flooded}/handoff").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = client.post(f"{flooded}/handoff")
        assert refused.json()["code"] == "rate_limited"
        assert (
            refused.json()["detail"]
            == "Trop de tentatives en peu de temps. Attendez une minute, puis réessayez."
        )
        assert 0 < int(refused.headers["retry-after"]) <= 60
        # Each link has its own budget, and reading the page is not limited.
        assert client.post(f"{other}/handoff").status_code == 200
        assert client.get(flooded).status_code == 200


def test_a_refused_upload_keeps_the_photo_already_sent(
    settings: Settings, container: Container, caller: Caller
) -> None:
    with limited_client(settings, container, "1/minute") as client:
        path = create_transaction(client, caller)["url"].removeprefix("http://testserver")
        photo = {"file": ("card.jpg", b"\xff\xd8\xff\xe0 not checked until the worker runs", "image/jpeg")}
        first = client.post(f"{path}/documents", files=photo, headers={"Accept": "application/json"})
        assert first.status_code == 202
        again = client.post(f"{path}/documents", files=photo, headers={"Accept": "application/json"})
        assert again.status_code == 429
        assert again.json()["detail"] == "Too many tries in a short time. Wait a minute, then try again."
        status = client.get(f"{path}/status").json()
        assert status["lastAttempt"]["id"] == first.json()["attemptId"]


def test_the_hosted_link_is_kept_only_as_a_digest(
    client: TestClient, caller: Caller, settings: Settings
) -> None:
    url = create_transaction(client, caller)["url"]
    token = url.rsplit("/", 1)[1]
    assert_not_stored(settings.database_url, token)
    assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_a_phone_link_is_kept_only_as_a_digest_and_leads_to_the_page_once(
    client: TestClient, caller: Caller, settings: Settings
) -> None:
    page = create_transaction(client, caller)["url"].removeprefix("http://testserver")
    handoff = client.post(f"{page}/handoff").json()
    path = handoff["url"].removeprefix("http://testserver")
    assert path.startswith("/en-us/handoffs/")
    # Neither the phone's link nor the page link it leads to is in the database.
    assert_not_stored(settings.database_url, path.rsplit("/", 1)[1], page.rsplit("/", 1)[1])
    phone = client.get(path, follow_redirects=False)
    assert phone.status_code == 303
    assert phone.headers["location"] == f"{page}?device=phone"
    assert client.get(path).status_code == 410


def test_a_phone_link_that_was_tampered_with_leads_nowhere(
    client: TestClient, caller: Caller, container: Container
) -> None:
    """The sealed page link opens only with the phone link's own token: another row's seal fails."""
    first = create_transaction(client, caller)["url"].removeprefix("http://testserver")
    second = create_transaction(client, caller)["url"].removeprefix("http://testserver")
    one = client.post(f"{first}/handoff").json()["url"].removeprefix("http://testserver")
    two = client.post(f"{second}/handoff").json()["url"].removeprefix("http://testserver")
    with transaction(container.session_factory) as session:
        a, b = (session.get(Handoff, token_digest(p.rsplit("/", 1)[1])) for p in (one, two))
        assert a is not None
        assert b is not None
        a.capability_sealed = b.capability_sealed
    assert client.get(one, follow_redirects=False).status_code == 404
    assert client.get(two, follow_redirects=False).headers["location"] == f"{second}?device=phone"


def _page(client: TestClient, trx: dict[str, object]) -> str:
    response = client.get(str(trx["url"]).removeprefix("http://testserver"))
    assert response.status_code == 200
    return response.text


def test_the_page_wears_the_account_branding(
    client: TestClient, make_caller: Callable[..., Caller], container: Container
) -> None:
    import base64

    from tests.branding.test_logo import GOOD_SVG

    acme, other = make_caller("acme"), make_caller("other")
    logo = "data:image/svg+xml;base64," + base64.b64encode(GOOD_SVG).decode()
    body = {
        "displayName": "Acme <Bank>",
        "primaryColor": "#0B6E4F",
        "textColor": "#FFFFFF",
        "supportUrl": "https://help.acme.example/id?a=1&b=2",
        "logo": logo,
    }
    assert client.put(f"{API}/branding", json=body, headers=acme.headers()).status_code == 200
    branded = _page(client, create_transaction(client, acme, locale="nl-NL"))
    assert "--brand: #0b6e4f; --on-brand: #ffffff;" in branded
    assert 'src="data:image/svg+xml;base64,' in branded
    assert b"inkscape" not in base64.b64decode(
        branded.split('src="data:image/svg+xml;base64,')[1].split('"')[0]
    )
    assert 'alt="Logo van Acme &lt;Bank&gt;"' in branded  # escaped, in the page's language
    assert 'href="https://help.acme.example/id?a=1&amp;b=2"' in branded
    assert "Hulp nodig? Neem contact op" in branded
    # Another account's page keeps the neutral look.
    neutral = _page(client, create_transaction(client, other))
    assert "--brand: #1f4e99; --on-brand: #ffffff;" in neutral
    assert "data:image" not in neutral
    assert "help.acme.example" not in neutral
    # The finished page names the integrator in what happens next.
    trx = create_transaction(client, acme, locale="en-US")
    with transaction(container.session_factory) as session:
        row = session.get(Transaction, trx["id"])
        assert row is not None
        row.state = "completed"
    assert "Acme &lt;Bank&gt; will tell you the outcome." in _page(client, trx)


@pytest.mark.parametrize(
    ("tasks", "steps"),
    [
        (["document_scan"], ["document", "done"]),
        (["document_scan", "face_liveness", "face_match"], ["document", "liveness", "done"]),
    ],
)
def test_the_stepper_follows_the_tasks(
    client: TestClient, caller: Caller, tasks: list[str], steps: list[str]
) -> None:
    page = _page(client, create_transaction(client, caller, tasks=tasks))
    assert re.findall(r'data-step="(\w+)"', page) == steps
    assert re.findall(r'class="step (\w+)" data-step="(\w+)" aria-current="step"', page) == [
        ("current", "document")
    ]


def test_the_stepper_marks_what_is_done(client: TestClient, caller: Caller, container: Container) -> None:
    trx = create_transaction(client, caller, tasks=["document_scan", "face_liveness", "face_match"])
    with transaction(container.session_factory) as session:
        row = session.get(Transaction, trx["id"])
        assert row is not None
        task = row.task("document_scan")
        assert task is not None
        task.state = "completed"
    page = _page(client, trx)
    assert re.findall(r'class="step (\w+)" data-step="(\w+)"', page) == [
        ("done", "document"),
        ("current", "liveness"),
        ("todo", "done"),
    ]
    assert 'id="liveness" aria-labelledby="liveness-title" data-view="intro">' in page  # shown
    assert 'id="capture" aria-labelledby="capture-title" data-view="choose" hidden>' in page
