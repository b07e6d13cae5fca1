"""Every rule of the shipped pack cites the paper verbatim, under the section it names."""

from __future__ import annotations

import pytest

from conftest import PAPER
from policyengine.sources import SourceText, load_source


@pytest.fixture(scope="module")
def paper() -> SourceText:
    # The paper is one of the project's shared inputs: its absence is a failure, not a skip.
    assert PAPER.is_file(), f"the source paper is missing: {PAPER}"
    return load_source(PAPER)


def test_every_rule_quote_occurs_in_the_paper(paper, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    missing = [r.id for r in compiled_pack.rules if not paper.contains(r.rule.source.quote)]
    assert missing == []


def test_every_rule_names_the_section_its_quote_is_in(paper, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    wrong = {
        r.id: (r.rule.source.section, paper.section_of(r.rule.source.quote))
        for r in compiled_pack.rules
        if paper.section_of(r.rule.source.quote) != r.rule.source.section
    }
    assert wrong == {}


def test_every_rule_cites_a_document_of_the_pack(compiled_pack) -> None:  # type: ignore[no-untyped-def]
    documents = set(compiled_pack.pack.documents)
    assert {r.rule.source.document for r in compiled_pack.rules} <= documents


def test_the_quote_check_is_not_vacuous(paper) -> None:  # type: ignore[no-untyped-def]
    assert paper.contains("日本は日米豪やクアッドといった既存のミニラテラルな協力をさらに推進する")
    assert not paper.contains("日本は既存のミニラテラルな協力をさらに推進しない")
