"""An EU licence's vehicle categories: field 9. on the front, the dated table on the back."""

from __future__ import annotations

import datetime as dt

import pytest

from idscan.documents.licence_categories import (
    TABLE_ORDER,
    Category,
    back_table,
    category_code,
    code_lines,
    complete_table,
    front_categories,
    is_table_side,
    merged,
    row_head,
)
from idscan.documents.ocr import TextLine

TODAY = dt.date(2026, 12, 6)


def line(text: str, x: float, y: float, w: float = 200, h: float = 20) -> TextLine:
    return TextLine(text, 0.95, ((x, y), (x + w, y), (x + w, y + h), (x, y + h)))


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("B", "B"),
        ("C1E", "C1E"),
        ("AI", "A1"),
        ("OOA", "A"),  # the pictogram glued on
        ("0B", "B"),
        ("a2", "A2"),
        ("BE.", "BE"),
        ("(D)", "D"),
        ("X", None),
        ("BEE", None),
        ("", None),
    ],
)
def test_category_codes(token: str, code: str | None) -> None:
    assert category_code(token) == code


def test_the_fronts_field_nine() -> None:
    lines = [line("5. 13AA00002", 10, 10), line("9. AM/A/A1/B1/B/BE/DE/D", 10, 50)]
    assert front_categories(lines) == ("AM", "A", "A1", "B1", "B", "BE", "DE", "D")


def test_a_line_starting_with_nine_that_is_not_the_list() -> None:
    assert front_categories([line("9. 12.03.2031", 10, 10), line("9 Rue de la Paix", 10, 40)]) == ()


def test_the_backs_table_reads_dated_rows_only() -> None:
    lines = [
        line("9.", 10, 0, 20),
        line("10.", 100, 0, 30),
        line("11.", 200, 0, 30),
        line("12.", 300, 0, 30),
        line("AM", 10, 40, 30),
        line("01.02.2010", 100, 40, 90),
        line("01.02.2030", 200, 40, 90),
        line("A1", 10, 80, 30),  # not held: no dates
        line("B 15.06.12 15.06.32", 10, 120, 250),  # one OCR line, two-digit years
        line("BE", 10, 160, 30),
        line("15.06.2012", 100, 160, 90),
        line("15.06.2032", 200, 160, 90),
        line("78", 300, 160, 20),
    ]
    table = back_table(lines, TODAY)
    assert table == (
        Category("AM", dt.date(2010, 2, 1), dt.date(2030, 2, 1)),
        Category("B", dt.date(2012, 6, 15), dt.date(2032, 6, 15)),
        Category("BE", dt.date(2012, 6, 15), dt.date(2032, 6, 15)),
    )
    assert is_table_side(table, 3)
    assert not is_table_side(table[:1], 3)
    assert is_table_side(table[:1], 5)  # one held category among the printed codes


def test_a_front_is_not_a_table() -> None:
    lines = [line("1. MARTIN", 10, 10), line("4a. 01.01.2013", 10, 40), line("4b. 31.12.2030", 10, 70)]
    assert back_table(lines, TODAY) == ()


def test_merged_keeps_the_fronts_undated_categories() -> None:
    table = (Category("B", dt.date(2012, 6, 15), dt.date(2032, 6, 15)),)
    assert merged(("AM", "B"), table) == (*table, Category("AM"))
    assert Category("AM").to_dict() == {"category": "AM", "valid_from": None, "valid_until": None}


def test_a_pictogram_read_before_its_category() -> None:
    assert row_head("O AM 01.02.2010 01.02.2030") == ("AM", "01.02.2010 01.02.2030")
    assert row_head("0 A1") == ("A1", "")
    assert row_head("12.03.2010 B") == (None, "")
    assert row_head("PREFECTURE B") == (None, "")
    lines = [line(t, 10, 40 * i) for i, t in enumerate(["O AM", "0 A1", "B1", "B", "C1", "PREFECTURE"])]
    assert code_lines(lines) == 5


def test_a_rows_dates_are_taken_left_to_right() -> None:
    # the OCR may list the expiry's box before the granted date's (it sits a little higher)
    lines = [line("04.05.2027", 555, 283, 90), line("B", 143, 289, 20), line("16.06.1995", 283, 286, 90)]
    assert back_table(lines, TODAY) == (Category("B", dt.date(1995, 6, 16), dt.date(2027, 5, 4)),)


def _table_lines(read: dict[str, bool]) -> list[TextLine]:
    """A back's table at a 40 px pitch: each held category's code (when `read` says the OCR got it)
    and its two dates; every code not held is printed and read."""
    held = {"B": ("15.06.2012", "15.06.2032"), "BE": ("01.03.2015", "15.06.2032")}
    out = []
    for i, code in enumerate(TABLE_ORDER):
        y = 40 + 40 * i
        if read.get(code, True):
            out.append(line(code, 100, y, 30))
        if code in held:
            out += [line(held[code][0], 200, y, 90), line(held[code][1], 380, y, 90)]
    return out


def test_a_row_whose_code_was_not_read_is_placed_by_the_others() -> None:
    lines = _table_lines({"BE": False})
    table = back_table(lines, TODAY)
    assert [c.category for c in table] == ["B"]
    done = complete_table(lines, table, ("B", "BE"), TODAY)
    assert done == (
        Category("B", dt.date(2012, 6, 15), dt.date(2032, 6, 15)),
        Category("BE", dt.date(2015, 3, 1), dt.date(2032, 6, 15)),
    )


def test_placing_by_position_needs_the_front_and_a_steady_pitch() -> None:
    lines = _table_lines({"BE": False})
    table = back_table(lines, TODAY)
    assert complete_table(lines, table, ("B",), TODAY) == table  # the front does not list BE
    few = [ln for ln in lines if ln.text in ("B", "BE") or "." in ln.text]
    assert complete_table(few, back_table(few, TODAY), ("B", "BE"), TODAY) == back_table(few, TODAY)
    shuffled = [line(ln.text, ln.x0, 900 - ln.cy) if ln.text in ("AM", "C1") else ln for ln in lines]
    assert complete_table(shuffled, table, ("B", "BE"), TODAY) == table  # codes out of order
