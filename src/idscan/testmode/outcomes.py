"""The outcomes a test transaction can be driven to, from its page or through the API."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    # A generated SPECIMEN passport, read by the real document engine.
    DOCUMENT_VALID = "document_valid"
    DOCUMENT_EXPIRED = "document_expired"
    DOCUMENT_MRZ_INVALID = "document_mrz_invalid"
    DOCUMENT_UNDER_AGE = "document_under_age"  # refused only where the transaction sets minimumAge
    DOCUMENT_UNREADABLE = "document_unreadable"
    # A scripted liveness verdict (and face comparison) in place of the models' judgement of frames.
    LIVENESS_PASSED = "liveness_passed"  # the face then matches the document
    LIVENESS_FAILED = "liveness_failed"
    FACE_MISMATCH = "face_mismatch"  # liveness passes, the face does not match the document

    @property
    def is_document(self) -> bool:
        return self.value.startswith("document_")


DOCUMENT_OUTCOMES = tuple(o for o in Outcome if o.is_document)
FACE_OUTCOMES = tuple(o for o in Outcome if not o.is_document)
