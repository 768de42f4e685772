"""What the document engine needs from the model registry: the OCR and MRZ sessions and the face
models (for the portrait). The registry itself (`idscan.engines`) is built by the composition roots;
the engine only ever receives it, so it never reaches for a global."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from idscan.documents.mrz_reader import TesseractMrz
    from idscan.documents.ocr import OcrSession
    from idscan.vision.sessions import VisionModels


class DocumentEngines(Protocol):
    @property
    def vision(self) -> VisionModels: ...

    def ocr(self) -> OcrSession: ...

    def mrz(self) -> TesseractMrz: ...
