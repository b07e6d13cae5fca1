"""What would have to change: answers verified against the engine, minimal, in plain words."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyengine.api import evaluate
from policyengine.counterfactual.changes import (
    ChangeError,
    alter,
    apply_changes,
    removal_with_dependents,
    remove,
)
from policyengine.counterfactual.describe import Describer
from policyengine.counterfactual.whatif import whatif
from policyengine.errors import InputError


def _ids(loaded, compiled, changes):  # type: ignore[no-untyped-def]
    """Recommendation ids of the changed scenario, through the public API (no caches)."""
    return set(evaluate(apply_changes(loaded, list(changes)), compiled).ids)


def _flips(loaded, compiled, rec, present, changes) -> bool:  # type: ignore[no-untyped-def]
    try:
        ids = _ids(loaded, compiled, changes)
    except ChangeError:
        return False
    return (rec in ids) != present


def _assert_verified_and_minimal(loaded, compiled, result, answers=None) -> None:  # type: ignore[no-untyped-def]
    for answer in result.answers if answers is None else answers:
        changes = list(answer.changes)
        assert _flips(loaded, compiled, result.outcome_id, result.present, changes), answer
        for size in range(1, len(changes)):
            for sub in itertools.combinations(changes, size):
                assert not _flips(loaded, compiled, result.outcome_id, result.present, sub), (answer, sub)


def test_what_would_make_the_japan_rok_australia_forum_unnecessary(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    result = whatif(korea, compiled_pack, "propose-framework/AUS+JPN+KOR")
    assert result.present and result.stopped_early is None
    keys = {tuple(c.key.split(" ", 2)[:2]) for a in result.answers for c in a.changes}
    # The forum existing already, the ROK stepping back, or the shared interest not being there.
    assert ("add", "framework:whatif-jpn-aus-kor") in keys
    assert ("remove", "event:kor-new-government-2022") in keys
    assert ("remove", "interest:jpn-kor-aus-shared-interests") in keys
    framework = next(c for a in result.answers for c in a.changes if c.fact == "framework:whatif-jpn-aus-kor")
    assert sorted(framework.payload.members) == ["AUS", "JPN", "KOR"]
    assert all(len(a.changes) == 1 for a in result.answers)
    _assert_verified_and_minimal(korea, compiled_pack, result)


def test_covering_french_forces_ends_extend_asset_protection_but_signing_the_raa_does_not(
    korea, compiled_pack
) -> None:  # type: ignore[no-untyped-def]
    result = whatif(korea, compiled_pack, "extend-asset-protection/FRA")
    facts = {c.fact for a in result.answers for c in a.changes}
    assert "asset_protection:FRA" in facts
    assert "agreement:raa-jpn-fra" in facts
    # Signing or bringing the RAA into force keeps the partner an RAA partner: still recommended.
    statuses = {c.new for a in result.answers for c in a.changes if c.path == "status"}
    assert statuses == set()
    signed = alter("agreement:raa-jpn-fra", "status", "negotiating", "signed")
    assert "extend-asset-protection/FRA" in _ids(korea, compiled_pack, [signed])
    covering = next(a for a in result.answers if a.changes[0].fact == "asset_protection:FRA")
    assert covering.lost == () and covering.gained == ()
    _assert_verified_and_minimal(korea, compiled_pack, result)


def test_an_absent_recommendation_gets_what_would_make_it_appear(baseline, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    result = whatif(baseline, compiled_pack, "conclude-raa/DEU")
    assert not result.present
    assert [[c.fact for c in a.changes] for a in result.answers] == [["agreement:whatif-raa-jpn-deu"]]
    new = result.answers[0].changes[0].payload
    assert (new.kind, new.parties, new.status) == ("raa", ["JPN", "DEU"], "negotiating")
    assert set(result.answers[0].gained) >= {"extend-asset-protection/DEU", "link-partner/DEU"}
    _assert_verified_and_minimal(baseline, compiled_pack, result)


def test_the_rok_new_government_is_what_brings_the_forum_into_the_baseline(baseline, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    result = whatif(baseline, compiled_pack, "propose-framework/AUS+JPN+KOR")
    assert not result.present
    assert "alter country:KOR indo_pacific_engagement" in " ".join(
        c.key for a in result.answers for c in a.changes
    )
    _assert_verified_and_minimal(baseline, compiled_pack, result)


def test_pairs_are_found_when_no_single_change_suffices(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    # Two gaps (information and technology security) each support the recommendation:
    # closing one is not enough, closing both is.
    rec = "strengthen-information-security/JPN"
    one = whatif(korea, compiled_pack, rec, max_changes=1)
    two = whatif(korea, compiled_pack, rec, max_changes=2)
    assert all(len(a.changes) == 1 for a in one.answers)
    pairs = [{c.fact for c in a.changes} for a in two.answers if len(a.changes) == 2]
    assert {"capability:jpn-information-security", "capability:jpn-technology-security"} in pairs
    assert not any(c.fact.startswith("capability:") for a in one.answers for c in a.changes)
    closing = [a for a in two.answers if {c.fact for c in a.changes} == pairs[0] or len(a.changes) == 2][:4]
    _assert_verified_and_minimal(korea, compiled_pack, two, closing)


def test_the_search_says_when_its_budget_stopped_it(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    result = whatif(korea, compiled_pack, "propose-framework/AUS+JPN+KOR", max_evaluations=3)
    assert result.stopped_early is not None and "budget" in result.stopped_early
    assert result.evaluations <= 3


def test_unknown_recommendations_are_input_errors_with_a_hint(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as info:
        whatif(korea, compiled_pack, "extend-asset-protections/FRA")
    assert info.value.codes == ["E501"]
    assert "extend-asset-protection" in (info.value.diagnostics[0].hint or "")
    with pytest.raises(InputError):
        whatif(korea, compiled_pack, "no-slash")


@pytest.mark.parametrize(
    ("outcome_id", "message", "hint"),
    [
        (
            "extend-asset-protection/AUZ",
            "'AUZ' is not a country, framework or grouping of the scenario",
            "did you mean 'extend-asset-protection/AUS'?",
        ),
        ("propose-framework/AUS+AUS+JPN", "a grouping names each member once", None),
        ("propose-framework/AUS+JPN+XXX", "'XXX' in 'AUS+JPN+XXX' is not a country of the scenario", None),
    ],
)
def test_a_target_that_names_nothing_is_an_input_error_not_an_empty_search(  # type: ignore[no-untyped-def]
    korea, compiled_pack, outcome_id: str, message: str, hint: str | None
) -> None:
    with pytest.raises(InputError) as info:
        whatif(korea, compiled_pack, outcome_id)
    assert info.value.codes == ["E501"]
    assert message in info.value.diagnostics[0].message
    if hint is not None:
        assert info.value.diagnostics[0].hint == hint


def test_a_grouping_of_the_scenarios_countries_can_be_asked_about(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    # no interest or framework has exactly these members, yet the question is a fair one
    result = whatif(korea, compiled_pack, "propose-framework/AUS+JPN+USA", max_changes=1)
    assert not result.present


_QUESTIONS = [
    "propose-framework/AUS+JPN+KOR",
    "extend-asset-protection/GBR",
    "conclude-raa/FRA",
    "link-partner/GBR",
    "bilateral-cooperation/KOR",
    "adhoc-cooperation/CAN",
    "activate-mechanisms/jpn-usa-kor",
    "review-security-legislation/JPN",
    "extend-asset-protection/DEU",
    "adhoc-cooperation/KOR",
    "elevate-cooperation/jpn-aus-ind",
    "activate-mechanisms/quad",
]


def _check_random_question(loaded, compiled_pack, rec, max_changes) -> None:  # type: ignore[no-untyped-def]
    result = whatif(loaded, compiled_pack, rec, max_changes=max_changes, max_evaluations=150)
    assert all(1 <= len(a.changes) <= max_changes for a in result.answers)
    _assert_verified_and_minimal(loaded, compiled_pack, result)


_question = {
    "rec": st.sampled_from(_QUESTIONS),
    "max_changes": st.integers(1, 2),
    "world": st.sampled_from(["korea", "baseline"]),
}


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(**_question)
def test_every_reported_change_set_flips_and_no_strict_subset_does(  # type: ignore[no-untyped-def]
    korea, baseline, compiled_pack, rec, max_changes, world
) -> None:
    _check_random_question(korea if world == "korea" else baseline, compiled_pack, rec, max_changes)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("POLICYENGINE_SLOW") != "1", reason="long: set POLICYENGINE_SLOW=1")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(**_question)
def test_every_reported_change_set_flips_and_no_strict_subset_does_many(  # type: ignore[no-untyped-def]
    korea, baseline, compiled_pack, rec, max_changes, world
) -> None:
    _check_random_question(korea if world == "korea" else baseline, compiled_pack, rec, max_changes)


# -- the change vocabulary ----------------------------------------------------------------------


def test_changes_are_validated_like_a_loaded_file(korea) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ChangeError, match="unknown country 'KOR'"):
        apply_changes(korea, [remove("country:KOR")])
    with pytest.raises(ChangeError, match="exists already"):
        from policyengine.counterfactual.changes import add
        from policyengine.models.scenario import SECTION_BY_KIND, AssetProtection

        apply_changes(
            korea,
            [
                add(
                    SECTION_BY_KIND["asset_protection"],
                    AssetProtection(partner="AUS", since=dt.date(2022, 1, 1)),
                )
            ],
        )
    with pytest.raises(ChangeError):
        apply_changes(korea, [remove("agreement:raa-jpn-fra", "parties.FRA")])  # one party left


def test_altering_an_agreement_status_keeps_its_dates_consistent(korea) -> None:  # type: ignore[no-untyped-def]
    signed = next(a for a in korea.scenario.agreements if a.id == "raa-jpn-aus")
    assert signed.dates.signed is not None
    world = apply_changes(korea, [alter("agreement:raa-jpn-aus", "status", signed.status, "negotiating")])
    changed = next(a for a in world.scenario.agreements if a.id == "raa-jpn-aus")
    assert changed.status == "negotiating" and changed.dates.signed is None
    assert korea.scenario is not world.scenario  # the original is untouched
    assert next(a for a in korea.scenario.agreements if a.id == "raa-jpn-aus").dates.signed is not None


def test_removing_a_country_takes_what_cannot_stand_without_it(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    changes = removal_with_dependents(korea.scenario, "country:KOR")
    keys = [c.key for c in changes]
    assert keys[0] == "remove country:KOR"
    assert "remove event:kor-new-government-2022" in keys
    assert "remove framework:jpn-usa-kor members.KOR" in keys
    world = apply_changes(korea, changes)
    assert world.scenario.country("KOR") is None
    ids = set(evaluate(world, compiled_pack).ids)
    assert "propose-framework/AUS+JPN+KOR" not in ids


def test_changes_read_as_plain_language_in_both_languages(korea) -> None:  # type: ignore[no-untyped-def]
    from policyengine.counterfactual.changes import add
    from policyengine.models.scenario import SECTION_BY_KIND, AssetProtection

    d = Describer(korea.scenario)
    cover = add(
        SECTION_BY_KIND["asset_protection"], AssetProtection(partner="FRA", since=dt.date(2022, 6, 1))
    )
    en = d.sentence([cover], "extend-asset-protection/FRA", present=True, kind="recommendation", lang="en")
    ja = d.sentence([cover], "extend-asset-protection/FRA", present=True, kind="recommendation", lang="ja")
    assert en == (
        "If France's forces were covered by the SDF's asset protection (SDF Law Art. 95-2), "
        "extend-asset-protection/FRA would no longer be recommended."
    )
    assert ja == (
        "フランスの部隊が自衛隊の武器等防護（自衛隊法95条の2）の対象となる場合、"
        "extend-asset-protection/FRAは推奨されなくなる。"
    )


def test_the_loaded_scenario_is_never_modified(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    before = copy.deepcopy(korea.scenario.model_dump())
    whatif(korea, compiled_pack, "extend-asset-protection/GBR")
    assert korea.scenario.model_dump() == before
