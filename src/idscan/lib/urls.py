"""What the API takes as a URL or as a browser origin, written once as regular expressions: the
OpenAPI document publishes them as `pattern` and the validators apply them, so the two cannot
disagree. Plain ASCII only (a URL with other characters is sent percent-encoded); JSON Schema
(ECMA 262) and Python read these patterns alike."""

from __future__ import annotations

import re

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOST = rf"{_LABEL}(?:\.{_LABEL})*"  # a DNS name or an IPv4 address
# An origin as a browser serialises it: lower case, so that equal origins are equal strings.
_LOWER_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
LOWER_HOST = rf"{_LOWER_LABEL}(?:\.{_LOWER_LABEL})*"
PORT = r"(?::(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
LOCAL_HOST = r"(?:localhost|127\.0\.0\.1|\[::1\])"
_REST = r"(?:[/?#][!-~]*)?"  # path, query and fragment: visible ASCII, no spaces

# https anywhere; plain http only to this machine (development).
ORIGIN_PATTERN = rf"^(?:https://{LOWER_HOST}|http://{LOCAL_HOST}){PORT}$"
URL_PATTERN = rf"^(?:https://{HOST}|http://{LOCAL_HOST}){PORT}{_REST}$"
# Links shown to the end user (a support page): https only, even for localhost.
HTTPS_URL_PATTERN = rf"^https://{HOST}{PORT}{_REST}$"
MAX_URL_LENGTH = 2048
MAX_ORIGIN_LENGTH = 300

_ORIGIN = re.compile(ORIGIN_PATTERN)
_URL = re.compile(URL_PATTERN)
_HTTPS_URL = re.compile(HTTPS_URL_PATTERN)


def is_origin(value: str) -> bool:
    """`scheme://host[:port]` and nothing else: safe to copy into a CSP header."""
    return len(value) <= MAX_ORIGIN_LENGTH and _ORIGIN.fullmatch(value) is not None


def is_url(value: str) -> bool:
    return len(value) <= MAX_URL_LENGTH and _URL.fullmatch(value) is not None


def is_https_url(value: str) -> bool:
    return len(value) <= MAX_URL_LENGTH and _HTTPS_URL.fullmatch(value) is not None
