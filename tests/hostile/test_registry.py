"""The hostile-input registry covers every command of the CLI (see registry.py)."""

from __future__ import annotations

from hostile.registry import REGISTRY, command_paths, role_of


def test_every_command_has_a_registry_entry() -> None:
    missing = sorted(set(command_paths()) - set(REGISTRY))
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
            assert role_of(argv) in ("scenario", "rules", "exercise", "expectations", "log"), (name, argv)
