"""The import contracts in pyproject.toml cover the whole package: a new top-level module must be
named in the DBOS contract, or the rule "only idscan.jobs imports DBOS" silently stops holding."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import idscan

PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"


def _contract(name_start: str) -> dict[str, object]:
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    (found,) = [c for c in contracts if str(c["name"]).startswith(name_start)]
    return dict(found)


def test_every_top_level_module_but_jobs_is_kept_from_dbos() -> None:
    modules = {f"idscan.{m.name}" for m in pkgutil.iter_modules(idscan.__path__)}
    contract = _contract("Only idscan.jobs imports DBOS")
    assert set(contract["source_modules"]) == modules - {"idscan.jobs"}  # type: ignore[arg-type]
    assert contract["forbidden_modules"] == ["dbos"]
