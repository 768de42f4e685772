from datetime import UTC, datetime

import pytest

from idscan.lib import cursor


def test_round_trip() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    assert cursor.decode(cursor.encode(when, "abc")) == (when, "abc")


@pytest.mark.parametrize("text", ["", "!!!", "e30", "WyJ4IiwgMV0", "WyIyMDI2LTAxLTAyVDAzOjA0OjA1IiwiYSJd"])
def test_garbage_is_rejected(text: str) -> None:
    with pytest.raises(cursor.InvalidCursorError):
        cursor.decode(text)
