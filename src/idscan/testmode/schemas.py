"""Wire models of the test-mode API (ours)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from idscan.testmode.outcomes import Outcome


class SimulateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome = Field(
        description="document_*: a generated SPECIMEN passport goes through the real document "
        "engine; liveness_passed, liveness_failed, face_mismatch: a scripted liveness verdict "
        "(and face comparison) is recorded by the real pipeline.",
        json_schema_extra={"examples": ["document_valid"]},
    )


class SimulateOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    outcome: Outcome
    transaction_id: str = Field(alias="transactionId")
    attempt_id: str | None = Field(default=None, alias="attemptId")
    liveness_session_id: str | None = Field(default=None, alias="livenessSessionId")
