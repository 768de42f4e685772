from __future__ import annotations

import random
from datetime import date

from idscan.documents.mrz import MrzResult, Reconciled, parse, reconcile, visual_confirms
from idscan.documents.mrz.charsets import RIVALS, SWAPS

from .factory import Holder, random_mrz, td3

TODAY = date(2026, 11, 25)
TRUTH = td3(Holder())


def _r(c: Reconciled) -> MrzResult:
    assert c.result is not None
    return c.result


def test_both_readers_agree_confirms_unchecked_fields() -> None:
    r = reconcile(TRUTH, list(TRUTH), today=TODAY)
    assert r.accepted
    assert r.confirmed == {"surname", "given_names", "nationality", "issuing_country", "sex"}


def test_single_reader_without_visual_confirms_nothing() -> None:
    r = reconcile(TRUTH, None, today=TODAY)
    assert r.result is not None
    assert _r(r).valid
    assert not r.accepted
    assert "surname" in r.unconfirmed


def test_disagreeing_names_need_the_visual_zone() -> None:
    other = [TRUTH[0].replace("ERIKSSON", "ERIKSS0N").replace("ANNA", "ANKA"), TRUTH[1]]
    r = reconcile(TRUTH, other, today=TODAY)
    assert "given_names" in r.unconfirmed
    assert "surname" in r.confirmed
    r = reconcile(TRUTH, other, {"given_names": "Anna Maria"}, today=TODAY)
    assert r.accepted
    assert _r(r).value("given_names") == "ANNA MARIA"


def test_visual_zone_can_pick_the_second_reader() -> None:
    wrong = [TRUTH[0].replace("MARIA", "MARTA"), TRUTH[1]]
    r = reconcile(wrong, TRUTH, {"given_names": "ANNA MARIA", "surname": "Eriksson"}, today=TODAY)
    assert r.accepted
    assert _r(r).value("given_names") == "ANNA MARIA"


def test_checked_field_conflict_between_valid_reads_is_reported() -> None:
    a = td3(Holder(number="AG1234567"))
    b = [a[0], "A6" + a[1][2:]]  # G/6: both validate, no digit can tell
    r = reconcile(a, b, today=TODAY)
    assert r.conflicts == ("document_number",)
    assert not r.accepted


def test_invalid_read_is_outvoted_by_a_valid_one() -> None:
    broken = [TRUTH[0], TRUTH[1][:20] + "7" + TRUTH[1][21:]]  # sex garbled
    r = reconcile(broken, TRUTH, today=TODAY)
    assert r.result is not None
    assert _r(r).lines == tuple(TRUTH)


def test_visual_matching_rules() -> None:
    assert visual_confirms("surname", "MAENNIK", "MÄNNIK")
    assert visual_confirms("surname", "MANNIK", "Männik")
    assert visual_confirms("given_names", "MARI LIIS", "MARI-LIIS")
    assert visual_confirms("given_names", "ALEXANDR", "ALEXANDRA", truncated=True)
    assert not visual_confirms("given_names", "ALEXANDR", "ALEXANDRA")
    assert visual_confirms("sex", "F", "K/F")
    assert visual_confirms("sex", "F", "MOT/F")
    assert not visual_confirms("sex", "M", "F")
    assert visual_confirms("nationality", "NLD", "Nederlandse")
    assert visual_confirms("nationality", "D", "DEUTSCH")
    assert visual_confirms("nationality", "HUN", "MAGYAR/HUNGARIAN")
    assert visual_confirms("issuing_country", "NLD", "Netherlands")
    assert not visual_confirms("nationality", "NLD", "BELGISCHE")


def test_checked_fields_merge_from_the_reader_that_validates_them() -> None:
    a = [TRUTH[0], TRUTH[1][:2] + "3" + TRUTH[1][3:]]  # document number wrong (8 read as 3)
    b = [TRUTH[0], TRUTH[1][:14] + "3" + TRUTH[1][15:]]  # birth date wrong (4 read as 3)
    r = reconcile(a, b, today=TODAY)
    assert _r(r).lines == tuple(TRUTH)
    assert r.accepted


