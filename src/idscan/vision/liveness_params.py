"""Thresholds of the liveness judge. Challenge thresholds are relative to the subject's own baseline."""

from __future__ import annotations

from dataclasses import dataclass, field

from idscan.vision.liveness_track import TrackParams


@dataclass(frozen=True, slots=True)
class LivenessParams:
    # capture and timing
    min_frames: int = 30
    min_fps: float = 6.0
    max_gap_ms: int = 450  # a longer hole in the timestamps means frames were dropped or edited
    duration_slack_ms: int = 400
    frozen_share: float = 0.3  # share of near-identical consecutive frames that means a frozen feed
    frozen_min_still_ms: int = 1000  # only still stretches this long count: slow cameras, codecs repeat
    # face presence: a hand passing or the face leaving the frame for a moment is tolerated
    max_missing_share: float = 0.25
    max_face_loss_ms: int = 1200  # a longer loss asks the person to try again
    multi_face_frames: int = 3
    # identity continuity (SFace cosine; same person ≥ 0.37, a cut ≤ 0.17 in our measurements)
    continuity_min_similarity: float = 0.30  # between consecutive sampled frames
    continuity_min_to_start: float = 0.22  # between the first sampled frame and every later one
    max_jump_face_widths: float = 0.5  # the face centre cannot leap between consecutive frames
    # baseline
    min_baseline_frames: int = 4
    max_baseline_yaw_deg: float = 20.0
    max_baseline_pitch_deg: float = 25.0
    baseline_lips_closed_slack: float = 0.05  # mouth baseline: frames this near the most closed lips
    # challenges; every duration is in milliseconds, so a rule means the same at 10 and at 30 fps
    window_grace_ms: int = 700  # people finish a move shortly after the prompt is gone
    pose_smooth_ms: int = 250  # head pose: median over this span against single-frame outliers
    shape_smooth_ms: int = 150  # mouth shape: median over this span (blinks are never smoothed)
    turn_min_yaw_deg: float = 9.5  # against the person's own baseline; yaw noise p95 is ~5 degrees
    turn_min_parallax: float = 0.06  # the nose must move against the cheeks: a flat photo cannot
    turn_min_ms: int = 200
    blink_max_ratio: float = 0.62  # the more open eye's lid gap (eye_gap) at most this share of it around
    blink_max_base_ratio: float = 0.64  # and of its neutral gap at the start
    blink_max_closed_ms: int = 700  # eyes closed longer (or narrowed for longer) are not a blink
    gate_max_yaw_deg: float = 25.0  # eye and mouth shapes lie when the head is turned further
    gate_max_pitch_deg: float = 20.0
    smile_min_widen: float = 0.10  # mouth width against the baseline, minus 1
    smile_min_rise: float = 0.025  # corners raised towards the eyes, in eye-corner distances
    smile_min_lift: float = 0.03  # corners raised within the lips (face_measures.mouth_lift)
    smile_one_corner_share: float = 0.75  # one corner's lift counts at this share of both's ...
    smile_other_corner_max_fall: float = 0.02  # ... when the other falls no more than this
    smile_min_ms: int = 250
    smile_max_open: float = 0.22  # lips parted further than this (eye-corner distances) is a shout
    smile_open_span_ms: int = 300  # ... within this span: the way into and out of a shout is part of it
    unexpected_min_ms: int = 400
    unexpected_smile_min_ms: int = 1000  # people smile as they talk; only a long, broad smile counts
    unexpected_min_strength: float = 1.5  # clearly done, not a word or a glance while waiting
    # colour flashes
    flash_settle_ms: int = 150  # screen and camera latency before a flash shows on the face
    flash_min_shift: float = 0.004  # chromaticity change of the skin
    flash_min_cosine: float = 0.6  # direction of the change against the flashed colour
    flash_allowed_misses: int = 0
    # passive anti-spoofing slot
    passive_max_spoof_probability: float = 0.5
    track: TrackParams = field(default_factory=TrackParams)
