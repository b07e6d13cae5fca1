"""durable-rules sessions: evaluations that fire nothing, and many evaluations in one process."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from policyengine.api import evaluate, load

QUIET = Path(__file__).resolve().parent / "cases" / "worlds" / "quiet.yaml"


def test_an_evaluation_in_which_no_rule_fires_ends_cleanly() -> None:
    # durable-rules 2.0.28 leaves a session's action context uninitialised until an action runs,
    # and delete_state frees it: deleting a session in which nothing fired crashed the process
    # (SIGSEGV). Run in a child process so that a regression fails this test, not the suite.
    code = textwrap.dedent(
        f"""
        from policyengine.api import evaluate, load
        world = load({str(QUIET)!r})
        for _ in range(20):
            assert evaluate(world).ids == []
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]}"
    assert done.stdout.strip() == "ok"


def test_quiet_world_yields_nothing_in_process(compiled_pack) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(load(str(QUIET)), compiled_pack)
    assert result.ids == [] and result.risks == []


def test_derived_facts_are_the_rules_own(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    raw = evaluate(korea, compiled_pack).raw
    assert raw is not None
    kinds = {f.kind for f in raw.derived()}
    # engine markers ($stratum, $tally, $count, $end) are not derived facts
    assert kinds == {
        "bilateral-partner",
        "engaging-partner",
        "non-ally-member",
        "raa-partner",
        "recommendation",
        "soft-cooperation",
        "unprotected-member",
    }
    assert raw.stats["derived"] == len(raw.derived())


def test_the_counts_of_facts_are_those_of_the_session(compiled_pack) -> None:  # type: ignore[no-untyped-def]
    # stats are counted as facts are made (not by a pass over them): every fact is a scenario
    # fact, a marker, a count or derived, in every world of the tests and the shipped scenarios
    root = Path(__file__).resolve().parents[1]
    worlds = sorted((root / "tests" / "cases" / "worlds").glob("*.yaml")) + sorted(
        (root / "scenarios").glob("*.yaml")
    )
    assert len(worlds) >= 5
    for world in worlds:
        raw = evaluate(load(str(world)), compiled_pack).raw
        assert raw is not None
        assert raw.stats["facts"] == sum(1 for f in raw.facts.values() if f.view is not None), world
        assert raw.stats["derived"] == len(raw.derived()), world


def test_evaluate_command_on_a_quiet_world() -> None:
    from click.testing import CliRunner

    from policyengine.cli import cli

    done = CliRunner().invoke(cli, ["evaluate", str(QUIET), "--format", "json", "--lang", "en"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.output)
    assert (out["scenario"]["id"], out["recommendations"], out["risks"]) == ("quiet-world", [], [])


def test_every_evaluation_deletes_its_session(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The engine keeps at most 1,024 live sessions per rule pack: a session left behind by
    each evaluation crashes a long-running process after about a thousand evaluations (what
    tests/test_memory.py's long variant would also see). Checked directly, at once: after an
    evaluation, durable-rules no longer knows its session (error 309)."""
    from policyengine.api import load_pack
    from policyengine.engine import runtime

    sids: list[str] = []
    init = runtime._Session.__init__

    def recording(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        init(self, *args, **kwargs)
        sids.append(self.sid)

    monkeypatch.setattr(runtime._Session, "__init__", recording)
    pack = load_pack()
    prepared = runtime.prepare(pack)
    host = runtime._get_host()
    worlds = [
        QUIET,
        QUIET.parent / "compact.yaml",
        Path(__file__).resolve().parents[1] / "scenarios" / "korea_new_gov.yaml",
    ]
    for world in worlds:
        evaluate(load(str(world)), pack)
    assert len(sids) == len(worlds)
    for sid in sids:
        try:
            state = host.get_state(prepared.name, sid)
        except Exception as exc:
            assert "error code: 309" in str(exc), exc
        else:
            raise AssertionError(f"session {sid} is still in the engine: {state}")
