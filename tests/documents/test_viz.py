"""Visual zone: label words in EU languages, printed date forms, value placement."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest

from idscan.documents import viz
from idscan.documents.ocr import TextLine
from idscan.documents.viz import normalise, parse_sex, read_visual_zone
from idscan.documents.viz_dates import parse_date


def line(text: str, x0: float, y0: float, x1: float, y1: float) -> TextLine:
    return TextLine(text, 0.99, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


@pytest.mark.parametrize(
    ("printed", "future", "iso"),
    [
        ("12 AUG/AOÛT 1974", False, "1974-08-12"),
        ("12 AUGUST/AOUT 74", False, "1974-08-12"),
        ("12.08.1974", False, "1974-08-12"),
        ("25.12.1982.", False, "1982-12-25"),
        ("12 08 1974", False, "1974-08-12"),
        ("14/06/2016", True, "2016-06-14"),
        ("14.01:2012", True, "2012-01-14"),
        ("14,01.2012", True, "2012-01-14"),
        ("30 MAR/MAR 1972", False, "1972-03-30"),
        ("13 LIP/JUL 2006", True, "2006-07-13"),
        ("01 MÁR/MAR 12", True, "2012-03-01"),
        ("31 DES/DEC 66", False, "1966-12-31"),
        ("24 JUIL/JUL 2029", True, "2029-07-24"),
        ("01 JUIN/JUN 2020", True, "2020-06-01"),
        ("07 FÉV/FEB 2022", True, "2022-02-07"),
        ("10 OUT/OCT 1981", False, "1981-10-10"),
        ("05 PAŹ/OCT 1990", False, "1990-10-05"),
        ("12 MAA/MAR 2020", True, "2020-03-12"),
    ],
)
def test_printed_dates_become_iso(printed: str, future: bool, iso: str) -> None:
    found = parse_date(printed, future=future, today=dt.date(2026, 1, 1))
    assert found is not None
    assert found.isoformat() == iso


def test_two_digit_birth_years_never_lie_in_the_future() -> None:
    today = dt.date(2026, 1, 1)
    assert parse_date("01 01 30", today=today) == dt.date(1930, 1, 1)
    assert parse_date("01 01 20", today=today) == dt.date(2020, 1, 1)
    assert parse_date("01 01 30", future=True, today=today) == dt.date(2030, 1, 1)


@pytest.mark.parametrize("text", ["", "SPECIMEN", "31.02.1990", "99 99 9999", "ANNA MARIA"])
def test_impossible_or_absent_dates_are_none(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("printed", "sex"), [("F", "F"), ("V/F", "F"), ("K/F", "F"), ("MOT/F", "F"), ("M/M", "M"), ("X", "X")]
)
def test_bilingual_sex_prints(printed: str, sex: str) -> None:
    assert parse_sex(printed) == sex


def test_sex_rejects_words() -> None:
    assert parse_sex("FEMALE PERSON") is None


def test_labels_above_values_in_several_languages() -> None:
    lines = [
        line("Nazwisko / Surname", 400, 100, 560, 120),
        line("KOWALSKA", 400, 122, 560, 150),
        line("Imiona / Given names", 400, 170, 600, 190),
        line("ANNA", 400, 192, 480, 220),
        line("Geburtsdatum / Date of birth", 400, 240, 640, 260),
        line("30 MAR/MAR 1972", 400, 262, 640, 290),
        line("Geslacht / Sex", 400, 310, 520, 330),
        line("V/F", 400, 332, 450, 360),
        line("Lieu de naissance / Place of birth", 700, 310, 980, 330),
        line("SZCZECIN", 700, 332, 860, 360),
    ]
    found = read_visual_zone(lines)
    assert {k: v.value for k, v in found.items()} == {
        "surname": "KOWALSKA",
        "given_names": "ANNA",
        "date_of_birth": "1972-03-30",
        "sex": "F",
        "place_of_birth": "SZCZECIN",
    }


def test_several_labels_on_one_ocr_line_are_told_apart_by_position() -> None:
    # RapidOCR joins labels that stand side by side into one line; the values stay separate.
    lines = [
        line("Núm. de documento / Document noFecha de caducidad / Date of expiry", 296, 328, 842, 348),
        line("FEB2VDR0U", 297, 350, 463, 376),
        line("01 02 2034", 568, 351, 710, 374),
    ]
    found = read_visual_zone(lines)
    assert found["document_number"].value == "FEB2VDR0U"
    assert found["date_of_expiry"].value == "2034-02-01"


def test_label_and_value_on_one_line() -> None:
    found = read_visual_zone([line("Date of birth: 12.08.1964", 10, 10, 300, 30)])
    assert found["date_of_birth"].value == "1964-08-12"


@pytest.mark.parametrize(
    ("printed", "name", "value"),
    [
        ("CARTE NATIONALE D'IDENTITÉ Nº:940992310285", "document_number", "940992310285"),
        ("Date of birth:12.08.1964", "date_of_birth", "1964-08-12"),
        ("Nom:BERTHIER", "surname", "BERTHIER"),
    ],
)
def test_a_value_read_glued_to_its_label_colon(printed: str, name: str, value: str) -> None:
    # OCR often drops the blank after a colon: the value is still the label's
    found = read_visual_zone([line(printed, 10, 10, 600, 40)])
    assert found[name].value == value


def test_a_value_is_not_taken_for_a_label_far_away() -> None:
    lines = [line("Surname", 10, 10, 100, 30), line("ERIKSSON", 600, 400, 800, 430)]
    assert "surname" not in read_visual_zone(lines)


def test_driving_licence_numbered_fields() -> None:
    lines = [
        line("1. DE VRIES", 290, 100, 480, 125),
        line("2.", 290, 150, 310, 175),
        line("JAN", 320, 150, 380, 175),
        line("3. 23.06.1978 GENT", 290, 200, 560, 225),
        line("4b. 30.11.2029", 290, 250, 480, 275),
        line("5. BULC8XES0", 290, 300, 480, 325),
    ]
    found = {k: v.value for k, v in read_visual_zone(lines).items()}
    assert found == {
        "surname": "DE VRIES",
        "given_names": "JAN",
        "date_of_birth": "1978-06-23",
        "place_of_birth": "GENT",
        "date_of_expiry": "2029-11-30",
        "document_number": "BULC8XES0",
    }


def test_probe_reads_a_value_the_detector_missed() -> None:
    asked = []

    def probe(box: tuple[int, int, int, int]) -> str:
        asked.append(box)
        return "F"

    found = read_visual_zone([line("Geschlecht / Sex", 400, 443, 530, 465)], probe=probe)
    assert found["sex"].value == "F"
    x0, y0, _x1, _y1 = asked[0]
    assert y0 >= 465
    assert x0 <= 400


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("document_number", "ZS 0000177", "ZS0000177"),
        ("document_number", "Passport", ""),
        ("surname", "12.08.1974", ""),
        ("surname", "Männik", "MÄNNIK"),
        ("place_of_birth", "PARIS 1ER (75)", "PARIS 1ER (75)"),
        ("place_of_birth", "BUDAPEST 07", "BUDAPEST 07"),
        ("place_of_birth", "12.08.1974", ""),
        ("surname", "DE VRIES 2", "DE VRIES 2"),
        ("surname", "AB 1974", ""),
        # a misread piece of a label is not a value
        ("place_of_birth", "MAISSANCE", ""),
        ("place_of_birth", "BIRTH/LEU DE NAISSANCE", ""),
        ("document_number", "PASSEPORT", ""),
        ("document_number", "KB0000000", "KB0000000"),
        ("given_names", "ERIKA", "ERIKA"),
        # a field number glued onto the value (EU passports number their fields)
        ("surname", "1BASANAVICIENÉ", "BASANAVICIENÉ"),
        ("given_names", "2. BIRUTE", "BIRUTE"),
        ("sex", "MOTID", "F"),  # MOT/F, the slash and F misread as one token
        ("sex", "VYRAS", "M"),
        ("sex", "MOTHER", ""),
    ],
)
def test_normalise_rejects_values_of_the_wrong_kind(name: str, text: str, value: str) -> None:
    assert normalise(name, text) == value


def test_a_misspelt_label_is_still_found() -> None:
    lines = [line("4. Dhte of bith", 10, 10, 150, 30), line("12.08.1974", 10, 35, 120, 55)]
    assert read_visual_zone(lines)["date_of_birth"].value == "1974-08-12"
    # too far from any label phrase: nothing is invented
    garbled = [line("4. Dxqe zf bzkh", 10, 10, 300, 30), line("12.08.1974", 10, 35, 120, 55)]
    assert "date_of_birth" not in read_visual_zone(garbled)


def test_a_translation_after_the_label_is_not_its_value() -> None:
    lines = [line("Ime/Given names", 10, 10, 160, 28), line("SPECIMEN", 10, 32, 120, 52)]
    assert read_visual_zone(lines)["given_names"].value == "SPECIMEN"
    lines = [line("Ime:Cbven nina(Pranon", 10, 10, 160, 28), line("SPECIMEN", 10, 32, 120, 52)]
    assert read_visual_zone(lines)["given_names"].value == "SPECIMEN"


def test_a_larger_value_may_start_under_the_end_of_its_label() -> None:
    lines = [line("Document N", 460, 7, 510, 22), line("KB0000000", 494, 9, 636, 40)]
    assert read_visual_zone(lines)["document_number"].value == "KB0000000"


def test_a_value_whose_box_overlaps_its_label_box_is_still_below_it() -> None:
    lines = [
        line("7. Gimimo vieta / Place of birth", 361, 195, 532, 213),
        line("LIETUVA", 374, 206, 443, 225),  # the boxes overlap by a third of a line
        line("VILNIAUS 1-ASIS PP (12)", 376, 235, 550, 256),
    ]
    assert read_visual_zone(lines)["place_of_birth"].value == "LIETUVA"


def test_french_identity_card_labels() -> None:
    lines = [
        line("CARTE NATIONALE D'IDENTITÉ Nº: 940992310285", 63, 102, 684, 138),
        line("Nationalité Française", 766, 108, 995, 143),
        line("BC Nom: BERTHIER", 282, 150, 562, 187),
        line("Né(e) le: 06.12.1965", 600, 299, 883, 338),
        line("à: PARIS 1ER (75)", 342, 333, 628, 372),
    ]
    found = {k: v.value for k, v in read_visual_zone(lines).items()}
    assert found["document_number"] == "940992310285"
    assert found["surname"] == "BERTHIER"
    assert found["date_of_birth"] == "1965-12-06"
    assert found["place_of_birth"] == "PARIS 1ER (75)"
    assert found["nationality"] == "FRANÇAISE"


def test_one_word_must_come_very_close_to_count_as_a_misspelt_label() -> None:
    # `nationale` is a word of its own, not a misspelt `nationalite`; `niationalty` is one
    title = [line("CARTE NATIONALE", 60, 100, 400, 130), line("FRANCAISE", 60, 135, 250, 160)]
    assert "nationality" not in read_visual_zone(title)
    label = [line("3. Niationalty", 60, 100, 200, 120), line("LIETUVOS", 60, 125, 250, 145)]
    assert read_visual_zone(label)["nationality"].value == "LIETUVOS"


def test_a_right_aligned_value_under_its_label() -> None:
    lines = [
        line("CISLO PASU/PASSPORT NO./PASSEPORT NO", 421, 38, 578, 54),
        line("99009054", 478, 54, 561, 73),
    ]
    assert read_visual_zone(lines)["document_number"].value == "99009054"


def test_fuzzy_matches_are_what_comparing_each_phrase_finds() -> None:
    """The letter bound taken for all phrases at once keeps exactly the phrases `_close` keeps."""
    rng = random.Random(7)
    phrases = [p for p, *_ in viz._FUZZY_PHRASES]
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    matched = 0
    for _ in range(600):
        word = list(rng.choice(phrases) if rng.random() < 0.6 else rng.choice(phrases).split()[0])
        for _ in range(rng.randint(0, 3)):  # small print: letters misread, lost or doubled
            if not word:
                break
            k = rng.randrange(len(word))
            word[k : k + 1] = rng.choice([[rng.choice(letters)], [], [word[k], word[k]]])
        chunk = "".join(word) or "x"
        for floor in (viz.FUZZY_RATIO, viz.FUZZY_ONE_WORD):
            want = [
                (ratio, k)
                for k, (phrase, _name, size, counts) in enumerate(viz._FUZZY_PHRASES)
                if abs(size - len(chunk)) <= 0.25 * size
                and (ratio := viz._close(chunk, Counter(chunk), phrase, counts, floor))
            ]
            assert viz._fuzzy_matches(chunk, floor) == want, chunk
            matched += bool(want)
    assert matched > 300  # the chunks come near the phrases, not only far from them
