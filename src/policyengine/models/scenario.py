"""Scenario facts: one file is one state of the world (see docs/scenarios.md)."""

from __future__ import annotations

import itertools
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, Protocol

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
#: order of an agreement's phases; a history walks them forward
AGREEMENT_PHASES: tuple[str, ...] = ("talks", "negotiating", "signed", "in-force")
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
AgreementStatus = Literal["talks", "negotiating", "signed", "in-force"]
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
    """The scenario's identity, shown in reports."""
    title: I18nText
    """What world this is, in Japanese and English."""
    as_of: Date
    """The date the world is described as of (YYYY-MM-DD)."""
    extends: Text | None = None
    """Path of the scenario this one starts from, relative to this file's folder."""
    description: I18nText | None = None
    """A longer account of the scenario."""


class AreaDefinition(Model):
    """A cooperation area beyond the built-in vocabulary."""

    id: AreaId
    """The area's identity, used in the areas of frameworks, interests and events."""
    name: I18nText
    """Display names."""
    note: Text | None = None
    """Anything else."""


class Country(Fact):
    """A country (or the EU). Every country a fact names must be declared."""

    code: CountryCode
    """ISO 3166-1 alpha-3 code in capitals (JPN, GBR), or EU. Identity of the fact."""
    name: I18nText
    """Display names."""
    region: Region
    """Whether the country is of the Indo-Pacific region."""
    alignment: Alignment
    """Its place in the regional order; hub is the United States."""
    indo_pacific_engagement: Trend
    """Its recorded engagement in the region (a change is better recorded as an event's stance)."""


class Phase(Model):
    """One entry of a fact's history: what held from ``since`` on (until the next entry)."""

    since: Date | None = None
    """The first day it held (YYYY-MM-DD). Left out: it held from the start of the record (only the
    first entries of a history may be undated)."""
    source: Source | None = None
    """Where this comes from: issuer, document, date, locator, quote."""
    assumption: I18nText | None = None
    """What in this entry the record does not settle (a day, a stance), said plainly: an assumption."""
    note: Text | None = None
    """Anything else."""


class ActivityPhase(Phase):
    """A mechanism's activity from a date on."""

    activity: Activity
    """How often it actually met from ``since`` on."""


class FrameworkPhase(Phase):
    """A framework's status from a date on."""

    status: FrameworkStatus
    """proposed, active or suspended from ``since`` on."""


class CapabilityPhase(Phase):
    """A capability's status from a date on."""

    status: CapabilityStatus
    """gap, needs-review, adequate or improving from ``since`` on."""


class AgreementPhase(Phase):
    """An agreement's phase from a date on."""

    status: AgreementStatus
    """talks (exploratory talks), negotiating (formal negotiations), signed or in-force."""


def _status_or_history(schema: dict[str, Any]) -> None:
    """JSON Schema: ``status`` may be left out when ``history`` gives it."""
    schema["required"] = [k for k in schema.get("required", []) if k != "status"]
    schema["anyOf"] = [{"required": ["status"]}, {"required": ["history"]}]


#: model_config of the facts whose status a history may give
_HISTORY_CONFIG: Any = Model.model_config | {"json_schema_extra": _status_or_history}


def _check_history(history: list[Any], value: str, order: tuple[str, ...] | None = None) -> None:
    """Entries in time order; undated ones only first; agreement phases only forward."""
    dated = False
    for i, (a, b) in enumerate(itertools.pairwise(history), start=1):
        if a.since is not None and b.since is not None and b.since < a.since:
            raise FactError(
                f"history entry {i + 1} ({b.since}) is before entry {i} ({a.since})",
                hint="list a history in time order, earliest first",
                field="history",
                index=i,
            )
        if order is not None and order.index(getattr(b, value)) <= order.index(getattr(a, value)):
            raise FactError(
                f"history entry {i + 1} ({getattr(b, value)}) does not come after entry {i} "
                f"({getattr(a, value)})",
                hint="an agreement moves forward: talks, negotiating, signed, in-force",
                field="history",
                index=i,
            )
    for i, entry in enumerate(history):
        if entry.since is not None:
            dated = True
        elif dated:
            raise FactError(
                f"history entry {i + 1} has no 'since' but an earlier entry has one",
                hint="only the first entries may be undated (they hold from the start of the record); "
                "date this one",
                field="history",
                index=i,
            )


