"""axe-core in the browser tests: injected into every page (as an init script, which the page's
CSP does not block), run against WCAG 2.0-2.2 A/AA and best practice, violations as plain lines.

axe-core (MPL-2.0) comes from the npm registry into .cache/axe (git-ignored): `make axe`, which
`make test` runs; it is not vendored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

AXE_VERSION = "4.14.1"  # the Makefile's AXE_VERSION
AXE_JS = Path(__file__).resolve().parents[2] / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return {version: axe.version, violations: result.violations.map((v) => ({
    id: v.id, impact: v.impact,
    nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + (n.failureSummary || "").replace(/\\s+/g, " ")),
  }))};
}"""


def axe_script() -> Path:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make axe` (make test does)")
    return AXE_JS


def audit(page: Any) -> list[str]:
    """Every axe violation on the page as it is now, one line each (empty: none)."""
    found = page.evaluate(_RUN, TAGS)
    assert found["version"] == AXE_VERSION, found["version"]
    return [f"{v['id']} ({v['impact']}): {node}" for v in found["violations"] for node in v["nodes"]]
