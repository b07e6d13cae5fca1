"""Scenario validation: each file against the schema, ``extends`` merged, references cross-checked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from policyengine.errors import DiagnosticSink, InputError
from policyengine.gcpause import paused_gc
from policyengine.loading.documents import Document, Reader, read_chain
from policyengine.loading.yamltree import DEFAULT_LIMITS, Limits, YMap, YSeq
from policyengine.locations import Location
from policyengine.models.scenario import (
    SECTIONS,
    Scenario,
    ScenarioFile,
    ScenarioHeader,
    Section,
)
from policyengine.models.vocabulary import AREA_NAMES
from policyengine.suggest import hint_for
from policyengine.validation.pydantic_errors import diagnostics_from


class FactOrigin:
    """Where a fact was written: its mapping's location (with the extends chain) and raw tree.

    ``FactOrigin(location, raw)``; or ``FactOrigin(None, raw, via)``, whose location is worked
    out on first use: a file read through the JSON fast path (loading.jsontree) finds its line
    numbers only when something asks for one.
    """

    __slots__ = ("_location", "raw", "via")

    def __init__(self, location: Location | None, raw: YMap, via: tuple[str, ...] | None = None) -> None:
        self._location = location
        self.raw = raw
        self.via: tuple[str, ...] = via if via is not None else location.via if location is not None else ()

    @property
    def location(self) -> Location:
        if self._location is None:
            self._location = self.raw.location().with_via(self.via)
        return self._location

    def field_location(self, name: str) -> Location:
        loc = self.raw.location(name, of_value=True) if name in self.raw else self.raw.location()
        return loc.with_via(self.via)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FactOrigin):
            return NotImplemented
        return (self.location, self.raw) == (other.location, other.raw)

    __hash__ = None  # type: ignore[assignment]  # like the frozen dataclass it was: raw is a dict

    def __repr__(self) -> str:
        return f"FactOrigin(location={self.location!r}, raw=<{len(self.raw)} keys>)"


@dataclass
class LoadedScenario:
    """A validated scenario with the provenance of every fact."""

    scenario: Scenario
    path: str
    files: list[str]  # display names, the file itself first, then what it extends
    origins: dict[str, FactOrigin] = field(default_factory=dict)  # fact id -> origin

    def origin(self, fact_id: str) -> FactOrigin | None:
        return self.origins.get(fact_id)

    def facts(self) -> Iterable[tuple[Section, Any]]:
        """Every fact with its section, in file order."""
        for section in SECTIONS:
            for fact in getattr(self.scenario, section.key):
                yield section, fact


def validate_document(doc: Document) -> ScenarioFile:
    """Validate one scenario file's tree; all schema errors of the file at once."""
    try:
        return ScenarioFile.model_validate(doc.tree)
    except ValidationError as exc:
        diagnostics = diagnostics_from(exc, doc.tree, ScenarioFile)
        raise InputError(diagnostics) from None


def _duplicates(doc: Document, sink: DiagnosticSink) -> None:
    for section in SECTIONS:
        items = doc.tree.get(section.key)
        if not isinstance(items, YSeq):
            continue
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            if not isinstance(item, YMap):
                continue
            ident = item.get(section.identity_field)
            if not isinstance(ident, str):
                continue
            if ident in first:
                sink.add(
                    "E302",
                    f"{section.kind} '{ident}' is listed twice in '{section.key}' "
                    f"(first at line {items.marks[first[ident]][0]})",
                    items.location(i),
                    "each fact appears once; merge the two entries",
                )
            else:
                first[ident] = i