def _history_shorthand(data: Any, value: str, history_key: str = "history") -> Any:
    """Fill in the shorthand ``value`` (status, activity) from the last entry of ``history``.

    The shorthand stays accepted alone (a fact without history); written beside a history it
    must agree with the history's last entry (checked after validation).
    """
    if not isinstance(data, dict) or value in data:
        return data
    history = data.get(history_key)
    if isinstance(history, list) and history and isinstance(history[-1], dict) and value in history[-1]:
        filled = dict(data)
        filled[value] = history[-1][value]
        return filled
    return data


def _shorthand_agrees(fact: Any, value: str) -> None:
    history = fact.history
    if history and getattr(fact, value) != getattr(history[-1], value):
        raise FactError(
            f"{value} is '{getattr(fact, value)}', but the history's last entry says "
            f"'{getattr(history[-1], value)}'",
            hint=f"leave '{value}' out when a history is given (it is the last entry's), or make them agree",
            field=value,
        )


class Mechanism(Model):
    """A standing channel of a framework (a ministerial meeting, director-general talks, ...)."""

    id: Id
    """Identity within the framework."""
    name: I18nText
    """Display names."""
    kind: MechanismKind
    """What kind of channel it is."""
    activity: Activity = "regular"
    """How often it actually meets (with a history: the last entry's)."""
    history: Annotated[list[ActivityPhase], Field(min_length=1, max_length=100)] | None = None
    """Its activity over time, earliest first:
    [{activity: irregular}, {activity: regular, since: 2023-08-18}]."""
    established: Date | None = None
    """When it began (YYYY-MM-DD)."""
    source: Source | None = None
    """Where this comes from: issuer, document, date, locator, quote."""
    assumption: I18nText | None = None
    """What the record does not settle about it, said plainly: an assumption."""
    note: Text | None = None
    """Anything else."""

    @model_validator(mode="before")
    @classmethod
    def _fill(cls, data: Any) -> Any:
        return _history_shorthand(data, "activity")

    @model_validator(mode="after")
    def _history(self) -> Mechanism:
        if self.history:
            _check_history(self.history, "activity")
            _shorthand_agrees(self, "activity")
        return self


class Framework(Fact):
    """A security framework: an alliance, a bilateral arrangement, a minilateral or multilateral body."""

    model_config = _HISTORY_CONFIG

    id: Id
    """Identity of the framework (the paper's: jpn-usa-kor, jpn-usa-aus, quad, jpn-aus-ind, aukus, aus-idn-
    ind, aus-fra-ind, idn-mys-phl).
    """
    name: I18nText
    """Display names."""
    members: Annotated[list[CountryCode], Field(min_length=2, max_length=200)]
    """Member country codes: at least two, each once, each declared under countries."""
    kind: FrameworkKind
    """alliance, bilateral, minilateral or multilateral; the matrix shows the minilateral ones."""
    formal_treaty: StrictBool
    """Whether the framework rests on a treaty."""
    status: FrameworkStatus
    """proposed, active or suspended (with a history: the last entry's)."""
    history: Annotated[list[FrameworkPhase], Field(min_length=1, max_length=100)] | None = None
    """Its status over time, earliest first: [{status: active}, {status: suspended, since: 2009-01-01}]."""
    areas: dict[AreaId, Level] = Field(default_factory=dict)
    """Cooperation areas it covers: focus (◎, a recent focus) or mentioned (〇, in joint statements)."""
    mechanisms: list[Mechanism] = Field(default_factory=list)
    """Its standing channels (ministerial meetings, director-general talks, ...)."""
    established: Date | None = None
    """When it began (YYYY-MM-DD)."""

    @model_validator(mode="before")
    @classmethod
    def _fill(cls, data: Any) -> Any:
        return _history_shorthand(data, "status")

    @model_validator(mode="after")
    def _history(self) -> Framework:
        if self.history:
            _check_history(self.history, "status")
            _shorthand_agrees(self, "status")
        return self

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
    """The steps of an agreement, each optional, in order."""

    negotiation_started: Date | None = None
    """When negotiations began (YYYY-MM-DD)."""
    signed: Date | None = None
    """When it was signed (YYYY-MM-DD); not before negotiation_started."""
    in_force: Date | None = None
    """When it entered into force (YYYY-MM-DD); not before signed."""

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
    """An agreement between countries: an RAA, ACSA, GSOMIA, ..."""

    model_config = _HISTORY_CONFIG

    id: Id
    """Identity of the agreement."""
    kind: AgreementKind
    """raa: Reciprocal Access Agreement (円滑化協定); acsa; gsomia; ..."""
    name: I18nText | None = None
    """Display names."""
    parties: Annotated[list[CountryCode], Field(min_length=2, max_length=200)]
    """Party country codes: at least two, each once, each declared."""
    status: AgreementStatus
    """talks, negotiating, signed or in-force; must agree with dates (with a history: the last entry's)."""
    dates: AgreementDates = Field(default_factory=AgreementDates)
    """negotiation_started, signed, in_force, in that order (shorthand for a history; not with one)."""
    history: Annotated[list[AgreementPhase], Field(min_length=1, max_length=100)] | None = None
    """Its phases, earliest first: [{status: talks}, {status: negotiating, since: 2024-05-02}, ...]."""

    @field_validator("parties")
    @classmethod
    def _parties(cls, v: list[str]) -> list[str]:
        return _unique(v, "parties")

    @model_validator(mode="before")
    @classmethod
    def _fill(cls, data: Any) -> Any:
        return _history_shorthand(data, "status")

    @model_validator(mode="after")
    def _status_matches_dates(self) -> AgreementFact:
        if self.history:
            if self.dates.negotiation_started or self.dates.signed or self.dates.in_force:
                raise FactError(
                    "both 'dates' and 'history' are given",
                    hint="write the dates as the 'since' of the history's entries, and drop 'dates'",
                    field="dates",
                )
            _check_history(self.history, "status", AGREEMENT_PHASES)
            _shorthand_agrees(self, "status")
            return self
        if self.status == "talks" and (
            self.dates.negotiation_started or self.dates.signed or self.dates.in_force
        ):
            raise FactError(
                "status is 'talks', but dates record formal negotiations or later steps",
                hint="set the status the dates imply, or write the phases as a history",
                field="status",
            )
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
    """Whose forces the SDF may protect: a declared country other than JPN. Identity of the fact."""
    since: Date
    """When the protection began (YYYY-MM-DD)."""
    basis: Text | None = None
    """The legal basis, e.g. 自衛隊法第95条の2."""


