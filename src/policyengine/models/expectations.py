"""Expectations files (``expectations/*.yaml``): what a scenario must and must not conclude.

expectations:
  scenario: korea-new-gov        # optional: the scenario these are about (checked)
  exhaustive: true               # optional: nothing beyond what is listed may appear
recommended:
  - {id: conclude-raa/GBR, priority: high}
not_recommended:
  - {id: extend-asset-protection/AUS, note: already covered since November 2021}
risks:
  - {id: alienation/AUS+JPN+KOR, severity: medium}
no_risks:
  - {id: keep-informal/jpn-usa-aus}
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictBool, StringConstraints

from policyengine.models.common import OUTCOME_ID_PATTERN, I18nText, Id, Model, Text
from policyengine.models.rules import Priority

#: ``ACTION/TARGET`` or ``KIND/TARGET``: a target is a country code, a framework id or ``A+B+C``.
OutcomeId = Annotated[str, StringConstraints(strict=True, pattern=OUTCOME_ID_PATTERN)]


class ExpectationsHeader(Model):
    scenario: Id | None = None
    title: I18nText | None = None
    description: I18nText | None = None
    exhaustive: StrictBool = False


class ExpectedRecommendation(Model):
    id: OutcomeId
    priority: Priority | None = None
    note: Text | None = None


class ExpectedRisk(Model):
    id: OutcomeId
    severity: Priority | None = None
    note: Text | None = None


class Unexpected(Model):
    """A recommendation or risk that must not appear."""

    id: OutcomeId
    note: Text | None = None


class ExpectationsFile(Model):
    expectations: ExpectationsHeader
    recommended: list[ExpectedRecommendation] = Field(default_factory=list)
    not_recommended: list[Unexpected] = Field(default_factory=list)
    risks: list[ExpectedRisk] = Field(default_factory=list)
    no_risks: list[Unexpected] = Field(default_factory=list)
