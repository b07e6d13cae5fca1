"""The session controller (issue 18): the calls every console makes, and the log records behind them.

Each test plays sea_lane_crisis.yaml through :class:`policyengine.exercise.controller.Controller`
with a clock that ticks one minute per reading, then reads the log back: what the controller
returned, what the log holds and what replaying the log rebuilds must agree.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyengine.api import load_pack
from policyengine.exercise.controller import Controller, Refused
from policyengine.exercise.load import LoadedExercise, load_exercise
from policyengine.exercise.log import read_log
from policyengine.exercise.report import build_report
from policyengine.exercise.session import Session, open_log, resume

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "exercises" / "sea_lane_crisis.yaml"


@pytest.fixture(scope="module")
def pack() -> Any:
    return load_pack(None)


@pytest.fixture(scope="module")
def loaded(pack: Any) -> LoadedExercise:
    return load_exercise(str(EXERCISE), pack=pack)


def ticking() -> Any:
    ticks = itertools.count()
    start = dt.datetime(2022, 7, 4, 9, 0, tzinfo=dt.UTC)
    return lambda: start + dt.timedelta(minutes=next(ticks))


@pytest.fixture
def room(tmp_path: Path, pack: Any, loaded: LoadedExercise) -> Iterator[tuple[Controller, Path]]:
    log = tmp_path / "room.jsonl"
    session = Session.start(loaded, pack, str(log), clock=ticking(), lang="en")
    try:
        yield Controller(session, "en"), log
    finally:
        session.close()


def records(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_release_one_inject_at_a_time(room: tuple[Controller, Path]) -> None:
    ctl, log = room
    assert [v.number for v in ctl.injects("facilitator")] == ["1.1", "1.2", "1.3"]
    assert ctl.injects("player") == []
    first = ctl.release()
    assert (first.number, first.id, first.released) == ("1.1", "shipping-harassed", True)
    third = ctl.release("[1.3]")
    assert third.id == "rok-concern"
    with pytest.raises(Refused) as refused:
        ctl.release("1.3")
    assert refused.value.code == "already-released"
    assert "[1.3]" in refused.value.message("en") and "[1.3]" in refused.value.message("ja")
    with pytest.raises(Refused) as refused:
        ctl.release("1.9")
    assert refused.value.code == "unknown-inject"
    assert [v.number for v in ctl.injects("player")] == ["1.1", "1.3"]
    assert ctl.release().number == "1.2"
    with pytest.raises(Refused) as refused:
        ctl.release()
    assert refused.value.code == "nothing-to-release"
    released = [r for r in records(log) if r["type"] == "release"]
    assert [(r["inject"], r["number"], r["move"]) for r in released] == [
        ("shipping-harassed", "1.1", "move-1"),
        ("rok-concern", "1.3", "move-1"),
        ("australia-concern", "1.2", "move-1"),
    ]
    assert all(dt.datetime.fromisoformat(r["time"]) for r in released)
    status = ctl.status()
    assert (status.injects_released, status.injects_total) == (3, 3)


def test_decide_reads_what_people_type(room: tuple[Controller, Path]) -> None:
    ctl, log = room
    assert ctl.resolve("18").action == "propose-framework/AUS+JPN+KOR"
    assert ctl.resolve("Propose-Framework/日韓豪").kind == "recommendation"
    assert ctl.resolve("propose-framework/kor+japan+aus").action == "propose-framework/AUS+JPN+KOR"
    close = ctl.resolve("activate-mechanisms/jpn-usa-kr")
    assert (close.kind, close.suggestion) == ("suggest", "activate-mechanisms/jpn-usa-kor")
    assert ctl.resolve("elevate-cooperation/jpn-kor-aus").kind == "anticipated"
    assert ctl.resolve("strengthen the coast guard").kind == "free"
    for word in ("?", "  ", "--"):
        with pytest.raises(Refused):
            ctl.decide(word)
    with pytest.raises(Refused) as refused:
        ctl.decide("99")
    assert refused.value.code == "unknown-number"
    with pytest.raises(Refused) as refused:
        ctl.decide("8", cell="mdo")
    assert refused.value.code == "unknown-cell" and "'mod'" in refused.value.message("en")
    d = ctl.decide("propose-framework/日韓豪", cell="MOFA", rationale=" share the sea lanes ", by="Director")
    assert (d.number, d.action, d.cell, d.recommendation, d.by) == (
        1,
        "propose-framework/AUS+JPN+KOR",
        "mofa",
        18,
        "Director",
    )
    room_wide = ctl.decide("strengthen the coast guard")
    assert room_wide.cell is None  # three cells: no cell named, the whole room decided
    decisions = [r for r in records(log) if r["type"] == "decision"]
    assert decisions[0]["rationale"] == "share the sea lanes" and decisions[0]["by"] == "Director"
    assert "cell" not in decisions[1] and "by" not in decisions[1]
    assert [v.number for v in ctl.recommendations() if v.decided] == [18]


def test_strike_appends_and_never_edits(room: tuple[Controller, Path]) -> None:
    ctl, log = room
    ctl.decide("8", cell="mod")
    ctl.decide("18", cell="mofa")
    before = log.read_bytes()
    struck = ctl.strike(1, reason="misheard")
    assert struck.struck and struck.struck_reason == "misheard"
    after = log.read_bytes()
    assert after.startswith(before)  # the decision's line is untouched: a record was appended
    last = records(log)[-1]
    assert {k: last[k] for k in ("type", "decision", "move", "reason")} == {
        "type": "strike",
        "decision": 1,
        "move": "move-1",
        "reason": "misheard",
    }
    with pytest.raises(Refused) as refused:
        ctl.strike(1)
    assert refused.value.code == "already-struck"
    with pytest.raises(Refused) as refused:
        ctl.strike(7)
    assert refused.value.code == "unknown-decision"
    assert [d.action for d in ctl.session.current.decisions] == ["propose-framework/AUS+JPN+KOR"]
    undone = ctl.undo()
    assert undone.number == 2 and ctl.session.current.decisions == []
    with pytest.raises(Refused) as refused:
        ctl.undo()
    assert refused.value.code == "nothing-to-undo"
    assert [(d.number, d.struck) for d in ctl.decisions()] == [(1, True), (2, True)]


def test_a_stale_or_repeated_request_records_nothing(room: tuple[Controller, Path]) -> None:
    ctl, log = room
    seq = ctl.seq
    ctl.decide("8", expect_seq=seq)
    lines = log.read_bytes()
    for call in (
        lambda: ctl.decide("8", expect_seq=seq),  # the same request again
        lambda: ctl.release(expect_seq=seq),
        lambda: ctl.strike(1, expect_seq=seq),
        lambda: ctl.note("late", expect_seq=seq),
        lambda: ctl.end_move(expect_seq=seq),
    ):
        with pytest.raises(Refused) as refused:
            call()
        assert refused.value.code == "stale"
        assert refused.value.fields == {"expected": seq + 1, "got": seq}
    assert log.read_bytes() == lines
    assert ctl.release(expect_seq=seq + 1).number == "1.1"


def test_numbers_are_stable_for_the_whole_exercise(room: tuple[Controller, Path]) -> None:
    ctl, _ = room
    first = {v.id: v.number for v in ctl.recommendations()}
    assert sorted(first.values()) == list(range(1, len(first) + 1))
    ctl.decide("propose-framework/AUS+JPN+KOR", cell="mofa")
    preview = ctl.end_preview()
    assert [d.action for d in preview.decisions] == ["propose-framework/AUS+JPN+KOR"]
    assert [i.number for i in preview.unreleased] == ["1.1", "1.2", "1.3"] and not preview.last
    ended = ctl.end_move()
    assert ended.next is not None and ended.next.number == 2
    for _ in range(2):
        for view in ctl.recommendations():
            assert first.get(view.id, view.number) == view.number
            assert view.number <= len(first) or view.id not in first
        ctl.end_move()
    assert ctl.finished and ctl.status().move is None
    with pytest.raises(Refused) as refused:
        ctl.decide("8")
    assert refused.value.code == "over"
    hot_wash = ctl.note("The trilateral option needed a legal basis", by="lead evaluator")
    assert hot_wash.move is None
    assert ctl.ledger.notes[-1].text == "The trilateral option needed a legal basis"


def test_player_view_shows_only_what_players_may_see(room: tuple[Controller, Path]) -> None:
    ctl, _ = room
    ctl.release()
    player = ctl.player_view()
    assert [i.number for i in player.injects] == ["1.1"]
    assert all(i.notes is None and i.expect == () and i.condition is None for i in player.injects)
    assert not hasattr(player, "recommendations")
    plain = facilitator = ctl.facilitator_view()
    assert plain.move_notes is None and plain.expected == []
    facilitator = ctl.facilitator_view(details=True)
    assert facilitator.move_notes and facilitator.expected
    assert len(facilitator.injects) == 3 and facilitator.recommendations


def test_resume_and_replay_rebuild_the_whole_state(
    room: tuple[Controller, Path], pack: Any, tmp_path: Path
) -> None:
    ctl, log = room
    ctl.release()
    ctl.decide("propose-framework/AUS+JPN+KOR", cell="mofa", rationale="shared sea lanes", by="A")
    ctl.decide("8", cell="mod")
    ctl.note("the MOFA cell hesitated")
    ctl.strike(2, reason="wrong number")
    ctl.end_move()
    ctl.release("2.3")
    ctl.decide("activate-mechanisms/jpn-usa-kor")
    view = ctl.facilitator_view(details=True)
    ctl.session.close()
    session, replayed = resume(str(log), clock=ticking())
    with session:
        again = Controller(session, "en").facilitator_view(details=True)
        assert again.decisions == view.decisions
        assert again.notes == view.notes
        assert again.injects == view.injects
        assert again.recommendations == view.recommendations
    assert replayed.ledger.struck.keys() == {2}
    report = build_report(open_log(str(log)))
    decided = [d.action for m in report.run.moves for d in m.decisions]
    assert "elevate-cooperation/jpn-usa-aus" not in decided  # struck
    assert read_log(str(log)).records[-1]["type"] == "decision"


def test_a_strike_that_opens_a_move_replays(room: tuple[Controller, Path], pack: Any) -> None:
    """Struck in move 2, a decision of move 1 still led to move 2's injects; replaying agrees."""
    ctl, log = room
    ctl.decide("propose-framework/AUS+JPN+KOR", cell="mofa")
    ctl.end_move()
    assert "trilateral-launched" in [i.id for i in ctl.ledger.run.moves[1].applied]
    ctl.strike(1)  # the first record of move 2
    ctl.end_move()
    assert "trilateral-defense-ministers" not in [i.id for i in ctl.ledger.run.moves[2].applied]
    replayed = open_log(str(log), pack=pack)
    replayed.ledger.current()  # move 3, as resuming would play it
    assert [[i.id for i in m.applied] for m in replayed.run.moves] == [
        [i.id for i in m.applied] for m in ctl.ledger.run.moves
    ]


