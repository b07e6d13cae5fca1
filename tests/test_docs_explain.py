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


def test_every_lint_code_is_named_where_lint_is_described() -> None:
    """What each code means, with an example, is in docs/errors.md (tests/test_docs.py checks it);
    the description of `rules lint` names them all and points there."""
    lint_codes = [c for c in CODES if c.startswith("L")] + ["E406"]
    assert lint_codes
    section = DOC.split("### `rules lint`", 1)[1].split("\n### ", 1)[0]
    assert "errors.md#lint-findings" in section
    for code in lint_codes:
        assert code in section, code
