"""Gettext catalogs (.po, msgid = the English text) of the hosted pages and the console, read once
per process. English is the source language: it has no catalog."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

SOURCE_LOCALE = "en-US"
# The locale names a folder: nothing but a language and a region may reach the path.
_LOCALE = re.compile(r"[a-z]{2}-[A-Z]{2}")


@cache
def catalog(directory: Path, locale: str) -> Catalog | None:
    """The translations of `locale` in `directory` (`<ll_RR>/LC_MESSAGES/messages.po`); None for
    the source language. Raises ValueError for a name that is not a locale, FileNotFoundError for a
    locale without a catalog."""
    if locale == SOURCE_LOCALE:
        return None
    if not _LOCALE.fullmatch(locale):
        raise ValueError(f"not a locale: {locale!r}")
    folder = locale.replace("-", "_")
    with (directory / folder / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=folder)


def translate(directory: Path, english: str, locale: str) -> str:
    """`english` in `locale`, or as it is where the catalog has no translation of it."""
    entries = catalog(directory, locale)
    if entries is None:
        return english
    message = entries.get(english)
    return str(message.string) if message is not None and message.string else english
