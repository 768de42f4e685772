"""Identifiers and secrets."""

from __future__ import annotations

from idscan.lib.ids import new_secret


def test_secrets_are_256_bits_and_never_look_like_an_option() -> None:
    # One token in 64 starts with "-": 2,000 draws would show one with near certainty.
    drawn = {new_secret() for _ in range(2000)}
    assert len(drawn) == 2000
    assert all(len(s) == 43 for s in drawn)
    assert not any(s.startswith("-") for s in drawn)
