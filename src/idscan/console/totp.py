"""TOTP second factor (RFC 6238, 30-second steps, six digits) through pyotp; each code is good once."""

from __future__ import annotations

import time

import pyotp
import segno

ISSUER = "idscan console"


def new_secret() -> str:
    return pyotp.random_base32()


def uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(secret: str, email: str) -> str:
    """The enrolment QR code as inline SVG (no file to fetch)."""
    return str(segno.make(uri(secret, email), error="m").svg_inline(scale=4, dark="#111", light="#fff"))


def matching_step(
    secret: str, code: str, *, after: int | None = None, now: float | None = None
) -> int | None:
    """The time step `code` belongs to (this one or a neighbour, for clock drift), or None. A step at
    or before `after` (the last one used) is refused: a code cannot be replayed."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // totp.interval)
    for step in (current, current - 1, current + 1):
        if (after is None or step > after) and pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def code_now(secret: str) -> str:
    """The current code (tests and the CLI's self-check)."""
    return pyotp.TOTP(secret).now()
