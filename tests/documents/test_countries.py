from __future__ import annotations

from idscan.documents.countries import COUNTRY_NAMES, country_name, is_known_code, national_hint


def test_iso_and_icao_codes() -> None:
    assert country_name("NLD") == "Netherlands"
    assert country_name("D<<") == "Germany"
    assert country_name("D") == "Germany"
    assert country_name("EUE") == "European Union"
    for code in ("UNO", "UNA", "UNK", "XXA", "XXB", "XXC", "XXX", "UTO", "GBD"):
        assert is_known_code(code), code
    assert country_name("ZZZ") is None
    assert not is_known_code("132")
    assert sum(len(code) == 3 for code in COUNTRY_NAMES) >= 249 + 20


def test_national_hints() -> None:
    hint = national_hint("NLD")
    assert hint is not None
    assert hint.locale == "nl-NL"
    assert "NEDERLANDSE" in hint.nationality_words
    assert national_hint("D<<") is not None
    assert national_hint("USA") is None


def test_nationality_words() -> None:
    from idscan.documents.countries import nationality_words

    assert {"DUTCH", "NEDERLANDSE", "NETHERLANDS"} <= nationality_words("NLD")
    assert "GERMAN" in nationality_words("D<<")
    assert "UTOPIAN" in nationality_words("UTO")
    assert "NIGERIAN" not in nationality_words("NER")
