"""The operator console at `/console`: server-rendered pages for the people who run the service.

Console users are not API credentials: they sign in with a password (argon2id) and, for admins, a
TOTP code; their session is a signed, HttpOnly, SameSite=Strict cookie. Every action they take is
written to the append-only audit log (`audit.py`).
"""
