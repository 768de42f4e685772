"""Every string of the hosted pages is translated in every catalog, and nothing stale lingers."""

import pytest

from idscan.hosted import i18n

# Words these languages write as English does.
SAME = {"nl-NL": {"Document", "Selfie"}, "fr-FR": {"Document", "Selfie"}}


def sources() -> set[str]:
    return {
        *i18n.MESSAGES.values(),
        *i18n.GUIDE.values(),
        *i18n.HINTS.values(),
        *i18n.PROMPTS.values(),
        *i18n.REASONS.values(),
    }


@pytest.mark.parametrize("locale", ["nl-NL", "fr-FR"])
def test_catalog_translates_every_string(locale: str) -> None:
    catalog = i18n.catalog(locale)
    assert catalog is not None
    ids = {m.id for m in catalog if m.id}
    assert sources() - ids == set(), "untranslated strings: run the extraction and translate"
    assert ids - sources() == set(), "stale entries in the catalog"
    for english in sources():
        same = english.isupper() or english in SAME[locale]
        assert i18n.translate(english, locale) != english or same, english


def test_every_attempt_code_has_a_hint() -> None:
    codes = {
        "front_side_provided_back_side_required", "unknown_type_back",
        "back_side_provided_front_side_required", "accepted", "unknown_document", "mrz_not_found",
        "mrz_invalid", "document_expired", "age_below_minimum", "age_above_maximum", "field_invalid",
        "comparison_mismatch", "image_too_blurry", "image_glare", "image_too_small",
        "document_not_fully_visible", "portrait_not_found", "unsupported_file",
    }  # fmt: skip
    from idscan.vision.enrol import EnrolProblem

    codes |= {p.value for p in EnrolProblem}
    assert codes <= set(i18n.HINTS)


def test_every_liveness_reason_has_a_hint() -> None:
    from idscan.vision.liveness_reasons import ReasonCode

    assert {c.value for c in ReasonCode} <= set(i18n.REASONS)


def test_english_is_the_source() -> None:
    assert i18n.text("title", "en-US") == "Verify your identity"
    assert i18n.text("title", "fr-FR") == "Vérifiez votre identité"
    assert i18n.hint("no_such_code", "nl-NL") == "no_such_code"
