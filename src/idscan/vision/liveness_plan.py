"""The server's side of a liveness session, part 1: issuing a random challenge plan.

The caller (a service with a database) must:
1. call `new_challenge(rng, now)` and store the plan (or at least its nonce, expiry and JSON) bound to
   the transaction and the browser session that asked for it;
2. send `plan.to_client()` to the page, which shows the prompts and the colour flashes on that
   schedule, timed from its first captured frame (t = 0), and uploads every frame with its timestamp;
3. on upload, atomically mark the nonce used (single use) *before* judging; reject a used, unknown or
   expired nonce without judging; then call `judge(plan, frames, ...)` off the event loop;
4. keep the best frame as the selfie; never trust any verdict the client sends.
"""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class ChallengeKind(StrEnum):
    HEAD_LEFT = "head_left"  # the subject turns to their own left
    HEAD_RIGHT = "head_right"
    BLINK = "blink"
    SMILE = "smile"


# Screen colours as BGR; saturated so their reflection shifts skin chromaticity in distinct directions.
FLASH_COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (0, 0, 255),
    "green": (0, 255, 0),
    "blue": (255, 0, 0),
    "yellow": (0, 255, 255),
    "magenta": (255, 0, 255),
    "cyan": (255, 255, 0),
}


@dataclass(frozen=True, slots=True)
class Challenge:
    kind: ChallengeKind
    start_ms: int  # prompt shown
    end_ms: int  # prompt removed; the action must happen inside (plus a grace period)


@dataclass(frozen=True, slots=True)
class Flash:
    colour: str  # key of FLASH_COLOURS
    start_ms: int
    end_ms: int


@dataclass(frozen=True, slots=True)
class PlanParams:
    challenges: int = 3  # 3 or 4 of the four kinds
    baseline_ms: tuple[int, int] = (900, 1300)  # look straight, before the first flash
    flashes: int = 3
    flash_ms: tuple[int, int] = (450, 650)
    flash_gap_ms: tuple[int, int] = (300, 500)
    window_ms: tuple[int, int] = (1800, 2500)
    gap_ms: tuple[int, int] = (500, 900)  # back to neutral between challenges
    tail_ms: int = 500
    validity: timedelta = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class ChallengePlan:
    nonce: str
    issued_at: datetime
    expires_at: datetime
    frontal_until_ms: int  # frames before this are the neutral baseline (flashes happen inside)
    flashes: tuple[Flash, ...]
    challenges: tuple[Challenge, ...]
    duration_ms: int  # capture must last at least this long
    version: int = 1

    def to_json(self) -> str:
        data = asdict(self)
        data["issued_at"] = self.issued_at.isoformat()
        data["expires_at"] = self.expires_at.isoformat()
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ChallengePlan:
        data = json.loads(text)
        return cls(
            nonce=data["nonce"],
            issued_at=datetime.fromisoformat(data["issued_at"]),
            expires_at=datetime.fromisoformat(data["expires_at"]),
            frontal_until_ms=int(data["frontal_until_ms"]),
            flashes=tuple(Flash(f["colour"], int(f["start_ms"]), int(f["end_ms"])) for f in data["flashes"]),
            challenges=tuple(
                Challenge(ChallengeKind(c["kind"]), int(c["start_ms"]), int(c["end_ms"]))
                for c in data["challenges"]
            ),
            duration_ms=int(data["duration_ms"]),
            version=int(data.get("version", 1)),
        )

    def to_client(self) -> dict[str, Any]:
        """What the page needs to run the schedule (the whole plan is not secret once issued)."""
        return {
            "nonce": self.nonce,
            "expiresAt": self.expires_at.isoformat(),
            "durationMs": self.duration_ms,
            "flashes": [
                {
                    "colour": f.colour,
                    "rgb": list(FLASH_COLOURS[f.colour][::-1]),
                    "startMs": f.start_ms,
                    "endMs": f.end_ms,
                }
                for f in self.flashes
            ],
            "challenges": [
                {"kind": str(c.kind), "startMs": c.start_ms, "endMs": c.end_ms} for c in self.challenges
            ],
        }


def new_challenge(
    rng: random.Random | None, now: datetime, params: PlanParams | None = None
) -> ChallengePlan:
    """A fresh plan: random kinds, order, windows and flash colours. Pass rng only in tests."""
    params = params or PlanParams()
    if not 3 <= params.challenges <= len(ChallengeKind):
        raise ValueError("a plan has 3 or 4 challenges")
    rand = rng or random.SystemRandom()
    nonce = secrets.token_urlsafe(24) if rng is None else f"{rand.getrandbits(128):032x}"
    t = rand.randint(*params.baseline_ms)
    flashes: list[Flash] = []
    previous = ""
    for _ in range(params.flashes):
        colour = rand.choice([c for c in FLASH_COLOURS if c != previous])
        length = rand.randint(*params.flash_ms)
        flashes.append(Flash(colour, t, t + length))
        previous = colour
        t += length + rand.randint(*params.flash_gap_ms)
    frontal_until = t
    kinds = rand.sample(list(ChallengeKind), params.challenges)
    challenges: list[Challenge] = []
    for i, kind in enumerate(kinds):
        if i:
            t += rand.randint(*params.gap_ms)
        length = rand.randint(*params.window_ms)
        challenges.append(Challenge(kind, t, t + length))
        t += length
    return ChallengePlan(
        nonce=nonce,
        issued_at=now,
        expires_at=now + params.validity,
        frontal_until_ms=frontal_until,
        flashes=tuple(flashes),
        challenges=tuple(challenges),
        duration_ms=t + params.tail_ms,
    )
