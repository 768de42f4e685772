"""Build the result body of the contract (section 3) from plain data (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from idscan.documents.vocabulary import OPT_IN_FIELDS
from idscan.transactions.states import TaskState, TaskType

IMAGE_KINDS = ("document_image", "portrait")


@dataclass(frozen=True, slots=True)
class FileRef:
    category: str  # document | image
    type: str  # passport, identity_card, ... | portrait | selfie
    url: str | None
    name: str | None = None
    score: float | None = None

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"category": self.category, "type": self.type}
        if self.category == "document":
            out["name"] = self.name
            out["score"] = self.score
        out["url"] = self.url
        return out


@dataclass(frozen=True, slots=True)
class TaskOutcome:
    type: str
    state: str
    attempts: int | None = None
    score: float | None = None
    threshold: float | None = None
    passed: bool | None = None
    reason: str | None = None  # why a failed task failed
    fields: Sequence[Mapping[str, Any]] = ()
    files: Sequence[FileRef] = ()


def select_fields(fields: Sequence[Mapping[str, Any]], extract: Sequence[str] | None) -> list[dict[str, Any]]:
    """Only the fields the integrator asked for (all when `extractFields` was not given, except the
    opt-in ones such as the address, which only an explicit request returns)."""
    if extract is None:
        return [dict(f) for f in fields if f["field"] not in OPT_IN_FIELDS]
    wanted = set(extract)
    return [dict(f) for f in fields if f["field"] in wanted]


def select_files(files: Sequence[FileRef], extract: Sequence[str] | None) -> list[FileRef]:
    """With `extractFields`, document image and portrait URLs are null unless listed."""
    if extract is None:
        return list(files)
    wanted = set(extract)

    def allowed(ref: FileRef) -> bool:
        kind = (
            "portrait" if ref.type == "portrait" else "document_image" if ref.category == "document" else None
        )
        return kind is None or kind in wanted

    return [
        ref if allowed(ref) else FileRef(ref.category, ref.type, None, ref.name, ref.score) for ref in files
    ]


def result_body(
    transaction_id: str, state: str, tasks: Sequence[TaskOutcome], extract: Sequence[str] | None
) -> dict[str, Any]:
    body_tasks: list[dict[str, Any]] = []
    for task in tasks:
        item: dict[str, Any] = {"type": task.type, "state": task.state}
        if task.state == TaskState.FAILED:
            item["reason"] = task.reason  # ours
        if task.attempts is not None:
            item["attempts"] = task.attempts
        item["score"] = task.score
        if task.type == TaskType.DOCUMENT_SCAN:
            item["result"] = select_fields(task.fields, extract)
        if task.threshold is not None:
            item["threshold"] = task.threshold
            item["passed"] = task.passed
        if task.type != TaskType.FACE_MATCH:
            item["files"] = [ref.body() for ref in select_files(task.files, extract)]
        body_tasks.append(item)
    return {"id": transaction_id, "state": state, "tasks": body_tasks}
