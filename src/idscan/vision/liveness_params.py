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
    # face presence
    max_missing_share: float = 0.15
    multi_face_frames: int = 3
    # identity continuity (SFace cosine; same person ≥ 0.37, a cut ≤ 0.17 in our measurements)
    continuity_min_similarity: float = 0.30  # between consecutive sampled frames
    continuity_min_to_start: float = 0.22  # between the first sampled frame and every later one
    max_jump_face_widths: float = 0.5  # the face centre cannot leap between consecutive frames
    # baseline
    min_baseline_frames: int = 4
    max_baseline_yaw_deg: float = 20.0
    max_baseline_pitch_deg: float = 22.0
    # challenges
    window_grace_ms: int = 700  # people finish a move shortly after the prompt is gone
    turn_min_yaw_deg: float = 15.0
    turn_min_parallax: float = 0.06  # the nose must move against the cheeks: a flat photo cannot
    turn_min_frames: int = 2
    blink_max_ratio: float = 0.72  # both eyes' openness at most this share of the baseline
    blink_reopen_ratio: float = 0.85
    gate_max_yaw_deg: float = 20.0  # eye and mouth ratios lie when the head is turned
    smile_min_ratio: float = 1.09  # mouth width against the baseline
    smile_min_frames: int = 2
    unexpected_min_frames: int = 3
    # colour flashes
    flash_settle_ms: int = 150  # screen and camera latency before a flash shows on the face
    flash_min_shift: float = 0.004  # chromaticity change of the skin
    flash_min_cosine: float = 0.6  # direction of the change against the flashed colour
    flash_allowed_misses: int = 0
    # passive anti-spoofing slot
    passive_max_spoof_probability: float = 0.5
    track: TrackParams = field(default_factory=TrackParams)
