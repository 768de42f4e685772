"""ICAO 9303 check digits: characters weighted 7, 3, 1 repeating, sum modulo 10."""

from __future__ import annotations

_WEIGHTS = (7, 3, 1)


def char_value(char: str) -> int:
    """Digits are themselves, A..Z are 10..35, the filler `<` is 0.

    Anything else (a misread, or an `Ñ` printed on a non-compliant card) counts as 0, like the filler,
    so that a check over a non-compliant field is still computable and simply fails or passes.
    """
    if "0" <= char <= "9":
        return ord(char) - 48
    if "A" <= char <= "Z":
        return ord(char) - 55
    return 0


def check_digit(text: str) -> str:
    return str(sum(char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(text)) % 10)
