"""The command line: credentials, tokens, generated files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from idscan import cli
from idscan.app import create_app
from idscan.auth import service as auth_service
from idscan.auth.tokens import TokenPolicy, verify
from idscan.bootstrap import build_container
from idscan.config import Settings
from idscan.db import transaction
from tests.conftest import TEST_MASTER_KEY, Caller


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("IDSCAN_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("IDSCAN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("IDSCAN_DATABASE__URL", settings.database_url)
    monkeypatch.setenv("IDSCAN_SECURITY__MASTER_KEYS", TEST_MASTER_KEY)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("env")
def test_credentials_lifecycle_and_token(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "credentials", "create", "--account", "acme")
    assert code == 0
    lines = dict(line.split(":", 1) for line in out.strip().splitlines())
    kid, secret = lines["key ID"].strip(), lines["secret"].strip()
    assert len(secret) >= 43  # 256 bits of URL-safe base64
    assert "shown only now" in err

    code, out, _ = run(capsys, "credentials", "list", "--account", "acme")
    assert kid in out
    assert "active" in out
    assert secret not in out

    code, out, _ = run(capsys, "token", "--kid", kid, f"--secret={secret}", "--ttl", "120")
    token = out.strip()
    verified = verify(token, secret.encode(), now=verified_now(token), policy=TokenPolicy())
    assert verified.kid == kid
    assert verified.exp - verified.iat == 120

    assert run(capsys, "credentials", "revoke", kid)[0] == 0
    assert "revoked" in run(capsys, "credentials", "list")[1]
    code, _, err = run(capsys, "credentials", "revoke", "00000000-0000-4000-8000-000000000000")
    assert code == 2
    assert "No credential" in err


@pytest.mark.usefixtures("env")
def test_a_test_credential_opens_the_accounts_test_world(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    live = dict(
        line.split(":", 1)
        for line in run(capsys, "credentials", "create", "--account", "shop")[1].splitlines()
    )
    code, out, _ = run(capsys, "credentials", "create", "--account", "shop", "--test")
    assert code == 0
    test = dict(line.split(":", 1) for line in out.strip().splitlines())
    assert test["account"].strip() == "shop (test mode)"
    listed = run(capsys, "credentials", "list", "--account", "shop")[1].splitlines()
    assert sorted(line.split()[2] for line in listed) == ["live", "test"]
    container = build_container(settings)
    try:
        with container.session_factory() as session:
            live_kid, test_kid = live["key ID"].strip(), test["key ID"].strip()
            resolved = {
                kid: auth_service.resolve(session, container.keyring, kid) for kid in (live_kid, test_kid)
            }
    finally:
        container.close()
    assert resolved[live_kid] is not None
    assert resolved[test_kid] is not None
    assert (resolved[live_kid].mode, resolved[test_kid].mode) == ("live", "test")  # type: ignore[union-attr]
    assert resolved[live_kid].account_id != resolved[test_kid].account_id  # type: ignore[union-attr]


def test_token_takes_a_secret_that_starts_with_a_dash(capsys: pytest.CaptureFixture[str]) -> None:
    # Secrets made before new_secret() avoided a leading "-" still work in the `--secret=` form.
    secret = "-" + "A" * 42
    code, out, _ = run(capsys, "token", "--kid", "kid-1", f"--secret={secret}", "--ttl", "60")
    assert code == 0
    verified = verify(out.strip(), secret.encode(), now=verified_now(out.strip()), policy=TokenPolicy())
    assert verified.kid == "kid-1"


def verified_now(token: str) -> float:
    import time

    return time.time()


def test_openapi_json_is_committed_and_current() -> None:
    committed = cli.OPENAPI_PATH.read_text(encoding="utf-8")
    assert committed == cli.render_openapi(), "openapi.json is stale: run `idscan openapi`"


def test_openapi_describes_the_contract() -> None:
    import json

    spec = json.loads(cli.OPENAPI_PATH.read_text(encoding="utf-8"))
    assert spec["openapi"].startswith("3.1")
    paths = spec["paths"]
    for path in (
        "/id-scan/v1/transactions",
        "/id-scan/v1/transactions/{transaction_id}",
        "/id-scan/v1/webhooks",
        "/id-scan/v1/webhooks/{webhook_id}/deliveries",
    ):
        assert path in paths
    assert (
        "application/problem+json" in paths["/id-scan/v1/transactions"]["post"]["responses"]["422"]["content"]
    )


def test_config_docs_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "config", "docs", "--check")[0] == 0


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for command in ("serve", "worker", "migrate", "credentials", "token"):
        assert command in out


def test_migrate_creates_a_fresh_embedded_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in list(os.environ):
        if name.startswith("IDSCAN_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("IDSCAN_DATA_DIR", str(tmp_path / "data"))
    assert run(capsys, "migrate")[0] == 0
    assert (tmp_path / "data" / "idscan.sqlite").exists()
    assert run(capsys, "migrate")[0] == 0  # idempotent


def test_the_embedded_default_keeps_everything_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Database (and its WAL), blobs, master key and seal: every file 0600, every directory 0700,
    even in a data directory that existed before, open to all (it is tightened, with a warning)."""
    for name in list(os.environ):
        if name.startswith("IDSCAN_"):
            monkeypatch.delenv(name)
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    monkeypatch.setenv("IDSCAN_DATA_DIR", str(data))
    previous = os.umask(0o022)
    try:
        assert run(capsys, "migrate")[0] == 0
        settings = Settings()
        container = build_container(settings)
        with TestClient(create_app(settings, container=container, run_jobs=False)) as client:
            with transaction(container.session_factory) as session:
                new = auth_service.create_credential(session, container.keyring, "acme")
            caller = Caller(new.account_id, new.kid, new.secret)
            trx = client.post(
                "/id-scan/v1/transactions", json={"tasks": ["document_scan"]}, headers=caller.headers()
            )
            page = trx.json()["url"].removeprefix(settings.effective_public_base_url)
            photo = {"file": ("card.jpg", b"\xff\xd8 a photo", "image/jpeg")}
            assert client.post(
                f"{page}/documents", files=photo, headers={"Accept": "application/json"}
            ).is_success
            modes = {str(p.relative_to(data)): stat.S_IMODE(p.stat().st_mode) for p in data.rglob("*")}
            modes["."] = stat.S_IMODE(data.stat().st_mode)
        container.close()
    finally:
        os.umask(previous)
    assert {"idscan.sqlite", "idscan.sqlite-wal", "master.key", "seal-key.pem"} <= set(modes)
    assert any(name.endswith("/upload") for name in modes)
    assert {name: m for name, m in modes.items() if m & 0o077} == {}
