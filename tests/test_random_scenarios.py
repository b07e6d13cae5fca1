"""Random valid scenarios never crash the engine, and what it returns is well-formed.

The strategy draws whole worlds from the scenario vocabulary: countries with every region,
alignment and engagement; frameworks with members, areas and mechanisms; agreements with
consistent statuses and dates; asset protection; shared interests; events with stances,
causes and areas; capabilities. Every drawn world passes the loader's own cross-checks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RULES
from policyengine.api import evaluate, load_pack
from policyengine.errors import DiagnosticSink
from policyengine.models import scenario as sm
from policyengine.models.vocabulary import AREA_NAMES
from policyengine.validation.scenario import LoadedScenario, cross_check
from scenario_strategies import agreement_dates

CODES = ("JPN", "USA", "AUS", "IND", "KOR", "GBR", "FRA", "CAN", "DEU", "IDN", "MYS", "PHL", "EU", "CHN")
AREAS = tuple(AREA_NAMES)
DATES = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))


def _values(tp: Any) -> tuple[str, ...]:
    return tuple(get_args(tp))


def _name(text: str) -> dict[str, str]:
    return {"ja": text, "en": text}


def _subset(pool: list[str], min_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(pool), min_size=min_size, max_size=len(pool), unique=True)


def _with_japan(pool: list[str]) -> st.SearchStrategy[list[str]]:
    """A group of two or more, with Japan in it more often than chance: most rules are about
    Japan's frameworks and agreements, and would rarely fire otherwise."""
    others = [c for c in pool if c != "JPN"]
    return st.one_of(
        _subset(pool, 2),
        st.lists(st.sampled_from(others), min_size=1, max_size=len(others), unique=True).map(
            lambda group: ["JPN", *group]
        ),
    )


def _often(common: str, values: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from((common, common, *values))


@st.composite
def scenarios(draw: st.DrawFn) -> sm.Scenario:
    codes = ["JPN", *draw(st.lists(st.sampled_from(CODES[1:]), min_size=1, max_size=8, unique=True))]
    countries = [
        sm.Country(
            code=c,
            name=_name(c),
            region=draw(st.sampled_from(_values(sm.Region))),
            alignment=draw(st.sampled_from(_values(sm.Alignment))),
            indo_pacific_engagement=draw(st.sampled_from(_values(sm.Trend))),
        )
        for c in codes
    ]
    frameworks = []
    for i in range(draw(st.integers(0, 4))):
        mechanisms = [
            sm.Mechanism(
                id=f"m{j}",
                name=_name(f"m{j}"),
                kind=draw(st.sampled_from(_values(sm.MechanismKind))),
                activity=draw(st.sampled_from(_values(sm.Activity))),
                established=draw(st.none() | DATES),
            )
            for j in range(draw(st.integers(0, 3)))
        ]
        frameworks.append(
            sm.Framework(
                id=f"f{i}",
                name=_name(f"f{i}"),
                members=draw(_with_japan(codes)),
                kind=draw(_often("minilateral", _values(sm.FrameworkKind))),
                formal_treaty=draw(st.booleans()),
                status=draw(_often("active", _values(sm.FrameworkStatus))),
                areas=draw(st.dictionaries(st.sampled_from(AREAS), st.sampled_from(("focus", "mentioned")))),
                mechanisms=mechanisms,
                established=draw(st.none() | DATES),
            )
        )
    agreements = []
    for i in range(draw(st.integers(0, 3))):
        status = draw(st.sampled_from(_values(sm.AgreementStatus)))
        agreements.append(
            sm.AgreementFact(
                id=f"a{i}",
                kind=draw(_often("raa", _values(sm.AgreementKind))),
                parties=draw(_with_japan(codes)),
                status=status,
                dates=agreement_dates(draw, status),
            )
        )
    asset_protection = [sm.AssetProtection(partner=c, since=draw(DATES)) for c in draw(_subset(codes[1:], 0))]
    interests = [
        sm.Interest(
            id=f"i{i}",
            countries=draw(_with_japan(codes)),
            areas=draw(st.lists(st.sampled_from(AREAS), min_size=1, max_size=4, unique=True)),
        )
        for i in range(draw(st.integers(0, 2)))
    ]
    events: list[sm.Event] = []
    for i in range(draw(st.integers(0, 5))):
        stance = draw(
            st.none()
            | st.builds(
                sm.Stance,
                indo_pacific_engagement=st.none() | st.sampled_from(_values(sm.Trend)),
                alignment=st.none() | st.sampled_from(_values(sm.Alignment)),
            )
        )
        events.append(
            sm.Event(
                id=f"e{i}",
                date=draw(DATES),
                kind=draw(st.sampled_from(_values(sm.EventKind))),
                country=draw(st.none() | st.sampled_from(codes)),
                countries=draw(_subset(codes, 0)),
                framework=draw(st.none() | st.sampled_from([f.id for f in frameworks] or [None])),
                agreement=draw(st.none() | st.sampled_from([a.id for a in agreements] or [None])),
                caused_by=draw(st.none() | st.sampled_from([e.id for e in events] or [None])),
                stance=stance,
                areas=draw(st.lists(st.sampled_from(AREAS), max_size=3, unique=True)),
            )
        )
    capabilities = [
        sm.Capability(
            id=f"c{i}",
            holder=draw(st.sampled_from(codes)),
            domain=draw(st.sampled_from(_values(sm.CapabilityDomain))),
            status=draw(st.sampled_from(_values(sm.CapabilityStatus))),
        )
        for i in range(draw(st.integers(0, 4)))
    ]
    header = sm.ScenarioHeader(id="random", title=_name("random"), as_of=draw(DATES))
    return sm.Scenario(
        scenario=header,
        countries=countries,
        frameworks=frameworks,
        agreements=agreements,
        asset_protection=asset_protection,
        interests=interests,
        events=events,
        capabilities=capabilities,
    )


def _fact_ids(sc: sm.Scenario) -> set[str]:
    return {section.fact_id(fact) for section in sm.SECTIONS for fact in getattr(sc, section.key)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=scenarios())
def test_random_valid_scenarios_evaluate_cleanly(world: sm.Scenario) -> None:
    loaded = LoadedScenario(scenario=world, path="random.yaml", files=["random.yaml"])
    sink = DiagnosticSink()
    cross_check(loaded, sink)
    assert not sink.items, "the strategy drew an invalid world: " + "; ".join(d.format() for d in sink.items)

    result = evaluate(loaded, load_pack(str(RULES)))  # raises nothing: no InputError, no EngineError

    facts = _fact_ids(world)
    for outcomes in (result.recommendations, result.risks):
        ids = [o.id for o in outcomes]
        assert ids == sorted(set(ids)), "sorted, unique ids"
        for o in outcomes:
            assert o.evidence and set(o.evidence) <= facts, (o.id, o.evidence)
    for rec in result.recommendations:
        assert rec.id == f"{rec.action}/{rec.target}"
        assert all(rec.justification.values())
    for risk in result.risks:
        assert risk.id == f"{risk.kind}/{risk.target}"
        assert all(risk.message.values())
