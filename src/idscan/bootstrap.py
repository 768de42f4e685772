"""Build what the composition roots share: keyring, engine, stores, clients."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from pydantic import SecretStr

from idscan import jobs
from idscan.config import Settings
from idscan.container import Container
from idscan.db import make_engine, make_session_factory
from idscan.engines import shared_engines
from idscan.errors import ConfigurationError
from idscan.lib.aead import Keyring, encode_key, generate_master_key, parse_keyring
from idscan.lib.files import private_dir
from idscan.lib.http import OutboundClient
from idscan.ops.metrics import Metrics
from idscan.report.seal import OperatorSeal, SealIdentity, load_identity_pem, load_identity_pkcs12
from idscan.report.selfsigned import ensure_seal_identity
from idscan.report.tsa import HttpTimestampClient
from idscan.storage.factory import build_blob_store

log = logging.getLogger(__name__)


def load_keyring(settings: Settings) -> Keyring:
    """The configured master keys; on the embedded default, a key generated once on disk."""
    if settings.security.master_keys is not None:
        try:
            return parse_keyring(settings.security.master_keys.get_secret_value())
        except ValueError as exc:
            raise ConfigurationError(f"IDSCAN_SECURITY__MASTER_KEYS: {exc}") from exc
    if not settings.is_sqlite:
        raise ConfigurationError(
            "IDSCAN_SECURITY__MASTER_KEYS (or _FILE) is required with a shared database: every node "
            "must hold the same master key."
        )
    return _key_file(settings.master_key_path)


def _key_file(path: Path) -> Keyring:
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process won the race; read theirs
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(encode_key(1, generate_master_key()) + "\n")
            log.warning(
                "generated a new master key; back it up: without it no stored image or secret can be read",
                extra={"path": str(path)},
            )
    if path.stat().st_mode & 0o077:
        raise ConfigurationError(f"{path} must be readable by its owner only (chmod 600).")
    try:
        return parse_keyring(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ConfigurationError(f"{path}: {exc}") from exc


def load_seal(settings: Settings) -> SealIdentity:
    """The operator's seal, or on the embedded default a self-signed one made once (and logged)."""
    report = settings.report

    def password(value: SecretStr | None) -> bytes | None:
        return value.get_secret_value().encode() if value is not None else None

    if report.seal_pkcs12_path is not None:
        return load_identity_pkcs12(
            report.seal_pkcs12_path.read_bytes(), password=password(report.seal_pkcs12_password)
        )
    if report.seal_certificate is not None and report.seal_key is not None:
        return load_identity_pem(
            report.seal_certificate.get_secret_value().encode(),
            report.seal_key.get_secret_value().encode(),
            password=password(report.seal_key_password),
        )
    return load_identity_pem(*ensure_seal_identity(settings.data_dir))


def prepare_data_dir(path: Path) -> None:
    """The data directory holds the database, blobs and keys: only the service's user may enter it.
    A looser existing directory is tightened (every file in it is the service's own, 0600), with a
    warning, since something else set it so."""
    try:
        before = private_dir(path)
    except PermissionError:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            log.warning(
                "the data directory is open to other users and is not ours to tighten: chmod 700 it",
                extra={"path": str(path)},
            )
        return
    if before is not None:
        log.warning(
            "the data directory was open to other users: tightened to 0700",
            extra={"path": str(path), "mode_was": oct(before)},
        )


def build_container(settings: Settings) -> Container:
    prepare_data_dir(settings.data_dir)
    keyring = load_keyring(settings)
    engine = make_engine(
        settings.database_url, pool_size=settings.database.pool_size, echo=settings.database.echo
    )
    jobs.prepare(engine)
    session_factory = make_session_factory(engine)
    metrics = Metrics()
    metrics.watch_queues(lambda: jobs.queue_stats(session_factory))
    return Container(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        keyring=keyring,
        blobs=build_blob_store(settings.storage, settings.blob_path, keyring),
        outbound=OutboundClient(
            timeout_seconds=settings.webhooks.timeout_seconds,
            allow_private=settings.webhooks.allow_private_targets,
        ),
        metrics=metrics,
        # Nothing loads here: each model loads on first use, once per process.
        engines=shared_engines(
            settings.vision.threads,
            ocr_pipelines=settings.vision.ocr_pipelines,
            ocr_detector=settings.vision.ocr_detector,
        ),
        seal=OperatorSeal(
            load_seal(settings),
            HttpTimestampClient(settings.report.tsa_url, settings.report.tsa_timeout_seconds)
            if settings.report.tsa_url
            else None,
        ),
    )
