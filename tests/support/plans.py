"""A fixed liveness plan for tests whose synthetic performer must follow a known schedule."""

from __future__ import annotations

import dataclasses
import random
import secrets
from datetime import datetime

import pytest

from idscan.vision.liveness_plan import ChallengePlan, PlanParams, new_challenge


def fix_plans(monkeypatch: pytest.MonkeyPatch, seed: int = 7) -> None:
    """Every plan the service draws has the same schedule, but its own nonce.

    The nonce stays fresh because the service keeps one liveness session per plan and a nonce is
    single use: a second attempt in one transaction (the page's "try again") needs a new one."""
    from idscan.hosted import liveness as hosted_liveness

    def draw(rng: random.Random | None, now: datetime, params: PlanParams | None = None) -> ChallengePlan:
        plan = new_challenge(random.Random(seed), now, params)
        return dataclasses.replace(plan, nonce=secrets.token_urlsafe(24))

    monkeypatch.setattr(hosted_liveness, "new_challenge", draw)
