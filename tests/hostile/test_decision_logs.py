"""Hostile decision logs: every edit of a record ends in a located E6xx (or E117) error, exit 2.

A real session's log is written once (through the library, with a fixed clock); each case edits
one record the way a careless hand or an attacker would, then ``exercise report``, ``replay`` and
``run --resume`` must each refuse it at the record's line, naming the field. Hypothesis then
replaces any field of any record with any JSON value: never an internal error (exit 3).
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile.harness import ROOT
from policyengine.cli import cli

Record = dict[str, Any]
Edit = Callable[[list[Record]], None]

COMMANDS = (
    ["exercise", "report"],
    ["exercise", "replay"],
    ["exercise", "run", "--resume"],
)
LOCATED = re.compile(r"^(?P<file>\S+):(?P<line>\d+):1: (?P<code>E6\d\d|E117): ", re.MULTILINE)


def write_session(world: Path) -> Path:
    """A finished three-move session of sea_lane_crisis.yaml, as ``exercise run -i`` writes it."""
    from policyengine.api import load_pack
    from policyengine.exercise.load import load_exercise
    from policyengine.exercise.session import Session

    ticks = itertools.count()
    start = dt.datetime(2022, 7, 4, 9, 0, tzinfo=dt.UTC)

    def clock() -> dt.datetime:
        return start + dt.timedelta(minutes=next(ticks))

    pack = load_pack(None)
    exercise = load_exercise(str(world / "exercises" / "sea_lane_crisis.yaml"), pack=pack)
    log = world / "session.jsonl"
    with Session.start(exercise, pack, str(log), clock=clock, lang="en") as session:
        session.decide("mofa", "propose-framework/AUS+JPN+KOR", "The three share the sea lanes")
        session.decide("mod", "strengthen the coast guard", "")
        while session.complete_move() is not None:
            pass
    return log


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("logs")
    for name in ("exercises", "scenarios", "rules"):
        shutil.copytree(ROOT / name, folder / name)
    write_session(folder)
    return folder


def original(world: Path) -> list[Record]:
    return [json.loads(line) for line in (world / "session.jsonl").read_text(encoding="utf-8").splitlines()]


def write(world: Path, records: list[Record], name: str, raw: dict[int, str] | None = None) -> Path:
    """The records as JSON lines (``raw``: a line's text as given, for what json.dumps cannot make)."""
    lines = [json.dumps(r) for r in records]  # "\\ud800": the escape, as an attacker writes it
    for index, text in (raw or {}).items():
        lines[index] = text
    path = world / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(world: Path, argv: list[str]) -> Any:
    return CliRunner().invoke(cli, argv, catch_exceptions=True)


def check_refused(result: Any, log: Path, *, line: int | None, code: str | None, field: str | None) -> None:
    assert result.exit_code == 2, f"exit {result.exit_code}: {result.output}\n{result.exception!r}"
    said = result.stderr
    assert "Traceback" not in said and "internal error" not in said, said
    found = LOCATED.search(said)
    assert found is not None and found["file"] == str(log), f"not a located E6xx/E117 error:\n{said}"
    if line is not None:
        assert f"{log}:{line}:1: " in said, said
    if code is not None:
        assert f": {code}: " in said, said
    if field is not None:
        assert f"'{field}'" in said, f"the field {field!r} is not named:\n{said}"
    assert "hint:" in said, said
    assert "not written by policyengine" not in said, said


def _set(path: tuple[Any, ...], value: Any) -> Edit:
    def edit(records: list[Record]) -> None:
        target: Any = records
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _drop(path: tuple[Any, ...]) -> Edit:
    def edit(records: list[Record]) -> None:
        target: Any = records
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return edit


# (name, edit, line, code, field named). Records: 0 header, 1-2 decisions of move-1, 3-5 moves.
CASES: list[tuple[str, Edit, int, str, str | None]] = [
    # the seven internal errors found by fuzzing (TypeError, KeyError, ...) before the strict check
    ("inputs is null", _set((0, "exercise", "inputs"), None), 1, "E605", "exercise.inputs"),
    ("an input is a number", _set((0, "exercise", "inputs", 0), 7), 1, "E605", "exercise.inputs[0]"),
    (
        "an input's sha256 is a list",
        _set((0, "exercise", "inputs", 1, "sha256"), []),
        1,
        "E605",
        "exercise.inputs[1].sha256",
    ),
    ("lang is unknown", _set((0, "lang"), "fr"), 1, "E605", "lang"),
    ("format is a number", _set((0, "format"), 3), 1, "E605", "format"),
    ("applied is text", _set((3, "applied"), "shipping-harassed"), 4, "E605", "applied"),
    ("applied holds a number", _set((3, "applied", 0), 1), 4, "E605", "applied[0]"),
    ("recommendations is an object", _set((3, "recommendations"), {"a": 1}), 4, "E605", "recommendations"),
    ("decision action is a list", _set((1, "action"), ["x"]), 2, "E605", "action"),
    ("rationale is a number", _set((1, "rationale"), 5), 2, "E605", "rationale"),
    ("rationale is null", _set((1, "rationale"), None), 2, "E605", "rationale"),
    # types that compare equal to the right value
    ("seq is true", _set((1, "seq"), True), 2, "E605", "seq"),
    ("seq is 1.0", _set((1, "seq"), 1.0), 2, "E605", "seq"),
    ("version is true", _set((0, "version"), True), 1, "E605", "version"),
    ("version is text", _set((0, "version"), "1"), 1, "E605", "version"),
    # the header's other parts
    ("exercise is a list", _set((0, "exercise"), []), 1, "E605", "exercise"),
    ("exercise id is a number", _set((0, "exercise", "id"), 1), 1, "E605", "exercise.id"),
    ("rules lack the fingerprint", _drop((0, "rules", "fingerprint")), 1, "E605", "rules"),
    ("rules path is a number", _set((0, "rules", "path"), 5), 1, "E605", "rules.path"),
    ("relpath is an object", _set((0, "exercise", "relpath"), {}), 1, "E605", "exercise.relpath"),
    ("time is markup", _set((0, "time"), "<script>alert(1)</script>"), 1, "E605", "time"),
    ("a move's time is a number", _set((4, "time"), 12), 5, "E605", "time"),
    ("an unknown field", _set((2, "note"), "hello"), 3, "E605", None),
    ("a decision without its action", _drop((1, "action")), 2, "E605", None),
    ("an action too long", _set((1, "action"), "x" * 1_001), 2, "E605", "action"),
    ("decision move is a number", _set((2, "move"), 2), 3, "E605", "move"),
    # text that cannot be printed or reach a terminal
    ("a lone surrogate in an action", _set((1, "action"), "ok\ud800"), 2, "E605", "action"),
    ("a lone surrogate in a field name", _set((2, "\udcff"), "x"), 3, "E605", None),
    (
        "a lone surrogate in a header path",
        _set((0, "exercise", "path"), "\udc80"),
        1,
        "E605",
        "exercise.path",
    ),
    (
        "an arrow key in an action",
        _set((1, "action"), "propose-framework/AUS+JPN+KOR\x1b[D"),
        2,
        "E117",
        "action",
    ),
    ("a backspace in a rationale", _set((2, "rationale"), "ab\x08c"), 3, "E117", "rationale"),
    ("a bidirectional override in a field name", _set((1, "\u202ex"), "y"), 2, "E117", None),
    # structure
    ("seq out of order", _set((2, "seq"), 7), 3, "E602", None),
    ("a decision of an unknown cell", _set((1, "cell"), "0"), 2, "E602", None),
    ("a record of another move", _set((2, "move"), "move-3"), 3, "E602", None),
    ("another exercise's id", _set((0, "exercise", "id"), "other-exercise"), 1, "E603", None),
    ("an unknown record type", _set((2, "type"), ["decision"]), 3, "E602", None),
]


@pytest.mark.parametrize(("name", "edit", "line", "code", "field"), CASES, ids=[c[0] for c in CASES])
def test_edited_log_is_refused(
    world: Path, name: str, edit: Edit, line: int, code: str, field: str | None
) -> None:
    records = copy.deepcopy(original(world))
    edit(records)
    log = write(world, records, "edited.jsonl")
    for argv in COMMANDS:
        check_refused(run(world, [*argv, str(log)]), log, line=line, code=code, field=field)


def test_one_damaged_record_is_one_error(world: Path) -> None:
    records = copy.deepcopy(original(world))
    records[0]["exercise"]["inputs"] = None
    records[2]["seq"] = True
    log = write(world, records, "two.jsonl")
    result = run(world, ["exercise", "report", str(log)])
    assert result.exit_code == 2
    assert result.stderr.count(": E6") == 2, result.stderr
    assert f"{log}:1:1: E605: the 'exercise' header: 'exercise.inputs' must be a list" in result.stderr
    assert f"{log}:3:1: E605: 'seq' must be a whole number, not true (a 'decision' record)" in result.stderr


@pytest.mark.parametrize("depth", [200, 990, 5_000, 200_000])
def test_deeply_nested_record_is_refused(world: Path, depth: int) -> None:
    records = original(world)
    line = json.dumps(records[1], ensure_ascii=False)
    nested = line[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"
    log = write(world, records, "nested.jsonl", raw={1: nested})
    for argv in COMMANDS:
        check_refused(run(world, [*argv, str(log)]), log, line=2, code=None, field=None)


def test_the_unedited_log_reads(world: Path) -> None:
    log = write(world, original(world), "copy.jsonl")
    assert run(world, ["exercise", "report", str(log)]).exit_code == 0
    assert run(world, ["exercise", "replay", str(log)]).exit_code == 0


# -- fuzzing ------------------------------------------------------------------------------------

_TEXT = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["\ud800", "a\udfff", "\x1b[A", "<script>", "ja", "en", "markdown", "move-1", "mofa"]),
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    _TEXT,
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_TEXT, inner, max_size=3)),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            out += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value[:3]):
            out += _paths(child, (*prefix, i))
    return out


