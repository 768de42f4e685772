"""The whole engine on synthetic phone photos with known truth: reading, orientation, pairing, rules."""

from __future__ import annotations

import datetime as dt
import io
import random
import threading
import time

import cv2
import numpy as np
import pytest
from PIL import Image

from idscan.documents import reader
from idscan.documents.locate import find_quad
from idscan.documents.mrz_reader import MrzReads
from idscan.documents.reader import (
    _mostly_tall,
    _reconcile,
    _SideWork,
    mrz_cut_short,
    outline_angle,
    read_document,
)
from idscan.documents.reading import DocumentReading, ReadParams, SideReading
from idscan.documents.rules import DocumentRules
from idscan.errors import UnsupportedImageError
from tests.documents.mrz.factory import Holder, td3
from tests.documents.synth import Document, make_document, need_faces, need_fonts, photograph
from tests.documents.synth.scenes import STORED_AS, with_orientation
from tests.support.factories import engines

TODAY = dt.date(2026, 11, 25)


def photos(doc: Document, level: str, seed: int, turns: int | None = None) -> list[bytes]:
    rng = random.Random(seed)
    return [photograph(s.image, level, rng, turns=turns).data for s in doc.sides]


def read(front: bytes, back: bytes | None = None, rules: DocumentRules | None = None) -> DocumentReading:
    return read_document(front, back, ReadParams(today=TODAY, rules=rules), engines())


@pytest.fixture(scope="module")
def upside_down_passport() -> tuple[Document, DocumentReading]:
    need_fonts()
    need_faces()
    doc = make_document(31, kind="passport", country="NLD")
    return doc, read(photos(doc, "medium", 31, turns=2)[0])


def test_upside_down_passport_is_read_exactly(upside_down_passport: tuple[Document, DocumentReading]) -> None:
    doc, reading = upside_down_passport
    assert reading.sides[0].quarter_turns == 2
    assert list(reading.mrz_lines) == doc.mrz
    assert reading.mrz_accepted
    assert reading.code == "accepted"
    assert reading.document_type == "passport"
    assert reading.file_name == "Netherlands - Passport"


def test_fields_carry_both_sources(upside_down_passport: tuple[Document, DocumentReading]) -> None:
    doc, reading = upside_down_passport
    number = reading.field("document_number")
    assert number is not None
    assert number.value("mrz") == doc.identity.document_number
    assert (number.validity, number.comparison) == ("valid", "match")
    birth = reading.field("date_of_birth")
    assert birth is not None
    assert birth.value("mrz") == birth.value("visual") == doc.identity.date_of_birth.isoformat()
    issue = reading.field("date_of_issue")  # printed only
    assert issue is not None
    assert issue.comparison == "not_performed"
    assert issue.value("visual") == doc.identity.date_of_issue.isoformat()
    bsn = reading.field("personal_number")
    assert bsn is not None
    assert bsn.validity == "valid"  # the Dutch BSN 11-test
    assert reading.field("issuing_country_code") is not None
    portrait = reading.portrait
    assert portrait is not None
    assert portrait.large_enough


def test_national_letters_get_a_locale_entry() -> None:
    need_fonts()
    doc = make_document(44, kind="passport", country="DEU", with_face=False)
    doc.identity.surname  # noqa: B018  (the generator picks; we only need a name with an umlaut)
    reading = read(photos(doc, "easy", 44)[0])
    surname = reading.field("surname")
    assert surname is not None
    if any(not c.isascii() for c in doc.identity.surname):
        assert any(v.locale == "de-DE" for v in surname.values)
    assert surname.to_dict()["values"][0]["source"] == "mrz"


@pytest.fixture(scope="module")
def id_card() -> tuple[Document, list[bytes]]:
    need_fonts()
    need_faces()
    doc = make_document(12, kind="identity_card", country="NLD")
    rng = random.Random(12)
    # the front photographed turned a quarter to the left, the back a quarter to the right
    front = photograph(doc.sides[0].image, "medium", rng, turns=1).data
    back = photograph(doc.sides[1].image, "medium", rng, turns=3).data
    return doc, [front, back]


