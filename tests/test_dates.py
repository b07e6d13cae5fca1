"""One meaning of a date: a fact not yet in effect on the scenario's date does not count.

Properties over random worlds (``test_random_scenarios.scenarios``, histories included):

- plain ``evaluate`` equals ``evaluate --as-of`` of the scenario's own date;
- adding facts that take effect only after the scenario's date (an event, asset protection, an
  agreement's later phase, a framework's later status, a mechanism established later or a later
  activity, a capability's later status) changes nothing;
- the projection is idempotent, and a projected world is a shorthand world (no history left).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from conftest import RULES
from policyengine.api import evaluate, load_pack
from policyengine.models import scenario as sm
from policyengine.models.asof import as_of
from policyengine.validation.scenario import LoadedScenario
from test_random_scenarios import scenarios

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LATER = st.integers(min_value=1, max_value=4000).map(lambda n: dt.timedelta(days=n))


def _loaded(world: sm.Scenario) -> LoadedScenario:
    return LoadedScenario(scenario=world, path="random.yaml", files=["random.yaml"])


def _outcomes(world: sm.Scenario, **kw: Any) -> dict[str, Any]:
    data = evaluate(_loaded(world), load_pack(str(RULES)), **kw).to_dict()
    return {"recommendations": data["recommendations"], "risks": data["risks"]}


@SETTINGS
@given(world=scenarios())
def test_plain_evaluate_is_evaluate_as_of_the_scenarios_own_date(world: sm.Scenario) -> None:
    day = world.scenario.as_of
    assert _outcomes(world) == _outcomes(world, as_of=day)


def _other(values: tuple[str, ...], current: str) -> str:
    return next(v for v in values if v != current)


@st.composite
def with_future(draw: st.DrawFn) -> tuple[sm.Scenario, sm.Scenario]:
    """A random world, and the same world with facts that take effect only after its date."""
    world = draw(scenarios())
    day = world.scenario.as_of

    def later() -> dt.date:
        return day + draw(LATER)

    codes = [c.code for c in world.countries]
    events = [
        *world.events,
        sm.Event(
            id="future-event",
            date=later(),
            kind=draw(st.sampled_from(sm.EventKind.__args__)),  # type: ignore[attr-defined]
            country=draw(st.sampled_from(codes)),
            stance=sm.Stance(indo_pacific_engagement=draw(st.sampled_from(("increasing", "decreasing")))),
            areas=["maritime-security"],
        ),
    ]
    covered = {p.partner for p in world.asset_protection}
    uncovered = [c for c in codes if c != "JPN" and c not in covered]
    protection = list(world.asset_protection)
    if uncovered:
        protection.append(sm.AssetProtection(partner=draw(st.sampled_from(uncovered)), since=later()))
    agreements = []
    for a in world.agreements:
        phases = [{"status": s, **({"since": d} if d else {})} for s, d in _phases(a)]
        rank = sm.AGREEMENT_PHASES.index(a.status)
        if rank + 1 < len(sm.AGREEMENT_PHASES) and all(p.get("since", day) <= day for p in phases):
            phases.append({"status": sm.AGREEMENT_PHASES[rank + 1], "since": later()})
        try:
            agreements.append(
                sm.AgreementFact.model_validate(
                    {"id": a.id, "kind": a.kind, "parties": a.parties, "history": phases}
                )
            )
        except ValidationError:  # shorthand dates with a gap (signed undated between dated steps)
            agreements.append(a)
    partner = draw(st.sampled_from([c for c in codes if c != "JPN"]))
    agreements.append(
        sm.AgreementFact.model_validate(
            {
                "id": "future-raa",
                "kind": "raa",
                "parties": ["JPN", partner],
                "history": [{"status": "negotiating", "since": later()}],
            }
        )
    )
    frameworks = []
    for f in world.frameworks:
        mechanisms = [
            m.model_copy(
                update={
                    "history": [
                        sm.ActivityPhase(activity=m.activity),
                        sm.ActivityPhase(
                            activity=_other(("regular", "irregular", "dormant"), m.activity), since=later()
                        ),
                    ]
                }
            )
            for m in f.mechanisms
        ]
        mechanisms.append(
            sm.Mechanism(
                id="future-mechanism",
                name=sm.I18nText(ja="x", en="x"),
                kind=draw(st.sampled_from(("defense-ministers", "joint-exercise", "two-plus-two"))),
                established=later(),
            )
        )
        status = _other(("proposed", "active", "suspended"), f.status)
        frameworks.append(
            f.model_copy(
                update={
                    "mechanisms": mechanisms,
                    "history": [
                        sm.FrameworkPhase(status=f.status),
                        sm.FrameworkPhase(status=status, since=later()),
                    ],
                }
            )
        )
    capabilities = [
        c.model_copy(
            update={
                "history": [
                    sm.CapabilityPhase(status=c.status),
                    sm.CapabilityPhase(
                        status=_other(("gap", "adequate", "improving"), c.status), since=later()
                    ),
                ]
            }
        )
        for c in world.capabilities
    ]
    future = world.model_copy(
        update={
            "events": events,
            "asset_protection": protection,
            "agreements": agreements,
            "frameworks": frameworks,
            "capabilities": capabilities,
        }
    )
    return world, future


def _phases(a: sm.AgreementFact) -> list[tuple[str, dt.date | None]]:
    from policyengine.models.asof import agreement_phases

    return agreement_phases(a)


@SETTINGS
@given(pair=with_future())
def test_what_is_not_yet_in_effect_on_the_scenarios_date_does_not_count(
    pair: tuple[sm.Scenario, sm.Scenario],
) -> None:
    world, future = pair
    assert _outcomes(future) == _outcomes(world)
    # the world with histories: plain evaluate is evaluate --as-of its own date there too
    assert _outcomes(future) == _outcomes(future, as_of=future.scenario.as_of)


@SETTINGS
@given(pair=with_future(), shift=st.integers(-3000, 3000))
def test_the_projection_is_idempotent_and_leaves_no_history(
    pair: tuple[sm.Scenario, sm.Scenario], shift: int
) -> None:
    _, future = pair
    day = future.scenario.as_of + dt.timedelta(days=shift)
    once = as_of(future, day)
    assert as_of(once, day) == once
    assert all(a.history is None for a in once.agreements)
    assert all(c.history is None for c in once.capabilities)
    for f in once.frameworks:
        assert f.history is None and all(m.history is None for m in f.mechanisms)
