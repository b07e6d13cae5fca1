"""Scenario facts: one file is one state of the world (see docs/scenarios.md)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StringConstraints, field_validator, model_validator

from policyengine.models.common import CountryCode, Date, Fact, FactError, I18nText, Id, Model, Source, Text

AreaId = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Level = Literal["focus", "mentioned"]
Region = Literal["indo-pacific", "extra-regional"]
Alignment = Literal["hub", "us-ally", "us-partner", "non-aligned", "us-competitor"]
Trend = Literal["increasing", "steady", "decreasing"]
FrameworkKind = Literal["alliance", "bilateral", "minilateral", "multilateral"]
FrameworkStatus = Literal["proposed", "active", "suspended"]
MechanismKind = Literal[
    "summit",
    "foreign-ministers",
    "defense-ministers",
    "economic-ministers",
    "two-plus-two",
    "senior-officials",
    "director-general",
    "working-level",
    "strategic-dialogue",
    "joint-exercise",
    "joint-patrol",
    "information-sharing",
]
Activity = Literal["regular", "irregular", "dormant"]
AgreementKind = Literal[
    "raa",
    "acsa",
    "gsomia",
    "information-security",
    "information-sharing",
    "technology-transfer",
    "joint-declaration",
    "security-treaty",
]
AgreementStatus = Literal["negotiating", "signed", "in-force"]
EventKind = Literal[
    "government-change",
    "policy-statement",
    "framework-launch",
    "summit",
    "ministerial-meeting",
    "meeting-cancelled",
    "joint-statement",
    "agreement-signed",
    "agreement-in-force",
    "coverage-extended",
    "exercise",
    "deployment",
    "crisis",
]
CapabilityDomain = Literal[
    "defense-budget",
    "defense-equipment",
    "joint-operations",
    "security-legislation",
    "information-security",
    "technology-security",
    "public-private-rnd",
]
CapabilityStatus = Literal["gap", "needs-review", "adequate", "improving"]


def _unique(values: list[str], what: str) -> list[str]:
    seen: set[str] = set()
    for i, v in enumerate(values):
        if v in seen:
            raise FactError(f"'{v}' is listed twice", hint="list each once", index=i)
        seen.add(v)
    return values


class ScenarioHeader(Model):
    """``scenario:`` block: identity, title, the date the world is described as of."""

    id: Id
    title: I18nText
    as_of: Date
    extends: Text | None = None
    description: I18nText | None = None


class AreaDefinition(Model):
    """A cooperation area beyond the built-in vocabulary."""

    id: AreaId
    name: I18nText
    note: Text | None = None


class Country(Fact):
    code: CountryCode
    name: I18nText
    region: Region
    alignment: Alignment
    indo_pacific_engagement: Trend


class Mechanism(Model):
    """A standing channel of a framework (a ministerial meeting, director-general talks, ...)."""

    id: Id
    name: I18nText
    kind: MechanismKind
    activity: Activity = "regular"
    established: Date | None = None
    source: Source | None = None
    note: Text | None = None


class Framework(Fact):
    id: Id
    name: I18nText
    members: Annotated[list[CountryCode], Field(min_length=2, max_length=200)]
    kind: FrameworkKind
    formal_treaty: StrictBool
    status: FrameworkStatus
    areas: dict[AreaId, Level] = Field(default_factory=dict)
    mechanisms: list[Mechanism] = Field(default_factory=list)
    established: Date | None = None

    @field_validator("members")
    @classmethod
    def _members(cls, v: list[str]) -> list[str]:
        return _unique(v, "members")

    @field_validator("mechanisms")
    @classmethod
    def _mechanisms(cls, v: list[Mechanism]) -> list[Mechanism]:
        _unique([m.id for m in v], "mechanisms")
        return v

    @property
    def member_key(self) -> str:
        """Members sorted and joined by '+': the identity of a grouping (``AUS+JPN+KOR``)."""
        return "+".join(sorted(self.members))


class AgreementDates(Model):
    negotiation_started: Date | None = None
    signed: Date | None = None
    in_force: Date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> AgreementDates:
        steps = [
            (n, d)
            for n, d in (
                ("negotiation_started", self.negotiation_started),
                ("signed", self.signed),
                ("in_force", self.in_force),
            )
            if d
        ]
        for (n1, d1), (n2, d2) in itertools.pairwise(steps):
            if d1 > d2:
                raise FactError(
                    f"'{n2}' ({d2}) is before '{n1}' ({d1})",
                    hint="an agreement is negotiated, then signed, then enters into force",
                    field=n2,
                )
        return self


class AgreementFact(Fact):
    id: Id
    kind: AgreementKind
    name: I18nText | None = None
    parties: Annotated[list[CountryCode], Field(min_length=2, max_length=200)]
    status: AgreementStatus
    dates: AgreementDates = Field(default_factory=AgreementDates)

    @field_validator("parties")
    @classmethod
    def _parties(cls, v: list[str]) -> list[str]:
        return _unique(v, "parties")

    @model_validator(mode="after")
    def _status_matches_dates(self) -> AgreementFact:
        if self.status == "negotiating" and (self.dates.signed or self.dates.in_force):
            later = "signed" if self.dates.signed else "in_force"
            raise FactError(
                f"status is 'negotiating', but dates.{later} says it was "
                + ("signed" if later == "signed" else "in force"),
                hint="set the status the dates imply ('signed' or 'in-force'), or remove the date",
                field="status",
            )
        if self.status == "signed" and self.dates.in_force:
            raise FactError(
                "status is 'signed', but dates.in_force says it is in force",
                hint="set status: in-force, or remove dates.in_force",
                field="status",
            )
        return self


class AssetProtection(Fact):
    """Whose forces Japan's asset-protection provision (SDF Law Art. 95-2, 武器等防護) covers."""

    partner: CountryCode
    since: Date
    basis: Text | None = None


