"""`idscan branding show|set|clear`: the same rules as the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.branding.test_logo import GOOD_SVG
from tests.test_cli import env, run  # noqa: F401 - the fixture

pytestmark = pytest.mark.usefixtures("env")


def test_set_show_and_clear(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, "credentials", "create", "--account", "acme")[0] == 0
    logo = tmp_path / "logo.svg"
    logo.write_bytes(GOOD_SVG)
    code, out, _ = run(
        capsys, "branding", "set", "--account", "acme", "--primary-color", "#0B6E4F", "--logo", str(logo)
    )
    assert code == 0
    shown = json.loads(out)
    assert shown["primaryColor"] == "#0b6e4f"
    assert shown["logo"] == "image/svg+xml"
    # `set` changes only what it is given.
    code, out, _ = run(capsys, "branding", "set", "--account", "acme", "--display-name", "Acme Bank")
    assert json.loads(out)["primaryColor"] == "#0b6e4f"
    assert json.loads(out)["logo"] == "image/svg+xml"
    code, out, _ = run(capsys, "branding", "set", "--account", "acme", "--unset", "logo")
    assert json.loads(out)["logo"] is None
    code, out, _ = run(capsys, "branding", "clear", "--account", "acme")
    assert json.loads(out)["displayName"] is None
    assert json.loads(run(capsys, "branding", "show", "--account", "acme")[1])["updatedAt"] is None


def test_refusals_are_plain_errors(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "credentials", "create", "--account", "acme")
    code, _, err = run(capsys, "branding", "set", "--account", "acme", "--primary-color", "#ffff00")
    assert code == 2
    assert "4.5:1" in err
    code, _, err = run(capsys, "branding", "set", "--account", "acme", "--support-url", "http://x.example")
    assert code == 2
    assert "supportUrl" in err or "support_url" in err
    code, _, err = run(capsys, "branding", "show", "--account", "nobody")
    assert code == 2
    assert "No account named 'nobody'" in err