def test_redaction_spans_cover_value_and_own_digit() -> None:
    r = reconcile(TRUTH, TRUTH, today=TODAY)
    spans = _r(r).redaction_spans("personal_number")
    assert [(s.line, s.start, s.end) for s in spans] == [(1, 28, 42), (1, 42, 43)]
    assert _r(r).redaction_spans("place_of_birth") == ()


def test_unconfirmed_fields_keep_the_plausible_reading() -> None:
    # Both validate; reader A garbles a given name with a digit, reader B misreads the issuer.
    a = [TRUTH[0].replace("MARIA", "MAR7A"), TRUTH[1]]
    b = [TRUTH[0].replace("P<UTO", "P<UQO"), TRUTH[1]]
    r = reconcile(a, b, today=TODAY)
    assert _r(r).lines == tuple(TRUTH)
    assert {"given_names", "issuing_country"} <= r.unconfirmed  # right, but still not confirmed
    assert not r.accepted


def test_first_reader_is_preferred_between_two_plausible_names() -> None:
    a = list(TRUTH)
    b = [TRUTH[0].replace("ERIKSSON", "ERIKSSDN"), TRUTH[1][:9] + "7" + TRUTH[1][10:]]  # B fails a digit
    r = reconcile(a, b, today=TODAY)
    assert _r(r).value("surname") == "ERIKSSON"
    r = reconcile(b, a, today=TODAY)  # B's other fields fail, A is the base; B comes first
    assert _r(r).value("surname") == "ERIKSSDN"
    assert "surname" in r.unconfirmed


def test_a_confirmed_name_part_is_never_overwritten() -> None:
    a = [TRUTH[0].replace("ERIKSSON<<ANNA", "ERIKSSON<<ANKA"), TRUTH[1]]
    b = [TRUTH[0].replace("ERIKSSON<<ANNA", "ERIKSSDN<<ANNA"), TRUTH[1]]
    r = reconcile(a, b, {"surname": "ERIKSSON", "given_names": "ANNA MARIA"}, today=TODAY)
    assert _r(r).value("surname") == "ERIKSSON"
    assert "surname" in r.confirmed
    assert "given_names" in r.unconfirmed  # the print says B's, but B's surname is wrong


def test_visual_nationality_words_in_english() -> None:
    assert visual_confirms("nationality", "UTO", "UTOPIAN")
    assert visual_confirms("nationality", "HUN", "HUNGARIAN")
    assert visual_confirms("nationality", "ISL", "ÍSLENSKUR/ICELANDIC/ISLANDAISE")
    assert visual_confirms("nationality", "CZE", "ČESKÁ REPUBLIKA / CZECH REPUBLIC")
    assert visual_confirms("nationality", "POL", "POLSKIE / POLISH / POLONAISE")
    assert visual_confirms("nationality", "AUT", "AUSTRIAN")
    assert not visual_confirms("nationality", "AUS", "AUSTRIAN")  # Australia is not Austria
    assert not visual_confirms("nationality", "NER", "NIGERIAN")  # Nigeria, not Niger
    assert visual_confirms("nationality", "NGA", "NIGERIAN")


def test_two_failing_reads_of_one_field_are_combined() -> None:
    # A slips at one character of the number, B at another: neither validates, their mix does.
    a = [TRUTH[0], "L8989O2C3" + TRUTH[1][9:]]  # (refused alone: a digit slip would fit as well)
    b = [TRUTH[0], "L898902CB" + TRUTH[1][9:]]
    r = reconcile(a, b, today=TODAY)
    assert _r(r).lines == tuple(TRUTH)
    assert r.accepted


