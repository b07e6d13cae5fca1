"""docs/diff.md and the README keep up with the diff, check, timeline and signposts commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policyengine.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "diff.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
GOLDEN = ROOT / "tests" / "golden"
COMMANDS = ("diff", "check", "timeline", "signposts")


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_and_option_is_documented(name: str) -> None:
    command = cli.commands[name]
    assert f"| `policyengine {name} " in README
    assert f"policyengine {name}" in DOC
    for param in command.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--") and opt not in ("--help", "--output", "--format", "--lang", "--rules"):
                assert opt in DOC, f"{name} {opt} is not in docs/diff.md"


def test_as_of_is_documented() -> None:
    assert "--as-of" in DOC and "--as-of" in README


def test_the_examples_are_real_output() -> None:
    """Every example block of docs/diff.md (cut at '...') occurs in a golden file."""
    outputs = [p.read_text(encoding="utf-8") for p in GOLDEN.rglob("*.txt")]
    blocks = re.findall(r"```text\n(.*?)```", DOC, flags=re.S)
    assert len(blocks) >= 4
    for block in blocks:
        for chunk in re.split(r"^\s*\.\.\.\n", block, flags=re.M):
            if chunk.strip():
                assert any(chunk in out for out in outputs), f"not real output:\n{chunk}"
