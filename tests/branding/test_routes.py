"""PUT/GET/DELETE /id-scan/v1/branding: per account, validated whole, contrast checked."""

from __future__ import annotations

import base64
from collections.abc import Callable

from fastapi.testclient import TestClient

from idscan.branding.schemas import MAX_BODY_BYTES
from tests.branding.test_logo import GOOD_SVG, png
from tests.conftest import Caller

URL = "/id-scan/v1/branding"
EMPTY = {
    "displayName": None,
    "primaryColor": None,
    "textColor": None,
    "supportUrl": None,
    "logo": None,
    "updatedAt": None,
}


def uri(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"


def test_an_account_starts_neutral(client: TestClient, caller: Caller) -> None:
    response = client.get(URL, headers=caller.headers())
    assert response.status_code == 200
    assert response.json() == EMPTY


def test_put_get_and_delete(client: TestClient, caller: Caller) -> None:
    body = {
        "displayName": "Acme Bank",
        "primaryColor": "#0B6E4F",
        "textColor": "#FFFFFF",
        "supportUrl": "https://help.acme.example/id",
        "logo": uri("image/svg+xml", GOOD_SVG),
    }
    put = client.put(URL, json=body, headers=caller.headers())
    assert put.status_code == 200, put.text
    stored = put.json()
    assert stored["primaryColor"] == "#0b6e4f"  # normalised
    assert stored["textColor"] == "#ffffff"
    assert stored["logo"].startswith("data:image/svg+xml;base64,")
    assert b"inkscape" not in base64.b64decode(stored["logo"].split(",", 1)[1])  # stored cleaned
    assert stored["updatedAt"] is not None
    assert client.get(URL, headers=caller.headers()).json() == stored
    # PUT replaces the whole branding: what is left out goes back to the default.
    assert client.put(URL, json={"displayName": "Acme"}, headers=caller.headers()).json()["logo"] is None
    assert client.delete(URL, headers=caller.headers()).status_code == 204
    assert client.get(URL, headers=caller.headers()).json() == EMPTY


def test_each_account_has_its_own(client: TestClient, make_caller: Callable[..., Caller]) -> None:
    acme, other = make_caller("acme"), make_caller("other")
    client.put(URL, json={"displayName": "Acme"}, headers=acme.headers())
    assert client.get(URL, headers=other.headers()).json() == EMPTY
    assert client.get(URL).status_code == 401


def test_colours_below_wcag_aa_are_refused(client: TestClient, caller: Caller) -> None:
    response = client.put(
        URL, json={"primaryColor": "#ffd400", "textColor": "#ffffff"}, headers=caller.headers()
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["path"] == "textColor"
    assert "4.5:1" in problem["errors"][0]["message"]
    # A pale primary with the default (white) text is refused too; with dark text it is fine.
    assert client.put(URL, json={"primaryColor": "#ffd400"}, headers=caller.headers()).status_code == 422
    fine = client.put(URL, json={"primaryColor": "#ffd400", "textColor": "#1a1a1a"}, headers=caller.headers())
    assert fine.status_code == 200
    assert client.get(URL, headers=caller.headers()).json()["primaryColor"] == "#ffd400"


def test_a_refused_put_changes_nothing(client: TestClient, caller: Caller) -> None:
    client.put(URL, json={"displayName": "Acme"}, headers=caller.headers())
    hostile = uri(
        "image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><script/></svg>'
    )
    response = client.put(URL, json={"displayName": "Evil", "logo": hostile}, headers=caller.headers())
    assert response.status_code == 422
    assert "<script>" in response.json()["detail"]
    assert client.get(URL, headers=caller.headers()).json()["displayName"] == "Acme"


def test_bad_fields_are_refused(client: TestClient, caller: Caller) -> None:
    for body, path in (
        ({"supportUrl": "http://help.acme.example/"}, "supportUrl"),
        ({"supportUrl": "javascript:alert(1)"}, "supportUrl"),
        ({"primaryColor": "red"}, "primaryColor"),
        ({"logo": "https://acme.example/logo.png"}, "logo"),
        ({"logo": "data:image/png;base64,###"}, "logo"),
        ({"logo": uri("image/png", b"not a png")}, "logo"),
        ({"displayName": "Acme\nBank"}, "displayName"),
        ({"colour": "#000000"}, "colour"),
    ):
        response = client.put(URL, json=body, headers=caller.headers())
        assert response.status_code == 422, body
        assert [e["path"] for e in response.json()["errors"]] == [path], response.json()


def test_a_png_logo_is_kept_as_png(client: TestClient, caller: Caller) -> None:
    response = client.put(URL, json={"logo": uri("image/png", png())}, headers=caller.headers())
    assert response.status_code == 200
    assert response.json()["logo"].startswith("data:image/png;base64,iVBOR")


def test_the_body_may_hold_a_logo_but_no_more(client: TestClient, caller: Caller) -> None:
    too_big = {"displayName": "x" * (MAX_BODY_BYTES + 10)}
    response = client.put(URL, json=too_big, headers=caller.headers())
    assert response.status_code == 413
    # A body over the usual JSON limit but within the logo's is read (and judged on its fields).
    large = client.put(URL, json={"displayName": "y" * (100 * 1024)}, headers=caller.headers())
    assert large.status_code == 422
