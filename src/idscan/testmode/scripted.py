"""The verdicts test mode scripts in place of the face models' judgement. Pure.

Only the models' answer is scripted: the pipeline records it, completes tasks, assembles the result,
writes reports and sends webhooks with the same code as for a real capture.
"""

from __future__ import annotations

from dataclasses import dataclass

from idscan.testmode.outcomes import Outcome
from idscan.vision.liveness_reasons import ReasonCode

# Scores on the engines' own scale (0…1, 0.5 at the threshold), clearly on one side of it.
PASS_SCORE, FAIL_SCORE = 0.95, 0.05


@dataclass(frozen=True)
class LivenessScript:
    passed: bool
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class MatchScript:
    passed: bool
    score: float


def liveness(outcome: Outcome) -> LivenessScript:
    if outcome in (Outcome.LIVENESS_PASSED, Outcome.FACE_MISMATCH):
        return LivenessScript(True, PASS_SCORE, ())
    if outcome is Outcome.LIVENESS_FAILED:
        # What a photo held up to the camera earns.
        return LivenessScript(False, FAIL_SCORE, (ReasonCode.PASSIVE_SPOOF.value,))
    raise ValueError(f"{outcome} scripts no liveness verdict")


def match(outcome: Outcome) -> MatchScript:
    if outcome is Outcome.LIVENESS_PASSED:
        return MatchScript(True, PASS_SCORE)
    if outcome is Outcome.FACE_MISMATCH:
        return MatchScript(False, FAIL_SCORE)
    raise ValueError(f"{outcome} scripts no face comparison")
