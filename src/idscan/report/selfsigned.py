"""The embedded default's seal: a self-signed certificate made once, on first start.

PDF readers show such a seal as intact but from an unknown signer; operators who hand reports to
third parties configure their own seal certificate instead (see the report settings).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from idscan.errors import ConfigurationError

log = logging.getLogger(__name__)

CERT_FILE = "seal-cert.pem"
KEY_FILE = "seal-key.pem"
VALIDITY = dt.timedelta(days=3650)


def ensure_seal_identity(
    data_dir: Path, *, common_name: str = "idscan self-signed seal", wait_seconds: float = 15.0
) -> tuple[bytes, bytes]:
    """Return (cert_pem, key_pem) from `data_dir`, generating both (mode 0600) if neither exists."""
    cert_path, key_path = data_dir / CERT_FILE, data_dir / KEY_FILE
    if not cert_path.exists() and not key_path.exists():
        _generate(data_dir, common_name)
    # A process that starts beside another (two workers of a cluster) may find the key written and
    # the certificate not yet: the other writes it next. Only a pair still half after that is an error.
    deadline = time.monotonic() + wait_seconds
    while key_path.exists() and not cert_path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not (cert_path.exists() and key_path.exists()):
        raise ConfigurationError(f"{cert_path} and {key_path} must exist together; remove the one left over.")
    if key_path.stat().st_mode & 0o077:
        raise ConfigurationError(f"{key_path} must be readable by its owner only (chmod 600).")
    return cert_path.read_bytes(), key_path.read_bytes()


def _generate(data_dir: Path, common_name: str) -> None:
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "idscan"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # digitalSignature + nonRepudiation (contentCommitment): what a seal needs, nothing more.
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Key first, each file created exclusively: two processes starting at once cannot mix halves.
    try:
        _write_new(data_dir / KEY_FILE, key_pem)
    except FileExistsError:
        return  # another process is generating; its files win
    _write_new(data_dir / CERT_FILE, cert.public_bytes(serialization.Encoding.PEM))
    log.warning(
        "generated a self-signed seal certificate for extended reports; PDF readers will show the seal "
        "as intact but untrusted until you configure your own seal certificate",
        extra={"path": str(data_dir / CERT_FILE), "sha256": cert.fingerprint(hashes.SHA256()).hex()},
    )


def _write_new(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
