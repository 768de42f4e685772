"""Leaf helpers with no knowledge of the service: clock, identifiers, encryption, outbound HTTP."""