def load_scenario(
    path: str,
    display: str | None = None,
    *,
    reader: Reader | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> LoadedScenario:
    """Load, validate and merge a scenario and everything it extends.

    Raises :class:`InputError` with every problem found, sorted by location.
    """
    with paused_gc():
        return _load_scenario(path, display, reader, limits)


def _load_scenario(path: str, display: str | None, reader: Reader | None, limits: Limits) -> LoadedScenario:
    docs = read_chain(path, display, reader=reader, limits=limits)
    sink = DiagnosticSink()
    files: list[ScenarioFile] = []
    for doc in docs:
        try:
            files.append(validate_document(doc))
        except InputError as exc:
            sink.extend(exc.diagnostics)
        _duplicates(doc, sink)
    sink.raise_if_any()
    chain = [d.display for d in docs]
    loaded = _merge(docs, files, chain, sink)
    sink.raise_if_any()
    cross_check(loaded, sink)
    sink.raise_if_any()
    return loaded


def _merge(
    docs: list[Document], files: list[ScenarioFile], chain: list[str], sink: DiagnosticSink
) -> LoadedScenario:
    # Apply parents first: the last document is the root of the chain.
    merged: dict[str, dict[str, tuple[Any, FactOrigin]]] = {s.key: {} for s in SECTIONS}
    for depth in range(len(docs) - 1, -1, -1):
        doc, model = docs[depth], files[depth]
        via = tuple(chain[:depth])
        removal = model.remove
        if removal is not None:
            raw_remove = doc.tree.get("remove")
            for section in SECTIONS:
                targets: list[str] = getattr(removal, section.key)
                for i, ident in enumerate(targets):
                    if ident in merged[section.key]:
                        del merged[section.key][ident]
                        continue
                    raw_list = raw_remove.get(section.key) if isinstance(raw_remove, YMap) else None
                    loc = raw_list.location(i) if isinstance(raw_list, YSeq) else doc.tree.location("remove")
                    hint: str | None
                    if depth == len(docs) - 1:
                        hint = (
                            "'remove' deletes facts of the scenario this one extends; this one extends none"
                        )
                    else:
                        hint = hint_for(ident, merged[section.key], noun=section.key)
                    sink.add(
                        "E306",
                        f"cannot remove {section.kind} '{ident}': the scenarios this one "
                        "extends do not have it",
                        loc,
                        hint,
                    )
        raw_doc = doc.tree
        for section in SECTIONS:
            raw_items = raw_doc.get(section.key)
            for i, fact in enumerate(getattr(model, section.key)):
                raw = raw_items[i] if isinstance(raw_items, YSeq) else YMap(doc.display)
                origin = FactOrigin(None, raw, via)
                merged[section.key][section.identity(fact)] = (fact, origin)
    header: ScenarioHeader = files[0].scenario
    values = {s.key: [fact for fact, _ in merged[s.key].values()] for s in SECTIONS}
    scenario = Scenario(scenario=header, **values)
    origins = {f"{s.kind}:{ident}": origin for s in SECTIONS for ident, (_, origin) in merged[s.key].items()}
    return LoadedScenario(scenario=scenario, path=chain[0], files=chain, origins=origins)


def cross_check(loaded: LoadedScenario, sink: DiagnosticSink) -> None:
    """References between facts: declared countries, known areas, existing frameworks and events."""
    sc = loaded.scenario
    countries = {c.code for c in sc.countries}
    areas = set(AREA_NAMES) | {a.id for a in sc.areas}
    frameworks = {f.id for f in sc.frameworks}
    agreements = {a.id for a in sc.agreements}
    events = {e.id for e in sc.events}

    def where(fact_id: str, name: str, index: int | None = None) -> Location | None:
        origin = loaded.origin(fact_id)
        if origin is None:
            return None
        if index is not None:
            seq = origin.raw.get(name)
            if isinstance(seq, YSeq):
                return seq.location(index).with_via(origin.via)
        return origin.field_location(name)

    def check(
        value: str | None,
        pool: set[str],
        noun: str,
        fact_id: str,
        name: str,
        index: int | None = None,
        code: str = "E301",
    ) -> None:
        if value is None or value in pool:
            return
        sink.add(
            code,
            f"unknown {noun} '{value}' in {fact_id.replace(':', ' ', 1)}",
            where(fact_id, name, index),
            hint_for(value, pool, noun=_SECTION_OF[noun]) or f"declare it under '{_SECTION_OF[noun]}'",
        )

    for f in sc.frameworks:
        fid = f"framework:{f.id}"
        for i, m in enumerate(f.members):
            check(m, countries, "country", fid, "members", i)
        origin = loaded.origin(fid)
        raw_areas = origin.raw.get("areas") if origin else None
        for a in f.areas:
            if a not in areas:
                loc = raw_areas.location(a) if isinstance(raw_areas, YMap) else where(fid, "areas")
                sink.add(
                    "E303",
                    f"unknown area '{a}' in framework {f.id}",
                    loc,
                    hint_for(a, areas, noun="areas") or "declare it under 'areas'",
                )
    for ag in sc.agreements:
        for i, p in enumerate(ag.parties):
            check(p, countries, "country", f"agreement:{ag.id}", "parties", i)
    for ap in sc.asset_protection:
        fid = f"asset_protection:{ap.partner}"
        check(ap.partner, countries, "country", fid, "partner")
        if ap.partner == "JPN":
            sink.add(
                "E307", "asset protection covers partners' forces, not Japan's own", where(fid, "partner")
            )
    for it in sc.interests:
        fid = f"interest:{it.id}"
        for i, c in enumerate(it.countries):
            check(c, countries, "country", fid, "countries", i)
        for i, a in enumerate(it.areas):
            check(a, areas, "area", fid, "areas", i, code="E303")
    for ev in sc.events:
        fid = f"event:{ev.id}"
        check(ev.country, countries, "country", fid, "country")
        for i, c in enumerate(ev.countries):
            check(c, countries, "country", fid, "countries", i)
        check(ev.framework, frameworks, "framework", fid, "framework")
        check(ev.agreement, agreements, "agreement", fid, "agreement")
        check(ev.caused_by, events, "event", fid, "caused_by")
        if ev.caused_by == ev.id:
            sink.add("E307", f"event '{ev.id}' cannot be caused by itself", where(fid, "caused_by"))
        for i, a in enumerate(ev.areas):
            check(a, areas, "area", fid, "areas", i, code="E303")
    for cap in sc.capabilities:
        check(cap.holder, countries, "country", f"capability:{cap.id}", "holder")


_SECTION_OF = {
    "country": "countries",
    "area": "areas",
    "framework": "frameworks",
    "agreement": "agreements",
    "event": "events",
}