def test_two_sided_card_read_from_both_sides(id_card: tuple[Document, list[bytes]]) -> None:
    doc, (front, back) = id_card
    reading = read(front, back)
    assert reading.code == "accepted"
    assert [s.side for s in reading.sides] == ["front", "back"]
    assert list(reading.mrz_lines) == doc.mrz
    assert reading.document_type == "identity_card"
    surname = reading.field("surname")
    assert surname is not None
    assert surname.comparison == "match"


def test_front_alone_asks_for_the_back(id_card: tuple[Document, list[bytes]]) -> None:
    assert read(id_card[1][0]).code == "front_side_provided_back_side_required"


def test_back_alone_asks_for_the_front(id_card: tuple[Document, list[bytes]]) -> None:
    assert read(id_card[1][1]).code == "back_side_provided_front_side_required"


def test_a_back_of_another_card_is_refused(id_card: tuple[Document, list[bytes]]) -> None:
    other = make_document(13, kind="identity_card", country="BEL", with_face=False)
    assert read(id_card[1][0], photos(other, "easy", 13)[1]).code == "unknown_type_back"


def test_rules_give_their_attempt_codes(upside_down_passport: tuple[Document, DocumentReading]) -> None:
    doc, _ = upside_down_passport
    data = photos(doc, "easy", 1)[0]
    expiry = doc.identity.date_of_expiry
    late = DocumentRules(today=expiry + dt.timedelta(days=10))
    assert read(data, rules=late).code == "document_expired"
    assert read(data, rules=DocumentRules(today=expiry, allowed_expiration=0)).code == "accepted"
    valid_day = doc.identity.date_of_issue + dt.timedelta(days=30)
    age = (valid_day - doc.identity.date_of_birth).days // 366
    young = DocumentRules(today=valid_day, minimum_age=age + 5)
    assert read(data, rules=young).code == "age_below_minimum"


def test_driving_licence_has_no_mrz_and_is_read_from_print() -> None:
    need_fonts()
    doc = make_document(6, kind="driving_license", country="NLD", with_face=False)
    params = ReadParams(today=TODAY, require_portrait=True)  # a face match would follow
    reading = read_document(photos(doc, "easy", 6)[0], None, params, engines())
    # an EU licence's front asks for its back (the categories table), as an identity card does
    assert reading.code == "front_side_provided_back_side_required"
    assert reading.document_type == "driving_license"
    assert reading.mrz_lines == ()
    surname = reading.field("surname")
    assert surname is not None
    assert surname.value("visual") == doc.identity.surname


def test_a_portrait_too_blurred_to_compare_asks_for_a_new_photo() -> None:
    need_fonts()
    need_faces()
    import cv2

    doc = make_document(31, kind="passport", country="NLD")
    side = doc.sides[0]
    x0, y0, x1, y1 = side.regions["portrait"]
    side.image[y0:y1, x0:x1] = cv2.GaussianBlur(side.image[y0:y1, x0:x1], (0, 0), 10)
    data = photos(doc, "easy", 1)[0]  # read "accepted" in test_rules_give_their_attempt_codes
    params = ReadParams(today=TODAY, require_portrait=True)  # a face match would follow
    assert read_document(data, None, params, engines()).code == "portrait_blurry"
    assert read(data).code == "accepted"  # without a face match the portrait does not matter


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xd8\xff\xe0 truncated jpeg", b"GIF89a" + b"\x00" * 20, b"%PDF-1.4 not an image"],
)
def test_hostile_input_gives_the_typed_error(data: bytes) -> None:
    with pytest.raises(UnsupportedImageError):
        read(data)


def test_a_photo_without_a_document(tmp_path: object) -> None:
    import io

    import numpy as np
    from PIL import Image

    buf = io.BytesIO()
    rng = np.random.default_rng(1)
    Image.fromarray(rng.integers(90, 110, (900, 1200, 3), dtype=np.uint8)).save(buf, "JPEG")
    assert read(buf.getvalue()).code in {"unknown_document", "mrz_not_found", "image_too_blurry"}


