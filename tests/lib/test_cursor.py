import re
from datetime import UTC, datetime

import pytest

from idscan.lib import cursor


@pytest.mark.parametrize(
    ("when", "item"),
    [
        (datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC), "abc"),
        (datetime(1970, 1, 1, tzinfo=UTC), "00000000-0000-4000-8000-000000000000"),
    ],
)
def test_round_trip(when: datetime, item: str) -> None:
    text = cursor.encode(when, item)
    assert re.fullmatch(cursor.PATTERN, text)
    assert cursor.decode(text) == (when, item)


@pytest.mark.parametrize(
    "text", ["", "!!!", "e30", "1.", ".abc", "1.a.b", "-1.abc", "1" * 18 + ".abc", "1.abc\n", "\u0661.abc"]
)
def test_garbage_is_rejected(text: str) -> None:
    with pytest.raises(cursor.InvalidCursorError):
        cursor.decode(text)


def test_every_string_of_the_published_form_decodes() -> None:
    assert cursor.decode("9" * 17 + "." + "z" * 64)[0].year == 5138
