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
    (
        D(2021, 10, 7),
        {"adhoc-cooperation/GBR"},
        {"conclude-raa/GBR", "extend-asset-protection/GBR"},
    ),
    # Japan-US-Australia becomes the framework the SDF's asset protection supports: the UK and
    # France are linked to it (link-partner)
    (D(2021, 11, 11), {"extend-asset-protection/AUS"}, {"link-partner/FRA", "link-partner/GBR"}),
    (D(2022, 1, 6), {"conclude-raa/AUS"}, set()),
    (
        D(2022, 1, 7),
        set(),
        {
            "link-technology-cooperation/aukus",
            "link-technology-cooperation/quad",
            "strengthen-information-security/JPN",
            "public-private-rnd/JPN",
        },
    ),
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


_RANK = {"negotiating": 0, "signed": 1, "in-force": 2}


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
    assert [s.date for s in korea_timeline.steps] == sorted({d.date for d in dated_facts(korea.scenario)})
    assert korea_timeline.start == D(1960, 6, 22)
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


def test_timeline_json_lists_every_date() -> None:
    result = CliRunner().invoke(cli, ["timeline", "scenarios/korea_new_gov.yaml", "--format", "json"])
    data = json.loads(result.output)
    assert data["start"]["date"] == "1960-06-22"
    assert len(data["steps"]) == 23
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
