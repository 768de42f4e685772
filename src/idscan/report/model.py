"""What a report shows, built by one pure function from the plain result dict of spec section 3.

The future result code hands over a `ReportSource` (the result body, the transaction's settings and
timestamps, the attempt list and, for the extended report, the image files as served, i.e. already
redacted); `build_report` applies `extractFields` and `redactFields` here, once, so no renderer can
print a value the integrator asked to hide.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from idscan.branding.look import Look
from idscan.documents.redact import hidden_result_fields
from idscan.report.messages import canonical_locale
from idscan.transactions.policy import DocumentScanPolicy
from idscan.transactions.states import TaskState, TransactionState

REDACTED = "redacted"


class ReportKind(StrEnum):
    SIMPLE = "simple"
    EXTENDED = "extended"


class ImageKind(StrEnum):
    DOCUMENT_FRONT = "document_front"
    DOCUMENT_BACK = "document_back"
    PORTRAIT = "portrait"
    SELFIE = "selfie"


@dataclass(frozen=True, slots=True)
class FieldValue:
    source: str  # "mrz" | "visual"
    value: str
    locale: str | None = None


@dataclass(frozen=True, slots=True)
class ReportField:
    """One result field; a redacted field keeps its name and checks but has no values at all."""

    field: str
    values: tuple[FieldValue, ...]
    validity: str
    comparison: str
    locale: str | None = None
    redacted: bool = False


@dataclass(frozen=True, slots=True)
class ReportTask:
    type: str
    state: str
    attempts: int | None = None
    score: float | None = None
    threshold: float | None = None
    passed: bool | None = None
    documents: tuple[str, ...] = ()  # recognised document names, e.g. "Netherlands - Passport"
    reason: str | None = None  # why a failed task failed (a code, printed as it is)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One attempt at a task, as the attempt history shows it (no personal data)."""

    task: str
    created: dt.datetime
    code: str | None = None
    score: float | None = None
    source: str | None = None  # "camera" | "file"
    linked: bool = False


@dataclass(frozen=True, slots=True)
class ReportImage:
    """An image file as served (document images already redacted), embedded unchanged."""

    kind: ImageKind
    data: bytes = field(repr=False)
    caption: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class WithheldImage:
    kind: ImageKind
    reason: str  # "redacted" | "not_asked"


@dataclass(frozen=True, slots=True)
class Setting:
    name: str  # the API name, e.g. "redactFields"
    value: Any


@dataclass(frozen=True, slots=True)
class Report:
    kind: ReportKind
    account_name: str
    transaction_id: str
    result_id: str
    locale: str
    state: str
    created: dt.datetime
    completed: dt.datetime | None
    expires: dt.datetime | None
    generated: dt.datetime
    tasks: tuple[ReportTask, ...]
    settings: tuple[Setting, ...]
    fields: tuple[ReportField, ...]
    redacted_fields: tuple[str, ...]
    extract_fields: tuple[str, ...] | None  # None: every field was asked
    attempts: tuple[Attempt, ...]
    images: tuple[ReportImage, ...] = ()
    withheld_images: tuple[WithheldImage, ...] = ()
    look: Look | None = None  # the account's branding (the simple report only)
    test: bool = False  # a test transaction's: marked as such on every page that shows the verdict

    @property
    def passed(self) -> bool:
        return self.state == TransactionState.COMPLETED and all(
            t.state == TaskState.COMPLETED for t in self.tasks
        )

    @property
    def sealed(self) -> bool:
        return self.kind is ReportKind.EXTENDED


@dataclass(frozen=True, slots=True)
class ReportSource:
    """Everything a report is made from, as plain data."""

    account_name: str
    transaction_id: str
    result_id: str
    locale: str
    created: dt.datetime
    completed: dt.datetime | None
    expires: dt.datetime | None
    tasks: Sequence[str]  # the tasks asked, in canonical order
    settings: Mapping[str, Any]  # the normalised `settings` of the transaction (section 2)
    result: Mapping[str, Any]  # the result body (section 3)
    attempts: Sequence[Attempt] = ()
    images: Sequence[ReportImage] = ()
    look: Look | None = None
    test: bool = False


