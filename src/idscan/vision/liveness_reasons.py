"""Why a liveness session failed: stable codes for the API, and a plain hint for the page (en-US;
the hosted page translates by code)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReasonCode(StrEnum):
    PLAN_EXPIRED = "plan_expired"
    TOO_FEW_FRAMES = "too_few_frames"
    TIMING_IRREGULAR = "timing_irregular"
    CAPTURE_TOO_SHORT = "capture_too_short"
    FROZEN_VIDEO = "frozen_video"
    NO_FACE = "no_face"
    MULTIPLE_FACES = "multiple_faces"
    FACE_CHANGED = "face_changed"
    NOT_FRONTAL = "not_frontal_at_start"
    HEAD_LEFT_MISSED = "head_left_missed"
    HEAD_RIGHT_MISSED = "head_right_missed"
    BLINK_MISSED = "blink_missed"
    SMILE_MISSED = "smile_missed"
    UNEXPECTED_ACTION = "unexpected_action"
    FLASH_NOT_REFLECTED = "flash_not_reflected"
    PASSIVE_SPOOF = "passive_spoof_suspected"


HINTS: dict[ReasonCode, str] = {
    ReasonCode.PLAN_EXPIRED: "The check took too long. Please start it again.",
    ReasonCode.TOO_FEW_FRAMES: "We received too little video. Keep the camera on until the check ends.",
    ReasonCode.TIMING_IRREGULAR: "The video was interrupted. Please try again on a steadier connection.",
    ReasonCode.CAPTURE_TOO_SHORT: "Keep looking at the camera until all the steps are done.",
    ReasonCode.FROZEN_VIDEO: "The camera picture seemed frozen. Please try again.",
    ReasonCode.NO_FACE: "We could not see your face. Keep your whole face inside the frame.",
    ReasonCode.MULTIPLE_FACES: "Make sure only you are in the picture.",
    ReasonCode.FACE_CHANGED: "The face changed during the check. Please do the whole check yourself.",
    ReasonCode.NOT_FRONTAL: "Look straight at the camera at the start.",
    ReasonCode.HEAD_LEFT_MISSED: "Turn your head further to the left when asked.",
    ReasonCode.HEAD_RIGHT_MISSED: "Turn your head further to the right when asked.",
    ReasonCode.BLINK_MISSED: "Blink clearly once when asked, looking straight at the camera.",
    ReasonCode.SMILE_MISSED: "Smile broadly when asked, looking straight at the camera.",
    ReasonCode.UNEXPECTED_ACTION: "Do only what the current step asks, then look straight at the camera.",
    ReasonCode.FLASH_NOT_REFLECTED: "Turn up the screen brightness and keep your face close to the screen.",
    ReasonCode.PASSIVE_SPOOF: "Please use your own face, live, not a photo or a screen.",
}


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    hint: str
    detail: str = ""  # for logs and audits, never shown to the end user

    @classmethod
    def of(cls, code: ReasonCode, detail: str = "") -> Reason:
        return cls(code, HINTS[code], detail)
