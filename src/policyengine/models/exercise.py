"""Tabletop exercise files (``exercises/*.yaml``), in the vocabulary of HSEEP facilitators.

An exercise starts from a scenario file and plays it forward move by move. Each move has a date
(the world's ``as_of`` advances to it) and a Master Scenario Events List (MSEL) of injects: what
players are told, what the facilitator should know, and how the facts of the world change (added,
replaced or removed by the same identities as a scenario's ``extends``/``remove``). An inject may
list the player actions the facilitator expects, and may apply only if players took (or did not
take) a decision in an earlier move. See docs/exercises.md.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from policyengine.models.common import (
    CLOCK_TIME_PATTERN,
    RECOMMENDATION_ID_PATTERN,
    I18nText,
    Id,
    Model,
    Text,
)
from policyengine.models.scenario import SECTIONS, FactSections, Removal, section_lists

#: ``ACTION/TARGET``: a recommendation id (``conclude-raa/FRA``, ``propose-framework/AUS+JPN+KOR``).
RecommendationId = Annotated[str, StringConstraints(strict=True, pattern=RECOMMENDATION_ID_PATTERN)]
#: Exercise clock time of an inject within its move (MSEL "time" column).
ClockTime = Annotated[str, StringConstraints(strict=True, pattern=CLOCK_TIME_PATTERN)]


def _unique_ids(items: list[Id], what: str) -> list[Id]:
    seen: set[str] = set()
    for i in items:
        if i in seen:
            raise ValueError(f"{what} lists '{i}' twice")
        seen.add(i)
    return items


class CoreCapability(Model):
    """A capability the exercise tests (HSEEP's core capabilities, named by the exercise:
    ``{id: maritime-coordination, name: {ja: ..., en: ...}}``). Objectives and expected actions
    name it; the AAR's objective table and improvement plan show it."""

    id: Id
    name: I18nText