@pytest.mark.parametrize(("k", "turns"), [(-1, 1), (1, 3)])
def test_a_sideways_scan_without_an_outline_is_turned_upright(k: int, turns: int) -> None:
    import io

    import numpy as np
    from PIL import Image

    need_fonts()
    doc = make_document(8, kind="passport", country="FRA", with_face=False)
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(np.rot90(doc.sides[0].image, k))).save(buf, "PNG")
    reading = read(buf.getvalue())
    assert reading.sides[0].quarter_turns == turns
    assert list(reading.mrz_lines) == doc.mrz


def test_an_mrz_cut_by_the_outline_is_noticed() -> None:
    boxes = ((20, 300, 699, 330), (20, 340, 699, 370))
    whole = MrzReads(("V" * 44, "5" * 44), ("V" * 44, "5" * 44), boxes)
    cut = MrzReads(("V" * 44, "5" * 43), ("V" * 44, "5" * 43), boxes)
    inside = MrzReads(cut.rapid, cut.tesseract, ((20, 300, 600, 330), (20, 340, 600, 370)))
    assert not mrz_cut_short(whole, 700)
    assert mrz_cut_short(cut, 700)
    assert not mrz_cut_short(inside, 700)  # short, but not at the edge: a misread, not a cut
    assert not mrz_cut_short(MrzReads((), (), ()), 700)


def test_a_printed_frame_that_cuts_the_mrz_is_not_taken_for_the_outline() -> None:
    need_fonts()
    doc = make_document(5, kind="passport", with_face=False)
    page = doc.sides[0].image.copy()
    h, w = page.shape[:2]
    x0, _y0, x1, _y1 = doc.sides[0].regions["mrz"]
    # a frame printed on the page, its right edge through the MRZ's last characters: it is the
    # strongest quadrilateral in the photo, and flattening it would cut the MRZ short
    edge = x1 - int(0.03 * (x1 - x0))
    cv2.rectangle(page, (int(0.02 * w), int(0.02 * h)), (edge, h - int(0.02 * h)), (20, 20, 90), 6)
    quad = find_quad(page)
    assert quad is not None
    assert quad[:, 0].max() < x1
    reading = read(_png(page))
    assert list(reading.mrz_lines) == doc.mrz
    assert not reading.sides[0].located  # read from the whole photo


def _png(image: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "PNG")
    return buf.getvalue()


def test_the_fronts_print_settles_a_dispute_in_the_backs_mrz() -> None:
    # a card's number is printed on the front and its MRZ is on the back: the two readers' numbers
    # (55 and SS weigh the same) both validate, and only the front's print tells them apart
    truth = td3(Holder(number="55837602"))
    misread = (truth[0], truth[1].replace("55837602", "SS837602", 1))
    back = SideReading(
        "back", np.zeros((1, 1, 3), np.uint8), True, True, 0, (), (tuple(truth), misread), (), None, {}, ()
    )
    params = ReadParams(today=TODAY)
    alone = _reconcile(_SideWork(back, {}), params, {})
    assert alone is not None
    assert alone.conflicts == ("document_number",)
    settled = _reconcile(_SideWork(back, {}), params, {"document_number": "55837602"})
    assert settled is not None
    assert not settled.conflicts
    assert settled.result is not None
    assert list(settled.result.lines) == truth


def test_the_work_budget_cuts_optional_passes_and_refuses_rather_than_guess() -> None:
    """A side gets its first page read; re-reads (a quarter turn, a deskew, the whole photo) and
    single-field probes are counted against `ReadParams`. Counted, not timed: the same photo gets the
    same verdict on a busy machine. Without the re-read a sideways scan cannot be read, and is refused."""
    need_fonts()
    doc = make_document(8, kind="passport", country="FRA", with_face=False)
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(np.rot90(doc.sides[0].image, -1))).save(buf, "PNG")
    sideways = buf.getvalue()
    rules = DocumentRules(today=TODAY)

    cut = read_document(sideways, None, ReadParams(today=TODAY, rules=rules, max_rereads=0), engines())
    assert "quarter_turn" in cut.sides[0].skipped
    assert cut.sides[0].quarter_turns == 0
    assert cut.code != "accepted"

    full = read_document(sideways, None, ReadParams(today=TODAY, rules=rules), engines())
    assert full.sides[0].skipped == ()
    assert full.sides[0].quarter_turns == 1
    assert list(full.mrz_lines) == doc.mrz