class Interest(Fact):
    """A strategic interest the listed countries share."""

    id: Id
    """Identity of the interest."""
    countries: Annotated[list[CountryCode], Field(min_length=2, max_length=200)]
    """The countries that share it: at least two, each once, each declared."""
    areas: Annotated[list[AreaId], Field(min_length=1)]
    """The areas it concerns: at least one, built in or declared."""
    description: I18nText | None = None
    """What the interest is."""

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
    """The country's engagement in the region after the event."""
    alignment: Alignment | None = None
    """The country's alignment after the event."""


class Event(Fact):
    """Something that happened: a government change, a framework's launch, a meeting cancelled."""

    id: Id
    """Identity of the event."""
    date: Date
    """When it happened (YYYY-MM-DD)."""
    kind: EventKind
    """What kind of event it is."""
    name: I18nText | None = None
    """Display names, used in justifications."""
    country: CountryCode | None = None
    """The country it concerns."""
    countries: list[CountryCode] = Field(default_factory=list)
    """The countries taking part."""
    framework: Id | None = None
    """The framework it concerns (a framework id)."""
    agreement: Id | None = None
    """The agreement it concerns (an agreement id)."""
    caused_by: Id | None = None
    """An earlier event that led to this one (an event id, not this one)."""
    stance: Stance | None = None
    """What it changed in the posture of country."""
    areas: list[AreaId] = Field(default_factory=list)
    """The cooperation areas it concerns."""
    description: I18nText | None = None
    """What happened."""


class Capability(Fact):
    """One element of a country's own posture, and whether it is a gap (Japan's, in the paper)."""

    model_config = _HISTORY_CONFIG

    id: Id
    """Identity of the capability."""
    holder: CountryCode = "JPN"
    """Whose posture this is (default JPN)."""
    domain: CapabilityDomain
    """Which part of the posture."""
    status: CapabilityStatus
    """gap, needs-review, adequate or improving (with a history: the last entry's)."""
    history: Annotated[list[CapabilityPhase], Field(min_length=1, max_length=100)] | None = None
    """Its status over time, earliest first: [{status: gap}, {status: improving, since: 2022-12-16}]."""
    description: I18nText | None = None
    """What it is and why it matters."""

    @model_validator(mode="before")
    @classmethod
    def _fill(cls, data: Any) -> Any:
        return _history_shorthand(data, "status")

    @model_validator(mode="after")
    def _history(self) -> Capability:
        if self.history:
            _check_history(self.history, "status")
            _shorthand_agrees(self, "status")
        return self


