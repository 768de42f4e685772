"""Where a liveness session shows each action: per-frame strengths against the person's own baseline,
measured in time (milliseconds), so that a rule means the same at 10 and at 30 frames a second.

Strength 1.0 is exactly at the threshold. Head turns and smiles must be held for a while; a blink is
a closing of both eyes against the eyes' own open level nearby (so a smile's narrowed eyes, talking
or a moderate head offset neither hide a blink nor fake one), followed by their reopening.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from idscan.vision.face_measures import FaceMeasure
from idscan.vision.liveness_params import LivenessParams
from idscan.vision.liveness_plan import ChallengeKind
from idscan.vision.liveness_track import Observation

Series = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Baseline:
    yaw: float
    pitch: float
    parallax: float
    eye_openness: float  # the more open eye
    eye_gap: float  # the more open eye's lid gap / iris diameter (FaceMeasure.eye_gap)
    mouth_width: float
    mouth_drop: float
    mouth_open: float
    mouth_lift: float
    corner_lift: tuple[float, float]


def raw_series(obs: Sequence[Observation], value: Callable[[FaceMeasure], float]) -> Series:
    """Values per frame, NaN where no face was found."""
    return np.array([value(o.measure) if o.measure is not None else np.nan for o in obs], np.float64)


def _windows(t: Series, lo_ms: Series, hi_ms: Series) -> NDArray[np.intp]:
    """Per frame, the indices of the frames with lo_ms[i] <= t <= hi_ms[i], padded with -1."""
    lo = np.searchsorted(t, lo_ms, side="left")
    hi = np.searchsorted(t, hi_ms, side="right")
    width = int((hi - lo).max()) if len(t) else 0
    idx = lo[:, None] + np.arange(max(width, 1))[None, :]
    return np.where(idx < hi[:, None], idx, -1)


def _gather(values: Series, idx: NDArray[np.intp]) -> Series:
    padded = np.append(values, np.nan)  # index -1 reads the NaN
    return np.asarray(padded[idx], np.float64)


def rolling_median(t: Series, values: Series, half_ms: float) -> Series:
    """The median of the values within ±half_ms of each frame (NaN-aware): a median in time rather
    than over a number of frames, so its effect does not depend on the frame rate; a frame without
    a face between two with one is filled in by its neighbours."""
    rows = np.sort(_gather(values, _windows(t, t - half_ms, t + half_ms)), axis=1)  # NaN sort last
    valid = np.isfinite(rows).sum(axis=1)
    r = np.arange(len(t))
    lo, hi = np.maximum(valid - 1, 0) // 2, valid // 2
    hi = np.minimum(hi, rows.shape[1] - 1)
    return np.asarray(np.where(valid > 0, (rows[r, lo] + rows[r, hi]) / 2, np.nan), np.float64)


def _rolling_max(t: Series, values: Series, half_ms: float) -> Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # windows without a face stay NaN
        out = np.nanmax(_gather(values, _windows(t, t - half_ms, t + half_ms)), axis=1)
    return np.asarray(out, np.float64)


def _open_around(t: Series, eyes: Series, span_ms: float) -> Series:
    """How open the eyes were around each frame: the lesser of the widest opening in the span before
    and the widest in the span after. A blink is open on both sides; a squint coming or a smile's
    narrowed eyes are not, so they are measured against their own narrower level."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        before = np.nanmax(_gather(eyes, _windows(t, t - span_ms, t - 0.5)), axis=1)
        after = np.nanmax(_gather(eyes, _windows(t, t + 0.5, t + span_ms)), axis=1)
    return np.asarray(np.fmin(before, after), np.float64)


def frame_ms(t: Series) -> float:
    """The typical time one frame stands for."""
    return float(np.median(np.diff(t))) if len(t) > 1 else 100.0


