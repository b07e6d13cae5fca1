"""The hostile-input registry covers every command of the CLI (see registry.py)."""

from __future__ import annotations

import click
import pytest

from hostile.registry import REGISTRY, command_paths, missing_from_registry, role_of


def test_every_command_has_a_registry_entry() -> None:
    missing = missing_from_registry()
    assert not missing, (
        f"commands without an entry in tests/hostile/registry.py: {', '.join(missing)}. "
        "Add how each is invoked with a hostile scenario file / rule pack / other file, so the "
        "hostile-input corpus runs against it (Entry(uses=()) if it reads no file)."
    )


def test_registry_entries_that_are_not_planned_exist() -> None:
    commands = command_paths()
    stale = sorted(name for name, entry in REGISTRY.items() if not entry.planned and name not in commands)
    assert not stale, f"registry entries for commands the CLI does not have: {', '.join(stale)}"


def test_every_use_names_one_placeholder() -> None:
    for name, entry in REGISTRY.items():
        for argv in entry.uses:
            assert role_of(argv) in ("scenario", "rules", "exercise", "expectations", "variations", "log"), (
                name,
                argv,
            )


def test_a_new_nested_command_is_reported_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from policyengine.cli import cli

    group = click.Group("zz-tools")
    group.add_command(click.Command("inspect", callback=lambda: None))
    monkeypatch.setitem(cli.commands, "zz-tools", group)
    assert missing_from_registry() == ["zz-tools", "zz-tools inspect"]
