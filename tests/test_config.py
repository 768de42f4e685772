"""Settings: environment, nesting, *_FILE secrets, clear errors, generated docs, the master key file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from idscan import config_docs
from idscan.bootstrap import load_keyring
from idscan.cli import load_settings
from idscan.config import Settings
from idscan.errors import ConfigurationError
from idscan.lib.aead import encode_key


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("IDSCAN_"):
            monkeypatch.delenv(name)


def test_embedded_default_needs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.is_sqlite
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'idscan.sqlite'}"
    assert settings.storage.backend == "local"
    assert settings.blob_path == Path("data/blobs")


def test_nested_variables_and_types(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDSCAN_DATABASE__URL", "postgresql+psycopg://u@db/idscan")
    monkeypatch.setenv("IDSCAN_AUTH__LEEWAY_SECONDS", "30")
    monkeypatch.setenv("IDSCAN_WEBHOOKS__RETRY_SCHEDULE_SECONDS", "1,2.5")
    monkeypatch.setenv("IDSCAN_PUBLIC_BASE_URL", "https://id.example/")
    settings = Settings()
    assert not settings.is_sqlite
    assert settings.auth.leeway_seconds == 30
    assert settings.webhooks.retry_schedule_seconds == [1.0, 2.5]
    assert settings.effective_public_base_url == "https://id.example"
    assert settings.effective_api_base_url == "https://id.example"


def test_file_variables_supply_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = encode_key(3, bytes(32))
    secret_file = tmp_path / "keys"
    secret_file.write_text(key + "\n")
    monkeypatch.setenv("IDSCAN_SECURITY__MASTER_KEYS_FILE", str(secret_file))
    monkeypatch.setenv("IDSCAN_STORAGE__S3_SECRET_ACCESS_KEY_FILE", str(secret_file))
    settings = Settings()
    assert settings.security.master_keys is not None
    assert settings.security.master_keys.get_secret_value() == key
    assert load_keyring(settings).active_id == 3
    assert key not in repr(settings)


def test_unreadable_file_variable_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDSCAN_SECURITY__MASTER_KEYS_FILE", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="IDSCAN_SECURITY__MASTER_KEYS_FILE: cannot read"):
        Settings()


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("IDSCAN_PORT", "eighty", "IDSCAN_PORT"),
        ("IDSCAN_AUTH__LEEWAY_SECONDS", "-5", "IDSCAN_AUTH__LEEWAY_SECONDS"),
        ("IDSCAN_STORAGE__BACKEND", "ftp", "IDSCAN_STORAGE__BACKEND"),
        ("IDSCAN_PUBLIC_BASE_URL", "id.example", "IDSCAN_PUBLIC_BASE_URL"),
        ("IDSCAN_STORAGE__BACKEND", "s3", "IDSCAN_STORAGE"),
        ("IDSCAN_VISION__OCR_PIPELINES", "0", "IDSCAN_VISION__OCR_PIPELINES"),
        ("IDSCAN_VISION__OCR_PIPELINES", "1e9", "IDSCAN_VISION__OCR_PIPELINES"),
        ("IDSCAN_VISION__OCR_PIPELINES", "NaN", "IDSCAN_VISION__OCR_PIPELINES"),
        ("IDSCAN_VISION__OCR_DETECTOR", "openvino", "IDSCAN_VISION__OCR_DETECTOR"),
        ("IDSCAN_VISION__OCR_DETECTOR", "", "IDSCAN_VISION__OCR_DETECTOR"),
    ],
)
def test_invalid_settings_fail_at_start_with_the_variable_name(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, shown: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as exc:
        load_settings()
    assert "Invalid configuration" in str(exc.value)
    assert shown in str(exc.value)


def test_master_key_is_generated_once_with_mode_0600(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path)
    first = load_keyring(settings)
    path = tmp_path / "master.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "generated a new master key" in caplog.text
    caplog.clear()
    assert load_keyring(settings) == first
    assert "generated" not in caplog.text


def test_master_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    load_keyring(settings)
    (tmp_path / "master.key").chmod(0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        load_keyring(settings)


def test_shared_database_requires_an_explicit_master_key(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database={"url": "postgresql+psycopg://u@db/x"})  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="MASTER_KEYS"):
        load_keyring(settings)


def test_configuration_docs_are_current() -> None:
    current = config_docs.DOC_PATH.read_text(encoding="utf-8")
    assert current == config_docs.render(), "docs/configuration.md is stale: run `idscan config docs`"


def test_docs_name_every_variable() -> None:
    text = config_docs.render()
    for name in (
        "IDSCAN_DATA_DIR",
        "IDSCAN_DATABASE__URL",
        "IDSCAN_SECURITY__MASTER_KEYS",
        "IDSCAN_WORKER_ID",
        "IDSCAN_WEBHOOKS__ALLOW_PRIVATE_TARGETS",
        "IDSCAN_RATE_LIMIT__REDIS_URL",
    ):
        assert f"`{name}`" in text


@pytest.mark.parametrize(
    ("ops", "message"),
    [
        ({"metrics_token": "too-short"}, "at least 32 characters"),
        ({"metrics_bind": "9108"}, "HOST:PORT"),
        ({"metrics_bind": "127.0.0.1:99999"}, "HOST:PORT"),
        ({"metrics_bind": "[::1]"}, "HOST:PORT"),
    ],
)
def test_ops_settings_are_checked(tmp_path: Path, ops: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings(data_dir=tmp_path, ops=ops)  # type: ignore[arg-type]


def test_ops_listener_address_and_docs_default(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, ops={"metrics_bind": "[::1]:9108"})  # type: ignore[arg-type]
    assert settings.ops.metrics_address == ("::1", 9108)
    assert settings.serves_api_docs  # loopback: the embedded default
    assert not Settings(data_dir=tmp_path, host="0.0.0.0").serves_api_docs
    assert Settings(data_dir=tmp_path, host="::1").serves_api_docs
