"""The receiving side's check of a delivery, for integrators debugging their endpoint: does the
signature over these headers and this body hold for this secret? (`idscan webhooks verify`.)"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook as Signer

TOLERANCE_SECONDS = 300  # Standard Webhooks: receivers refuse older (or future) timestamps


@dataclass(frozen=True, slots=True)
class Verdict:
    valid: bool
    reason: str  # why not, or what was verified
    event_id: str | None = None
    event_type: str | None = None


def split_message(raw: bytes) -> tuple[dict[str, str], bytes]:
    """Headers and body of a delivery as captured: an optional request line, `Name: value` lines, a
    blank line, the body (CRLF or LF line ends)."""
    text = raw.replace(b"\r\n", b"\n")
    head, sep, body = text.partition(b"\n\n")
    if not sep:
        raise ValueError("no blank line between the headers and the body")
    headers: dict[str, str] = {}
    for number, line in enumerate(head.decode("latin-1").split("\n")):
        if number == 0 and ":" not in line.split(" ", 1)[0] and " HTTP/" in line:
            continue  # "POST /hooks HTTP/1.1"
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise ValueError(f"not a header line: {line[:60]!r}")
        headers[name.strip().lower()] = value.strip()
    return headers, body


def verify(secret: str, raw: bytes, *, now: datetime | None = None) -> Verdict:
    """Verify a captured delivery against the webhook's signing secret (`whsec_...`). The signature
    is judged on its own; a timestamp outside the 5 minutes a receiver should accept is named
    apart, since a capture being debugged is often older than that."""
    try:
        headers, body = split_message(raw)
    except ValueError as exc:
        return Verdict(False, f"unreadable delivery: {exc}")
    missing = [h for h in ("webhook-id", "webhook-timestamp", "webhook-signature") if h not in headers]
    if missing:
        return Verdict(False, f"missing headers: {', '.join(missing)}")
    try:
        sent = datetime.fromtimestamp(int(headers["webhook-timestamp"]), tz=UTC)
        expected = Signer(secret).sign(headers["webhook-id"], sent, body.decode("utf-8")).split(",", 1)[1]
    except (ValueError, UnicodeDecodeError, OverflowError, OSError) as exc:
        return Verdict(False, f"unusable secret, timestamp or body: {exc}")
    given = [s.split(",", 1)[1] for s in headers["webhook-signature"].split() if s.startswith("v1,")]
    if not any(hmac.compare_digest(expected, sig) for sig in given):
        return Verdict(False, "the signature does not match this secret, headers and body")
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    event_id = payload.get("id") if isinstance(payload, dict) else None
    event_type = payload.get("type") if isinstance(payload, dict) else None
    age = ((now or datetime.now(UTC)) - sent).total_seconds()
    reason = "the signature holds"
    if abs(age) > TOLERANCE_SECONDS:
        reason += f"; sent {age:.0f} s ago, outside the {TOLERANCE_SECONDS} s a receiver should accept"
    return Verdict(True, reason, event_id, event_type)


def describe(verdict: Verdict) -> str:
    if not verdict.valid:
        return f"INVALID: {verdict.reason}"
    return f"valid: event {verdict.event_id} ({verdict.event_type}): {verdict.reason}"
