"""docs/rules.md stays true: its fact-kind reference is generated from the engine's view, its
examples from the pack are the pack's rules, and it documents every operator."""

from __future__ import annotations

import re
import textwrap

import pytest

from conftest import ROOT
from policyengine.compiler.ir import OPERATORS
from policyengine.errors import CODES
from policyengine.models.factview import BASE_KINDS
from policyengine.render.factkinds import replace_generated

DOC = ROOT / "docs" / "rules.md"
PACK = ROOT / "rules" / "paper.yaml"
_FROM_PACK = re.compile(r"```yaml\n# rules/paper\.yaml\n(.*?)```", re.S)


def test_the_fact_kind_reference_is_up_to_date(request: pytest.FixtureRequest) -> None:
    text = DOC.read_text(encoding="utf-8")
    fresh = replace_generated(text)
    if request.config.getoption("--update-golden"):
        DOC.write_text(fresh, encoding="utf-8")
        return
    assert fresh == text, "docs/rules.md's fact kinds are out of date: run pytest --update-golden"
    for kind in BASE_KINDS:
        assert f"#### `{kind}`" in text


def test_examples_from_the_pack_are_the_packs_rules() -> None:
    pack = PACK.read_text(encoding="utf-8")
    examples = _FROM_PACK.findall(DOC.read_text(encoding="utf-8"))
    assert len(examples) >= 4
    for example in examples:
        assert textwrap.indent(example, "  ") in pack, example.splitlines()[0]


def test_every_operator_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("| operator | meaning |") :]
    table = table[: table.index("\n\n")]
    documented = set(re.findall(r"`([a-z_]+)`", "".join(line.split("|")[1] for line in table.splitlines())))
    assert documented == set(OPERATORS)


def test_error_codes_named_in_the_doc_exist() -> None:
    named = set(re.findall(r"\bE\d{3}\b", DOC.read_text(encoding="utf-8")))
    assert named and named <= set(CODES)
