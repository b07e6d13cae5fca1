"""The change vocabulary: remove, alter or add one scenario fact (or one part of one).

Changes work on scenario facts (the pydantic models of :mod:`policyengine.models.scenario`), the
level analysts write and read, not on the flat view the rules see. A change names the fact by
its stable id (``agreement:raa-jpn-fra``) and, for a part of a fact, a path inside it:

===========  ====================================  ============================================
op           path                                  meaning
===========  ====================================  ============================================
``remove``   (none)                                the whole fact is gone
``remove``   ``areas.hadr``, ``members.KOR``,      one entry of a list or mapping of the fact
             ``mechanisms.<id>``, ``parties.FRA``
``alter``    ``status``, ``stance.indo_pacific_    one field takes another value (``old`` ->
             engagement``, ``areas.<area>``,       ``new``; ``None`` means unset)
             ``mechanisms.<id>.activity``
``add``      (none)                                a new fact (``payload`` is the model)
``add``      ``members.KOR``, ``mechanisms.<id>``  a new entry in a list of an existing fact
===========  ====================================  ============================================

:func:`apply_changes` applies a set of changes and validates the result as a loaded file would
be: every changed fact through its model's validators, identities unique, and the scenario's
cross-references checked (:func:`policyengine.validation.scenario.cross_check`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from policyengine.errors import DiagnosticSink, PolicyEngineError
from policyengine.models.scenario import (
    SECTION_BY_KIND,
    SECTIONS,
    Mechanism,
    Scenario,
    Section,
    fact_of,
)
from policyengine.validation.scenario import LoadedScenario, cross_check

Op = Literal["remove", "alter", "add"]

#: Lists and mappings inside a fact whose entries can be removed or added one by one.
PART_CONTAINERS: dict[str, tuple[str, ...]] = {
    "framework": ("members", "areas", "mechanisms"),
    "agreement": ("parties",),
    "interest": ("countries", "areas"),
    "event": ("countries", "areas"),
}


class ChangeError(PolicyEngineError):
    """A change cannot be applied, or its result is not a valid scenario."""


@dataclass(frozen=True, order=True)
class Change:
    """One change to one scenario fact. Equal changes have equal ``key``s (hashable, sortable)."""

    op: Op = field(compare=False)
    fact: str = field(compare=False)  # fact id: kind:identity
    path: str = field(default="", compare=False)
    old: Any = field(default=None, compare=False)  # previous value of an altered field (None: unset)
    new: Any = field(default=None, compare=False)  # new value of an altered field
    payload: Any = field(default=None, compare=False, repr=False)  # model to add
    key: str = field(default="", compare=True)  # identity of the change: equality and order

    def __post_init__(self) -> None:
        if not self.key:
            parts = [self.op, self.fact]
            if self.path:
                parts.append(self.path)
            if self.payload is not None:
                parts.append(_canonical(self.payload))
            elif self.op == "alter":
                parts.append(_canonical(self.new))
            object.__setattr__(self, "key", " ".join(parts))

    @property
    def kind(self) -> str:
        return self.fact.split(":", 1)[0]

    @property
    def identity(self) -> str:
        return self.fact.split(":", 1)[1]

    @property
    def is_part(self) -> bool:
        return bool(self.path)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.op, "fact": self.fact}
        if self.path:
            out["path"] = self.path
        if self.op == "alter":
            out["from"] = _plain(self.old)
            out["to"] = _plain(self.new)
        if self.op == "add" and self.payload is not None:
            out["value"] = _dump(self.payload)
        return out


def _dump(model: Any) -> Any:
    if isinstance(model, BaseModel):
        return model.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return _plain(model)


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _canonical(value: Any) -> str:
    return json.dumps(_dump(value), sort_keys=True, ensure_ascii=False, default=str)


# -- constructors -------------------------------------------------------------------------------


def remove(fact_id: str, path: str = "") -> Change:
    """Remove a whole fact, or one part of it (``areas.hadr``, ``members.KOR`` ...)."""
    return Change("remove", fact_id, path)


def alter(fact_id: str, path: str, old: Any, new: Any) -> Change:
    """Give one field of a fact another value (``None``: unset it)."""
    return Change("alter", fact_id, path, old, new)


def add(section: Section, model: BaseModel) -> Change:
    """Add a new fact to a section."""
    return Change("add", section.fact_id(model), "", payload=model)


def add_part(fact_id: str, path: str, value: Any) -> Change:
    """Add an entry to a list of an existing fact (``members.KOR``; a Mechanism for mechanisms)."""
    return Change("add", fact_id, path, new=None if isinstance(value, BaseModel) else value, payload=value)


# -- reading fields -----------------------------------------------------------------------------


def section_of(fact_id: str) -> Section:
    kind = fact_id.split(":", 1)[0]
    section = SECTION_BY_KIND.get(kind)
    if section is None:
        raise ChangeError(f"unknown kind of fact '{kind}' in '{fact_id}'")
    return section


def find_fact(scenario: Scenario, fact_id: str) -> Any | None:
    """The scenario fact with this id, or None (an unknown kind of fact is a ChangeError)."""
    section_of(fact_id)
    return fact_of(scenario, fact_id)


def get_path(fact: Any, path: str) -> Any:
    """The value at ``path`` in a fact (``stance.indo_pacific_engagement``, ``areas.hadr`` ...)."""
    head, _, rest = path.partition(".")
    if head == "mechanisms" and rest:
        mech_id, _, attr = rest.partition(".")
        mech = next((m for m in fact.mechanisms if m.id == mech_id), None)
        if mech is None:
            return None
        return getattr(mech, attr) if attr else mech
    if head == "areas" and rest and isinstance(getattr(fact, "areas", None), dict):
        return fact.areas.get(rest)
    if head == "stance" and rest:
        return getattr(fact.stance, rest) if fact.stance is not None else None
    if head == "dates" and rest:
        return getattr(fact.dates, rest)
    if rest and isinstance(getattr(fact, head, None), list):
        return rest if rest in getattr(fact, head) else None
    return getattr(fact, path, None)


# -- applying -----------------------------------------------------------------------------------


def _set_path(data: dict[str, Any], path: str, value: Any, kind: str) -> None:
    head, _, rest = path.partition(".")
    if head == "mechanisms":
        mech_id, _, attr = rest.partition(".")
        for m in data["mechanisms"]:
            if m["id"] == mech_id:
                m[attr] = value
                return
        raise ChangeError(f"no mechanism '{mech_id}'")
    if head == "areas" and kind == "framework":
        if value is None:
            data["areas"].pop(rest, None)
        else:
            data["areas"][rest] = value
        return
    if head == "stance":
        stance = dict(data.get("stance") or {})
        stance[rest] = value
        data["stance"] = stance if any(v is not None for v in stance.values()) else None
        return
    if rest:
        raise ChangeError(f"cannot alter '{path}'")
    data[head] = value
    if kind == "agreement" and head == "status":
        # Keep the dates consistent with the new status, as the model requires.
        dates = dict(data.get("dates") or {})
        if value == "negotiating":
            dates["signed"] = None
            dates["in_force"] = None
        elif value == "signed":
            dates["in_force"] = None
        data["dates"] = dates


def _remove_part(data: dict[str, Any], path: str, kind: str) -> None:
    head, _, rest = path.partition(".")
    if head not in PART_CONTAINERS.get(kind, ()) or not rest:
        raise ChangeError(f"'{path}' is not a part of a {kind} that can be removed")
    container = data[head]
    if isinstance(container, dict):
        if rest not in container:
            raise ChangeError(f"no '{rest}' in {head}")
        del container[rest]
    elif head == "mechanisms":
        kept = [m for m in container if m["id"] != rest]
        if len(kept) == len(container):
            raise ChangeError(f"no mechanism '{rest}'")
        data[head] = kept
    else:
        if rest not in container:
            raise ChangeError(f"no '{rest}' in {head}")
        data[head] = [v for v in container if v != rest]


def _add_part(data: dict[str, Any], path: str, value: Any, kind: str) -> None:
    head, _, rest = path.partition(".")
    if head not in PART_CONTAINERS.get(kind, ()) or not rest:
        raise ChangeError(f"'{path}' is not a list of a {kind} that can grow")
    if head == "mechanisms":
        if not isinstance(value, Mechanism):
            raise ChangeError("a new mechanism must be a Mechanism")
        if any(m["id"] == value.id for m in data[head]):
            raise ChangeError(f"mechanism '{value.id}' exists already")
        data[head] = [*data[head], value.model_dump()]
        return
    if isinstance(data[head], dict):
        raise ChangeError(f"use 'alter' to set {path}")
    if rest in data[head]:
        raise ChangeError(f"'{rest}' is already in {head}")
    data[head] = [*data[head], rest]


def _rebuild(fact: BaseModel, edit: Any) -> BaseModel:
    data = copy.deepcopy(fact.model_dump())
    edit(data)
    try:
        return type(fact).model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ChangeError(f"{where}: {first['msg']}" if where else first["msg"]) from None


def apply_to_scenario(scenario: Scenario, changes: Iterable[Change]) -> Scenario:
    """The scenario with the changes applied in order (each changed fact re-validated)."""
    facts: dict[str, dict[str, Any]] = {
        s.key: {s.identity(f): f for f in getattr(scenario, s.key)} for s in SECTIONS
    }
    for ch in changes:
        section = section_of(ch.fact)
        pool = facts[section.key]
        ident = ch.identity
        if ch.op == "add" and not ch.path:
            if ident in pool:
                raise ChangeError(f"{ch.fact} exists already")
            if not isinstance(ch.payload, section.model):
                raise ChangeError(f"{ch.fact}: the new fact is not a {section.model.__name__}")
            pool[ident] = ch.payload
            continue
        current = pool.get(ident)
        if current is None:
            raise ChangeError(f"{ch.fact} is not in the scenario")
        kind = section.kind
        if ch.op == "remove" and not ch.path:
            del pool[ident]
        elif ch.op == "remove":
            pool[ident] = _rebuild(current, lambda d, p=ch.path, k=kind: _remove_part(d, p, k))
        elif ch.op == "alter":
            if get_path(current, ch.path) != ch.old:
                raise ChangeError(f"{ch.fact} {ch.path} is not {ch.old!r}")
            pool[ident] = _rebuild(current, lambda d, c=ch, k=kind: _set_path(d, c.path, c.new, k))
        else:
            value = ch.payload if ch.payload is not None else ch.new
            pool[ident] = _rebuild(current, lambda d, c=ch, v=value, k=kind: _add_part(d, c.path, v, k))
    # Model instances are not re-validated by the Scenario constructor (pydantic's default).
    return Scenario(scenario=scenario.scenario, **{key: list(pool.values()) for key, pool in facts.items()})


def apply_changes(loaded: LoadedScenario, changes: Iterable[Change]) -> LoadedScenario:
    """A loaded scenario with the changes applied, validated like a file: or :class:`ChangeError`.

    Facts keep their origins (file:line); new facts have none.
    """
    scenario = apply_to_scenario(loaded.scenario, changes)
    out = copy.copy(loaded)
    out.scenario = scenario
    sink = DiagnosticSink()
    cross_check(out, sink)
    if sink:
        raise ChangeError(sink.items[0].message)
    return out


def removal_with_dependents(scenario: Scenario, fact_id: str) -> list[Change]:
    """Removing a fact and what cannot stand without it, as changes (the fact's own removal first).

    A country leaves the lists that name it (a framework's members, an agreement's parties, an
    interest's or event's countries); a list left too short takes its whole fact with it. Facts
    that name it in a single field (an event about it, asset protection of its forces, its
    capabilities) go too, and so do events about a removed framework or agreement, and events
    caused by a removed event.
    """
    out: list[Change] = [remove(fact_id)]
    gone: set[str] = {fact_id}
    queue = [fact_id]
    parts: dict[str, set[str]] = {}

    def drop(fid: str) -> None:
        if fid not in gone:
            gone.add(fid)
            out.append(remove(fid))
            queue.append(fid)

    minimum = {"members": 2, "parties": 2, "countries": 0}
    while queue:
        fid = queue.pop(0)
        kind, _, ident = fid.partition(":")
        if kind == "country":
            for holder, attr in (
                ("frameworks", "members"),
                ("agreements", "parties"),
                ("interests", "countries"),
                ("events", "countries"),
            ):
                section = SECTION_BY_KEY_LOCAL[holder]
                for f in getattr(scenario, holder):
                    other = section.fact_id(f)
                    entries = getattr(f, attr)
                    if ident not in entries or other in gone:
                        continue
                    left = len(entries) - len(parts.get(other, set()) | {ident})
                    if left < minimum[attr] or (holder == "interests" and left < 2):
                        drop(other)
                    else:
                        parts.setdefault(other, set()).add(ident)
                        out.append(remove(other, f"{attr}.{ident}"))
            for ap in scenario.asset_protection:
                if ap.partner == ident:
                    drop(f"asset_protection:{ap.partner}")
            for ev in scenario.events:
                if ev.country == ident:
                    drop(f"event:{ev.id}")
            for cap in scenario.capabilities:
                if cap.holder == ident:
                    drop(f"capability:{cap.id}")
        for ev in scenario.events:
            if (
                (kind == "framework" and ev.framework == ident)
                or (kind == "agreement" and ev.agreement == ident)
                or (kind == "event" and ev.caused_by == ident)
            ):
                drop(f"event:{ev.id}")
    # Parts of facts that went as a whole afterwards are moot.
    return [c for c in out if not (c.path and c.fact in gone)]


SECTION_BY_KEY_LOCAL = {s.key: s for s in SECTIONS}
