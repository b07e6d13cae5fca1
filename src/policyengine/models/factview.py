"""The facts rules see: a flat view of a scenario, one fact kind per thing rules can match.

Scenario facts are nested (a framework lists its members, its areas and its mechanisms).
Rules join and negate most naturally over flat facts, and durable-rules cannot test list
membership against another fact's field, so each scenario fact is shown to the rules as one
main fact plus one fact per list entry (``membership``, ``coverage``, ``party`` ...). Every view
fact remembers the scenario fact it comes from (``origin``), which is what evidence names.

The kinds, their fields and where each field's value comes from are declared once, in
:mod:`policyengine.models.registry`; this module turns them into the kinds the compiler checks
rules against and into the view of a scenario.

Pure data and transformation: no engine, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from policyengine.models import registry
from policyengine.models import scenario as sm
from policyengine.models.asof import in_effect_now
from policyengine.models.registry import FieldType, canonical_codes

__all__ = [
    "BASE_KINDS",
    "OUTCOME_KINDS",
    "FieldSpec",
    "KindSpec",
    "ViewFact",
    "build_view",
    "canonical_codes",
]


@dataclass(frozen=True)
class FieldSpec:
    type: FieldType
    values: tuple[str, ...] = ()  # allowed values of an enumerated text field
    refers_to: str | None = None  # kind whose identity this field holds (for templates)
    doc: str = ""
    optional: bool = False  # some facts of the kind lack it (its value may be None)


@dataclass(frozen=True)
class KindSpec:
    """A fact kind as rules see it."""

    name: str
    fields: dict[str, FieldSpec]
    doc: str
    identity: str | None = None  # field naming the scenario fact (for templates: display name)
    derived: bool = False


@dataclass(slots=True)
class ViewFact:
    """One fact as the engine sees it. ``fields`` hold Python values (dates as dates)."""

    kind: str
    fields: dict[str, Any]
    origin: str  # scenario fact id, e.g. framework:quad
    detail: str = ""  # which part of the scenario fact, e.g. "areas.infrastructure"
    model: Any = field(default=None, repr=False, compare=False)  # the scenario fact itself

    def describe(self) -> str:
        return f"{self.origin}#{self.detail}" if self.detail else self.origin


def _spec(kind: registry.KindEntry) -> KindSpec:
    return KindSpec(
        kind.name,
        {f.name: FieldSpec(f.type, f.values, f.refers_to, f.doc, f.optional) for f in kind.fields},
        kind.doc,
        kind.identity,
        kind.derived,
    )


#: The kinds of the scenario's facts, as the compiler checks rules against them (from the registry).
BASE_KINDS: dict[str, KindSpec] = {k.name: _spec(k) for k in registry.KINDS}

#: Kinds every pack may match that the engine itself derives from recommendations and risks.
OUTCOME_KINDS: dict[str, KindSpec] = {k.name: _spec(k) for k in registry.OUTCOME_KINDS}


def build_view(scenario: sm.Scenario, kinds: frozenset[str] | None = None) -> list[ViewFact]:
    """The view facts of a scenario as of its own date; only the listed kinds when ``kinds`` is given.

    What is not yet in effect on the scenario's ``as_of`` is left out and every history is read
    at that day (:mod:`policyengine.models.asof`): the rules see one status per fact.
    """
    return _view(in_effect_now(scenario), kinds)


@dataclass(frozen=True)
class _Plan:
    """How to show one main kind's facts: its section, its fields' getters, and its parts'."""

    kind: str
    section: sm.Section
    getters: tuple[tuple[str, Callable[..., Any]], ...]
    parts: tuple[tuple[registry.KindEntry, tuple[tuple[str, Callable[..., Any]], ...]], ...]


def _getters(kind: registry.KindEntry) -> tuple[tuple[str, Callable[..., Any]], ...]:
    return tuple((f.name, registry.getter(kind, f)) for f in kind.fields)


_PLANS: tuple[_Plan, ...] = tuple(
    _Plan(
        k.name,
        sm.SECTION_BY_KIND[k.name],
        _getters(k),
        tuple((p, _getters(p)) for p in registry.parts_of(k.name)),
    )
    for k in registry.main_kinds()
)
_SCENARIO_GETTERS = _getters(registry.KIND_BY_NAME["scenario"])


def _view(sc: sm.Scenario, kinds: frozenset[str] | None) -> list[ViewFact]:
    """The view facts of ``sc`` (of the listed kinds only, when given), in the order of the
    scenario's sections and facts; a kind no one asked for is not computed."""
    out: list[ViewFact] = []
    add = out.append
    header = sc.scenario
    if kinds is None or "scenario" in kinds:
        fields = {n: g(header) for n, g in _SCENARIO_GETTERS}
        add(ViewFact("scenario", fields, f"scenario:{header.id}", "", header))
    for plan in _PLANS:
        main = kinds is None or plan.kind in kinds
        parts = plan.parts if kinds is None else tuple(p for p in plan.parts if p[0].name in kinds)
        if not main and not parts:
            continue
        section, kind, getters = plan.section, plan.kind, plan.getters
        for fact in getattr(sc, section.key):
            origin = section.fact_id(fact)
            if main:
                add(ViewFact(kind, {n: g(fact) for n, g in getters}, origin, "", fact))
            for part, part_getters in parts:
                entries, detail = part.entries, part.detail
                assert entries is not None and detail is not None
                name, own_model = part.name, part.entry_is_model
                for entry in entries(fact):
                    add(
                        ViewFact(
                            name,
                            {n: g(fact, entry) for n, g in part_getters},
                            origin,
                            detail(entry),
                            entry if own_model else fact,
                        )
                    )
    return out
