"""The world as of a date (evaluate --as-of) and the timeline of recommendations."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyengine.api import evaluate
from policyengine.cli import cli
from policyengine.models.scenario import SECTIONS, AgreementFact, Scenario
from policyengine.timeline import agreement_as_of, as_of, dated_facts, timeline

ROOT = Path(__file__).resolve().parents[1]
D = dt.date


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def korea_timeline(korea, compiled_pack):  # type: ignore[no-untyped-def]
    return timeline(korea, compiled_pack)


# -- as-of evaluation before and after each dated fact that matters ------------------------------

#: (date of the fact, recommendations only before it, recommendations only from it on)
TRANSITIONS = [
    (D(2022, 5, 10), set(), {"bilateral-cooperation/KOR", "propose-framework/AUS+JPN+KOR"}),
]


@pytest.mark.parametrize(("date", "before", "after"), TRANSITIONS, ids=[str(t[0]) for t in TRANSITIONS])
def test_as_of_the_day_before_and_the_day_of(korea, compiled_pack, date, before, after) -> None:  # type: ignore[no-untyped-def]
    ids_before = set(evaluate(korea, compiled_pack, as_of=date - dt.timedelta(days=1)).ids)
    ids_on = set(evaluate(korea, compiled_pack, as_of=date).ids)
    assert ids_before - ids_on == before
    assert ids_on - ids_before == after


def test_as_of_the_scenario_date_changes_nothing_but_the_header(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    assert evaluate(korea, compiled_pack, as_of=D(2030, 1, 1)).ids == evaluate(korea, compiled_pack).ids


def test_evaluate_as_of_on_the_command_line() -> None:
    runner = CliRunner()
    args = ["evaluate", "scenarios/korea_new_gov.yaml", "--format", "json", "--as-of"]
    data = json.loads(runner.invoke(cli, [*args, "2022-05-09"]).output)
    assert data["scenario"]["as_of"] == "2022-05-09"
    assert "bilateral-cooperation/KOR" not in [r["id"] for r in data["recommendations"]]
    data = json.loads(runner.invoke(cli, [*args, "2022-05-10"]).output)
    assert "bilateral-cooperation/KOR" in [r["id"] for r in data["recommendations"]]
    bad = runner.invoke(cli, [*args, "2022-13-01"])
    assert bad.exit_code == 2
    assert "Invalid value for '--as-of': '2022-13-01' is not a date: write YYYY-MM-DD" in bad.output


# -- the projection, fact kind by fact kind ---------------------------------------------------------


def _agreement(status: str, **dates: D) -> AgreementFact:
    return AgreementFact.model_validate(
        {"id": "a", "kind": "raa", "parties": ["JPN", "GBR"], "status": status, "dates": dates}
    )


def test_an_agreement_walks_back_through_its_dated_stages() -> None:
    a = _agreement(
        "in-force", negotiation_started=D(2020, 1, 1), signed=D(2021, 1, 1), in_force=D(2022, 1, 1)
    )
    assert agreement_as_of(a, D(2019, 12, 31)) is None
    for day, status in (
        (D(2020, 1, 1), "negotiating"),
        (D(2021, 1, 1), "signed"),
        (D(2022, 1, 1), "in-force"),
    ):
        got = agreement_as_of(a, day)
        assert got is not None and got.status == status
        assert all(
            d is None or d <= day
            for d in (got.dates.negotiation_started, got.dates.signed, got.dates.in_force)
        )


def test_an_undated_stage_counts_as_reached() -> None:
    # The Japan-Australia RAA: signed 2022-01-06, negotiation start not recorded.
    a = _agreement("signed", signed=D(2022, 1, 6))
    before = agreement_as_of(a, D(2000, 1, 1))
    assert before is not None and before.status == "negotiating" and before.dates.signed is None
    assert agreement_as_of(a, D(2022, 1, 6)) is a
    undated = _agreement("negotiating")
    assert agreement_as_of(undated, D(1900, 1, 1)) is undated


def test_frameworks_and_mechanisms_by_establishment(korea) -> None:  # type: ignore[no-untyped-def]
    before = as_of(korea.scenario, D(2021, 9, 14))
    assert before.framework("aukus") is None
    quad = before.framework("quad")
    assert quad is not None and [m.id for m in quad.mechanisms] == ["foreign-ministers", "summit"]
    early = as_of(korea.scenario, D(2021, 3, 11)).framework("quad")
    assert early is not None and [m.id for m in early.mechanisms] == ["foreign-ministers"]
    # undated frameworks are kept at any date
    assert as_of(korea.scenario, D(1900, 1, 1)).framework("quad") is not None


def _ids(sc: Scenario) -> set[str]:
    return {s.fact_id(f) for s in SECTIONS for f in getattr(sc, s.key)}


_RANK = {"talks": 0, "negotiating": 1, "signed": 2, "in-force": 3}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.dates(min_value=D(1950, 1, 1), max_value=D(2030, 12, 31)))
def test_as_of_keeps_exactly_what_is_dated_by_then(korea, day: D) -> None:  # type: ignore[no-untyped-def]
    sc = korea.scenario
    got = as_of(sc, day)
    assert got.scenario.as_of == day
    assert [e.id for e in got.events] == [e.id for e in sc.events if e.date <= day]
    assert [p.partner for p in got.asset_protection] == [
        p.partner for p in sc.asset_protection if p.since <= day
    ]
    assert [f.id for f in got.frameworks] == [
        f.id for f in sc.frameworks if f.established is None or f.established <= day
    ]
    for f in got.frameworks:
        assert all(m.established is None or m.established <= day for m in f.mechanisms)
    for key in ("countries", "interests", "capabilities", "areas", "signposts"):
        assert getattr(got, key) == getattr(sc, key)
    # a valid world, idempotent, and nothing dated after the day survives
    Scenario.model_validate(got.model_dump())
    assert as_of(got, day) == got
    assert all(d.date <= day for d in dated_facts(got))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    a=st.dates(min_value=D(2005, 1, 1), max_value=D(2023, 1, 1)),
    b=st.dates(min_value=D(2005, 1, 1), max_value=D(2023, 1, 1)),
)
def test_the_world_only_grows_with_time(korea, a: D, b: D) -> None:  # type: ignore[no-untyped-def]
    early, late = as_of(korea.scenario, min(a, b)), as_of(korea.scenario, max(a, b))
    assert _ids(early) <= _ids(late)
    late_status = {x.id: x.status for x in late.agreements}
    for x in early.agreements:
        assert _RANK[x.status] <= _RANK[late_status[x.id]]


# -- the timeline -------------------------------------------------------------------------------


def test_every_dated_fact_has_its_date(korea, korea_timeline) -> None:  # type: ignore[no-untyped-def]
    # the timeline starts where the record does (baseline_2022's as_of): the facts dated before
    # are part of its first state, not steps of their own (an undated Quad is not there in 1960)
    assert korea_timeline.start == D(2022, 5, 9)
    assert [s.date for s in korea_timeline.steps] == sorted(
        {d.date for d in dated_facts(korea.scenario) if d.date > D(2022, 5, 9)}
    )
    step = next(s for s in korea_timeline.steps if s.date == D(2022, 5, 10))
    assert [d.fact_id for d in step.dated] == ["event:kor-new-government-2022"]


def test_replaying_the_timeline_gives_the_scenario(korea, compiled_pack, korea_timeline) -> None:  # type: ignore[no-untyped-def]
    recs = {r.id for r in korea_timeline.initial.recommendations}
    risks = {r.id for r in korea_timeline.initial.risks}
    for step in korea_timeline.steps:
        for changes, pool in ((step.diff.recommendations, recs), (step.diff.risks, risks)):
            for o in changes:
                if o.change == "added":
                    assert o.id not in pool
                    pool.add(o.id)
                elif o.change == "removed":
                    pool.remove(o.id)
            assert all(o.causes for o in changes), step.date
    final = evaluate(korea, compiled_pack)
    assert recs == set(final.ids)
    assert risks == {r.id for r in final.risks}


def test_timeline_text_is_golden(golden) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        cli, ["timeline", "scenarios/korea_new_gov.yaml", "--lang", "en", "--changes-only"]
    )
    assert result.exit_code == 0, result.output
    golden("timeline/korea_new_gov.changes.en.txt", result.output)


def test_world_2025_timeline_text_is_golden(golden) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        cli, ["timeline", "scenarios/world_2025.yaml", "--lang", "en", "--changes-only"]
    )
    assert result.exit_code == 0, result.output
    golden("timeline/world_2025.changes.en.txt", result.output)


def test_timeline_json_lists_every_date() -> None:
    result = CliRunner().invoke(cli, ["timeline", "scenarios/korea_new_gov.yaml", "--format", "json"])
    data = json.loads(result.output)
    assert data["start"]["date"] == "2022-05-09"
    assert len(data["steps"]) == 1
    kor = next(s for s in data["steps"] if s["date"] == "2022-05-10")
    assert [o["id"] for o in kor["recommendations"]] == [
        "bilateral-cooperation/KOR",
        "propose-framework/AUS+JPN+KOR",
    ]
    assert [o["id"] for o in kor["risks"]] == ["alienation/AUS+JPN+KOR"]


def _state(sc: Scenario, d) -> object:  # type: ignore[no-untyped-def]
    """What a dated fact looks like in a world: absent (None), or its relevant part."""
    kind, _, ident = d.fact_id.partition(":")
    if kind == "event":
        return next((e for e in sc.events if e.id == ident), None)
    if kind == "asset_protection":
        return next((p for p in sc.asset_protection if p.partner == ident), None)
    if kind == "framework":
        f = sc.framework(ident)
        if f is None or not d.what.startswith("mechanism:"):
            return f
        return next((m for m in f.mechanisms if m.id == d.what.split(":", 1)[1]), None)
    a = next((a for a in sc.agreements if a.id == ident), None)
    return None if a is None else getattr(a.dates, d.what)


def test_every_dated_fact_appears_on_its_date_and_not_the_day_before(korea) -> None:  # type: ignore[no-untyped-def]
    dated = dated_facts(korea.scenario)
    assert len(dated) == 39  # 18 events, 2 asset protections, 6 frameworks, 9 mechanisms, 4 agreement stages
    for d in dated:
        assert _state(as_of(korea.scenario, d.date - dt.timedelta(days=1)), d) is None, d
        assert _state(as_of(korea.scenario, d.date), d) is not None, d


# -- the world since the paper (scenarios/world_2025.yaml) ------------------------------------------

WORLD = "scenarios/world_2025.yaml"

#: (date of the fact, recommendations only before it, recommendations only from it on)
WORLD_TRANSITIONS = [
    (D(2023, 1, 11), {"conclude-raa/GBR"}, set()),  # the Japan-UK RAA signed
    (D(2023, 11, 3), set(), {"conclude-raa/PHL", "extend-asset-protection/PHL"}),  # PHL talks open
    (D(2024, 5, 2), set(), set()),  # France: talks -> formal negotiations, the rules' status stays
    (D(2024, 7, 8), {"conclude-raa/PHL"}, set()),  # the Japan-Philippines RAA signed
    (D(2024, 7, 28), {"activate-mechanisms/jpn-usa-kor"}, set()),  # TSCF: the channels meet regularly
    (D(2025, 6, 4), {"bilateral-cooperation/KOR", "propose-framework/AUS+JPN+KOR"}, set()),  # assumption
    (D(2025, 8, 4), {"extend-asset-protection/GBR"}, set()),  # UK forces covered
]


@pytest.fixture(scope="module")
def world(compiled_pack):  # type: ignore[no-untyped-def]
    from policyengine.api import load

    return load(str(ROOT / WORLD))


@pytest.mark.parametrize(
    ("date", "before", "after"), WORLD_TRANSITIONS, ids=[str(t[0]) for t in WORLD_TRANSITIONS]
)
def test_world_2025_as_of_the_day_before_and_the_day_of(world, compiled_pack, date, before, after) -> None:  # type: ignore[no-untyped-def]
    ids_before = set(evaluate(world, compiled_pack, as_of=date - dt.timedelta(days=1)).ids)
    ids_on = set(evaluate(world, compiled_pack, as_of=date).ids)
    assert ids_before - ids_on == before
    assert ids_on - ids_before == after


def test_world_2025_as_of_mid_2022_is_the_papers_picture(world, korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    # The France RAA's 2022 talks keep the paper's France recommendations (talks count as under
    # negotiation); everything dated since 2022-06-01 is not yet in effect.
    then = evaluate(world, compiled_pack, as_of=D(2022, 6, 1))
    paper = evaluate(korea, compiled_pack)
    assert then.ids == paper.ids
    assert [r.id for r in then.risks] == [r.id for r in paper.risks]


def test_an_agreement_history_is_read_at_each_date(world) -> None:  # type: ignore[no-untyped-def]
    def fra(day: D) -> AgreementFact:
        sc = as_of(world.scenario, day)
        return next(a for a in sc.agreements if a.id == "raa-jpn-fra")

    assert fra(D(2022, 6, 1)).status == "talks" and fra(D(2022, 6, 1)).history is None
    assert fra(D(2024, 5, 2)).status == "negotiating"
    assert fra(D(2024, 5, 2)).dates.negotiation_started == D(2024, 5, 2)
    from policyengine.models.factview import build_view

    view = build_view(as_of(world.scenario, D(2022, 6, 1)), frozenset({"agreement"}))
    (raa,) = [v for v in view if v.fields["id"] == "raa-jpn-fra"]
    assert (raa.fields["status"], raa.fields["phase"]) == ("negotiating", "talks")


def test_a_mechanisms_activity_history_is_read_at_each_date(world) -> None:  # type: ignore[no-untyped-def]
    def activity(day: D, mechanism: str) -> str:
        f = as_of(world.scenario, day).framework("jpn-usa-kor")
        assert f is not None
        return next(m.activity for m in f.mechanisms if m.id == mechanism)

    assert activity(D(2023, 8, 17), "defense-ministers") == "irregular"
    assert activity(D(2023, 8, 18), "defense-ministers") == "regular"
    assert activity(D(2024, 7, 27), "working-level") == "irregular"
    assert activity(D(2024, 7, 28), "working-level") == "regular"


def test_a_date_before_the_start_of_the_record_is_refused() -> None:
    result = CliRunner().invoke(
        cli, ["evaluate", "scenarios/korea_new_gov.yaml", "--as-of", "2021-10-06", "--format", "json"]
    )
    assert result.exit_code == 2, result.output
    # the example of docs/errors.md is this report
    errors_md = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    section = errors_md[errors_md.index("### E309") : errors_md.index("## Scenario warnings")]
    example = section.split("```\n")[1]
    assert result.output == example


def test_world_2025_timeline_starts_at_the_record_and_tells_the_story(world, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    t = timeline(world, compiled_pack)
    assert t.start == D(2022, 5, 9)
    assert t.steps[0].date == D(2022, 5, 10) and t.steps[-1].date == D(2025, 9, 11)
    # replaying the changes from the start gives the scenario as of its own date
    recs = {r.id for r in t.initial.recommendations}
    for step in t.steps:
        for o in step.diff.recommendations:
            if o.change == "added":
                recs.add(o.id)
            elif o.change == "removed":
                recs.remove(o.id)
    assert recs == set(evaluate(world, compiled_pack).ids)


def _world_page() -> str:
    """docs/world_2025.md: its hand-written head, then the timeline as the tool prints it."""
    page = (ROOT / "docs" / "world_2025.md").read_text(encoding="utf-8")
    head = page[: page.index(WORLD_PAGE_MARK) + len(WORLD_PAGE_MARK)]
    parts = []
    for lang in ("en", "ja"):
        result = CliRunner().invoke(cli, ["timeline", WORLD, "--format", "markdown", "--lang", lang])
        assert result.exit_code == 0, result.output
        # one level down: the page has its own title
        parts.append(
            "\n".join("#" + line if line.startswith("#") else line for line in result.output.splitlines())
        )
    return head + "\n\n" + "\n\n".join(parts) + "\n"


WORLD_PAGE_MARK = (
    "<!-- generated: policyengine timeline scenarios/world_2025.yaml --format markdown (en, ja) -->"
)


def test_the_world_2025_page_is_what_the_tool_prints(request: pytest.FixtureRequest) -> None:
    fresh = _world_page()
    path = ROOT / "docs" / "world_2025.md"
    if request.config.getoption("--update-golden"):
        path.write_text(fresh, encoding="utf-8")
        return
    assert path.read_text(encoding="utf-8") == fresh, (
        "docs/world_2025.md is out of date: run pytest --update-golden and review the diff"
    )
