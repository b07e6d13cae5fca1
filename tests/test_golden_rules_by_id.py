"""Golden files name the shipped pack's rules by id, not by line (tests/conftest.rules_by_id)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import GOLDEN, RULES, _rule_starts, rules_by_id


def test_every_rule_of_the_shipped_pack_has_a_start_to_name_it_by() -> None:
    from policyengine.api import load_pack

    pack = load_pack(str(RULES))
    where = {(r.location.line, r.location.column): r.rule.id for r in pack.rules}
    assert {Path(r.file).name for r in pack.rules} == {"paper.yaml"}
    assert _rule_starts("paper.yaml") == where


def test_where_explain_says_a_rule_is_is_a_start_named_by_id() -> None:
    from click.testing import CliRunner

    from policyengine.cli import cli

    out = (
        CliRunner()
        .invoke(
            cli, ["explain", "scenarios/korea_new_gov.yaml", "extend-asset-protection/GBR", "--lang", "en"]
        )
        .output
    )
    assert "rules/paper.yaml:" in out
    named = rules_by_id(out)
    assert "rules/paper.yaml:" not in named
    assert "(rules/paper.yaml#extend-asset-protection)" in named


def test_a_location_inside_a_rule_keeps_its_line() -> None:
    line, col = min(_rule_starts("paper.yaml"))
    inside = f"rules/paper.yaml:{line + 1}:{col + 2}"
    assert rules_by_id(inside) == inside
    assert rules_by_id(f"tests/packs/rules/paper.yaml:{line}:{col}").endswith(f":{line}:{col}")


def test_no_golden_file_names_a_rule_of_the_shipped_pack_by_line() -> None:
    for path in sorted(GOLDEN.rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert rules_by_id(text) == text, f"{path} names a rule by its line"
            assert not re.search(r"(?<![\w/.-])rules/paper\.yaml:\d+:\d+", text), path
