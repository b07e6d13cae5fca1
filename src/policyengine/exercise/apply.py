"""Applying injects: a world (a loaded scenario) and an inject's fact changes -> a new world.

Facts are added, replaced or removed by the same identities as a scenario's ``extends`` and
``remove`` (a country code, a framework id, an agreement id, an asset-protection partner, ...).
The new world passes the same cross-checks as a scenario file. A fact an inject writes keeps its
origin in the exercise file, so that every problem is located at the inject that caused it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from policyengine.errors import Diagnostic, DiagnosticSink, InputError
from policyengine.errors.locations import Location
from policyengine.errors.suggest import hint_for
from policyengine.loading.yamltree import YMap, YSeq
from policyengine.models.exercise import Facts, Inject
from policyengine.models.scenario import SECTIONS, Scenario, Section
from policyengine.validation.pydantic_errors import diagnostics_from
from policyengine.validation.scenario import FactOrigin, LoadedScenario, cross_check

_Merged = dict[str, dict[str, tuple[Any, FactOrigin]]]


def advance(world: LoadedScenario, date: dt.date) -> LoadedScenario:
    """The same world, described as of ``date`` (the start of a move)."""
    header = world.scenario.scenario.model_copy(update={"as_of": date})
    scenario = world.scenario.model_copy(update={"scenario": header})
    return LoadedScenario(scenario=scenario, path=world.path, files=list(world.files), origins=world.origins)


def _merged(world: LoadedScenario) -> _Merged:
    out: _Merged = {}
    for section in SECTIONS:
        facts: dict[str, tuple[Any, FactOrigin]] = {}
        for fact in getattr(world.scenario, section.key):
            origin = world.origins.get(section.fact_id(fact))
            facts[section.identity(fact)] = (fact, origin if origin is not None else _nowhere(world))
        out[section.key] = facts
    return out


def _nowhere(world: LoadedScenario) -> FactOrigin:
    return FactOrigin(Location(world.path), YMap(world.path))


def _items(raw: YMap, block: str, section: Section) -> YSeq | None:
    node = raw.get(block)
    items = node.get(section.key) if isinstance(node, YMap) else None
    return items if isinstance(items, YSeq) else None


def _item_location(raw: YMap, block: str, section: Section, index: int) -> Location:
    items = _items(raw, block, section)
    if items is not None:
        return items.location(index)
    node = raw.get(block)
    return node.location() if isinstance(node, YMap) else raw.location(block)


def _origin(raw: YMap, block: str, section: Section, index: int) -> FactOrigin:
    items = _items(raw, block, section)
    item = items[index] if items is not None and index < len(items) else None
    if isinstance(item, YMap):
        return FactOrigin(item.location(), item)
    return FactOrigin(_item_location(raw, block, section, index), raw)


def apply_inject(world: LoadedScenario, inject: Inject, raw: YMap) -> LoadedScenario:
    """Apply one inject's ``remove``, ``replace``, ``update`` and ``add`` (in that order) to ``world``.

    ``raw`` is the inject's located mapping in the exercise file. Raises :class:`InputError`,
    located at the inject, when a fact to replace or remove does not exist, when a fact to add
    already exists, or when the resulting world fails the scenario cross-checks.
    """
    sink = DiagnosticSink()
    merged = _merged(world)
    if inject.remove is not None:
        for section in SECTIONS:
            for i, ident in enumerate(getattr(inject.remove, section.key)):
                facts = merged[section.key]
                if ident in facts:
                    del facts[ident]
                    continue
                sink.add(
                    "E306",
                    f"inject '{inject.id}' cannot remove {section.kind} '{ident}': "
                    "the world at this point has no such fact",
                    _item_location(raw, "remove", section, i),
                    hint_for(ident, facts, noun=section.key),
                )
    _write(merged, inject, inject.replace, "replace", raw, sink)
    _update(merged, inject, raw, sink)
    _write(merged, inject, inject.add, "add", raw, sink)
    sink.raise_if_any()
    values = {s.key: [fact for fact, _ in merged[s.key].values()] for s in SECTIONS}
    scenario = Scenario(scenario=world.scenario.scenario, **values)
    origins = {f"{s.kind}:{ident}": origin for s in SECTIONS for ident, (_, origin) in merged[s.key].items()}
    new = LoadedScenario(scenario=scenario, path=world.path, files=list(world.files), origins=origins)
    _check(new, inject, raw)
    return new


def _write(
    merged: _Merged, inject: Inject, facts: Facts | None, block: str, raw: YMap, sink: DiagnosticSink
) -> None:
    if facts is None:
        return
    for section in SECTIONS:
        current = merged[section.key]
        for i, fact in enumerate(getattr(facts, section.key)):
            ident = section.identity(fact)
            exists = ident in current
            if block == "replace" and not exists:
                sink.add(
                    "E306",
                    f"inject '{inject.id}' cannot replace {section.kind} '{ident}': "
                    "the world at this point has no such fact",
                    _item_location(raw, block, section, i),
                    hint_for(ident, current, noun=section.key)
                    or f"use 'add' to bring in a new {section.kind}",
                )
                continue
            if block == "add" and exists:
                sink.add(
                    "E302",
                    f"inject '{inject.id}' adds {section.kind} '{ident}', which the world already has",
                    _item_location(raw, block, section, i),
                    f"use 'replace' to change an existing {section.kind}",
                )
                continue
            current[ident] = (fact, _origin(raw, block, section, i))


def _update(merged: _Merged, inject: Inject, raw: YMap, sink: DiagnosticSink) -> None:
    """``update:``: each named fact with only the given fields changed, validated as a whole fact.

    Mappings merge key by key (``dates: {in_force: ...}`` keeps ``signed``); any other value,
    lists included, replaces the field's value. The load checks the items' shape and field names.
    """
    if inject.update is None:
        return
    for section in SECTIONS:
        current = merged[section.key]
        items = _items(raw, "update", section)
        for i, fields in enumerate(getattr(inject.update, section.key)):
            item = items[i] if items is not None and i < len(items) else None
            node = item if isinstance(item, YMap) else raw
            ident = fields.get(section.identity_field)
            if not isinstance(ident, str):
                continue  # reported by the load (E202)
            if ident not in current:
                sink.add(
                    "E306",
                    f"inject '{inject.id}' cannot update {section.kind} '{ident}': "
                    "the world at this point has no such fact",
                    node.location(section.identity_field, of_value=True),
                    hint_for(ident, current, noun=section.key)
                    or f"use 'add' to bring in a new {section.kind}",
                )
                continue
            if any(k not in field_names(section.model) for k in fields):
                continue  # an unknown field: reported by the load (E201)
            fact, _ = current[ident]
            written = fact.model_dump(by_alias=True, exclude_unset=True)
            data = _merge(written, {k: v for k, v in fields.items() if k != section.identity_field})
            try:
                new = section.model.model_validate(data)
            except ValidationError as exc:
                for d in diagnostics_from(exc, node, section.model):
                    sink.add(
                        d.code,
                        f"inject '{inject.id}' updates {section.kind} '{ident}': {d.message}",
                        d.location if d.location is not None else node.location(),
                        d.hint,
                    )
                continue
            current[ident] = (new, FactOrigin(node.location(), node))


def field_names(model: type[Any]) -> list[str]:
    """The keys a fact of ``model`` is written with (aliases where a field has one)."""
    return [f.alias or name for name, f in model.model_fields.items()]


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        old = out.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            out[key] = _merge(old, value)
        else:
            out[key] = value
    return out


def _check(world: LoadedScenario, inject: Inject, raw: YMap) -> None:
    """The scenario cross-checks; problems outside the exercise file are pinned on the inject."""
    sink = DiagnosticSink()
    cross_check(world, sink)
    if not sink:
        return
    here = raw.location()
    out: list[Diagnostic] = []
    for d in sink.items:
        if d.location is not None and d.location.file == here.file and not d.location.via:
            out.append(d)
            continue
        where = f" ({d.location.describe()})" if d.location is not None else ""
        out.append(
            Diagnostic(
                raw.location("remove") if "remove" in raw else here,
                d.code,
                f"after inject '{inject.id}': {d.message}{where}",
                d.hint,
            )
        )
    raise InputError(out)
