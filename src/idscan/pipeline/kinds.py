"""Job kinds of the pipeline (names only, so that enqueuers need not import the steps)."""

from idscan.jobs import Kind, Queue

DOCUMENT_JOB = Kind("pipeline.document_attempt", Queue.PIPELINE)
LIVENESS_JOB = Kind("pipeline.liveness", Queue.PIPELINE)
FACE_MATCH_JOB = Kind("pipeline.face_match", Queue.PIPELINE)
