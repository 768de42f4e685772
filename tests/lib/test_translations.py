"""The shared catalog reader: translations found, the source language untouched, odd names refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from idscan.lib import translations

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Take a photo"
msgstr "Maak een foto"

msgid "Not translated yet"
msgstr ""
"""


@pytest.fixture
def catalogs(tmp_path: Path) -> Path:
    folder = tmp_path / "nl_NL" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(PO, encoding="utf-8")
    return tmp_path


def test_a_catalog_translates_what_it_holds_and_keeps_the_rest_in_english(catalogs: Path) -> None:
    assert translations.translate(catalogs, "Take a photo", "nl-NL") == "Maak een foto"
    assert translations.translate(catalogs, "Not translated yet", "nl-NL") == "Not translated yet"
    assert translations.translate(catalogs, "Never in the catalog", "nl-NL") == "Never in the catalog"


def test_the_source_language_has_no_catalog(catalogs: Path) -> None:
    assert translations.catalog(catalogs, "en-US") is None
    assert translations.translate(catalogs, "Take a photo", "en-US") == "Take a photo"


@pytest.mark.parametrize("locale", ["../nl_NL", "nl_NL", "nl-NL/../nl-NL", "", "NL-nl", "nl-NL\n"])
def test_a_name_that_is_not_a_locale_never_reaches_the_path(catalogs: Path, locale: str) -> None:
    with pytest.raises(ValueError, match="not a locale"):
        translations.catalog(catalogs, locale)


def test_a_locale_without_a_catalog_is_an_error_not_english(catalogs: Path) -> None:
    with pytest.raises(FileNotFoundError):
        translations.catalog(catalogs, "fr-FR")