class Objective(Model):
    """An exercise objective (HSEEP): what the exercise is meant to test. The AAR rates it from the
    MSEL's expected actions that name it (``expect: [{action: ..., objectives: [ID]}]``)."""

    id: Id
    text: I18nText
    capabilities: list[Id] = Field(default_factory=list)  # the core capabilities it exercises

    @field_validator("capabilities", mode="before")
    @classmethod
    def _one_or_many(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v

    @field_validator("capabilities")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        return _unique_ids(v, "'capabilities'")


class Cell(Model):
    """A player cell: a group of players with one role (a ministry, an agency, a staff)."""

    id: Id
    name: I18nText
    role: I18nText | None = None


class Facts(FactSections):
    """Facts written as in a scenario file, section by section (``add:`` and ``replace:``)."""


#: One fact update: its identity field and the fields to change (``{id: raa-jpn-gbr, status: signed}``).
FieldUpdate = dict[str, Any]


if TYPE_CHECKING:
    Updates = Model  # its lists are read section by section (getattr(updates, section.key))
else:
    Updates = section_lists(
        "Updates",
        """``update:`` of an inject, section by section: each item names an existing fact by its
    identity field and gives only the fields to change; the rest of the fact is kept. The fields
    are checked when the inject is applied, against the fact it updates (exercise.apply).""",
        lambda s: (FieldUpdate, None),
    )


class Condition(Model):
    """``when:`` of a conditional inject: what players decided, or did not, in earlier moves.

    ``decided`` and ``not_decided`` take one recommendation id or a list of them; ``applied``
    takes ids of injects of earlier moves (a follow-up inject). The inject applies when every
    ``decided`` id was decided, no ``not_decided`` id was, and every ``applied`` inject applied.
    """

    decided: list[RecommendationId] = Field(default_factory=list)
    not_decided: list[RecommendationId] = Field(default_factory=list)
    applied: list[Id] = Field(default_factory=list)

    @field_validator("decided", "not_decided", "applied", mode="before")
    @classmethod
    def _one_or_many(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _one(self) -> Condition:
        if not self.decided and not self.not_decided:
            raise ValueError("'when' needs 'decided' or 'not_decided'")
        both = sorted(set(self.decided) & set(self.not_decided))
        if both:
            raise ValueError(f"'when' cannot both require and exclude '{both[0]}'")
        _unique_ids(self.decided, "'decided'")
        _unique_ids(self.not_decided, "'not_decided'")
        _unique_ids(self.applied, "'applied'")
        return self

    def holds(
        self, decided: frozenset[str] | set[str], applied: frozenset[str] | set[str] = frozenset()
    ) -> bool:
        """Whether the condition holds, given the actions players decided and the injects applied before."""
        return (
            all(i in decided for i in self.decided)
            and not any(i in decided for i in self.not_decided)
            and all(i in applied for i in self.applied)
        )

    @property
    def ids(self) -> list[str]:
        """The recommendation ids the condition tests."""
        return [*self.decided, *self.not_decided]


class ExpectedAction(Model):
    """A player action the facilitator expects in response to an inject (MSEL "expected action")."""

    action: RecommendationId
    cell: Id | None = None
    note: I18nText | None = None
    objectives: list[Id] = Field(default_factory=list)  # the exercise objectives it shows
    capability: Id | None = None  # the core capability it exercises (else its objectives')

    @field_validator("objectives", mode="before")
    @classmethod
    def _one_or_many(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v

    @field_validator("objectives")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        return _unique_ids(v, "'objectives'")


class Inject(Model):
    """One row of the MSEL: a message to players and the change of the world it brings."""

    id: Id
    time: ClockTime | None = None
    title: I18nText
    description: I18nText  # what players are told
    from_: I18nText | None = Field(default=None, alias="from")  # the simulated sender
    to: list[Id] = Field(default_factory=list)  # receiving cells; empty: every cell
    notes: I18nText | None = None  # for the facilitator only
    when: Condition | None = None
    add: Facts | None = None
    replace: Facts | None = None
    update: Updates | None = None
    remove: Removal | None = None
    expect: list[ExpectedAction] = Field(default_factory=list)
    # its facts set the scene only: no recommendation or risk is meant to change (no W303)
    story: bool = False

    model_config = Model.model_config | {"populate_by_name": False}

    @field_validator("to")
    @classmethod
    def _to(cls, v: list[str]) -> list[str]:
        return _unique_ids(v, "'to'")

    @property
    def conditional(self) -> bool:
        return self.when is not None

    def touched(self) -> dict[str, str]:
        """The facts this inject writes: fact id (``kind:identity``) -> 'add', 'replace', 'update'
        or 'remove'."""
        out: dict[str, str] = {}
        for block, facts in self.blocks():
            for section in SECTIONS:
                for item in getattr(facts, section.key):
                    ident = update_identity(section.identity_field, item)
                    if ident is not None:
                        out[f"{section.kind}:{ident}"] = block
        return out

    def blocks(self) -> list[tuple[str, Facts | Updates | Removal]]:
        """The inject's fact changes in the order they apply: remove, replace, update, add."""
        pairs: list[tuple[str, Facts | Updates | Removal | None]] = [
            ("remove", self.remove),
            ("replace", self.replace),
            ("update", self.update),
            ("add", self.add),
        ]
        return [(block, facts) for block, facts in pairs if facts is not None]


def update_identity(identity_field: str, item: object) -> str | None:
    """The identity of an item of ``remove`` (a string), ``update`` (a mapping) or ``add`` and
    ``replace`` (a fact); None for an update item without a text identity (reported by the loader)."""
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        ident = item.get(identity_field)
        return ident if isinstance(ident, str) else None
    value = getattr(item, identity_field)
    return value if isinstance(value, str) else None


class Move(Model):
    """A move: a step of the scenario at a date, its situation, its injects and discussion questions."""

    id: Id
    title: I18nText
    date: dt.date
    situation: I18nText | None = None  # the situation as players see it at the start of the move
    questions: list[I18nText] = Field(default_factory=list)  # discussion questions for players
    notes: I18nText | None = None  # for the facilitator only
    injects: list[Inject] = Field(default_factory=list)


class ExerciseHeader(Model):
    """``exercise:`` block: identity, title, the starting scenario (relative to this file)."""

    id: Id
    title: I18nText
    scenario: Text
    description: I18nText | None = None
    objectives: list[Objective] = Field(default_factory=list)
    capabilities: list[CoreCapability] = Field(default_factory=list)


class ExerciseFile(Model):
    """One exercise file as written."""

    exercise: ExerciseHeader
    cells: Annotated[list[Cell], Field(min_length=1)]
    moves: Annotated[list[Move], Field(min_length=1, max_length=100)]


# -- the improvement plan a facilitator fills in (``exercise report LOG --plan PLAN.yaml``) -------

#: Where a corrective action stands (HSEEP's improvement plan "status" column).
PLAN_STATUSES = ("open", "in-progress", "complete", "deferred")


class PlanItem(Model):
    """One row of the improvement plan: an area for improvement of the report, named by ``issue``
    (a recommendation id, or the action an MSEL expected), with who does what by when."""

    issue: Text
    action: I18nText | Text | None = None  # the corrective action; default: the report's
    capability: Id | None = None  # default: the capability its expected action or objective names
    owner: Text | None = None  # the responsible organisation; default: the cells the MSEL expected
    start: dt.date | None = None
    due: dt.date | None = None
    status: Literal["open", "in-progress", "complete", "deferred"] = "open"

    @model_validator(mode="after")
    def _dates(self) -> PlanItem:
        if self.start is not None and self.due is not None and self.due < self.start:
            raise ValueError(f"'due' ({self.due}) comes before 'start' ({self.start})")
        return self

    def action_text(self, lang: str) -> str | None:
        """The corrective action in ``lang`` (one text serves both languages)."""
        if self.action is None:
            return None
        return self.action if isinstance(self.action, str) else self.action.get(lang)


class PlanHeader(Model):
    """``plan:`` block: the exercise the plan belongs to."""

    exercise: Id


class ImprovementPlanFile(Model):
    """An improvement plan file: the owners, dates and status of the report's corrective actions."""

    plan: PlanHeader
    items: list[PlanItem] = Field(default_factory=list)