def test_property_two_readers_with_one_slip_each_never_give_a_wrong_value() -> None:
    # Slips include K/<, G/6 and L/1, which no check digit sees: the second reader must expose them.
    rng = random.Random(5)
    table = {**SWAPS}
    for key, more in RIVALS.items():
        table[key] = table.get(key, "") + more
    table["<"], table["K"] = "K", "<" + table.get("K", "")
    wrong = restored = 0
    for _ in range(400):
        truth = random_mrz(rng)
        reads = []
        for _reader in range(2):
            read = list(truth)
            line = rng.randrange(len(read))
            pos = rng.randrange(len(read[line]))
            if read[line][pos] in table:
                read[line] = read[line][:pos] + rng.choice(table[read[line][pos]]) + read[line][pos + 1 :]
            reads.append(read)
        if reads[0] == reads[1] != truth:
            continue  # the same slip in both readers: nothing can see it
        r = reconcile(reads[0], reads[1], today=TODAY)
        if r.result is None or not r.result.checks_valid or r.conflicts:
            continue
        checked = [f.name for f in r.result.fields if f.check_digit]
        truth_result = parse(truth, today=TODAY)
        same = all(r.result.value(n) == truth_result.value(n) for n in checked)
        if same:
            restored += 1
        else:
            wrong += 1  # even a collision one reader cannot see must show up as a conflict
    assert wrong == 0
    assert restored > 250


def test_collision_seen_by_a_failing_second_reader_is_a_conflict() -> None:
    a = td3(Holder(number="AG1234567"))
    b = [a[0], "A6" + a[1][2:14] + "3" + a[1][15:]]  # reads 6 for G, and slips in the birth date
    r = reconcile(a, b, today=TODAY)
    assert _r(r).value("document_number") == "AG1234567"
    assert "document_number" in r.conflicts
    assert not r.accepted


def test_each_line_is_taken_from_the_reader_that_read_it_well() -> None:
    # A garbles the number line beyond repair (and reads sex X: plausible, but its line fails);
    # B garbles the names line with digits for letters and one lost filler.
    a = [TRUTH[0], "L89B9O2C3" + TRUTH[1][9:20] + "X" + TRUTH[1][21:]]
    b = ["P<UTOERIKSS0N<<ANNA<MAR1A<<<<<<<<<<<<<<<<<<", TRUTH[1]]
    r = reconcile(a, b, today=TODAY)
    assert _r(r).lines == tuple(TRUTH)
    assert {"surname", "given_names"} <= r.confirmed  # both read the names alike once corrected
    assert "sex" in r.unconfirmed  # F against X
    r = reconcile(a, b, {"sex": "F"}, today=TODAY)
    assert r.accepted


def test_a_line_that_had_to_be_resized_is_the_weaker_witness() -> None:
    # Reader A (preferred) inserted a letter into the names, so its line was one too long.
    a = ["P<UTOERFIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", TRUTH[1]]
    b = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", TRUTH[1]]
    r = reconcile(a, b, today=TODAY)
    assert _r(r).value("surname") == "ERIKSSON"
    assert "surname" in r.unconfirmed


def test_missing_or_unusable_first_reader() -> None:
    r = reconcile([], TRUTH, today=TODAY)
    assert _r(r).lines == tuple(TRUTH)
    assert "surname" in r.unconfirmed
    r = reconcile(["#### garbage ####", "12"], TRUTH, today=TODAY)
    assert _r(r).lines == tuple(TRUTH)
    assert reconcile([], None, today=TODAY).result is None


def test_a_character_lost_elsewhere_does_not_shift_the_witness() -> None:
    # B lost a letter of the document number, so its nationality sits one place early; aligned
    # character by character it still reads FRA where A read PRA (no code), and agrees on sex.
    a = ["P<FRAWEISS<<PIOTR<<<<<<<<<<<<<<<<<<<<<<<<<<<", "SFJS9P2B61PRA6005030F3002256<<<<<<<<<<<<<<<2"]
    b = ["P<FRAWEISS<<<PI0TR<<<<<<<<<<<<<<<<<<<<<<<<<<<", "SFJS92B61FRA6005030F3002256<<<<<<<<<<<<<<<2"]
    r = reconcile(a, b, today=TODAY)
    assert _r(r).lines[1] == "SFJS9P2B61FRA6005030F3002256<<<<<<<<<<<<<<<2"
    assert "sex" in r.confirmed
    assert "nationality" in r.unconfirmed  # PRA against FRA: right now, but nothing confirms it


