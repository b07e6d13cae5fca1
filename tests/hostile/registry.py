"""Every command of the CLI, and how it is invoked with a hostile file in each place it reads one.

Placeholders: ``{scenario}`` a scenario file, ``{rules}`` a rule pack, and for commands that
read other kinds of file, ``{exercise}``, ``{expectations}``, ``{variations}``, ``{log}`` (those
receive the ``file`` cases of the corpus, which fail before the kind of file matters). The other
arguments are real files that fit any case given in the placeholder's place: the shipped
scenarios and exercises, and the helpers under ``corpus/helpers/`` (an expectations file and a
variation file that hold for any scenario with Australia in it).

``test_registry.py`` fails when the CLI has a command that is missing here, naming it: add an
entry when you add a command (``Entry(uses=())`` for a command that reads no file), with its
real arguments (``policyengine COMMAND --help``). ``planned`` marks a command written on another
branch: its tests are skipped while it is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from hostile.harness import ROOT

KOREA = str(ROOT / "scenarios" / "korea_new_gov.yaml")
BASELINE = str(ROOT / "scenarios" / "baseline_2022.yaml")
#: an exercise that names no recommendation, so that any rule pack can play it
EXERCISE = str(ROOT / "tests" / "exercises" / "korea_as_inject.yaml")
REC = "extend-asset-protection/AUS"  # an outcome id the shipped pack knows, in every corpus world
NOTHING = "act/jpn-usa-aus"  # an outcome id the corpus' valid pack knows, in the paper's world
EXPECT_NOTHING = "helpers/expect_nothing.yaml"  # relative to the corpus folder the runs use
VARY = "helpers/vary_australia.yaml"
QUICK = ("--max-changes", "1", "--max-evaluations", "50")  # whatif: a bounded search


@dataclass(frozen=True)
class Entry:
    uses: tuple[tuple[str, ...], ...]  # argument lists, each with exactly one placeholder
    planned: bool = False  # a command announced but not merged yet: skipped while it is missing
    #: the command's subject is the file it examines: its problems are findings (exit 1, or 2
    #: when the file cannot be read at all), and a valid file may have findings too
    findings: bool = False


REGISTRY: dict[str, Entry] = {
    "validate": Entry(uses=(("validate", "{scenario}"), ("validate", "{rules}"))),
    "schema": Entry(uses=()),  # reads no file
    "matrix": Entry(uses=(("matrix", "{scenario}"),)),
    "evaluate": Entry(
        uses=(
            ("evaluate", "{scenario}"),
            ("evaluate", "{scenario}", "--format", "json", "--lang", "en"),
            ("evaluate", "{scenario}", "--format", "html", "--lang", "en"),
            ("evaluate", KOREA, "--rules", "{rules}"),
        )
    ),
    "explain": Entry(
        uses=(("explain", "{scenario}", REC), ("explain", KOREA, NOTHING, "--rules", "{rules}"))
    ),
    "rules": Entry(uses=()),  # the group itself
    "rules list": Entry(uses=(("rules", "list", "--rules", "{rules}"),)),
    "rules show": Entry(uses=(("rules", "show", "nothing", "--rules", "{rules}"),)),
    "rules lint": Entry(uses=(("rules", "lint", "--rules", "{rules}", "--scenarios", KOREA),), findings=True),
    "rules coverage": Entry(uses=(("rules", "coverage", "--rules", "{rules}"),)),
    "diff": Entry(
        uses=(
            ("diff", BASELINE, "{scenario}"),
            ("diff", "{scenario}", KOREA),
            ("diff", BASELINE, KOREA, "--rules", "{rules}"),
        )
    ),
    "check": Entry(
        uses=(
            ("check", "{scenario}", "--expect", EXPECT_NOTHING),
            ("check", KOREA, "--expect", "{expectations}"),
            ("check", KOREA, "--expect", EXPECT_NOTHING, "--rules", "{rules}"),
        )
    ),
    "timeline": Entry(uses=(("timeline", "{scenario}"), ("timeline", KOREA, "--rules", "{rules}"))),
    "signposts": Entry(uses=(("signposts", "{scenario}"), ("signposts", KOREA, "--rules", "{rules}"))),
    "whatif": Entry(
        uses=(("whatif", "{scenario}", REC, *QUICK), ("whatif", KOREA, NOTHING, *QUICK, "--rules", "{rules}"))
    ),
    "sensitivity": Entry(uses=(("sensitivity", "{scenario}"), ("sensitivity", KOREA, "--rules", "{rules}"))),
    "sweep": Entry(
        uses=(
            ("sweep", "{scenario}", "--vary", VARY, "-q"),
            ("sweep", KOREA, "--vary", "{variations}", "-q"),
            ("sweep", KOREA, "--vary", VARY, "-q", "--rules", "{rules}"),
        )
    ),
    "exercise": Entry(uses=()),  # the group itself
    "exercise run": Entry(
        uses=(
            ("exercise", "run", "{exercise}"),
            ("exercise", "run", EXERCISE, "--rules", "{rules}"),
            ("exercise", "run", "--resume", "{log}"),
        )
    ),
    "exercise report": Entry(uses=(("exercise", "report", "{log}"),)),
    # --port 0: the port is bound before the files are read, and must never be the one busy
    "exercise serve": Entry(
        uses=(
            ("exercise", "serve", "{exercise}", "--port", "0"),
            ("exercise", "serve", "--resume", "{log}", "--port", "0"),
        )
    ),
    "exercise replay": Entry(uses=(("exercise", "replay", "{log}"),)),
    "exercise handout": Entry(
        uses=(
            ("exercise", "handout", "{exercise}", "--role", "player"),
            ("exercise", "handout", EXERCISE, "--role", "facilitator", "--rules", "{rules}"),
        )
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
