"""`idscan users create|reset|list`: a console user and a one-time setup link that works."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.test_cli import env, run

__all__ = ["env"]


@pytest.mark.usefixtures("env")
def test_users_create_prints_a_setup_link(capsys: pytest.CaptureFixture[str], client: TestClient) -> None:
    code, out, err = run(capsys, "users", "create", "--email", "Ops@Example.org", "--role", "admin")
    assert code == 0
    assert "console user: ops@example.org (admin)" in out
    link = next(line.split()[-1] for line in out.splitlines() if line.startswith("setup link:"))
    assert "/console/setup/" in link
    assert "only now" in err
    page = client.get(link.replace("http://testserver", ""))
    assert page.status_code == 200
    assert "ops@example.org" in page.text
    assert run(capsys, "users", "create", "--email", "ops@example.org", "--role", "viewer")[0] == 1
    assert "ops@example.org  admin  invited" in run(capsys, "users", "list")[1]
    code, out, _ = run(capsys, "users", "reset", "--email", "ops@example.org")
    assert code == 0
    assert client.get(link.replace("http://testserver", "")).status_code == 404  # the old link is spent
