"""Specimen passports: valid ICAO data where the outcome wants it, broken exactly where it does not,
and read by the real document engine to the outcome's attempt code."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from idscan.documents.mrz.checkdigit import check_digit
from idscan.documents.reader import read_document
from idscan.documents.reading import ReadParams
from idscan.testmode import scripted, specimen
from idscan.testmode.outcomes import DOCUMENT_OUTCOMES, FACE_OUTCOMES, Outcome
from idscan.transactions.policy import DocumentScanPolicy
from tests.support.factories import engines

TODAY = date(2026, 12, 5)


def need_fonts() -> None:
    for path in (specimen.OCRB, specimen.SANS, specimen.SANS_BOLD):
        if not path.is_file():
            pytest.skip(f"{path} missing: install fonts-ocr-b and fonts-dejavu-core (the Makefile does)")


def _digits_hold(line2: str) -> bool:
    number, dob, exp = line2[0:10], line2[13:20], line2[21:28]
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    return all(check_digit(part[:-1]) == part[-1] for part in (number, dob, exp, composite + line2[43]))


def test_mrz_lines_are_valid_td3_unless_broken_on_purpose() -> None:
    import random

    holder = specimen.holder_for(Outcome.DOCUMENT_VALID, TODAY, random.Random(1))
    lines = specimen.mrz_lines(holder)
    assert [len(line) for line in lines] == [44, 44]
    assert lines[0].startswith("P<UTOSPECIMEN<<")
    assert _digits_hold(lines[1])
    broken = specimen.mrz_lines(holder, break_check_digit=True)
    assert broken[1][9] != lines[1][9]
    assert not _digits_hold(broken[1])


def test_holders_are_dated_for_their_outcome() -> None:
    import random

    rng = random.Random(2)
    valid = specimen.holder_for(Outcome.DOCUMENT_VALID, TODAY, rng)
    assert valid.date_of_expiry > TODAY > valid.date_of_issue
    assert (TODAY - valid.date_of_birth).days > 18 * 366
    expired = specimen.holder_for(Outcome.DOCUMENT_EXPIRED, TODAY, rng)
    assert expired.date_of_issue < expired.date_of_expiry < TODAY
    young = specimen.holder_for(Outcome.DOCUMENT_UNDER_AGE, TODAY, rng)
    assert (TODAY - young.date_of_birth).days < 16 * 366
    assert {valid.surname, expired.surname, young.surname} == {"SPECIMEN"}


def test_face_outcomes_have_no_page() -> None:
    with pytest.raises(ValueError, match="not a document outcome"):
        specimen.passport_page(Outcome.LIVENESS_PASSED, TODAY, 1)


@pytest.mark.parametrize(
    ("outcome", "code"),
    [
        (Outcome.DOCUMENT_VALID, "accepted"),
        (Outcome.DOCUMENT_EXPIRED, "document_expired"),
        (Outcome.DOCUMENT_MRZ_INVALID, "mrz_invalid"),
        (Outcome.DOCUMENT_UNDER_AGE, "age_below_minimum"),
        (Outcome.DOCUMENT_UNREADABLE, "image_too_blurry"),
    ],
)
def test_the_real_engine_reads_each_specimen_to_its_code(outcome: Outcome, code: str) -> None:
    need_fonts()
    assert set(DOCUMENT_OUTCOMES) | set(FACE_OUTCOMES) == set(Outcome)
    policy = DocumentScanPolicy.from_settings({"documentScan": {"minimumAge": 18}})
    for seed in (11, 12):
        image, holder = specimen.passport_page(outcome, TODAY, seed)
        reading = read_document(
            image, None, ReadParams(today=TODAY, rules=policy.document_rules(TODAY)), engines()
        )
        assert reading.code == code, (seed, reading.code)
        if outcome is not Outcome.DOCUMENT_UNREADABLE:
            values = {f.to_dict()["field"]: f.to_dict() for f in reading.fields}
            assert holder.document_number in str(values["document_number"]), values["document_number"]


def test_the_portrait_crop_is_the_printed_portrait() -> None:
    page = np.zeros((880, 1250, 3), np.uint8)
    x0, y0, x1, y1 = (
        round(f * s) for f, s in zip(specimen.PORTRAIT_BOX, (1250, 880, 1250, 880), strict=True)
    )
    page[y0:y1, x0:x1] = 200
    crop = specimen.portrait_crop(page)
    assert crop.shape == (y1 - y0, x1 - x0, 3)
    assert crop.min() == 200


def test_scripts_sit_clearly_on_their_side_of_the_threshold() -> None:
    assert scripted.liveness(Outcome.LIVENESS_PASSED).passed
    failed = scripted.liveness(Outcome.LIVENESS_FAILED)
    assert not failed.passed
    assert failed.score < 0.5
    assert failed.reasons == ("passive_spoof_suspected",)
    assert scripted.liveness(Outcome.FACE_MISMATCH).passed
    assert scripted.match(Outcome.LIVENESS_PASSED).score > 0.5
    assert not scripted.match(Outcome.FACE_MISMATCH).passed
    with pytest.raises(ValueError, match="scripts no"):
        scripted.match(Outcome.LIVENESS_FAILED)
    with pytest.raises(ValueError, match="scripts no"):
        scripted.liveness(Outcome.DOCUMENT_VALID)
