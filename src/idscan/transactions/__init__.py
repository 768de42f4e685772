"""Verification transactions: the wire format, the state machine, the use cases and the routes."""