def test_a_log_that_strikes_or_releases_what_it_cannot_is_refused(room: tuple[Controller, Path]) -> None:
    ctl, log = room
    ctl.decide("8")
    ctl.release()
    ctl.session.close()
    text = log.read_text(encoding="utf-8")
    for extra, message in (
        ({"type": "strike", "decision": 5, "move": "move-1"}, "strike of decision 5"),
        (
            {"type": "release", "inject": "shipping-harassed", "number": "1.1", "move": "move-1"},
            "released twice",
        ),
        ({"type": "release", "inject": "australia-concern", "number": "1.3", "move": "move-1"}, "not 1.3"),
        ({"type": "note", "text": "x"}, "without a move"),
        ({"type": "note", "text": "x", "move": "move-2"}, "record of move 'move-2'"),
    ):
        record = {**extra, "seq": 3, "time": "2022-07-04T09:30:00+00:00"}
        log.write_text(text + json.dumps(record) + "\n", encoding="utf-8")
        with pytest.raises(Exception) as error:
            open_log(str(log))
        assert message in str(error.value), (extra, str(error.value))


# -- any sequence of commands replays to the same state -------------------------------------------

COMMANDS = st.lists(
    st.one_of(
        st.tuples(st.just("release"), st.none()),
        st.tuples(st.just("decide"), st.sampled_from(["8", "18", "1", "strengthen the coast guard", "?"])),
        st.tuples(st.just("decide"), st.just("propose-framework/AUS+JPN+KOR")),  # a branch's condition
        st.tuples(st.just("strike"), st.integers(min_value=1, max_value=6)),
        st.tuples(st.just("strike"), st.integers(min_value=1, max_value=2)),
        st.tuples(st.just("undo"), st.none()),
        st.tuples(st.just("note"), st.sampled_from(["quiet room", ""])),
        st.tuples(st.just("end"), st.none()),
    ),
    max_size=14,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(commands=COMMANDS)
def test_any_sequence_of_commands_replays_to_the_same_state(
    commands: list[tuple[str, Any]],
    pack: Any,
    loaded: LoadedExercise,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    log = tmp_path_factory.mktemp("any") / "room.jsonl"
    session = Session.start(loaded, pack, str(log), clock=ticking(), lang="en")
    ctl = Controller(session, "en")
    seen = b""
    with session:
        for name, arg in commands:
            seq = ctl.seq
            try:
                {
                    "release": lambda _: ctl.release(),
                    "decide": lambda a: ctl.decide(a),
                    "strike": lambda n: ctl.strike(n),
                    "undo": lambda _: ctl.undo(),
                    "note": lambda a: ctl.note(a),
                    "end": lambda _: ctl.end_move(),
                }[name](arg)
                assert ctl.seq == seq + 1
            except Refused:
                assert ctl.seq == seq  # a refusal records nothing
            now = log.read_bytes()
            assert now.startswith(seen)  # lines are only ever appended
            seen = now
        live = (ctl.decisions(), ctl.notes(), ctl.injects(), ctl.recommendations(), ctl.ledger.completed)
    replayed = open_log(str(log), pack=pack)
    again = Controller.viewer(replayed.ledger, "en")
    assert (
        again.decisions(),
        again.notes(),
        again.injects(),
        again.recommendations(),
        replayed.completed,
    ) == live
    with pytest.raises(Refused) as refused:
        again.note("anything")
    assert refused.value.code == "read-only"