class Watch(Model):
    """What a signpost watches: a fact of kind ``fact`` matching ``where`` (rule-pack syntax, no
    variables) exists, or, with ``absent: true``, that no such fact exists."""

    fact: Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
    """The fact kind watched, as rules see it (agreement, framework, asset_protection, ...)."""
    where: dict[Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z][a-z0-9_]{0,63}$")], Any] = (
        Field(default_factory=dict)
    )
    """Field tests in the rule-pack syntax, values only (status: in-force, since: {lt: 2023-01-01})."""
    absent: StrictBool = False
    """true: the signpost trips when no fact of the kind matches (default false: when one does)."""


class Signpost(Fact):
    """A watched condition: has it tripped, and what would tripping it change? (docs/diff.md)"""

    id: Id
    """Identity of the signpost."""
    name: I18nText
    """The development watched for, in Japanese and English."""
    description: I18nText | None = None
    """Why it matters."""
    watch: Watch
    """The condition: a fact kind and field tests; the signpost trips when it holds."""
    assume: Assumption | None = None
    """Facts that make the condition true, to compute what tripping it would change."""


@dataclass(frozen=True)
class Section:
    """A list of facts in a scenario: its key, model, and what identifies one fact."""

    key: str
    kind: str  # singular name used in fact ids and rules: country, framework, ...
    model: type[Model]
    identity_field: str
    noun: str  # what the section holds, in the plural, for descriptions: "shared interests"
    assumable: bool = True  # a signpost's ``assume`` may add such facts

    @property
    def identity_type(self) -> Any:
        """The type of the identity field, constraints included (for lists of identities)."""
        return typing.get_type_hints(self.model, include_extras=True)[self.identity_field]

    def identity(self, fact: Any) -> str:
        value: str = getattr(fact, self.identity_field)
        return value

    def fact_id(self, fact: Any) -> str:
        """Stable id of a fact across scenarios: ``kind:identity`` (``agreement:raa-jpn-gbr``)."""
        return f"{self.kind}:{self.identity(fact)}"


#: The sections of a scenario, in the order of a scenario file: the one list of them. The models
#: that hold a list per section (FactSections, Assumption, Removal, an exercise's Updates) follow
#: it; the fact kinds rules see are in :mod:`policyengine.models.registry`.
SECTIONS: tuple[Section, ...] = (
    Section("areas", "area", AreaDefinition, "id", "areas", assumable=False),
    Section("countries", "country", Country, "code", "countries"),
    Section("frameworks", "framework", Framework, "id", "frameworks"),
    Section("agreements", "agreement", AgreementFact, "id", "agreements"),
    Section("asset_protection", "asset_protection", AssetProtection, "partner", "asset protection"),
    Section("interests", "interest", Interest, "id", "shared interests"),
    Section("events", "event", Event, "id", "events"),
    Section("capabilities", "capability", Capability, "id", "capabilities"),
    Section("signposts", "signpost", Signpost, "id", "signposts", assumable=False),
)
SECTION_BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}
SECTION_BY_KIND: dict[str, Section] = {s.kind: s for s in SECTIONS}


def fact_of(scenario: Scenario, fact_id: str) -> Any | None:
    """The scenario fact with this id (``agreement:raa-jpn-gbr``), or None: no such fact, or no
    such kind."""
    kind, _, identity = fact_id.partition(":")
    section = SECTION_BY_KIND.get(kind)
    if section is None:
        return None
    return next((f for f in getattr(scenario, section.key) if section.identity(f) == identity), None)


def section_lists(
    name: str, doc: str, item: Callable[[Section], tuple[Any, str | None] | None]
) -> type[Model]:
    """A model with one list per section, in the sections' order: ``item`` gives each section's
    item type and description (None: the model has no list for that section)."""
    from pydantic import create_model

    fields: dict[str, Any] = {}
    for section in SECTIONS:
        got = item(section)
        if got is not None:
            tp, description = got
            # the item type is a value here (a model, an identity type), which mypy cannot check
            fields[section.key] = (list[tp], Field(default_factory=list, description=description))  # type: ignore[valid-type]
    model: type[Model] = create_model(name, __base__=Model, __doc__=doc, __module__=__name__, **fields)
    return model


