"""WCAG 2.2 contrast, checked against the figures WCAG's own examples give."""

import pytest

from idscan.branding import colours


def test_black_on_white_is_21_and_a_colour_on_itself_is_1() -> None:
    assert colours.contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert colours.contrast("#1f4e99", "#1f4e99") == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [("#767676", "#ffffff", 4.54), ("#777777", "#ffffff", 4.48), ("#0000ff", "#ffffff", 8.59)],
)
def test_known_ratios(a: str, b: str, ratio: float) -> None:
    assert colours.contrast(a, b) == pytest.approx(ratio, abs=0.01)
    assert colours.contrast(b, a) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("value", ["#fff", "1f4e99", "#1f4e9g", "#1f4e99 ", "red", "#1F4E99FF"])
def test_only_rrggbb_is_a_colour(value: str) -> None:
    with pytest.raises(ValueError, match="#rrggbb"):
        colours.parse(value)


def test_normalise_lowers_the_case() -> None:
    assert colours.normalise("#1F4E99") == "#1f4e99"
