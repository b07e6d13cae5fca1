"""Load-bearing facts: which recommendations rest on which facts, checked by re-evaluation."""

from __future__ import annotations

import pytest

from policyengine.api import evaluate
from policyengine.counterfactual.changes import apply_changes, removal_with_dependents
from policyengine.counterfactual.sensitivity import sensitivity


@pytest.fixture(scope="module")
def result(korea, compiled_pack):  # type: ignore[no-untyped-def]
    return sensitivity(korea, compiled_pack)


def test_every_fact_is_tried_and_ranked_by_what_it_carries(result, korea) -> None:  # type: ignore[no-untyped-def]
    assert len(result.facts) == sum(1 for _ in korea.facts())
    weights = [f.weight for f in result.facts]
    assert weights == sorted(weights, reverse=True)
    assert result.evaluations == len(result.facts) + 1


def test_the_2plus2_event_carries_the_technology_recommendations(result) -> None:  # type: ignore[no-untyped-def]
    event = result.fact("event:usa-jpn-2plus2-2022")
    assert event is not None and event.removable
    assert set(event.lost) == {
        "link-technology-cooperation/aukus",
        "link-technology-cooperation/quad",
        "public-private-rnd/JPN",
        "strengthen-information-security/JPN",
    }


def test_single_points_of_failure_and_redundant_support(result) -> None:  # type: ignore[no-untyped-def]
    assert "agreement:raa-jpn-fra" in result.single_points["extend-asset-protection/FRA"]
    assert result.single_points["propose-framework/AUS+JPN+KOR"] == [
        "country:AUS",
        "country:JPN",
        "country:KOR",
        "event:kor-new-government-2022",
        "interest:jpn-kor-aus-shared-interests",
    ]
    # Three capability gaps each support it: no single one is a point of failure.
    assert "capability:jpn-defense-budget" not in result.single_points["strengthen-defense-posture/JPN"]
    budget = result.fact("capability:jpn-defense-budget")
    assert budget is not None and budget.lost == () and "strengthen-defense-posture/JPN" in budget.evidence


def test_removing_a_blocking_fact_makes_a_recommendation_appear(result) -> None:  # type: ignore[no-untyped-def]
    covered = result.fact("asset_protection:AUS")
    assert covered is not None and covered.gained == ("extend-asset-protection/AUS",)


def test_what_it_reports_is_what_re_evaluation_gives(result, korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    base = set(evaluate(korea, compiled_pack).ids)
    for fact in (
        "framework:quad",
        "country:KOR",
        "interest:jpn-kor-aus-shared-interests",
        "asset_protection:AUS",
    ):
        row = result.fact(fact)
        assert row is not None
        after = set(
            evaluate(apply_changes(korea, removal_with_dependents(korea.scenario, fact)), compiled_pack).ids
        )
        assert set(row.lost) == base - after
        assert set(row.gained) == after - base