if TYPE_CHECKING:
    # Typed as plain models: their lists are read section by section (getattr(x, section.key)).
    Assumption = Model
    Removal = Model
else:
    Assumption = section_lists(
        "Assumption",
        """Facts that make a signpost's condition true, with the semantics of a scenario that extends
    this one: a fact with the identity of an existing one replaces it whole.""",
        lambda s: (
            (s.model, f"{s.noun.capitalize()} to add, or to replace by {s.identity_field}.")
            if s.assumable
            else None
        ),
    )
    Removal = section_lists(
        "Removal",
        """``remove:`` section of a scenario that extends another: identities to delete.""",
        lambda s: (
            s.identity_type,
            f"Identities ({s.identity_field}) of {s.noun} of the extended scenarios to delete.",
        ),
    )


class FactSections(Model):
    """The facts of a scenario, section by section (in the order of SECTIONS)."""

    areas: list[AreaDefinition] = Field(default_factory=list)
    """Cooperation areas beyond the built-in ones."""
    countries: list[Country] = Field(default_factory=list)
    """Countries (and the EU); every country a fact names must be here."""
    frameworks: list[Framework] = Field(default_factory=list)
    """Alliances, bilateral arrangements, minilateral frameworks and multilateral bodies."""
    agreements: list[AgreementFact] = Field(default_factory=list)
    """Agreements: RAA, ACSA, GSOMIA, ..."""
    asset_protection: list[AssetProtection] = Field(default_factory=list)
    """Partners whose forces Japan's SDF Law Art. 95-2 (武器等防護) covers."""
    interests: list[Interest] = Field(default_factory=list)
    """Strategic interests that the listed countries share."""
    events: list[Event] = Field(default_factory=list)
    """Things that happened: government changes, launches, meetings, cancellations."""
    capabilities: list[Capability] = Field(default_factory=list)
    """Elements of a country's own posture and its gaps."""
    signposts: list[Signpost] = Field(default_factory=list)
    """Watched conditions: developments whose arrival would change the recommendations."""


class _Headed(Model):
    scenario: ScenarioHeader
    """The header: id, title, as_of, extends."""


# The header comes first in a scenario (pydantic orders the fields of the bases from the last
# base to the first): scenario, the sections, then the class's own fields.
class ScenarioFile(FactSections, _Headed):
    """One scenario file as written (before ``extends`` is resolved)."""

    remove: Removal | None = None
    """Facts of the extended scenarios to delete, by identity (only with extends)."""


class Scenario(FactSections, _Headed):
    """A whole world: a scenario file with everything it extends merged in."""

    record_start: Date | None = None
    """The earliest ``as_of`` of the ``extends`` chain: the first day the world is described
    (facts without a date hold from then on). None: the header's ``as_of``."""

    def country(self, code: str) -> Country | None:
        return next((c for c in self.countries if c.code == code), None)

    def framework(self, fid: str) -> Framework | None:
        return next((f for f in self.frameworks if f.id == fid), None)


class _Targetable(Protocol):
    @property
    def countries(self) -> Sequence[Country]: ...
    @property
    def frameworks(self) -> Sequence[Framework]: ...
    @property
    def interests(self) -> Sequence[Interest]: ...


def assumptions(fact: Any) -> list[I18nText]:
    """What a fact rests on that the record does not settle: its own ``assumption``, those of its
    mechanisms and of every entry of its histories, in the order written."""
    out: list[I18nText] = []
    for part in (fact, *getattr(fact, "mechanisms", ())):
        if getattr(part, "assumption", None):
            out.append(part.assumption)
        for entry in getattr(part, "history", None) or ():
            if entry.assumption:
                out.append(entry.assumption)
    return out


def outcome_targets(facts: _Targetable) -> set[str]:
    """What a recommendation or risk can be about among ``facts`` (a scenario, or the facts an
    exercise's inject adds): countries, frameworks, and the groupings of frameworks' members and
    of countries sharing an interest (``AUS+JPN+KOR``)."""
    out = {c.code for c in facts.countries} | {f.id for f in facts.frameworks}
    return out | {f.member_key for f in facts.frameworks} | {i.member_key for i in facts.interests}