def test_the_print_settles_a_name_each_reader_slipped_in_elsewhere() -> None:
    # A reads ERIKSSDN (O as D), B reads ERFIKSSON (an extra letter): the print ERIKSSON has every
    # letter backed by one of the two readers, so it is taken and counts as confirmed.
    a = [TRUTH[0].replace("ERIKSSON<<ANNA<MARIA<", "ERIKSSDN<<ANNA<MARIA<"), TRUTH[1]]
    b = [TRUTH[0].replace("ERIKSSON<<ANNA<MARIA<", "ERFIKSSON<<ANNA<MARIA"), TRUTH[1]]
    r = reconcile(a, b, {"surname": "Eriksson"}, today=TODAY)
    assert r.accepted
    assert _r(r).value("surname") == "ERIKSSON"
    assert _r(r).lines == tuple(TRUTH)


def test_the_print_alone_never_rewrites_a_name_both_readers_read_alike() -> None:
    # both readers say ERIKSSDN: the print's O is backed by neither, so the MRZ stays as read and
    # the name is a mismatch to report, not something to paper over
    a = [TRUTH[0].replace("ERIKSSON", "ERIKSSDN"), TRUTH[1]]
    r = reconcile(a, list(a), {"surname": "ERIKSSON"}, today=TODAY)
    assert _r(r).value("surname") == "ERIKSSDN"
    # every letter of the print is backed by A or B, but it differs from A in three places: too
    # far to be A's slips
    b = [TRUTH[0].replace("ERIKSSON", "ERIKSSOM"), TRUTH[1]]
    far = [TRUTH[0].replace("ERIKSSON", "FRLKSSDN"), TRUTH[1]]
    r = reconcile(far, b, {"surname": "ERIKSSON"}, today=TODAY)
    assert "surname" in r.unconfirmed
    assert not r.accepted


def test_the_print_settles_a_number_the_check_digits_cannot() -> None:
    # 55 and SS weigh the same under the 7-3-1 weights: both reads validate, so the readers conflict
    truth = td3(Holder(number="55837602"))
    misread = [truth[0], truth[1].replace("55837602", "SS837602", 1)]
    assert parse(misread, today=TODAY).valid
    assert reconcile(misread, truth, today=TODAY).conflicts == ("document_number",)
    r = reconcile(misread, truth, {"document_number": "55837602"}, today=TODAY)
    assert not r.conflicts
    assert _r(r).lines == tuple(truth)
    assert reconcile(truth, misread, {"document_number": "55 837602"}, today=TODAY).accepted
    # a print that is neither reading settles nothing
    other = reconcile(misread, truth, {"document_number": "55837603"}, today=TODAY)
    assert other.conflicts == ("document_number",)


def test_a_print_cut_short_never_cuts_the_name() -> None:
    # the print was read as CHRISTOP (its end lost): every letter it has is backed by the readers,
    # but the readers' HE after it is not outvoted by anything, so the name stays as read
    truth = td3(Holder(surname="ULYSSE", given="CHRISTOPHE"))
    b = [truth[0].replace("CHRISTOPHE", "CHRISTOPHF"), truth[1]]
    r = reconcile(truth, b, {"given_names": "CHRISTOP"}, today=TODAY)
    assert _r(r).value("given_names") == "CHRISTOPHE"
    assert "given_names" in r.unconfirmed


def test_a_document_code_its_format_never_carries_is_not_accepted() -> None:
    """No check digit covers the document code: `R<UTO...` on a passport page held every digit."""
    misread = ["R" + TRUTH[0][1:], TRUTH[1]]
    r = reconcile(misread, list(misread), today=TODAY)
    assert _r(r).valid
    assert not r.accepted
    assert "document_type" in r.unconfirmed
    assert reconcile(TRUTH, list(TRUTH), today=TODAY).accepted
