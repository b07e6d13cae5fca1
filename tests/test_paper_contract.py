"""The recommendation ids the paper's logic gives are a contract (issue: the rule engine)."""

from __future__ import annotations

from policyengine.api import evaluate

KOREA_IDS = {
    "elevate-cooperation/jpn-usa-aus",
    "elevate-cooperation/quad",
    "conclude-raa/GBR",
    "conclude-raa/FRA",
    "extend-asset-protection/GBR",
    "extend-asset-protection/FRA",
    "link-partner/GBR",
    "link-partner/FRA",
    "adhoc-cooperation/CAN",
    "adhoc-cooperation/DEU",
    "adhoc-cooperation/EU",
    "expand-to-hard-security/quad",
    "joint-capacity-building/quad",
    "activate-mechanisms/jpn-usa-kor",
    "bilateral-cooperation/KOR",
    "propose-framework/AUS+JPN+KOR",
    "link-technology-cooperation/aukus",
    "link-technology-cooperation/quad",
    "strengthen-defense-posture/JPN",
    "review-security-legislation/JPN",
    "strengthen-information-security/JPN",
    "public-private-rnd/JPN",
}
BROUGHT_BY_KOREA = {"bilateral-cooperation/KOR", "propose-framework/AUS+JPN+KOR"}


def test_korea_new_gov_gives_every_recommendation_of_the_paper(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(korea, compiled_pack)
    assert set(result.ids) == KOREA_IDS
    assert result.ids == sorted(result.ids)


def test_baseline_lacks_only_what_the_new_government_brings(baseline, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(baseline, compiled_pack)
    assert set(result.ids) == KOREA_IDS - BROUGHT_BY_KOREA


def test_nothing_the_paper_rules_out(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    ids = set(evaluate(korea, compiled_pack).ids)
    # already covered by asset protection, or RAA already signed, or members already a framework
    for ruled_out in (
        "extend-asset-protection/USA",
        "extend-asset-protection/AUS",
        "conclude-raa/AUS",
        "propose-framework/AUS+JPN+USA",
        "propose-framework/AUS+IND+JPN+USA",
    ):
        assert ruled_out not in ids


def test_the_papers_cautions_are_risks(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    risks = {r.id for r in evaluate(korea, compiled_pack).risks}
    assert risks == {"alienation/AUS+JPN+KOR", "keep-informal/quad"}


def test_every_recommendation_is_justified_traced_and_sourced(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    for rec in evaluate(korea, compiled_pack).recommendations:
        assert rec.justification["ja"] and rec.justification["en"]
        assert "{" not in rec.justification["ja"] + rec.justification["en"]
        assert rec.evidence, rec.id
        assert all(":" in e for e in rec.evidence)
        assert rec.sources and all(s.quote for s in rec.sources)


def test_justification_names_the_facts(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    rec = evaluate(korea, compiled_pack).recommendation("extend-asset-protection/GBR")
    assert rec is not None
    assert "英国" in rec.justification["ja"] and "交渉中" in rec.justification["ja"]
    assert "武器等防護の対象外" in rec.justification["ja"]
    assert "agreement:raa-jpn-gbr" in rec.evidence


def test_evidence_names_facts_not_the_scenario_itself(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    # Rules that read the scenario's date (as_of) bind the scenario fact: it frames the
    # evaluation and is not evidence (else every evidence list would differ between scenarios).
    result = evaluate(korea, compiled_pack)
    rec = result.recommendation("bilateral-cooperation/KOR")
    assert rec is not None
    assert "event:kor-new-government-2022" in rec.evidence
    assert all(not e.startswith("scenario:") for r in result.recommendations for e in r.evidence)
    assert all(not e.startswith("scenario:") for r in result.risks for e in r.evidence)


def test_technology_links_gate_the_capability_gaps_once_each(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    # Two links are recommended (quad, aukus); each gap is one support, not one per link, and
    # the links' facts are still evidence (through the count).
    raw = evaluate(korea, compiled_pack).raw
    assert raw is not None
    links = [o for o in raw.outcomes.values() if o.action == "link-technology-cooperation"]
    assert len(links) == 2
    for oid, gaps in (
        ("strengthen-information-security/JPN", {"jpn-information-security", "jpn-technology-security"}),
        ("public-private-rnd/JPN", {"jpn-public-private-rnd"}),
    ):
        outcome = raw.outcomes[f"recommendation:{oid}"]
        assert len(outcome.supports) == len(gaps)
        bound = {
            raw.facts[fid].fields.get("id")
            for s in outcome.supports
            for var, fid in s.bindings
            if var == "gap"
        }
        assert bound == gaps
    rec = evaluate(korea, compiled_pack).recommendation("strengthen-information-security/JPN")
    assert rec is not None
    assert {"framework:quad", "framework:aukus", "event:usa-jpn-2plus2-2022"} <= set(rec.evidence)