class Interest(Fact):
    """A strategic interest the listed countries share."""

    id: Id
    countries: Annotated[list[CountryCode], Field(min_length=2, max_length=200)]
    areas: Annotated[list[AreaId], Field(min_length=1)]
    description: I18nText | None = None

    @field_validator("countries")
    @classmethod
    def _countries(cls, v: list[str]) -> list[str]:
        return _unique(v, "countries")

    @field_validator("areas")
    @classmethod
    def _areas(cls, v: list[str]) -> list[str]:
        return _unique(v, "areas")

    @property
    def member_key(self) -> str:
        return "+".join(sorted(self.countries))


class Stance(Model):
    """What an event changed in a country's posture."""

    indo_pacific_engagement: Trend | None = None
    alignment: Alignment | None = None


class Event(Fact):
    id: Id
    date: Date
    kind: EventKind
    name: I18nText | None = None
    country: CountryCode | None = None
    countries: list[CountryCode] = Field(default_factory=list)
    framework: Id | None = None
    agreement: Id | None = None
    caused_by: Id | None = None
    stance: Stance | None = None
    areas: list[AreaId] = Field(default_factory=list)
    description: I18nText | None = None


class Capability(Fact):
    """One element of a country's own posture, and whether it is a gap (Japan's, in the paper)."""

    id: Id
    holder: CountryCode = "JPN"
    domain: CapabilityDomain
    status: CapabilityStatus
    description: I18nText | None = None


class Removal(Model):
    """``remove:`` section of a scenario that extends another: identities to delete."""

    areas: list[AreaId] = Field(default_factory=list)
    countries: list[CountryCode] = Field(default_factory=list)
    frameworks: list[Id] = Field(default_factory=list)
    agreements: list[Id] = Field(default_factory=list)
    asset_protection: list[CountryCode] = Field(default_factory=list)
    interests: list[Id] = Field(default_factory=list)
    events: list[Id] = Field(default_factory=list)
    capabilities: list[Id] = Field(default_factory=list)


class ScenarioFile(Model):
    """One scenario file as written (before ``extends`` is resolved)."""

    scenario: ScenarioHeader
    areas: list[AreaDefinition] = Field(default_factory=list)
    countries: list[Country] = Field(default_factory=list)
    frameworks: list[Framework] = Field(default_factory=list)
    agreements: list[AgreementFact] = Field(default_factory=list)
    asset_protection: list[AssetProtection] = Field(default_factory=list)
    interests: list[Interest] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    capabilities: list[Capability] = Field(default_factory=list)
    remove: Removal | None = None


class Scenario(Model):
    """A whole world: a scenario file with everything it extends merged in."""

    scenario: ScenarioHeader
    areas: list[AreaDefinition] = Field(default_factory=list)
    countries: list[Country] = Field(default_factory=list)
    frameworks: list[Framework] = Field(default_factory=list)
    agreements: list[AgreementFact] = Field(default_factory=list)
    asset_protection: list[AssetProtection] = Field(default_factory=list)
    interests: list[Interest] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    capabilities: list[Capability] = Field(default_factory=list)

    def country(self, code: str) -> Country | None:
        return next((c for c in self.countries if c.code == code), None)

    def framework(self, fid: str) -> Framework | None:
        return next((f for f in self.frameworks if f.id == fid), None)


@dataclass(frozen=True)
class Section:
    """A list of facts in a scenario: its key, model, and what identifies one fact."""

    key: str
    kind: str  # singular name used in fact ids and rules: country, framework, ...
    model: type[Model]
    identity_field: str

    def identity(self, fact: Any) -> str:
        value: str = getattr(fact, self.identity_field)
        return value

    def fact_id(self, fact: Any) -> str:
        """Stable id of a fact across scenarios: ``kind:identity`` (``agreement:raa-jpn-gbr``)."""
        return f"{self.kind}:{self.identity(fact)}"


SECTIONS: tuple[Section, ...] = (
    Section("areas", "area", AreaDefinition, "id"),
    Section("countries", "country", Country, "code"),
    Section("frameworks", "framework", Framework, "id"),
    Section("agreements", "agreement", AgreementFact, "id"),
    Section("asset_protection", "asset_protection", AssetProtection, "partner"),
    Section("interests", "interest", Interest, "id"),
    Section("events", "event", Event, "id"),
    Section("capabilities", "capability", Capability, "id"),
)
SECTION_BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}
SECTION_BY_KIND: dict[str, Section] = {s.kind: s for s in SECTIONS}
