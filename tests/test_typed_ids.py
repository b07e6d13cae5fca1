"""Ids typed forgivingly, everywhere an id is typed (issue 16 item 4).

One resolver (:mod:`policyengine.models.outcome_ids`) reads an id as people type it: an action in
any case, a country by code in any case, by name in either language or by a common alias (``UK``,
``英国``), a framework by id or name, a grouping in any order (``JPN+KOR+AUS``). What it reads is
shown and recorded in the canonical form; what names more than one thing (``Korea``) is refused
with a "did you mean" naming each. ``explain`` has its own tests (tests/test_explain.py); here:
``whatif``, ``check``'s expectations files, an exercise's ``expect:``/``when:`` and ``--decide``,
the session controller, the terminal console and the web console's decision endpoint.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from policyengine.cli import cli
from policyengine.models.outcome_ids import candidates, canonical_id
from policyengine.validation.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
KOREA = str(ROOT / "scenarios" / "korea_new_gov.yaml")
EXERCISE = ROOT / "exercises" / "sea_lane_crisis.yaml"
ACTIONS = {"conclude-raa", "extend-asset-protection", "propose-framework", "elevate-cooperation"}


@pytest.fixture(scope="module")
def world() -> Any:
    return load_scenario(KOREA).scenario


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Extend-Asset-Protection/uk", "extend-asset-protection/GBR"),
        ("conclude-raa/イギリス", "conclude-raa/GBR"),
        ("propose-framework/JPN＋KOR＋AUS", "propose-framework/AUS+JPN+KOR"),
        ("elevate-cooperation/Quad", "elevate-cooperation/quad"),
        ("conclude-raa/Korea", "conclude-raa/Korea"),  # two countries: left for the did-you-mean
        ("strengthen the coast guard", "strengthen the coast guard"),  # free text
    ],
)
def test_the_resolver_reads_ids_as_typed(world: Any, typed: str, canonical: str) -> None:
    assert canonical_id(typed, world, ACTIONS) == canonical


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("conclude-raa/Korea", ["conclude-raa/KOR", "conclude-raa/PRK"]),
        ("conclude-raa/united", ["conclude-raa/GBR", "conclude-raa/USA"]),
        ("conclude-raa/Kingdom", ["conclude-raa/GBR"]),
        ("conclude-raa/UK", []),  # settled: nothing to ask
        ("conclude-raa/Jap", []),  # no word of a name: spelling suggestions take over
    ],
)
def test_an_unsettled_id_names_what_it_may_mean(world: Any, typed: str, meant: list[str]) -> None:
    assert candidates(typed, world, ACTIONS) == meant


# -- whatif -------------------------------------------------------------------------------------


def test_whatif_reads_the_id_as_typed_and_prints_it_canonically() -> None:
    typed = CliRunner().invoke(cli, ["whatif", KOREA, "Extend-Asset-Protection/英国", "--lang", "en"])
    exact = CliRunner().invoke(cli, ["whatif", KOREA, "extend-asset-protection/GBR", "--lang", "en"])
    assert typed.exit_code == 0, typed.output
    assert typed.stdout == exact.stdout
    assert "extend-asset-protection/GBR" in typed.stdout and "英国" not in typed.stdout


def test_whatif_asks_which_korea() -> None:
    result = CliRunner().invoke(cli, ["whatif", KOREA, "conclude-raa/Korea"])
    assert result.exit_code == 2
    assert "did you mean 'conclude-raa/KOR' or 'conclude-raa/PRK'?" in result.stderr
    assert "Traceback" not in result.output


# -- check --expect -----------------------------------------------------------------------------


def _check(tmp_path: Path, body: str, *extra: str) -> Any:
    path = tmp_path / "typed.yaml"
    path.write_text("expectations: {scenario: korea-new-gov}\n" + body, encoding="utf-8")
    return CliRunner().invoke(cli, ["check", KOREA, "--expect", str(path), *extra])


def test_check_reads_expectation_ids_as_typed_and_reports_them_canonically(tmp_path: Path) -> None:
    result = _check(
        tmp_path,
        "recommended:\n"
        "  - {id: Extend-Asset-Protection/UK}\n"
        "  - {id: propose-framework/JPN+KOR+AUS}\n"
        "not_recommended:\n"
        "  - {id: extend-asset-protection/aus}\n",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["passed"] is True
    assert [f["id"] for f in report["findings"]] == [
        "extend-asset-protection/GBR",
        "propose-framework/AUS+JPN+KOR",
        "extend-asset-protection/AUS",
    ]


def test_check_refuses_one_outcome_listed_under_two_spellings(tmp_path: Path) -> None:
    result = _check(
        tmp_path, "recommended:\n  - {id: conclude-raa/GBR}\nnot_recommended:\n  - {id: conclude-raa/uk}\n"
    )
    assert result.exit_code == 2
    assert "E307: 'conclude-raa/GBR' is listed both in 'recommended' (line 3) and in 'not_recommended'" in (
        result.stderr
    )


def test_check_asks_which_korea(tmp_path: Path) -> None:
    result = _check(tmp_path, "not_recommended:\n  - {id: conclude-raa/Korea}\n")
    assert result.exit_code == 2
    assert ":3:5: E301: unknown target 'Korea' in 'conclude-raa/Korea'" in result.stderr
    assert "hint: did you mean 'conclude-raa/KOR' or 'conclude-raa/PRK'?" in result.stderr


# -- exercise files and --decide -----------------------------------------------------------------


def _typed_exercise(tmp_path: Path) -> Path:
    """sea_lane_crisis with its MSEL's and conditions' ids typed the way people type them."""
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    (tmp_path / "exercises").mkdir()
    text = EXERCISE.read_text(encoding="utf-8")
    typed = (
        text.replace("action: propose-framework/AUS+JPN+KOR", "action: Propose-Framework/kor+jpn+AUS")
        .replace("decided: propose-framework/AUS+JPN+KOR}", "decided: propose-framework/JPN+KOR+AUS}")
        .replace("action: bilateral-cooperation/KOR", "action: bilateral-cooperation/ROK")
        .replace("action: elevate-cooperation/jpn-usa-aus", "action: Elevate-Cooperation/JPN-USA-AUS")
    )
    assert typed.count("kor+jpn+AUS") >= 2 and "JPN+KOR+AUS" in typed and "/ROK" in typed
    path = tmp_path / "exercises" / "typed.yaml"
    path.write_text(typed, encoding="utf-8")
    return path


def test_an_exercise_reads_its_ids_as_typed(tmp_path: Path) -> None:
    from policyengine.api import load_pack
    from policyengine.exercise.load import load_exercise

    pack = load_pack(None)
    typed = load_exercise(str(_typed_exercise(tmp_path)), pack=pack)
    shipped = load_exercise(str(EXERCISE), pack=pack)
    assert typed.exercise == shipped.exercise
    assert typed.condition_ids() == shipped.condition_ids()


def test_a_typed_exercise_runs_as_the_shipped_one(tmp_path: Path) -> None:
    path = _typed_exercise(tmp_path)
    for lang in ("ja", "en"):
        args = ["--lang", lang, "--decide", "move-1=propose-framework/日韓豪"]
        typed = CliRunner().invoke(cli, ["exercise", "run", str(path), *args])
        shipped = CliRunner().invoke(cli, ["exercise", "run", str(EXERCISE), *args])
        assert typed.exit_code == 0, typed.output
        assert typed.stdout == shipped.stdout


def test_decide_reads_the_action_as_typed(tmp_path: Path) -> None:
    def run(decision: str) -> Any:
        return CliRunner().invoke(
            cli, ["exercise", "run", str(EXERCISE), "--lang", "en", "--decide", f"move-1={decision}"]
        )

    typed, exact = run("Propose-Framework/JPN+KOR+AUS"), run("propose-framework/AUS+JPN+KOR")
    assert typed.exit_code == 0, typed.output
    assert typed.stdout == exact.stdout
    assert "propose-framework/AUS+JPN+KOR" in typed.stdout and "JPN+KOR+AUS" not in typed.stdout
    ambiguous = run("conclude-raa/Korea")
    assert ambiguous.exit_code == 2
    assert ambiguous.stderr == (
        "E501: --decide 'move-1=conclude-raa/Korea': unknown target 'Korea' in 'conclude-raa/Korea': "
        "no country, framework or grouping of the exercise\n"
        "  hint: did you mean 'conclude-raa/KOR' or 'conclude-raa/PRK'?\n"
    )
    misspelt = run("propose-framwork/AUS+JPN+KOR")
    assert misspelt.exit_code == 2 and "did you mean 'propose-framework'" in misspelt.stderr
    free = run("strengthen the coast guard")  # free text is a decision too
    assert free.exit_code == 0, free.output


# -- the session controller and the terminal console ---------------------------------------------


def ticking() -> Any:
    ticks = itertools.count()
    start = dt.datetime(2022, 7, 4, 9, 0, tzinfo=dt.UTC)
    return lambda: start + dt.timedelta(minutes=next(ticks))


@pytest.fixture
def controller(tmp_path: Path) -> Iterator[Any]:
    from policyengine.api import load_pack
    from policyengine.exercise.controller import Controller
    from policyengine.exercise.load import load_exercise
    from policyengine.exercise.session import Session

    pack = load_pack(None)
    session = Session.start(
        load_exercise(str(EXERCISE), pack=pack), pack, str(tmp_path / "l.jsonl"), clock=ticking(), lang="en"
    )
    try:
        yield Controller(session, "en")
    finally:
        session.close()


def test_the_controller_reads_decisions_as_typed(controller: Any) -> None:
    from policyengine.exercise.controller import Refused

    for typed in (
        "propose-framework/JPN+KOR+AUS",
        "PROPOSE-FRAMEWORK/日韓豪",
        "propose-framework/South Korea+Japan+Australia",
    ):
        resolved = controller.resolve(typed)
        assert (resolved.kind, resolved.action) == ("recommendation", "propose-framework/AUS+JPN+KOR"), typed
    made = controller.resolve("conclude-raa/Britain")
    assert (made.kind, made.action) == ("recommendation", "conclude-raa/GBR")
    anticipated = controller.resolve("Extend-Asset-Protection/オーストラリア")  # covered already
    assert (anticipated.kind, anticipated.action) == ("anticipated", "extend-asset-protection/AUS")
    offered = controller.resolve("conclude-raa/Kingdom")
    assert (offered.kind, offered.suggestion) == ("suggest", "conclude-raa/GBR")
    with pytest.raises(Refused) as refused:
        controller.decide("conclude-raa/Korea")
    assert refused.value.code == "ambiguous-id"
    assert refused.value.message("en") == (
        "'conclude-raa/Korea' could name more than one target: "
        "type one of conclude-raa/KOR / conclude-raa/PRK"
    )
    assert "conclude-raa/KOR / conclude-raa/PRK" in refused.value.message("ja")
    d = controller.decide("Conclude-RAA/英国", cell="mofa")
    assert d.action == "conclude-raa/GBR"


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("policyengine.exercise.log.utc_now", ticking())


def test_the_console_records_a_typed_id_canonically(tmp_path: Path, frozen_clock: None) -> None:
    log = tmp_path / "l.jsonl"
    typed = [
        "conclude-raa/Korea",  # refused: which one?
        "decide propose-framework/日韓豪",
        "mofa",
        "",
        "",
        "Conclude-RAA/uk",
        "mod",
        "",
        "",
        "quit",
    ]
    for lang in ("en", "ja"):
        result = CliRunner().invoke(
            cli,
            ["exercise", "run", str(EXERCISE), "-i", "--log", str(log), "--lang", lang],
            input="\n".join(typed) + "\n",
        )
        assert result.exit_code == 0, result.output
        records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        assert [r["action"] for r in records if r["type"] == "decision"] == [
            "propose-framework/AUS+JPN+KOR",
            "conclude-raa/GBR",
        ]
        shown = result.stdout + result.stderr
        assert "conclude-raa/KOR / conclude-raa/PRK" in shown
        assert ("could name more than one target" if lang == "en" else "複数の対象に当てはまります") in shown
        log.unlink()


# -- the web console's decision endpoint ----------------------------------------------------------


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[Any, str, Path]]:
    pytest.importorskip("starlette", reason="the 'web' extra is not installed: pip install -e '.[web]'")
    pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx: pip install -e '.[test]'")
    from starlette.testclient import TestClient

    from policyengine.webconsole.app import create_app
    from policyengine.webconsole.serve import open_console

    log = tmp_path / "w.jsonl"
    console, opened = open_console(
        str(EXERCISE), rules_path=None, log_path=str(log), resume_log=None, lang="ja", clock=ticking()
    )
    try:
        with TestClient(create_app(console, opened.token)) as client:
            yield client, opened.token, log
    finally:
        console.close()


def test_the_web_decision_form_reads_ids_as_typed(web: tuple[Any, str, Path]) -> None:
    client, token, log = web

    def act(action: str) -> Any:
        seq = client.get(f"/facilitator/state?token={token}").json()["seq"]
        body = {"seq": seq, "op": "decide", "args": {"action": action, "cell": "mofa"}}
        return client.post(f"/facilitator/act?token={token}", json=body)

    resolved = client.get("/facilitator/resolve", params={"token": token, "text": "Propose-Framework/日韓豪"})
    assert resolved.status_code == 200
    assert resolved.json()["action"] == "propose-framework/AUS+JPN+KOR"
    assert act("propose-framework/JPN+KOR+AUS").status_code == 200
    assert act("extend-asset-protection/UK").status_code == 200
    ambiguous = act("conclude-raa/Korea")
    assert ambiguous.status_code == 422
    body = ambiguous.json()
    assert body["error"] == "ambiguous-id"
    assert "conclude-raa/KOR / conclude-raa/PRK" in body["message"]["ja"]
    assert "could name more than one target" in body["message"]["en"]
    asked = client.get("/facilitator/resolve", params={"token": token, "text": "conclude-raa/Korea"})
    assert (asked.status_code, asked.json()["error"]) == (422, "ambiguous-id")
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [r["action"] for r in records if r["type"] == "decision"] == [
        "propose-framework/AUS+JPN+KOR",
        "extend-asset-protection/GBR",
    ]


# -- properties ----------------------------------------------------------------------------------


def test_a_canonical_id_reads_as_itself_and_any_order_of_a_grouping_as_one(world: Any) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    codes = sorted(c.code for c in world.countries)
    ids = [f"conclude-raa/{c}" for c in codes] + [f"elevate-cooperation/{f.id}" for f in world.frameworks]
    for rid in ids:
        assert canonical_id(rid, world, ACTIONS) == rid

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.sampled_from(codes), min_size=2, max_size=5, unique=True), st.randoms())
    def grouping(members: list[str], rnd: Any) -> None:
        shuffled = [m.lower() if rnd.random() < 0.5 else m for m in members]
        rnd.shuffle(shuffled)
        typed = canonical_id("Propose-Framework/" + "+".join(shuffled), world, ACTIONS)
        assert typed == "propose-framework/" + "+".join(sorted(members))
        assert canonical_id(typed, world, ACTIONS) == typed

    grouping()
