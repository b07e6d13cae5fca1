"""Rule packs: each rule encodes one passage of the paper (see docs/rules.md).

These models check the shape of a pack. What the conditions and templates mean (fact kinds,
fields, variables, operators) is checked by the compiler's ``resolve`` stage, which knows the
facts the engine sees.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictInt, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from policyengine.models.common import I18nText, Id, Model, Text

VarName = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z][a-z0-9_]{0,31}$")]
KindName = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
FieldName = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Priority = Literal["high", "medium", "low"]

#: A value in ``where`` or in an action: a literal, a ``$var.field`` reference, or for tests a
#: mapping of operators (eq, ne, lt, le, gt, ge, in, not_in, contains, exists).
Value = Any


#: Passages a rule cites besides its main quote; more means the rule should be split.
MAX_ALSO = 8


def _passage(text: str) -> str:
    """A passage as matched against the source: all whitespace removed (as ``sources.squash``)."""
    return "".join(text.split())


class RuleSource(Model):
    """The passages a rule encodes. ``quote`` and each ``also`` occur verbatim in the document."""

    document: Id
    """The cited document: an id declared under ``pack.documents``."""
    section: Text
    """The section of the document that holds the passages."""
    quote: Text
    """The main passage the rule encodes, verbatim (whitespace ignored); results cite it."""
    translation: Text | None = None
    """An English rendering of ``quote`` made by this project, not part of the document: English
    output shows it beside the quote (never instead of it), marked as a translation."""
    also: Annotated[list[Text], Field(max_length=MAX_ALSO)] = Field(default_factory=list)
    """Further passages the rule encodes, verbatim; only ``rules coverage`` and ``rules show`` use them."""
    locator: Text | None = None
    """Where in the document, if the section is not precise enough."""

    @model_validator(mode="after")
    def _distinct(self) -> RuleSource:
        # The error type is the diagnostic code, the index the item at fault (validation.pydantic_errors).
        seen = {_passage(self.quote): "the main 'quote'"}
        for i, text in enumerate(self.also):
            key = _passage(text)
            if key in seen:
                raise PydanticCustomError(
                    "E406",
                    "item {item} of 'also' repeats {first} (whitespace ignored)",
                    {
                        "item": i + 1,
                        "first": seen[key],
                        "field": "also",
                        "index": i,
                        "hint": "cite each passage once: remove this item",
                    },
                )
            seen[key] = f"item {i + 1} of 'also'"
        return self


class Condition(Model):
    """One condition of ``when``: exactly one of ``match``, ``absent`` or ``count``."""

    match: KindName | None = None
    absent: KindName | None = None
    count: KindName | None = None
    as_: VarName | None = Field(default=None, alias="as")
    where: dict[str, Value] = Field(default_factory=dict)
    at_least: Annotated[StrictInt, Field(ge=1, le=1_000_000)] | None = None
    at_most: Annotated[StrictInt, Field(ge=0, le=1_000_000)] | None = None

    model_config = Model.model_config | {
        "populate_by_name": False,
        # What _one_kind checks, said for editors: exactly one of match, absent, count.
        "json_schema_extra": {"oneOf": [{"required": [k]} for k in ("match", "absent", "count")]},
    }

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        # The error type is the diagnostic code (see validation.pydantic_errors).
        given = [k for k in ("match", "absent", "count") if getattr(self, k) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "E403",
                "a condition needs exactly one of 'match', 'absent' or 'count'"
                + (f" (found {', '.join(given)})" if given else ""),
            )
        if self.count is None and (self.at_least is not None or self.at_most is not None):
            raise PydanticCustomError("E403", "'at_least' and 'at_most' belong to 'count' conditions")
        if self.count is not None and self.at_least is None and self.at_most is None:
            raise PydanticCustomError("E403", "a 'count' condition needs 'at_least' or 'at_most'")
        if self.absent is not None and self.as_ is not None:
            raise PydanticCustomError("E403", "an 'absent' condition binds nothing: remove 'as'")
        if self.count is not None and self.as_ is not None:
            raise PydanticCustomError("E403", "a 'count' condition binds nothing: remove 'as'")
        return self

    @property
    def kind(self) -> str:
        return self.match or self.absent or self.count or ""

    @property
    def mode(self) -> str:
        return "match" if self.match else ("absent" if self.absent else "count")


class Derive(Model):
    """Derive a fact that other rules can match."""

    kind: KindName
    fields: dict[FieldName, Value] = Field(min_length=1)


class Recommend(Model):
    """Recommend an action for Japan. Its id is ``action/target``."""

    action: Id
    target: Value
    priority: Priority
    justification: I18nText
    areas: list[Id] = Field(default_factory=list)


class Risk(Model):
    """Raise a caution. Its id is ``kind/target``."""

    kind: Id
    target: Value
    severity: Priority
    message: I18nText


class Then(Model):
    derive: list[Derive] = Field(default_factory=list)
    recommend: Recommend | None = None
    risk: Risk | None = None

    @model_validator(mode="after")
    def _something(self) -> Then:
        if not self.derive and self.recommend is None and self.risk is None:
            raise PydanticCustomError("E202", "'then' needs 'derive', 'recommend' or 'risk'")
        return self


class Rule(Model):
    id: Id
    title: I18nText
    source: RuleSource
    description: I18nText | None = None
    when: Annotated[list[Condition], Field(min_length=1, max_length=14)]
    then: Then


class DocumentInfo(Model):
    title: I18nText
    note: Text | None = None


class PackHeader(Model):
    id: Id
    title: I18nText
    version: StrictInt = 1
    documents: dict[Id, DocumentInfo] = Field(default_factory=dict)
    description: I18nText | None = None


class RulePackFile(Model):
    """One rule-pack file as written."""

    pack: PackHeader
    rules: list[Rule] = Field(default_factory=list)
