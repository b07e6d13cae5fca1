"""Pydantic models of policyengine's inputs. Pure data: no I/O, no engine."""

from policyengine.models.common import I18nText, Source
from policyengine.models.scenario import (
    SECTIONS,
    AgreementFact,
    AreaDefinition,
    AssetProtection,
    Assumption,
    Capability,
    Country,
    Event,
    Framework,
    Interest,
    Mechanism,
    Scenario,
    ScenarioFile,
    ScenarioHeader,
    Signpost,
    Watch,
)

__all__ = [
    "SECTIONS",
    "AgreementFact",
    "AreaDefinition",
    "AssetProtection",
    "Assumption",
    "Capability",
    "Country",
    "Event",
    "Framework",
    "I18nText",
    "Interest",
    "Mechanism",
    "Scenario",
    "ScenarioFile",
    "ScenarioHeader",
    "Signpost",
    "Source",
    "Watch",
]
