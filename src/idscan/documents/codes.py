"""Attempt codes: the engine's verdict on one document attempt (API section 2; ours beyond the
first two). Stored on the attempt, shown to the integrator, and given a hint on the hosted page."""

from __future__ import annotations

from enum import StrEnum


class AttemptCode(StrEnum):
    ACCEPTED = "accepted"
    # Side pairing: one side seen, the other needed (the next upload is linked to this one).
    FRONT_SIDE_PROVIDED_BACK_SIDE_REQUIRED = "front_side_provided_back_side_required"
    BACK_SIDE_PROVIDED_FRONT_SIDE_REQUIRED = "back_side_provided_front_side_required"
    UNKNOWN_TYPE_BACK = "unknown_type_back"
    # What was found on the photo.
    UNKNOWN_DOCUMENT = "unknown_document"
    MRZ_NOT_FOUND = "mrz_not_found"
    MRZ_INVALID = "mrz_invalid"
    # The transaction's rules (reported in this order of priority).
    DOCUMENT_EXPIRED = "document_expired"
    AGE_BELOW_MINIMUM = "age_below_minimum"
    AGE_ABOVE_MAXIMUM = "age_above_maximum"
    FIELD_INVALID = "field_invalid"
    COMPARISON_MISMATCH = "comparison_mismatch"
    # Photo quality.
    IMAGE_TOO_BLURRY = "image_too_blurry"
    IMAGE_GLARE = "image_glare"
    IMAGE_TOO_SMALL = "image_too_small"
    DOCUMENT_NOT_FULLY_VISIBLE = "document_not_fully_visible"
    PORTRAIT_NOT_FOUND = "portrait_not_found"
    # The portrait is there but too poor for the face match that follows (idscan.vision.enrol).
    PORTRAIT_TOO_SMALL = "portrait_too_small"
    PORTRAIT_BLURRY = "portrait_blurry"
    PORTRAIT_OBSCURED = "portrait_obscured"
    # The file itself, and the service.
    UNSUPPORTED_FILE = "unsupported_file"
    PROCESSING_FAILED = "processing_failed"  # the input broke the engine every time it was tried


# One side of a two-sided document: the attempt waits for its other side.
PAIRING_CODES = frozenset(
    {AttemptCode.FRONT_SIDE_PROVIDED_BACK_SIDE_REQUIRED, AttemptCode.BACK_SIDE_PROVIDED_FRONT_SIDE_REQUIRED}
)
