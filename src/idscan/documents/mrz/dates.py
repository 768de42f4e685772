"""MRZ dates (YYMMDD) to calendar dates, choosing the century per kind of date."""

from __future__ import annotations

from datetime import date


def _build(year: int, mmdd: str) -> date | None:
    try:
        return date(year, int(mmdd[:2]), int(mmdd[2:]))
    except ValueError:
        return None


def _split(yymmdd: str) -> tuple[int, str] | None:
    if len(yymmdd) != 6 or not yymmdd.isdigit():
        return None
    return int(yymmdd[:2]), yymmdd[2:]


def birth_date(yymmdd: str, today: date) -> date | None:
    """A birth date is never in the future: the latest century that puts it on or before `today`."""
    parts = _split(yymmdd)
    if parts is None:
        return None
    yy, mmdd = parts
    base = today.year - today.year % 100
    for year in (base + yy, base - 100 + yy):
        found = _build(year, mmdd)
        if found is None:
            # 29 Feb may exist in one century and not the other (1900 vs 2000); try the other one.
            continue
        if found <= today:
            return found
    return None


def expiry_date(yymmdd: str, today: date) -> date | None:
    """Expiry dates lie in a window of 50 years either side of `today`, preferring the future."""
    parts = _split(yymmdd)
    if parts is None:
        return None
    yy, mmdd = parts
    base = today.year - today.year % 100
    for year in (base - 100 + yy, base + yy, base + 100 + yy):
        if today.year - 50 < year <= today.year + 50:
            return _build(year, mmdd)
    return None
