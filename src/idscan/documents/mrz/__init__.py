"""Our own ICAO 9303 machine-readable zone reader: parser, validator, corrector, reconciler.

Pure: strings in, frozen dataclasses out. `parse` reads lines as printed, `correct` repairs one OCR
read guided by check digits, `reconcile` combines two recognisers and the visual zone.
"""

from idscan.documents.mrz.checkdigit import check_digit
from idscan.documents.mrz.corrector import Change, Correction, correct, fix_length
from idscan.documents.mrz.layouts import detect_format
from idscan.documents.mrz.model import (
    CheckDigitResult,
    Kind,
    MrzField,
    MrzFormat,
    MrzResult,
    Span,
    Validity,
)
from idscan.documents.mrz.parser import MrzError, parse, split_names
from idscan.documents.mrz.reconcile import UNCHECKED_FIELDS, Reconciled, reconcile, visual_confirms

__all__ = [
    "UNCHECKED_FIELDS",
    "Change",
    "CheckDigitResult",
    "Correction",
    "Kind",
    "MrzError",
    "MrzField",
    "MrzFormat",
    "MrzResult",
    "Reconciled",
    "Span",
    "Validity",
    "check_digit",
    "correct",
    "detect_format",
    "fix_length",
    "parse",
    "reconcile",
    "split_names",
    "visual_confirms",
]
