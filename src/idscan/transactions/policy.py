"""The document-scan settings of a transaction, read once from what was stored and typed for every
layer below the routes (pure: no I/O). Nothing below the routes reads the camelCase settings dict.

The value lists come from the engine's own definitions (`RedactField`, `ValidateField`, `Level`,
`ResultField`), and the wire schemas (`schemas.py`) use the same types, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from idscan.documents.rules import DocumentRules, Level, ValidateField
from idscan.documents.vocabulary import RedactField, ResultField


class CaptureSource(StrEnum):
    CAMERA = "camera"
    FILE = "file"


class Extra(StrEnum):
    """What `extractFields` may name beyond the result fields: the images."""

    DOCUMENT_IMAGE = "document_image"
    PORTRAIT = "portrait"


# `extractFields` values: every result field, and the two images.
ExtractField = StrEnum(  # type: ignore[misc]
    "ExtractField", [(f.name, f.value) for f in ResultField] + [(e.name, e.value) for e in Extra]
)


@dataclass(frozen=True, slots=True)
class DocumentScanPolicy:
    allowed_expiration: int = 0  # days: accept iff date_of_expiry + N >= the scan date
    redact_fields: tuple[RedactField, ...] = ()  # in the order the integrator gave them
    capture_sources: frozenset[CaptureSource] = frozenset(CaptureSource)
    level: Level = Level.BASIC
    minimum_age: int | None = None
    maximum_age: int | None = None
    validate_fields: tuple[ValidateField, ...] = ()
    extract_fields: tuple[str, ...] | None = None  # None: everything

    def document_rules(self, today: date) -> DocumentRules:
        return DocumentRules(
            today=today,
            allowed_expiration=self.allowed_expiration,
            minimum_age=self.minimum_age,
            maximum_age=self.maximum_age,
            validate_fields=frozenset(self.validate_fields),
            level=self.level,
        )

    def extracts(self, name: str) -> bool:
        """Whether `extractFields` keeps this result field or image (all are kept without it)."""
        return self.extract_fields is None or name in self.extract_fields

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> DocumentScanPolicy:
        """From the normalised `settings` object as the API stored it (validated on the way in)."""
        scan: Mapping[str, Any] = settings.get("documentScan") or {}
        extract = scan.get("extractFields")
        return cls(
            allowed_expiration=int(scan.get("allowedExpiration", 0)),
            redact_fields=tuple(RedactField(f) for f in scan.get("redactFields", ())),
            capture_sources=frozenset(
                CaptureSource(s) for s in scan.get("captureSources", tuple(CaptureSource))
            ),
            level=Level(scan.get("level", Level.BASIC)),
            minimum_age=scan.get("minimumAge"),
            maximum_age=scan.get("maximumAge"),
            validate_fields=tuple(ValidateField(f) for f in scan.get("validateFields", ())),
            extract_fields=tuple(str(f) for f in extract) if extract is not None else None,
        )


class _HasSettings(Protocol):
    @property
    def settings(self) -> Mapping[str, Any]: ...


def policy_of(trx: _HasSettings) -> DocumentScanPolicy:
    """The policy of a stored transaction (or anything carrying its `settings`)."""
    return DocumentScanPolicy.from_settings(trx.settings)
