"""Every command of the CLI, and how it is invoked with a hostile file in each place it reads one.

Placeholders: ``{scenario}`` a scenario file, ``{rules}`` a rule pack, and for commands that
read other kinds of file, ``{exercise}``, ``{expectations}``, ``{log}`` (those receive the
``file`` cases of the corpus, which fail before the kind of file matters).

``test_registry.py`` fails when the CLI has a command that is missing here, naming it: add an
entry when you add a command (``Entry(uses=())`` for a command that reads no file). Entries
marked ``planned`` are commands being written on other branches; their tests are skipped until
the command exists, and then run as written here: if the invocation guessed below is wrong, the
corpus test says so (a usage error that does not name the file) and the entry needs updating.
"""

from __future__ import annotations

from dataclasses import dataclass

from hostile.harness import ROOT

KOREA = str(ROOT / "scenarios" / "korea_new_gov.yaml")
BASELINE = str(ROOT / "scenarios" / "baseline_2022.yaml")
REC = "extend-asset-protection/GBR"  # a recommendation of the paper's world


@dataclass(frozen=True)
class Entry:
    uses: tuple[tuple[str, ...], ...]  # argument lists, each with exactly one placeholder
    planned: bool = False  # a command announced but not merged yet: skipped while it is missing


def _planned(*uses: tuple[str, ...]) -> Entry:
    return Entry(uses=uses, planned=True)


REGISTRY: dict[str, Entry] = {
    "validate": Entry(uses=(("validate", "{scenario}"), ("validate", "{rules}"))),
    "schema": Entry(uses=()),  # reads no file
    "matrix": Entry(uses=(("matrix", "{scenario}"),)),
    "evaluate": Entry(
        uses=(
            ("evaluate", "{scenario}"),
            ("evaluate", "{scenario}", "--format", "json", "--lang", "en"),
            ("evaluate", KOREA, "--rules", "{rules}"),
        )
    ),
    # -- commands being added on other branches (invocations are educated guesses) --------------
    "explain": _planned(("explain", "{scenario}", REC), ("explain", KOREA, REC, "--rules", "{rules}")),
    "rules": _planned(),  # the group itself
    "rules list": _planned(("rules", "list", "--rules", "{rules}")),
    "rules show": _planned(("rules", "show", "raa-partner", "--rules", "{rules}")),
    "rules lint": _planned(("rules", "lint", "{rules}")),
    "rules coverage": _planned(("rules", "coverage", "--rules", "{rules}")),
    "diff": _planned(
        ("diff", BASELINE, "{scenario}"),
        ("diff", "{scenario}", KOREA),
        ("diff", BASELINE, KOREA, "--rules", "{rules}"),
    ),
    "check": _planned(
        ("check", "{expectations}"),
    ),
    "timeline": _planned(
        ("timeline", "{scenario}"),
    ),
    "signposts": _planned(
        ("signposts", "{scenario}"),
    ),
    "whatif": _planned(
        ("whatif", "{scenario}"),
    ),
    "sensitivity": _planned(
        ("sensitivity", "{scenario}"),
    ),
    "sweep": _planned(
        ("sweep", "{scenario}"),
    ),
    "exercise": _planned(),  # the group itself
    "exercise run": _planned(
        ("exercise", "run", "{exercise}"),
    ),
    "exercise report": _planned(
        ("exercise", "report", "{log}"),
    ),
    "exercise handout": _planned(
        ("exercise", "handout", "{exercise}"),
    ),
}


def role_of(argv: tuple[str, ...]) -> str:
    """The placeholder an argument list fills: 'scenario', 'rules', ..."""
    found = [a[1:-1] for a in argv if a.startswith("{") and a.endswith("}")]
    assert len(found) == 1, f"{argv}: exactly one placeholder expected"
    return found[0]


def command_paths() -> dict[str, bool]:
    """Every command of the CLI, nested groups walked: 'rules list' -> is it a group?"""
    import click

    from policyengine.cli import cli

    out: dict[str, bool] = {}

    def walk(group: click.Group, prefix: str) -> None:
        for name, cmd in group.commands.items():
            path = f"{prefix}{name}"
            out[path] = isinstance(cmd, click.Group)
            if isinstance(cmd, click.Group):
                walk(cmd, path + " ")

    walk(cli, "")
    return out


def missing_from_registry() -> list[str]:
    """Commands of the CLI that have no registry entry, sorted."""
    return sorted(set(command_paths()) - set(REGISTRY))
