"""What the liveness engine saw, frame by frame: the measures and, per challenge kind, how strong
the action is against its threshold, so anyone can check the engine on a video
(`idscan face liveness --trace`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from idscan.vision.liveness_checks import CheckResult, baseline_of
from idscan.vision.liveness_params import LivenessParams
from idscan.vision.liveness_plan import ChallengeKind, ChallengePlan
from idscan.vision.liveness_signals import ActionSignals
from idscan.vision.liveness_track import Observation


@dataclass(frozen=True, slots=True)
class TraceRow:
    index: int
    t_ms: int
    face: bool
    yaw_deg: float | None  # raw, per frame
    pitch_deg: float | None
    eye_openness: float | None  # the more open eye (aspect ratio)
    eye_gap: float | None  # the more open eye's lid gap / iris diameter: what a blink is judged on
    mouth_width: float | None
    mouth_drop: float | None
    mouth_open: float | None
    mouth_lift: float | None  # corners against the lips (face_measures): a smile raises it
    corner_lift: tuple[float, float] | None  # the same per corner (img-left, img-right)
    strength: dict[str, float]  # per challenge kind; ≥ 1.0 = the engine sees the action here


def trace(obs: Sequence[Observation], plan: ChallengePlan, params: LivenessParams) -> list[TraceRow] | str:
    """One row per frame, or why there is nothing to compare with (no baseline)."""
    base = baseline_of(obs, plan, params)
    if isinstance(base, CheckResult):
        return "; ".join(r.detail for r in base.reasons) or base.name
    sig = ActionSignals(obs, base, params)
    strengths = {str(kind): sig.trace(kind) for kind in ChallengeKind}
    rows = []
    for i, o in enumerate(obs):
        m = o.measure
        rows.append(
            TraceRow(
                index=o.index,
                t_ms=o.t_ms,
                face=m is not None,
                yaw_deg=m.yaw_deg if m else None,
                pitch_deg=m.pitch_deg if m else None,
                eye_openness=m.eye_openness_max if m else None,
                eye_gap=m.eye_gap if m else None,
                mouth_width=m.mouth_width if m else None,
                mouth_drop=m.mouth_drop if m else None,
                mouth_open=m.mouth_open if m else None,
                mouth_lift=m.mouth_lift if m else None,
                corner_lift=m.corner_lift if m else None,
                strength={kind: round(float(s[i]), 2) for kind, s in strengths.items()},
            )
        )
    return rows


def _num(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def trace_text(rows: list[TraceRow]) -> list[str]:
    kinds = list(rows[0].strength) if rows else []
    head = (
        f"{'frame':>5} {'t_ms':>6} {'yaw':>6} {'pitch':>6} {'eyes':>5} {'e_gap':>5} {'m_w':>5}"
        f" {'m_drop':>6} {'m_open':>6} {'m_lift':>6} {'lift_l':>6} {'lift_r':>6}"
    )
    lines = [head + "".join(f" {k:>10}" for k in kinds) + "   (strength ≥ 1.00 *: action seen)"]
    for r in rows:
        line = (
            f"{r.index:>5} {r.t_ms:>6} {_num(r.yaw_deg, '+6.1f')} {_num(r.pitch_deg, '+6.1f')} "
            f"{_num(r.eye_openness, '5.3f')} {_num(r.eye_gap, '5.3f')} {_num(r.mouth_width, '5.3f')} "
            f"{_num(r.mouth_drop, '6.3f')} {_num(r.mouth_open, '6.3f')} {_num(r.mouth_lift, '+6.3f')} "
            f"{_num(r.corner_lift[0] if r.corner_lift else None, '+6.3f')} "
            f"{_num(r.corner_lift[1] if r.corner_lift else None, '+6.3f')}"
        )
        line += "".join(f" {r.strength[k]:>9.2f}{'*' if r.strength[k] >= 1.0 else ' '}" for k in kinds)
        lines.append(line)
    return lines