#: 40 examples in the default run; the "long" hypothesis profile's count otherwise
_EXAMPLES = 40 if settings.default.max_examples <= 100 else settings.default.max_examples


@settings(
    max_examples=_EXAMPLES, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_fuzzed_log_never_breaks(world: Path, data: st.DataObject) -> None:
    records = copy.deepcopy(original(world))
    index = data.draw(st.integers(0, len(records) - 1), label="record")
    paths = _paths(records[index])
    path = data.draw(st.sampled_from(paths), label="field")
    how = data.draw(st.sampled_from(["set", "drop", "add"]), label="how")
    target: Any = records[index]
    for key in path[:-1]:
        target = target[key]
    if how == "drop":
        del target[path[-1]]
    elif how == "add" and isinstance(target, dict):
        target[data.draw(_TEXT, label="new key")] = data.draw(_VALUES, label="value")
    else:
        target[path[-1]] = data.draw(_VALUES, label="value")
    log = write(world, records, "fuzzed.jsonl")
    command = data.draw(st.sampled_from(COMMANDS[:2]), label="command")
    result = run(world, [*command, str(log)])
    assert result.exit_code in (0, 2), f"exit {result.exit_code}: {result.output}\n{result.exception!r}"
    if result.exit_code == 2:
        said = result.stderr
        assert "internal error" not in said and "Traceback" not in said, said
        assert LOCATED.search(said) or f"{log}:1:1: E603" in said or f"{log}: E10" in said, said
        assert "hint:" in said, said


def test_an_oversized_log_is_refused_with_a_hint_for_logs(tmp_path: Path) -> None:
    from policyengine.loading.yamltree import DEFAULT_LIMITS

    log = tmp_path / "big.jsonl"
    with log.open("wb") as out:
        out.truncate(DEFAULT_LIMITS.max_bytes + 1)
    result = CliRunner().invoke(cli, ["exercise", "report", str(log)])
    assert result.exit_code == 2, result.output
    assert "E104" in result.output
    assert "check that this is a decision log" in result.output
    assert "extends" not in result.output  # the scenario's hint does not fit a log
