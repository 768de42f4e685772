"""Locate the shared real-image ground truth (never copied into the repo)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest


def fixtures_dir() -> Path:
    env = os.environ.get("IDSCAN_FIXTURES")
    if env:
        return Path(env)
    # tests/documents/mrz/fixtures.py -> repo root is parents[3]; shared/ sits beside the repo.
    return Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures"


# Layouts the passport-style MRZ engine does not read: the one-line zone of ISO/IEC 18013 driving
# licences has its own reader (issue 17, driving licences).
NOT_PASSPORT_STYLE = frozenset({"DL"})


def passport_style_items() -> list[dict[str, Any]]:
    """The ground truth's MRZ entries with lines in a layout this engine reads."""
    return [i for i in ground_truth()["mrz"] if i["lines"] and i["format"] not in NOT_PASSPORT_STYLE]


def ground_truth() -> dict[str, Any]:
    path = fixtures_dir() / "ground_truth.json"
    if not path.is_file():
        pytest.skip(f"shared fixtures not found at {path} (set IDSCAN_FIXTURES to their folder)")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