def build_report(source: ReportSource, kind: ReportKind, *, generated: dt.datetime) -> Report:
    policy = DocumentScanPolicy.from_settings(source.settings)
    # The settings as the integrator sent them (API names), for the report's settings table.
    scan: Mapping[str, Any] = source.settings.get("documentScan") or {}
    redact: tuple[str, ...] = policy.redact_fields
    extract = policy.extract_fields
    raw_fields = [raw for task in source.result.get("tasks") or () for raw in task.get("result") or ()]
    hidden = hidden_result_fields(
        policy.redact_fields,
        _first_value(raw_fields, "optional_data"),
        _first_value(raw_fields, "personal_number"),
    )
    tasks = tuple(_task(raw) for raw in source.result.get("tasks") or ())
    fields = tuple(
        _field(raw, redacted=raw["field"] in hidden or _base(raw["field"]) in hidden)
        for task in source.result.get("tasks") or ()
        for raw in task.get("result") or ()
        if _wanted(raw["field"], extract)
    )
    images: tuple[ReportImage, ...] = ()
    withheld: tuple[WithheldImage, ...] = ()
    if kind is ReportKind.EXTENDED:
        images, withheld = _images(source.images, redact, extract)
    return Report(
        kind=kind,
        account_name=source.account_name,
        transaction_id=source.transaction_id,
        result_id=source.result_id,
        locale=canonical_locale(source.locale),
        state=str(source.result.get("state", "completed")),
        created=source.created,
        completed=source.completed,
        expires=source.expires,
        generated=generated,
        tasks=tasks,
        settings=(Setting("tasks", tuple(source.tasks)), *(Setting(k, v) for k, v in scan.items())),
        fields=fields,
        redacted_fields=redact,
        extract_fields=extract,
        attempts=tuple(sorted(source.attempts, key=lambda a: a.created)),
        images=images,
        withheld_images=withheld,
        # The simple report is the integrator's to hand on, in its colours; the sealed extended
        # report is evidence and keeps the service's own neutral look.
        look=source.look if kind is ReportKind.SIMPLE else None,
        test=source.test,
    )


def _first_value(fields: Sequence[Mapping[str, Any]], name: str) -> str | None:
    for raw in fields:
        if raw.get("field") == name:
            for value in raw.get("values") or ():
                return str(value["value"])
    return None


def _with_items(value: str, items: Sequence[Mapping[str, Any]] | None) -> str:
    """A list-valued field (a licence's categories) with each entry's dates: `B 2012-06-15 - 2032-06-15`."""
    if not items:
        return value
    parts = []
    for item in items:
        dates = " - ".join(str(item[k]) for k in ("valid_from", "valid_until") if item.get(k))
        parts.append(f"{item['category']} {dates}".strip())
    return "; ".join(parts)


def _base(name: str) -> str:
    return name[:-5] if name.endswith("_code") else name


def _wanted(name: str, extract: tuple[str, ...] | None) -> bool:
    # `nationality_code` travels with `nationality`: it is the same fact in another spelling.
    return extract is None or name in extract or _base(name) in extract


def _field(raw: Mapping[str, Any], *, redacted: bool) -> ReportField:
    field_locale = raw.get("locale")
    values = (
        ()
        if redacted
        else tuple(
            FieldValue(
                source=str(v["source"]),
                value=_with_items(str(v["value"]), raw.get("items")),
                locale=v.get("locale", field_locale),
            )
            for v in raw.get("values") or ()
        )
    )
    return ReportField(
        field=str(raw["field"]),
        values=values,
        validity=str(raw.get("validity", "not_checked")),
        comparison=str(raw.get("comparison", "not_performed")),
        locale=field_locale,
        redacted=redacted,
    )


def _task(raw: Mapping[str, Any]) -> ReportTask:
    return ReportTask(
        type=str(raw["type"]),
        state=str(raw["state"]),
        attempts=raw.get("attempts"),
        score=raw.get("score"),
        threshold=raw.get("threshold"),
        passed=raw.get("passed"),
        reason=raw.get("reason"),
        documents=tuple(
            str(f["name"])
            for f in raw.get("files") or ()
            if f.get("category") == "document" and f.get("name")
        ),
    )


def _images(
    given: Sequence[ReportImage], redact: tuple[str, ...], extract: tuple[str, ...] | None
) -> tuple[tuple[ReportImage, ...], tuple[WithheldImage, ...]]:
    """Which images may appear: extractFields selects document images and portrait, redactFields
    masks the portrait entirely; the selfie is the end user's own capture and always shown."""

    def reason(kind: ImageKind) -> str | None:
        selector = "portrait" if kind is ImageKind.PORTRAIT else "document_image"
        if kind is ImageKind.SELFIE:
            return None
        if kind is ImageKind.PORTRAIT and "portrait" in redact:
            return "redacted"
        if extract is not None and selector not in extract:
            return "not_asked"
        return None

    shown = tuple(image for image in given if reason(image.kind) is None)
    withheld = tuple(
        dict.fromkeys(
            WithheldImage(image.kind, r) for image in given if (r := reason(image.kind)) is not None
        )
    )
    return shown, withheld
