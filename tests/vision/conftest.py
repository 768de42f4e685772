"""Shared fixtures for the face engine tests: public face photos (skipped when absent) and the models."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from idscan.vision.images import decode_image
from idscan.vision.liveness_plan import ChallengePlan, new_challenge
from idscan.vision.sessions import VisionModels
from tests.support.factories import engines
from tests.vision.synth.stills import fixtures_dir, make_rig
from tests.vision.synth.warp import FaceRig, Image

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
# Frontal stills that the generator animates (checked to give a frontal baseline).
LIVE_STILLS = (
    "faces/facerec__obama__obama.jpg",
    "faces/openface__adams__adams.jpg",
    "faces/facerec__rose_leslie__img2.jpg",
)


@pytest.fixture(scope="session")
def fixtures() -> Path:
    root = fixtures_dir()
    if root is None:
        pytest.skip("shared/fixtures beside the repository (or $IDSCAN_FIXTURES) is absent: no face photos")
    return root


@pytest.fixture(scope="session")
def ground_truth(fixtures: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((fixtures / "ground_truth.json").read_text())
    return data


@pytest.fixture(scope="session")
def models() -> VisionModels:
    return engines().vision


@cache
def _image(root: Path, rel: str) -> Image:
    return decode_image((root / rel).read_bytes())


@pytest.fixture(scope="session")
def load(fixtures: Path) -> Any:
    return lambda rel: _image(fixtures, rel)


@cache
def _rig(root: Path, rel: str) -> FaceRig:
    rig = make_rig(_image(root, rel), engines().vision)
    assert rig is not None, rel
    return rig


@pytest.fixture(scope="session")
def rig_of(fixtures: Path) -> Any:
    return lambda rel: _rig(fixtures, rel)


def plan_for(seed: int) -> ChallengePlan:
    return new_challenge(random.Random(seed), NOW)
