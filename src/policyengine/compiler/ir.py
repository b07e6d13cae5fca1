"""Intermediate representation of rules after the ``resolve`` stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policyengine.errors.locations import Location
from policyengine.models.factview import FieldSpec, KindSpec
from policyengine.models.rules import Rule

OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "contains", "exists")


@dataclass(frozen=True)
class Ref:
    """``$var.field``: the value of a field of a fact bound earlier in the rule."""

    var: str
    field: str

    def __str__(self) -> str:
        return f"${self.var}.{self.field}"


@dataclass(frozen=True)
class Test:
    """``field op value``; ``value`` is a literal (already normalised for the engine) or a Ref."""

    field: str
    op: str
    value: Any
    location: Location | None = None

    def describe(self) -> str:
        v = self.value
        if isinstance(v, (list, tuple)):
            v = "[" + ", ".join(str(x) for x in v) + "]"
        return f"{self.field} {self.op} {v}"


@dataclass
class CondIR:
    """One resolved condition of a rule."""

    index: int
    mode: str  # match | absent | count
    kind: str
    var: str | None
    tests: list[Test]
    at_least: int | None = None
    at_most: int | None = None
    location: Location | None = None

    @property
    def alias(self) -> str:
        """The name durable-rules knows this condition by (never a user-chosen name)."""
        return f"c{self.index}"

    @property
    def count_key(self) -> str:
        return f"c{self.index}"


@dataclass
class Template:
    """A justification or message: literal text and ``{var}``/``{var.field}`` holes."""

    parts: list[str | tuple[str, str | None]]

    def holes(self) -> list[tuple[str, str | None]]:
        return [p for p in self.parts if isinstance(p, tuple)]


@dataclass
class OutputIR:
    """What a rule produces for one match."""

    derive: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (kind, field -> Ref|literal)
    recommend: dict[str, Any] | None = None  # action, target, priority, justification{ja,en}, areas
    risk: dict[str, Any] | None = None  # kind, target, severity, message{ja,en}


@dataclass
class RuleIR:
    """A rule after resolution: its conditions, outputs, and where it was written."""

    index: int
    rule: Rule
    conditions: list[CondIR]
    output: OutputIR
    location: Location
    file: str
    var_kinds: dict[str, str]  # variable -> kind
    stratum: int = 1
    #: condition indexes of each independent group, the key group first (compiler.products);
    #: empty when the rule is matched whole
    groups: tuple[tuple[int, ...], ...] = ()

    @property
    def id(self) -> str:
        return self.rule.id

    def produces(self) -> set[str]:
        kinds = {k for k, _ in self.output.derive}
        if self.output.recommend is not None:
            kinds.add("recommendation")
        if self.output.risk is not None:
            kinds.add("risk")
        return kinds


@dataclass
class Kinds:
    """All fact kinds a pack can match: the base view, outcomes and what its rules derive."""

    specs: dict[str, KindSpec]

    def field(self, kind: str, name: str) -> FieldSpec | None:
        spec = self.specs.get(kind)
        return spec.fields.get(name) if spec else None
