"""Every case of the hostile-input corpus against every command that reads such a file.

Each run is a fresh process (forked from a server that has only imported policyengine), with a
generous timeout: a crash of the C engine shows as a negative return code, a hang as a timeout,
and both fail the case. See corpus.py for the cases and registry.py for the commands.

The whole matrix (every use of every command, every case) is about 1,400 runs: it is marked
slow (``pytest -m slow tests/hostile``). The default run keeps every case against ``validate``
and ``evaluate`` (its text output; its JSON output reads and evaluates the same way, and meets
the sample), and every use of every command against a sample of cases (a loader error, a
control character, a broken scenario and a broken pack, and the valid exotic files).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hostile.corpus import CASES, LOG, Case, build, restore_permissions
from hostile.harness import ForkRunner, check_clean_error, check_not_broken
from hostile.registry import REGISTRY, command_paths, role_of

EXISTING = command_paths()


#: what every command meets in the default run; the first commands meet every case
SAMPLE = frozenset(
    {
        "tabs for indentation",
        "terminal escape sequence in text",
        "references to missing facts",
        "Japanese and emoji everywhere",
        "misspelled variable",
        "a pack that matches nothing",
        "decision log: inputs null",
        "decision log: arrow key in text",
        "decision log: 100,000-deep nesting",
    }
)
EVERY_CASE = frozenset({"validate", "evaluate"})
#: uses of those commands that meet only the sample (the same reading, another output format)
SAMPLED_USES = frozenset({("evaluate", "{scenario}", "--format", "json", "--lang", "en")})


def _params() -> Iterator[object]:
    for command, entry in REGISTRY.items():
        for argv in entry.uses:
            role = role_of(argv)
            for case in CASES:
                if not case.fills(role):
                    continue
                marks = []
                if (command not in EVERY_CASE or tuple(argv) in SAMPLED_USES) and case.name not in SAMPLE:
                    marks.append(pytest.mark.slow)
                if entry.planned and command not in EXISTING:
                    marks.append(pytest.mark.skip(reason=f"'{command}' is not in this branch yet"))
                reason = case.skip() if case.skip else None
                if reason:
                    marks.append(pytest.mark.skip(reason=reason))
                yield pytest.param(
                    argv,
                    role,
                    case,
                    entry.findings,
                    marks=marks,
                    id=f"{' '.join(a for a in argv if '/' not in a)}|{case.name}",
                )


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    dest = build(tmp_path_factory.mktemp("hostile") / "corpus")
    yield dest
    restore_permissions(dest)


@pytest.mark.parametrize(("argv", "role", "case", "findings"), list(_params()))
def test_hostile_input(
    runner: ForkRunner, corpus_dir: Path, argv: tuple[str, ...], role: str, case: Case, findings: bool
) -> None:
    args = [case.path if a == "{" + role + "}" else a for a in argv]
    o = runner.run(args, cwd=corpus_dir)
    if "Usage:" in o.stderr and case.named not in o.stderr:
        pytest.fail(f"a usage error: is the registry entry for {argv[0]!r} out of date?\n{o.describe()}")
    if case.ok:
        check_not_broken(o, findings=findings)
        assert o.rc in ((0, 1) if findings else (0,)), o.describe()
        return
    if role == "log" and LOG not in case.roles:
        # A decision log is JSON Lines, not YAML: the log reader's own codes and lines (E601 not
        # a log, E602 a damaged line, E117 ...), still exit 2 with the file named and a hint.
        check_clean_error(o, case.named, findings=findings)
        return
    check_clean_error(o, case.named, code=case.codes, line=case.line, column=case.column, findings=findings)


def test_no_case_ran_code(corpus_dir: Path, runner: ForkRunner) -> None:
    # python/object/apply:os.system would have written owned.txt had the YAML been loaded unsafely
    for argv in (["validate", "files/python_tag.yaml"], ["evaluate", "files/python_tag.yaml"]):
        check_not_broken(runner.run(argv, cwd=corpus_dir))
    assert not (corpus_dir / "owned.txt").exists()
