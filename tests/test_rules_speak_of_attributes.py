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