def test_every_exif_orientation_is_applied_before_anything_else() -> None:
    """The same photo stored in each of the 8 EXIF orientations reads the same, with no turn of its
    own: mirrored ones too (a mirror image cannot be read by turning it)."""
    need_fonts()
    doc = make_document(12, kind="passport", country="DEU", with_face=False)
    upright = photos(doc, "easy", 12)[0]
    for orientation in STORED_AS:
        reading = read(with_orientation(upright, orientation))
        assert list(reading.mrz_lines) == doc.mrz, orientation
        assert reading.sides[0].quarter_turns == 0, orientation


def _outlines(degrees: float, turned: bool = False) -> np.ndarray:
    """Line outlines (4 corners, clockwise from top-left) of a page of print slanting by `degrees`;
    `turned`: the same page lying on its side."""
    quads = []
    for row in range(6):
        length, thickness = 300.0 + 40 * row, 30.0
        dx, dy = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
        x0, y0 = 100.0, 100.0 + 60 * row
        quad = [(x0, y0), (x0 + length * dx, y0 + length * dy)]
        quad += [
            (quad[1][0] - thickness * dy, quad[1][1] + thickness * dx),
            (x0 - thickness * dy, y0 + thickness * dx),
        ]
        quads.append([(y, x) for x, y in quad] if turned else quad)
    return np.asarray(quads, np.float32)


@pytest.mark.parametrize("degrees", [-6.0, 0.0, 4.0])
def test_a_page_s_slant_is_measured_from_its_line_outlines(degrees: float) -> None:
    assert abs(outline_angle(_outlines(degrees)) - degrees) < 0.1


def test_a_page_on_its_side_is_told_from_its_line_outlines() -> None:
    assert _mostly_tall(_outlines(2.0, turned=True))
    assert not _mostly_tall(_outlines(2.0))
    assert not _mostly_tall(np.zeros((0, 4, 2), np.float32))


def test_the_two_sides_are_read_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The back is read on a second thread while the front is read: each side waits here for the
    other to start, which would time out if they ran one after the other."""
    both = threading.Barrier(2, timeout=10)
    seen: dict[str, str] = {}

    def side(data: bytes, params: ReadParams, engines: object, timings: dict[str, float], tag: str) -> str:
        both.wait()
        seen[tag] = threading.current_thread().name
        return tag

    monkeypatch.setattr(reader, "read_side", side)
    params = ReadParams(today=TODAY)
    assert reader._read_sides(b"front", b"back", params, engines(), {}) == ["front", "back"]
    assert seen["front"] == threading.current_thread().name != seen["back"]


def test_a_lone_side_is_read_on_the_calling_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    def side(data: bytes, params: ReadParams, engines: object, timings: dict[str, float], tag: str) -> str:
        return f"{tag} on {threading.current_thread().name}"

    monkeypatch.setattr(reader, "read_side", side)
    read = reader._read_sides(b"front", None, ReadParams(today=TODAY), engines(), {})
    assert read == [f"front on {threading.current_thread().name}"]


def test_a_side_that_cannot_be_read_fails_the_read_once_both_end(monkeypatch: pytest.MonkeyPatch) -> None:
    finished: list[str] = []

    def side(data: bytes, params: ReadParams, engines: object, timings: dict[str, float], tag: str) -> str:
        if data == b"bad":
            raise UnsupportedImageError("not an image")
        time.sleep(0.05)
        finished.append(tag)
        return tag

    monkeypatch.setattr(reader, "read_side", side)
    params = ReadParams(today=TODAY)
    for front, back, done in ((b"bad", b"good", "back"), (b"good", b"bad", "front")):
        finished.clear()
        with pytest.raises(UnsupportedImageError):
            reader._read_sides(front, back, params, engines(), {})
        assert finished == [done]  # no side's thread outlives the read