class ActionSignals:
    """Per-frame strength of each action relative to the baseline (1.0 = exactly at threshold)."""

    def __init__(self, obs: Sequence[Observation], base: Baseline, params: LivenessParams) -> None:
        self.params = params
        self.t = np.array([o.t_ms for o in obs], np.float64)
        self.step = frame_ms(self.t)
        pose_half = params.pose_smooth_ms / 2
        self.yaw = rolling_median(self.t, raw_series(obs, lambda m: m.yaw_deg), pose_half) - base.yaw
        self.pitch = rolling_median(self.t, raw_series(obs, lambda m: m.pitch_deg), pose_half) - base.pitch
        par = rolling_median(self.t, raw_series(obs, lambda m: m.parallax), pose_half) - base.parallax
        left = np.minimum(self.yaw / params.turn_min_yaw_deg, par / params.turn_min_parallax)
        right = np.minimum(-self.yaw / params.turn_min_yaw_deg, -par / params.turn_min_parallax)
        # Eye and mouth shapes are read only while the head is near its baseline pose.
        readable = (np.abs(self.yaw) < params.gate_max_yaw_deg) & (
            np.abs(self.pitch) < params.gate_max_pitch_deg
        )
        shape_half = params.shape_smooth_ms / 2
        width = (
            rolling_median(self.t, raw_series(obs, lambda m: m.mouth_width), shape_half) / base.mouth_width
        )
        rise = base.mouth_drop - rolling_median(self.t, raw_series(obs, lambda m: m.mouth_drop), shape_half)
        # A smile widens the mouth and lifts its corners towards the eyes; an open mouth or a shout
        # drops them, however wide it is.
        # How far the lips part around each moment: the way into and out of a shout is part of it.
        parted = _rolling_max(self.t, raw_series(obs, lambda m: m.mouth_open), params.smile_open_span_ms)
        parted = parted - base.mouth_open
        lift = rolling_median(self.t, raw_series(obs, lambda m: m.mouth_lift), shape_half) - base.mouth_lift
        # A lopsided smile: one corner may carry the lift as long as the other does not fall (a
        # smirk pulled to one side while talking drops the other corner).
        one = rolling_median(self.t, raw_series(obs, lambda m: m.corner_lift[0]), shape_half)
        other = rolling_median(self.t, raw_series(obs, lambda m: m.corner_lift[1]), shape_half)
        one, other = one - base.corner_lift[0], other - base.corner_lift[1]
        higher, lower = np.fmax(one, other), np.fmin(one, other)
        one_sided = np.where(
            lower >= -params.smile_other_corner_max_fall, higher * params.smile_one_corner_share, -np.inf
        )
        lift = np.fmax(lift, one_sided)
        smile = np.minimum((width - 1.0) / params.smile_min_widen, rise / params.smile_min_rise)
        smile = np.minimum(smile, lift / params.smile_min_lift)
        smile = np.where(parted > params.smile_max_open, 0.0, smile)
        self.eyes = raw_series(obs, lambda m: m.eye_gap)
        # Against the eyes' own open level around the moment, not the baseline's: narrowed by a
        # smile, wider when surprised. Closed longer than the span is not a blink.
        around = _open_around(self.t, self.eyes, params.blink_max_closed_ms)
        self.eye_level = np.where(np.isfinite(around), around, base.eye_gap)
        # Closed against the opening around and against the person's neutral opening: a talker's
        # eyes narrowing after a wide-eyed moment is no blink.
        against_around = (1.0 - self.eyes / self.eye_level) / (1.0 - params.blink_max_ratio)
        against_base = (1.0 - self.eyes / base.eye_gap) / (1.0 - params.blink_max_base_ratio)
        self.closed = np.where(readable, np.minimum(against_around, against_base), 0.0)
        self.strength = {
            ChallengeKind.HEAD_LEFT: np.nan_to_num(left, nan=0.0),
            ChallengeKind.HEAD_RIGHT: np.nan_to_num(right, nan=0.0),
            ChallengeKind.SMILE: np.nan_to_num(np.where(readable, smile, 0.0), nan=0.0),
            ChallengeKind.BLINK: np.nan_to_num(self.closed, nan=0.0),
        }

    def held(self, kind: ChallengeKind, min_ms: float) -> Series:
        """Per frame, the strength held from that frame for at least min_ms (each frame stands for
        one frame interval), so 250 ms is 3 frames at 10 fps and 8 at 30 fps."""
        span = max(0.0, min_ms - self.step) - 1e-6
        held = np.nanmin(_gather(self.strength[kind], _windows(self.t, self.t, self.t + span)), axis=1)
        # A run cut short by the end of the capture was not held.
        return np.asarray(np.where(self.t + span <= self.t[-1] + 1e-6, held, 0.0), np.float64)

    def peak(self, kind: ChallengeKind, lo: float, hi: float, min_ms: float) -> float:
        """Best strength held for min_ms, starting inside [lo, hi] ms."""
        if kind == ChallengeKind.BLINK:
            return self.blink_peak(lo, hi)
        held = self.held(kind, min_ms)
        sel = (self.t >= lo) & (self.t <= hi)
        return float(held[sel].max()) if sel.any() else 0.0

    def blink_peak(self, lo: float, hi: float) -> float:
        """Deepest closure of both eyes inside the window, against their opening on both sides."""
        sel = (self.t >= lo) & (self.t <= hi)
        return float(self.strength[ChallengeKind.BLINK][sel].max()) if sel.any() else 0.0

    def trace(self, kind: ChallengeKind) -> Series:
        """What the checks compare with 1.0 at each frame (held strengths; blinks as they close)."""
        if kind == ChallengeKind.BLINK:
            return self.strength[kind]
        p = self.params
        return self.held(kind, p.smile_min_ms if kind == ChallengeKind.SMILE else p.turn_min_ms)
