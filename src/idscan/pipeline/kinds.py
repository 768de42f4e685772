"""Job kinds of the pipeline (names only, so that enqueuers need not import the steps)."""

DOCUMENT_JOB = "pipeline.document_attempt"
LIVENESS_JOB = "pipeline.liveness"
FACE_MATCH_JOB = "pipeline.face_match"
