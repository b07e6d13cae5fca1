"""Justifications, messages and 'because' lines are written when read, in the language read."""

from __future__ import annotations

import pytest

from policyengine.api import evaluate, load_pack
from policyengine.engine.results import Prose


def test_prose_writes_only_the_language_read_and_keeps_it() -> None:
    calls: list[str] = []

    def write(lang: str) -> str:
        calls.append(lang)
        return f"text in {lang}"

    prose = Prose(write)
    assert prose["en"] == "text in en"
    assert prose["en"] == "text in en"
    assert calls == ["en"]
    assert dict(prose) == {"ja": "text in ja", "en": "text in en"}
    assert calls == ["en", "ja"]
    assert prose == {"ja": "text in ja", "en": "text in en"}
    assert prose != {"ja": "text in ja", "en": "other"}
    with pytest.raises(KeyError):
        prose["fr"]
    assert calls == ["en", "ja"]


def test_an_evaluation_writes_no_prose_until_it_is_read(korea) -> None:  # type: ignore[no-untyped-def]
    loaded = korea
    result = evaluate(loaded, load_pack())
    rec = result.recommendations[0]
    for prose in (rec.justification, rec.because, rec.target_name, result.risks[0].message):
        assert isinstance(prose, Prose)
        assert prose._text == {}
    english = rec.justification["en"]
    assert rec.justification._text == {"en": english}
    # the same text as a second evaluation's, read the other way round (both languages first)
    again = evaluate(loaded, load_pack()).recommendations[0]
    assert dict(again.justification)["en"] == english
    assert rec.to_dict() == again.to_dict()


def test_results_are_data_texts_come_from_the_writer_given(korea) -> None:  # type: ignore[no-untyped-def]
    from policyengine.core.prose import ResultProse
    from policyengine.engine import prepare

    pack = load_pack()
    bare = prepare(pack).evaluate(korea)  # no writer: every field but the texts
    full = evaluate(korea, pack)
    assert bare.ids == full.ids and [r.evidence for r in bare.risks] == [r.evidence for r in full.risks]
    with pytest.raises(RuntimeError, match="without a prose writer"):
        bare.recommendations[0].justification["en"]
    written = prepare(pack).evaluate(korea, prose=ResultProse)
    assert written.to_dict() == full.to_dict()
