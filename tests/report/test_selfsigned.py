"""The embedded default's seal: generated once, owner-only, logged, and usable for sealing."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from idscan.errors import ConfigurationError
from idscan.report.seal import load_identity_pem, seal, verify
from idscan.report.selfsigned import CERT_FILE, KEY_FILE, ensure_seal_identity


def test_generated_once_owner_only_and_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data_dir = tmp_path / "data"
    with caplog.at_level(logging.WARNING, logger="idscan.report.selfsigned"):
        cert_pem, key_pem = ensure_seal_identity(data_dir)
    assert "self-signed seal certificate" in caplog.text
    for name in (CERT_FILE, KEY_FILE):
        assert (data_dir / name).stat().st_mode & 0o777 == 0o600
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="idscan.report.selfsigned"):
        assert ensure_seal_identity(data_dir) == (cert_pem, key_pem)
    assert caplog.text == ""


def test_seals_and_verifies_against_itself(tmp_path: Path) -> None:
    cert_pem, key_pem = ensure_seal_identity(tmp_path)
    import io

    from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, "hello")
    canvas.save()
    sealed = seal(out.getvalue(), load_identity_pem(cert_pem, key_pem))
    status = verify(sealed.data, [cert_pem])
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.signer is not None
    assert "idscan self-signed seal" in status.signer


def test_half_an_identity_is_refused(tmp_path: Path) -> None:
    ensure_seal_identity(tmp_path)
    (tmp_path / CERT_FILE).unlink()
    with pytest.raises(ConfigurationError):
        ensure_seal_identity(tmp_path, wait_seconds=0.2)


def test_a_process_starting_beside_the_generator_waits_for_its_certificate(tmp_path: Path) -> None:
    """Two workers of a cluster start at once: one writes the key, then the certificate; the other
    finds the key alone for a moment and must take the pair, not stop with an error."""
    cert_pem, key_pem = ensure_seal_identity(tmp_path / "made")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / KEY_FILE).write_bytes(key_pem)
    (tmp_path / "shared" / KEY_FILE).chmod(0o600)
    later = threading.Timer(0.3, lambda: (tmp_path / "shared" / CERT_FILE).write_bytes(cert_pem))
    later.start()
    try:
        assert ensure_seal_identity(tmp_path / "shared") == (cert_pem, key_pem)
    finally:
        later.join()


def test_a_readable_key_is_refused(tmp_path: Path) -> None:
    ensure_seal_identity(tmp_path)
    (tmp_path / KEY_FILE).chmod(0o644)
    with pytest.raises(ConfigurationError):
        ensure_seal_identity(tmp_path)
