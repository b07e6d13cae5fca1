"""Fuzzing: valid scenarios and rule packs, mutated, must give a result or a located InputError.

Mutations work on the parsed tree (drop, duplicate, retype, rename keys; swap values between
fields) and on the text (truncate anywhere, duplicate or delete a line, indent with a tab).
The bulk runs in-process through the library (load, validate, compile, evaluate on
durable-rules): anything but success or InputError fails, as does an InputError diagnostic
without a location in one of the files, or an example that outlives a generous watchdog (a
hang, not a speed test). A smaller number runs through the CLI in fresh processes.

The "ci" hypothesis profile (the default) runs a few dozen examples; for a real campaign:
``HYPOTHESIS_PROFILE=long python -m pytest tests/hostile/test_fuzz.py`` (or
``--hypothesis-profile=long``).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import math
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile.harness import ROOT, ForkRunner, check_not_broken
from policyengine.errors import InputError
from policyengine.loading.yamltree import plain, read_yaml

BASELINE = "scenarios/baseline_2022.yaml"
KOREA = "scenarios/korea_new_gov.yaml"
PACK = "rules/paper.yaml"
#: codes about a whole file, whose diagnostics may name the file without a line
WHOLE_FILE = {"E101", "E102", "E103", "E104", "E105", "E106"}
#: seconds after which an example counts as a hang
WATCHDOG = 60


def _examples(ci: int, most: int | None = None) -> int:
    """``ci`` examples under the default profile; the profile's count (at most ``most``) under a
    longer one."""
    configured = settings.default.max_examples
    if configured <= 100:
        return ci
    return configured if most is None else min(configured, most)


def _tree(path: str) -> Any:
    return plain(read_yaml(ROOT / path, path))


ORIGINAL = {name: _tree(name) for name in (BASELINE, KOREA, PACK)}
TEXT = {name: (ROOT / name).read_text(encoding="utf-8") for name in ORIGINAL}

ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    2**63 - 1,
    1e20,
    math.nan,
    math.inf,
    "",
    "x" * 25_000,
    "日本語😀",
    "JPN",
    "jpn-usa-aus",
    "$country.code",
    "$nobody.code",
    "{0.__class__}",
    "{c.__init__.__globals__}",
    "../../../etc/passwd",
    dt.date(2022, 2, 30 - 2),
    [],
    ["JPN", "JPN"],
    {},
    {"ja": "x"},
    {"in": ["JPN"] * 3},
    {"like": "x"},
]


# -- mutations ---------------------------------------------------------------------------------------


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        node = node[k]
    return node


@st.composite
def tree_mutation(draw: st.DrawFn, name: str) -> str:
    """The text of file ``name`` after 1-3 structural mutations."""
    tree = copy.deepcopy(ORIGINAL[name])
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(tree) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _get(tree, path[:-1])
        key = path[-1]
        op = draw(st.sampled_from(["drop", "retype", "rename", "swap", "duplicate"]))
        if op == "drop":
            del parent[key]
        elif op == "retype":
            parent[key] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
        elif op == "rename" and isinstance(parent, dict):
            new = draw(st.sampled_from([f"{key}x", str(key).upper(), "国", "id", "where", "as", "extends"]))
            value = parent.pop(key)
            parent[new] = value
        elif op == "swap":
            other = draw(st.sampled_from(paths))
            try:
                other_parent = _get(tree, other[:-1])
                a, b = parent[key], other_parent[other[-1]]
                parent[key], other_parent[other[-1]] = b, a
            except (KeyError, IndexError, TypeError):
                pass  # the other path went away with an earlier mutation
        elif op == "duplicate" and isinstance(parent, list):
            parent.insert(int(key), copy.deepcopy(parent[key]))
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=120)


@st.composite
def text_mutation(draw: st.DrawFn, name: str) -> str:
    """The text of file ``name`` truncated, or with a line duplicated, deleted or tab-indented."""
    text = TEXT[name]
    op = draw(st.sampled_from(["truncate", "duplicate_line", "delete_line", "tab"]))
    if op == "truncate":
        return text[: draw(st.integers(0, len(text)))]
    lines = text.split("\n")
    i = draw(st.integers(0, len(lines) - 1))
    if op == "duplicate_line":  # a duplicate key, or a duplicate list entry
        lines.insert(i, lines[i])
    elif op == "delete_line":
        del lines[i]
    else:
        lines[i] = "\t" + lines[i]
    return "\n".join(lines)


def mutated(name: str) -> st.SearchStrategy[str]:
    return st.one_of(tree_mutation(name), text_mutation(name))


# -- judging -----------------------------------------------------------------------------------------


class Hang(Exception):
    pass


@contextlib.contextmanager
def watchdog(seconds: int = WATCHDOG) -> Iterator[None]:
    def expired(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"no result after {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check_located(exc: InputError, files: set[str]) -> None:
    assert exc.diagnostics, "an InputError without diagnostics"
    for d in exc.diagnostics:
        assert d.location is not None, f"diagnostic without location: {d.format()}"
        assert d.location.file in files, f"diagnostic names an unexpected file: {d.format()}"
        if d.code not in WHOLE_FILE:
            assert d.location.line >= 1 and d.location.column >= 1, f"no line:column: {d.format()}"
        assert d.code.startswith("E") and d.message, d.format()


def _reader(texts: dict[str, str]):  # type: ignore[no-untyped-def]
    def read(path: str, display: str) -> bytes:
        if display in texts:
            return texts[display].encode("utf-8")
        from policyengine.loading.yamltree import read_bytes

        return read_bytes(ROOT / display, display)

    return read


# -- library (in-process) ----------------------------------------------------------------------------


@functools.cache
def _default_pack() -> Any:
    from policyengine.api import load_pack

    return load_pack(str(ROOT / "rules"))


@functools.cache
def _korea() -> Any:
    from policyengine.api import load

    return load(str(ROOT / KOREA))


@settings(max_examples=_examples(30), suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from([BASELINE, KOREA]), data=st.data())
def test_mutated_scenarios_evaluate_or_fail_cleanly(which: str, data: st.DataObject) -> None:
    from policyengine.api import evaluate
    from policyengine.validation.scenario import load_scenario

    compiled_pack = _default_pack()

    text = data.draw(mutated(which))
    with watchdog():
        try:
            loaded = load_scenario(KOREA, KOREA, reader=_reader({which: text}))
            evaluate(loaded, compiled_pack)
        except InputError as exc:
            check_located(exc, {BASELINE, KOREA})


@settings(max_examples=_examples(12), suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_rule_packs_evaluate_or_fail_cleanly(data: st.DataObject) -> None:
    from policyengine.api import evaluate
    from policyengine.compiler import compile_pack
    from policyengine.validation.rulepack import load_rule_pack

    text = data.draw(mutated(PACK))
    with watchdog():
        try:
            compiled = compile_pack(load_rule_pack(PACK, reader=_reader({PACK: text})))
            evaluate(_korea(), compiled)
        except InputError as exc:
            check_located(exc, {PACK})


# -- CLI (fresh processes) ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("fuzz")
    (d / "scenarios").mkdir()
    (d / "rules").mkdir()
    return d


@settings(max_examples=_examples(8, most=400), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.sampled_from([BASELINE, KOREA, PACK]), data=st.data())
def test_mutated_files_through_the_cli(
    runner: ForkRunner, fuzz_dir: Path, which: str, data: st.DataObject
) -> None:
    for name in (BASELINE, KOREA, PACK):
        (fuzz_dir / name).write_text(TEXT[name], encoding="utf-8")
    (fuzz_dir / which).write_text(data.draw(mutated(which)), encoding="utf-8")
    argv = ["evaluate", KOREA, "--rules", PACK, "--format", "json"]
    o = runner.run(argv, cwd=fuzz_dir)
    check_not_broken(o)
    if o.rc == 2:
        first = o.stderr.splitlines()[0]
        assert first.startswith((f"{which}:", f"{BASELINE}:", f"{KOREA}:")), o.describe()
        assert ": E" in first, o.describe()
