"""The message catalog (policyengine.text): every entry in both languages, with the same fields."""

from __future__ import annotations

import string

import pytest

from policyengine.text import LANGS, MessageError, both, catalog, t


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(catalog()))
def test_every_entry_has_both_languages_with_the_same_fields(key: str) -> None:
    entry = catalog()[key]
    assert set(entry) == set(LANGS)
    assert all(entry[lang].strip() for lang in LANGS), f"{key}: an empty sentence"
    assert _fields(entry["ja"]) == _fields(entry["en"]), f"{key}: fields differ between ja and en"


def test_lookup_fills_fields_and_refuses_unknown_keys() -> None:
    assert t("common.list_and", "en", a="Japan", b="Australia") == "Japan and Australia"
    assert both("common.none") == {"ja": "なし", "en": "none"}
    with pytest.raises(MessageError):
        t("common.no-such-message", "en")
