"""A document attempt, as an ordered list of small steps: load, read, store files, record.

Every step can run again after a crash: files go to fixed keys, and `record` does nothing once
the attempt has been recorded (checked under a row lock in the recording transaction).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from idscan.container import Container
from idscan.db import transaction
from idscan.documents.codes import PAIRING_CODES, AttemptCode
from idscan.documents.reader import read_document
from idscan.documents.reading import DocumentReading, ReadParams
from idscan.documents.redact import redact
from idscan.documents.vocabulary import OPT_IN_FIELDS, RedactField
from idscan.errors import UnsupportedImageError
from idscan.lib.clock import utcnow
from idscan.models import DocumentScan, Task, Transaction
from idscan.pipeline import images
from idscan.pipeline.outcome import PROCESSING_FAILED, reading_aad, record_task_outcome, want_face_match
from idscan.results import document_numbers as numbers
from idscan.results import service as results
from idscan.testmode import specimen
from idscan.transactions.policy import DocumentScanPolicy, policy_of
from idscan.transactions.states import TaskState, TaskType, TransactionState


@dataclass(frozen=True)
class AttemptInput:
    attempt_id: str
    transaction_id: str
    policy: DocumentScanPolicy
    tasks: tuple[str, ...]
    upload_key: str
    partner_key: str | None  # the earlier side this upload completes
    partner_is_front: bool
    today: date
    test: bool = False  # a test transaction: its documents are generated specimens


@dataclass
class Analysis:
    code: AttemptCode
    score: float | None = None
    document_type: str | None = None
    side: str | None = None
    reading: dict[str, Any] | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # file kind -> JPEG


def load(ctx: Container, attempt_id: str) -> AttemptInput | None:
    with ctx.session_factory() as session:
        attempt = session.get(DocumentScan, attempt_id)
        if attempt is None or attempt.processed_at is not None:
            return None
        trx = session.get(Transaction, attempt.transaction_id)
        if trx is None or trx.state != TransactionState.PENDING:
            return None
        partner_key, partner_is_front = None, False
        if attempt.linked:
            partner = session.scalars(
                select(DocumentScan)
                .where(
                    DocumentScan.transaction_id == trx.id,
                    DocumentScan.created_at <= attempt.created_at,
                    DocumentScan.id != attempt.id,
                    DocumentScan.code.in_(PAIRING_CODES),
                )
                .order_by(DocumentScan.created_at.desc())
                .limit(1)
            ).first()
            if partner is not None:
                partner_key = upload_key(partner.files)
                partner_is_front = partner.code == AttemptCode.FRONT_SIDE_PROVIDED_BACK_SIDE_REQUIRED
        return AttemptInput(
            attempt_id=attempt.id,
            transaction_id=trx.id,
            policy=policy_of(trx),
            tasks=tuple(trx.task_types),
            upload_key=upload_key(attempt.files),
            partner_key=partner_key,
            partner_is_front=partner_is_front,
            today=attempt.created_at.date(),
            test=trx.test,
        )


def upload_key(files: list[dict[str, Any]]) -> str:
    return next(str(f["key"]) for f in files if f["type"] == "raw_document_image")


def analyse(ctx: Container, inp: AttemptInput) -> Analysis:
    upload = ctx.blobs.get(inp.upload_key)
    partner = ctx.blobs.get(inp.partner_key) if inp.partner_key else None
    front, back = (partner, upload) if partner is not None and inp.partner_is_front else (upload, partner)
    wants_portrait = TaskType.FACE_MATCH in inp.tasks
    params = ReadParams(
        today=inp.today,
        rules=inp.policy.document_rules(inp.today),
        # A specimen's portrait is a drawing no face detector finds; its place is known instead.
        require_portrait=wants_portrait and not inp.test,
    )
    try:
        reading = read_document(front, back, params, ctx.engines)
    except UnsupportedImageError:
        return Analysis(code=AttemptCode.UNSUPPORTED_FILE)
    files = derived_files(reading, inp.policy.redact_fields)
    redacted = RedactField.PORTRAIT in inp.policy.redact_fields
    if inp.test and wants_portrait and reading.sides and "portrait" not in files and not redacted:
        files["portrait"] = images.jpeg(specimen.portrait_crop(reading.sides[0].image))
    return Analysis(
        code=reading.code,
        score=round(reading.score, 4),
        document_type=reading.document_type,
        side=reading.sides[-1].side if reading.sides else None,
        reading=reading_record(reading, inp.policy),
        files=files,
    )


def reading_record(reading: DocumentReading, policy: DocumentScanPolicy) -> dict[str, Any]:
    """What the result needs later, kept sealed with the attempt. An opt-in field (the address)
    the integrator did not ask for is not kept at all, rather than kept and filtered out later."""
    unasked = {f for f in OPT_IN_FIELDS if policy.extract_fields is None or f not in policy.extract_fields}
    return {
        "documentType": reading.document_type,
        "issuingCountry": reading.issuing_country,
        "name": reading.file_name,
        "score": round(reading.score, 4),
        "fields": [f.to_dict() for f in reading.fields if f.field not in unasked],
        "sides": [s.side for s in reading.sides],
    }


def derived_files(reading: DocumentReading, redact_fields: Collection[str]) -> dict[str, bytes]:
    """The redacted flat image of each side and the portrait crop (unless the portrait is redacted)."""
    files = {}
    for side in reading.sides:
        files[f"document_{side.side}"] = images.jpeg(redact(side.image, side.regions, redact_fields))
    portrait = reading.portrait
    if portrait is not None and RedactField.PORTRAIT not in redact_fields:
        files["portrait"] = images.jpeg(portrait.image)
    return files


def store_files(ctx: Container, inp: AttemptInput, analysis: Analysis) -> list[dict[str, Any]]:
    stored = []
    for kind, data in analysis.files.items():
        key = f"transactions/{inp.transaction_id}/attempts/{inp.attempt_id}/{kind}.jpg"
        ctx.blobs.put(key, data)
        stored.append({"category": "image" if kind == "portrait" else "document", "type": kind, "key": key})
    return stored


def record(ctx: Container, inp: AttemptInput, analysis: Analysis, files: list[dict[str, Any]]) -> None:
    with transaction(ctx.session_factory) as session:
        attempt = session.get(DocumentScan, inp.attempt_id, with_for_update=True)
        trx = session.get(Transaction, inp.transaction_id, with_for_update=True)
        if attempt is None or attempt.processed_at is not None or trx is None:
            return
        attempt.processed_at = utcnow()
        attempt.code = analysis.code
        attempt.score = analysis.score
        attempt.document_type = analysis.document_type
        attempt.side = analysis.side
        api = ctx.settings.effective_api_base_url
        served = [
            {
                **item,
                "url_sealed": results.seal_url(
                    ctx.keyring,
                    item["key"],
                    results.new_download(session, trx, item["key"], images.JPEG, item["type"], api),
                ),
            }
            for item in files
        ]
        attempt.files = [*attempt.files, *served]
        if analysis.reading is not None:
            sealed = json.dumps(analysis.reading, separators=(",", ":")).encode()
            attempt.reading_sealed = ctx.keyring.seal(sealed, aad=reading_aad(attempt.id))
            number = document_number(analysis)
            if number is not None and policy_of(trx).extracts("document_number"):
                # A keyed digest, never the number: the console finds the transaction by it.
                numbers.remember(session, ctx.keyring, trx.id, number)
        if trx.state != TransactionState.PENDING:
            return
        task = trx.task(TaskType.DOCUMENT_SCAN)
        if task is None or task.state != TaskState.PENDING:
            return
        if not attempt.linked:
            task.attempts += 1
        if analysis.document_type not in (None, "", "unknown"):
            task.attempts_invoiced += 1
        outcome = _task_outcome(analysis.code, task, ctx.settings.transactions.max_attempts)
        if outcome is not None:
            record_task_outcome(ctx, session, trx, task, outcome, analysis.code.value)
            want_face_match(session, trx)


def document_number(analysis: Analysis) -> str | None:
    """The number of an accepted document, as read (first value of its field), or None."""
    if analysis.code != AttemptCode.ACCEPTED or analysis.reading is None:
        return None
    for item in analysis.reading.get("fields", []):
        if item.get("field") == "document_number" and item.get("values"):
            return str(item["values"][0]["value"])
    return None


def _task_outcome(code: AttemptCode, task: Task, max_attempts: int) -> TaskState | None:
    if code == AttemptCode.ACCEPTED:
        return TaskState.COMPLETED
    if code not in PAIRING_CODES and task.attempts >= max_attempts:
        return TaskState.FAILED
    return None


def fail(ctx: Container, attempt_id: str) -> None:
    """The attempt could not be processed at all (it crashed or broke the engine every time): record
    it as `processing_failed` and fail the task, which tells the integrator. Safe to repeat."""
    with transaction(ctx.session_factory) as session:
        attempt = session.get(DocumentScan, attempt_id, with_for_update=True)
        if attempt is None or attempt.processed_at is not None:
            return
        trx = session.get(Transaction, attempt.transaction_id, with_for_update=True)
        attempt.processed_at, attempt.code = utcnow(), AttemptCode.PROCESSING_FAILED
        if trx is None or trx.state != TransactionState.PENDING:
            return
        task = trx.task(TaskType.DOCUMENT_SCAN)
        if task is None or task.state != TaskState.PENDING:
            return
        if not attempt.linked:
            task.attempts += 1
        record_task_outcome(ctx, session, trx, task, TaskState.FAILED, PROCESSING_FAILED)


def run(ctx: Container, attempt_id: str) -> None:
    """The steps in order; each is safe to repeat."""
    inp = load(ctx, attempt_id)
    if inp is None:
        return
    analysis = analyse(ctx, inp)
    files = store_files(ctx, inp, analysis)
    record(ctx, inp, analysis, files)
