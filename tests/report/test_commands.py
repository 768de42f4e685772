"""`idscan report verify`: prints intact/valid/trusted, the sealer and the time; exit status."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from idscan import cli
from idscan.report.model import ReportKind, build_report
from idscan.report.render import render_pdf
from idscan.report.seal import SealIdentity, seal
from tests.report.factories import T0, make_source
from tests.report.pki import Pki


@pytest.fixture(scope="module")
def sealed_file(tmp_path_factory: pytest.TempPathFactory, identity: SealIdentity) -> Path:
    pdf = render_pdf(build_report(make_source(), ReportKind.EXTENDED, generated=T0))
    path = tmp_path_factory.mktemp("verify") / "report.pdf"
    path.write_bytes(seal(pdf, identity).data)
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(["report", "verify", *argv])
    return code, capsys.readouterr().out


def test_trusted_seal(
    sealed_file: Path, pki: Pki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "root.pem"
    root.write_bytes(pki.root.cert_pem)
    code, out = _run(capsys, str(sealed_file), "--trust", str(root))
    assert code == 0
    assert "intact:    yes" in out
    assert "valid:     yes" in out
    assert "trusted:   yes" in out
    assert "CN=Shop Example seal" in out
    assert "PAdES B-B" in out
    assert "sealed at: 20" in out


def test_untrusted_and_unknown_trust(
    sealed_file: Path, pki: Pki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.pem"
    other.write_bytes(pki.other_root.cert_pem)
    code, out = _run(capsys, str(sealed_file), "--trust", str(other))
    assert code == 1
    assert "trusted:   NO" in out
    code, out = _run(capsys, str(sealed_file))
    assert code == 0
    assert "unknown (no --trust given)" in out


def test_tampered_and_missing_files(
    sealed_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = bytearray(sealed_file.read_bytes())
    data[len(data) // 3] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    code, out = _run(capsys, str(tampered))
    assert code == 1
    assert "intact:    NO" in out
    code, _ = _run(capsys, str(tmp_path / "absent.pdf"))
    assert code == 2


def test_a_trust_file_without_a_certificate_is_bad_input(
    sealed_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"not a certificate")
    code, _ = _run(capsys, str(sealed_file), "--trust", str(junk))
    assert code == 2


def test_a_simple_report_is_said_to_be_unsealed_by_design(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    simple = tmp_path / "simple.pdf"
    simple.write_bytes(render_pdf(build_report(make_source(), ReportKind.SIMPLE, generated=T0)))
    code, out = _run(capsys, str(simple))
    assert code == 1
    assert "this report is not sealed (only extended reports carry a seal)" in out


def test_summary_headers_never_break_inside_a_word() -> None:
    from pypdf import PdfReader

    for locale in ("en-US", "nl-NL", "fr-FR"):
        source = make_source(locale=locale)
        pdf = render_pdf(build_report(source, ReportKind.SIMPLE, generated=T0))
        words = (PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "").split()
        for header in {"en-US": "Threshold", "nl-NL": "Drempel", "fr-FR": "Seuil"}[locale].split():
            assert header in words, (locale, header)
