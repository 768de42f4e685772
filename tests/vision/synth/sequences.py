"""Genuine and attack sequences for a plan, built from face rigs. Each attack kind is one function."""

from __future__ import annotations

import random
from collections.abc import Callable

import cv2
import numpy as np

from idscan.vision.liveness_plan import FLASH_COLOURS, ChallengePlan
from idscan.vision.liveness_track import Frame
from tests.vision.synth.performer import camera, flash_at, follow, frame_times, render
from tests.vision.synth.warp import FaceRig, affine_move, colour_cast


def genuine(rig: FaceRig, plan: ChallengePlan, rng: random.Random, fps: float = 10.0) -> list[Frame]:
    return render(rig, plan, follow(plan, rng), rng, fps=fps)


def static_photo(rig: FaceRig, plan: ChallengePlan, rng: random.Random, fps: float = 10.0) -> list[Frame]:
    """A printed photo held still in front of the camera; the screen's flashes do light it."""
    return render(rig, plan, [], rng, fps=fps)


def moved_photo(rig: FaceRig, plan: ChallengePlan, rng: random.Random, fps: float = 10.0) -> list[Frame]:
    """The photo slid about and rotated in its own plane, as a hand trying to fake the turns would."""
    frames = []
    phase = rng.uniform(0, 6.28)
    for t in frame_times(plan.duration_ms, fps, rng):
        s = np.sin(t / 600.0 + phase)
        image = affine_move(rig.image, 60 * s, 15 * np.cos(t / 450.0), 18 * s, 1.0 + 0.08 * np.sin(t / 800.0))
        flash = flash_at(t, plan.flashes)
        if flash is not None:
            image = colour_cast(
                image, np.ones(image.shape[:2], np.float32), FLASH_COLOURS[flash.colour], 0.35
            )
        frames.append(Frame(t, camera(image, rng, t)))
    return frames


def spliced(
    rig: FaceRig, other: FaceRig, plan: ChallengePlan, rng: random.Random, fps: float = 10.0
) -> list[Frame]:
    """Someone else performs the second challenge: the frames in its window come from another person."""
    mine = genuine(rig, plan, rng, fps)
    theirs = genuine(other, plan, random.Random(rng.random()), fps)
    c = plan.challenges[1]
    return [
        theirs[i] if c.start_ms <= f.timestamp_ms <= c.end_ms and i < len(theirs) else f
        for i, f in enumerate(mine)
    ]


def with_bystander(frames: list[Frame], photo: np.ndarray, width: int = 190) -> list[Frame]:
    """Someone else beside the person for the whole session: `photo` (another person's portrait)
    scaled to `width` pixels and standing in the frames' top-right corner, clear of the performer."""
    h = round(photo.shape[0] * width / photo.shape[1])
    other = cv2.resize(photo, (width, h), interpolation=cv2.INTER_AREA)
    out = []
    for f in frames:
        image = f.image.copy()
        fh, fw = image.shape[:2]
        part = other[: min(h, fh)]
        image[: part.shape[0], fw - width :] = part
        out.append(Frame(f.timestamp_ms, image))
    return out


def wrong_order(rig: FaceRig, plan: ChallengePlan, rng: random.Random, fps: float = 10.0) -> list[Frame]:
    """Every asked action, but in another order (a recording made for a guessed plan)."""
    kinds = [c.kind for c in plan.challenges]
    shuffled = kinds[1:] + kinds[:1]  # a rotation never leaves an action in its own window
    return render(rig, plan, follow(plan, rng, shuffled), rng, fps=fps)


def no_flash(rig: FaceRig, plan: ChallengePlan, rng: random.Random, fps: float = 10.0) -> list[Frame]:
    """The right actions in the right windows, but without the screen's light: an injected video."""
    return render(rig, plan, follow(plan, rng), rng, fps=fps, flashes=False)


def replayed(rig: FaceRig, old_plan: ChallengePlan, rng: random.Random, fps: float = 10.0) -> list[Frame]:
    """A genuine recording of an earlier session, sent again for a new plan."""
    return genuine(rig, old_plan, rng, fps)


SingleAttack = Callable[[FaceRig, ChallengePlan, random.Random, float], list[Frame]]
ATTACKS: dict[str, SingleAttack] = {
    "static_photo": static_photo,
    "moved_photo": moved_photo,
    "wrong_order": wrong_order,
    "no_flash": no_flash,
}
# spliced needs a second person and replayed an earlier plan: they are called directly.
ALL_ATTACK_KINDS = (*ATTACKS, "spliced", "replayed")
