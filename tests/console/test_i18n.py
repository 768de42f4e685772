"""Every console string is translated in every catalog, and nothing stale lingers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from idscan.console import i18n

SAME = {
    "nl-NL": {"Account", "Accounts", "Filters", "Score", "Webhooks", "Details", "live"},
    "fr-FR": {"Transactions", "Transaction", "Score", "Webhooks", "Source", "Actions", "Action"},
}
TEMPLATES = Path(i18n.__file__).with_name("templates")


@pytest.mark.parametrize("locale", ["nl-NL", "fr-FR"])
def test_catalog_translates_every_string(locale: str) -> None:
    catalog = i18n.catalog(locale)
    assert catalog is not None
    ids = {m.id for m in catalog if m.id}
    sources = set(i18n.MESSAGES.values())
    assert sources - ids == set(), "untranslated strings"
    assert ids - sources == set(), "stale entries in the catalog"
    for english in sources:
        same = english.isupper() or english in SAME[locale]
        assert i18n.translate(english, locale) != english or same, english


def test_every_key_the_templates_use_exists() -> None:
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(["']([a-z_]+)["'][,)]""", template.read_text()))
    assert used - set(i18n.MESSAGES) == set()


def test_placeholders_survive_translation() -> None:
    for locale in ("nl-NL", "fr-FR"):
        for english in i18n.MESSAGES.values():
            assert set(re.findall(r"{\w+}", english)) == set(
                re.findall(r"{\w+}", i18n.translate(english, locale))
            )


def test_every_key_built_from_a_value_exists() -> None:
    from idscan.console.transaction_routes import FLASHES
    from idscan.console.users import Role
    from idscan.transactions.states import TaskState, TaskType, TransactionState

    built = {
        *(f"role_{r.value}" for r in Role),
        *(f"state_{s.value}" for s in TransactionState),
        *(f"task_{k.value}" for k in TaskType),
        *(f"task_state_{s.value}" for s in TaskState),
        *(f"done_{f}" for f in FLASHES),
        "mode_live", "mode_test", "image_portrait", "image_document", "setup_invalid", "user_invalid",
        "webhook_invalid",
    }  # fmt: skip
    assert built - set(i18n.MESSAGES) == set()
