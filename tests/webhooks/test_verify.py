"""`idscan webhooks verify`: the receiving side's signature check on a captured delivery."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from idscan.webhooks import delivery, service
from idscan.webhooks.verify import split_message, verify

SECRET = service.new_signing_secret()
SENT = datetime(2026, 12, 4, 12, 0, 0, tzinfo=UTC)
BODY = {"id": "evt-1", "type": "transaction.state.updated", "transaction": {"id": "t", "state": "completed"}}


def captured(secret: str = SECRET, body: bytes | None = None, *, crlf: bool = True) -> bytes:
    payload = delivery.encode_body(BODY)
    headers = delivery.signed_headers(secret, "evt-1", SENT, payload)
    lines = ["POST /hooks/idscan HTTP/1.1", "Host: shop.example", "Content-Type: application/json"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    end = "\r\n" if crlf else "\n"
    return (end.join(lines) + end + end).encode() + (payload if body is None else body)


def test_a_genuine_delivery_holds_with_either_line_ending() -> None:
    for crlf in (True, False):
        verdict = verify(SECRET, captured(crlf=crlf), now=SENT + timedelta(seconds=5))
        assert verdict.valid
        assert (verdict.event_id, verdict.event_type) == ("evt-1", "transaction.state.updated")
        assert verdict.reason == "the signature holds"


def test_a_changed_body_or_another_secret_fails() -> None:
    tampered = delivery.encode_body({**BODY, "transaction": {"id": "t", "state": "expired"}})
    assert not verify(SECRET, captured(body=tampered), now=SENT).valid
    other = verify(service.new_signing_secret(), captured(), now=SENT)
    assert not other.valid
    assert "does not match" in other.reason


def test_an_old_capture_still_verifies_and_says_it_is_old() -> None:
    verdict = verify(SECRET, captured(), now=SENT + timedelta(hours=3))
    assert verdict.valid
    assert "sent 10800 s ago, outside the 300 s a receiver should accept" in verdict.reason


def test_unreadable_input_is_named() -> None:
    assert "missing headers: webhook-id" in verify(SECRET, b"Content-Type: x\n\n{}", now=SENT).reason
    assert "no blank line" in verify(SECRET, b"just text", now=SENT).reason
    assert split_message(b"A: 1\nB:2\n\nbody") == ({"a": "1", "b": "2"}, b"body")


def test_the_command_line_exits_by_the_verdict() -> None:
    command = [sys.executable, "-m", "idscan.cli", "webhooks", "verify", f"--secret={SECRET}"]
    good = subprocess.run(command, input=captured(), capture_output=True, check=False)
    assert good.returncode == 0, good.stderr
    assert good.stdout.decode().startswith("valid: event evt-1 (transaction.state.updated)")
    bad = subprocess.run(command, input=captured(body=b"{}"), capture_output=True, check=False)
    assert bad.returncode == 1
    assert bad.stdout.decode().startswith("INVALID")
