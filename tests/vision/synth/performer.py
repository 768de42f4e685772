"""A simulated person following (or not following) a challenge plan, rendered frame by frame."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from idscan.vision.liveness_plan import FLASH_COLOURS, ChallengeKind, ChallengePlan, Flash
from idscan.vision.liveness_track import Frame
from tests.vision.synth.warp import FaceRig, Image, affine_move, colour_cast


@dataclass(frozen=True)
class Action:
    kind: ChallengeKind
    start_ms: float
    length_ms: float
    amplitude: float  # degrees for turns, 0…1 for blink and smile


def follow(
    plan: ChallengePlan, rng: random.Random, kinds: Sequence[ChallengeKind] | None = None
) -> list[Action]:
    """React to each prompt after a human delay; `kinds` replaces what is done in each window."""
    done = list(kinds) if kinds is not None else [c.kind for c in plan.challenges]
    actions = []
    for challenge, kind in zip(plan.challenges, done, strict=True):
        start = challenge.start_ms + rng.uniform(250, 550)
        if kind in (ChallengeKind.HEAD_LEFT, ChallengeKind.HEAD_RIGHT):
            actions.append(Action(kind, start, rng.uniform(1000, 1300), rng.uniform(24, 32)))
        elif kind == ChallengeKind.BLINK:
            actions.append(Action(kind, start, rng.uniform(280, 380), 1.0))
        else:
            actions.append(Action(kind, start, rng.uniform(1000, 1300), rng.uniform(0.85, 1.0)))
    return actions


def _envelope(t: float, action: Action, ramp: float) -> float:
    """0 → 1 → 0 trapezoid over the action's time."""
    x = t - action.start_ms
    if x <= 0 or x >= action.length_ms:
        return 0.0
    return float(min(1.0, x / ramp, (action.length_ms - x) / ramp))


def pose_at(t: float, actions: Sequence[Action]) -> tuple[float, float, float]:
    yaw = blink = smile = 0.0
    for a in actions:
        if a.kind == ChallengeKind.HEAD_LEFT:
            yaw += a.amplitude * _envelope(t, a, 350)
        elif a.kind == ChallengeKind.HEAD_RIGHT:
            yaw -= a.amplitude * _envelope(t, a, 350)
        elif a.kind == ChallengeKind.BLINK:
            blink = max(blink, _envelope(t, a, 90))
        else:
            smile = max(smile, a.amplitude * _envelope(t, a, 300))
    return yaw, blink, smile


def flash_at(t: float, flashes: Sequence[Flash]) -> Flash | None:
    # The screen shows the colour a few ms late and the camera integrates it a frame later still.
    for f in flashes:
        if f.start_ms + 60 <= t <= f.end_ms + 30:
            return f
    return None


def frame_times(duration_ms: int, fps: float, rng: random.Random) -> list[int]:
    step = 1000.0 / fps
    times, t = [], 0.0
    while t <= duration_ms + 150:
        times.append(round(t + (rng.uniform(-6, 6) if t else 0.0)))
        t += step
    return times


def camera(image: Image, rng: random.Random, t: float, sway_px: float = 1.5, quality: int = 88) -> Image:
    """Hand sway, sensor noise and JPEG compression, as a webcam upload would have."""
    moved = affine_move(image, sway_px * np.sin(t / 700.0), sway_px * np.cos(t / 900.0), 0.0, 1.0)
    noise = np.random.default_rng(rng.getrandbits(32)).normal(0, 2.0, moved.shape)
    noisy = np.clip(moved.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return np.asarray(cv2.imdecode(buf, cv2.IMREAD_COLOR), np.uint8)


def render(
    rig: FaceRig,
    plan: ChallengePlan,
    actions: Sequence[Action],
    rng: random.Random,
    *,
    fps: float = 10.0,
    flashes: bool = True,
    flash_strength: float = 0.35,
    start_ms: int = 0,
) -> list[Frame]:
    frames = []
    for t in frame_times(plan.duration_ms, fps, rng):
        yaw, blink, smile = pose_at(t, actions)
        yaw += 1.2 * np.sin(t / 530.0)  # nobody holds perfectly still
        image = rig.render(yaw_deg=float(yaw), blink=blink, smile=smile)
        flash = flash_at(t, plan.flashes) if flashes else None
        if flash is not None:
            image = colour_cast(image, rig.mask, FLASH_COLOURS[flash.colour], flash_strength)
        frames.append(Frame(start_ms + t, camera(image, rng, t)))
    return frames
