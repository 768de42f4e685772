"""Colours as `#rrggbb` and their contrast by WCAG 2.2 (relative luminance, contrast ratio). Pure."""

from __future__ import annotations

import re

HEX_PATTERN = r"^#[0-9a-fA-F]{6}$"
_HEX = re.compile(HEX_PATTERN)
# WCAG 2.2 AA: normal text needs 4.5:1 (1.4.3); a button label is normal text.
AA_TEXT = 4.5


def parse(value: str) -> tuple[int, int, int]:
    if not _HEX.fullmatch(value):
        raise ValueError(f"{value!r} is not a colour written #rrggbb.")
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def normalise(value: str) -> str:
    """Lower case, so that equal colours are equal strings."""
    parse(value)
    return value.lower()


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def luminance(value: str) -> float:
    r, g, b = parse(value)
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    """The contrast ratio, from 1 (same) to 21 (black on white)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
