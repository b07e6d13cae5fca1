"""The explain and rules commands, and the lint codes, are documented."""

from __future__ import annotations

from pathlib import Path

from policyengine.cli import cli
from policyengine.errors import CODES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOC = (ROOT / "docs" / "explain.md").read_text(encoding="utf-8")


def test_every_rules_subcommand_and_explain_is_in_the_readme_and_the_docs() -> None:
    group = cli.commands["rules"]
    assert hasattr(group, "commands")
    names = [f"rules {name}" for name in group.commands]
    assert sorted(names) == ["rules coverage", "rules lint", "rules list", "rules show"]
    for name in [*names, "explain"]:
        assert f"`policyengine {name}" in README, name
        assert name in DOC, name


def test_every_lint_code_is_documented() -> None:
    lint_codes = [c for c in CODES if c.startswith("L")] + ["E406"]
    assert lint_codes
    for code in lint_codes:
        assert f"| {code} |" in DOC, code
