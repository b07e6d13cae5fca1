"""Rules speak of attributes, not named countries: the Germany and coverage cases work untouched."""

from __future__ import annotations

import datetime as dt

from policyengine.api import evaluate
from policyengine.models.scenario import AgreementFact, AssetProtection


def _with(loaded, **changes):  # type: ignore[no-untyped-def]
    """A copy of a loaded scenario with some sections replaced."""
    import copy

    new = copy.copy(loaded)
    new.scenario = loaded.scenario.model_copy(update=changes)
    return new


def test_germany_opening_raa_talks_gets_the_uk_and_france_treatment(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    raa = AgreementFact(id="raa-jpn-deu", kind="raa", parties=["JPN", "DEU"], status="negotiating")
    world = _with(korea, agreements=[*korea.scenario.agreements, raa])
    ids = set(evaluate(world, compiled_pack).ids)
    assert {"conclude-raa/DEU", "extend-asset-protection/DEU", "link-partner/DEU"} <= ids
    assert "adhoc-cooperation/DEU" not in ids
    assert "adhoc-cooperation/CAN" in ids


def test_a_partner_whose_forces_become_covered_loses_extend_asset_protection(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    covered = AssetProtection(partner="FRA", since=dt.date(2022, 5, 20))
    world = _with(korea, asset_protection=[*korea.scenario.asset_protection, covered])
    ids = set(evaluate(world, compiled_pack).ids)
    assert "extend-asset-protection/FRA" not in ids
    assert "extend-asset-protection/GBR" in ids
    assert "conclude-raa/FRA" in ids


def test_link_partner_names_the_framework_it_links_to(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    # The paper says 日米豪; the rule reads it by attributes, so its title must not name a framework
    # its justification may contradict. Here the ROK's forces are covered and Japan-US-Australia
    # is not elevated: the partner is linked to Japan-US-ROK, and says so.
    from policyengine.models.scenario import Framework

    frameworks = []
    for f in korea.scenario.frameworks:
        if f.id == "jpn-usa-kor":
            f = f.model_copy(update={"areas": {"maritime-security": "focus", "north-korea": "focus"}})
        elif f.id == "jpn-usa-aus":
            one_focus = {"maritime-security": "focus", "capacity-building": "mentioned"}
            f = f.model_copy(update={"areas": one_focus})
        frameworks.append(f)
    assert all(isinstance(f, Framework) for f in frameworks)
    covered = AssetProtection(partner="KOR", since=dt.date(2022, 3, 1))
    world = _with(korea, frameworks=frameworks, asset_protection=[*korea.scenario.asset_protection, covered])
    rec = evaluate(world, compiled_pack).recommendation("link-partner/GBR")
    assert rec is not None
    for lang, names in (("ja", ("日米豪", "日米韓", "クアッド")), ("en", ("Japan-US", "Quad"))):
        assert not any(n in rec.title[lang] for n in names), rec.title[lang]
    assert "日米韓" in rec.justification["ja"] and "日米豪" not in rec.justification["ja"]
    assert "Japan-US-ROK" in rec.justification["en"]
    assert "framework:jpn-usa-kor" in rec.evidence
