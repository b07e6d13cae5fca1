"""Scenario validation: each file against the schema, ``extends`` merged, references cross-checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from policyengine.errors import MAX_PER_FILE, Diagnostic, DiagnosticSink, omitted
from policyengine.errors.locations import Location
from policyengine.errors.suggest import hint_for
from policyengine.loading.documents import Document, Reader, read_chain_collecting
from policyengine.loading.yamltree import DEFAULT_LIMITS, Limits, YMap, YSeq
from policyengine.models.asof import as_of
from policyengine.models.scenario import (
    SECTIONS,
    Removal,
    Scenario,
    ScenarioFile,
    ScenarioHeader,
    Section,
)
from policyengine.models.vocabulary import AREA_NAMES
from policyengine.system.gcpause import paused_gc
from policyengine.validation.pydantic_errors import combine, diagnostic_from_error, diagnostics_from

M = TypeVar("M", bound=BaseModel)


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


def project(loaded: LoadedScenario, date: dt.date | None = None) -> LoadedScenario:
    """A loaded scenario as of ``date`` (default: its own ``as_of``): what is in effect then, every
    history read at that day (:mod:`policyengine.models.asof`), the provenance of what remains kept."""
    scenario = as_of(loaded.scenario, loaded.scenario.scenario.as_of if date is None else date)
    kept = {s.fact_id(f) for s in SECTIONS for f in getattr(scenario, s.key)}
    origins = {fid: o for fid, o in loaded.origins.items() if fid in kept or fid.startswith("scenario:")}
    return replace(loaded, scenario=scenario, origins=origins)


@dataclass
class _CheckedFile:
    """What of one file passed the schema: whole when the file is valid, fact by fact otherwise.

    ``unverified`` holds the identities of facts that failed the schema (already reported), so
    that references to them and removals of them do not add errors that say nothing new.
    """

    doc: Document
    header: ScenarioHeader | None
    facts: dict[str, list[tuple[Any, YMap]]]
    removal: Removal | None
    unverified: dict[str, set[str]]


#: sections longer than this are validated in chunks of this many items first
SCREEN_CHUNK = 2_000


def _screen(doc: Document) -> tuple[list[Diagnostic], set[str]]:
    """Validate the long sections of a file chunk by chunk, before the file as a whole.

    pydantic builds every error of a validation at once: 4.9 million invalid items in a 10 MB
    file took 9.7 GB and 8 minutes. Chunks bound that: errors are turned into diagnostics up to
    ``MAX_PER_FILE``, then only counted (one :class:`Omitted`). Returns the diagnostics and the
    sections found invalid (left out of the rest of the file's checks).
    """
    from pydantic import TypeAdapter

    found: list[Diagnostic] = []
    more, more_at = 0, None
    bad: set[str] = set()
    for section in SECTIONS:
        items = doc.tree.get(section.key)
        if not isinstance(items, YSeq) or len(items) <= SCREEN_CHUNK:
            continue
        adapter: TypeAdapter[Any] = TypeAdapter(list[section.model])  # type: ignore[name-defined]
        for start in range(0, len(items), SCREEN_CHUNK):
            try:
                adapter.validate_python(list(items[start : start + SCREEN_CHUNK]))
            except ValidationError as exc:
                bad.add(section.key)
                if len(found) >= MAX_PER_FILE:
                    more += exc.error_count()
                    continue
                for err in exc.errors(include_url=False):
                    first = err["loc"][0]
                    index = first + start if isinstance(first, int) else first
                    err["loc"] = (section.key, index, *err["loc"][1:])
                    diagnostic = diagnostic_from_error(err, doc.tree, ScenarioFile)
                    if len(found) < MAX_PER_FILE:
                        found.append(diagnostic)
                    else:
                        more += 1
                        more_at = more_at or diagnostic.location
    if more:
        found.append(omitted(more_at, more))
    return found, bad


def _without(tree: YMap, keys: set[str]) -> YMap:
    """A shallow copy of a located mapping without some keys (locations kept)."""
    out = YMap(tree.file, tree.mark)
    for key, value in tree.items():
        if key not in keys:
            out[key] = value
            out.marks[key] = tree.marks.get(key, tree.mark)
            out.value_marks[key] = tree.value_marks.get(key, tree.mark)
    return out


def _check_file(doc: Document, found: list[Diagnostic]) -> _CheckedFile:
    screened, bad = _screen(doc)
    if bad:
        # The rest of the file is checked as usual; the invalid long sections are not salvaged
        # fact by fact (millions of them would take minutes).
        found.extend(screened)
        rest = Document(doc.display, _without(doc.tree, bad), doc.problems, doc.path)
        try:
            ScenarioFile.model_validate(rest.tree)
        except ValidationError as exc:
            found.extend(diagnostics_from(exc, rest.tree, ScenarioFile))
        checked = _salvage(rest)
        checked.doc = doc
        for key in bad:
            checked.unverified[key] = _identities(doc.tree.get(key), key)
        return checked
    try:
        model = ScenarioFile.model_validate(doc.tree)
    except ValidationError as exc:
        found.extend(diagnostics_from(exc, doc.tree, ScenarioFile))
        return _salvage(doc)
    facts: dict[str, list[tuple[Any, YMap]]] = {}
    for section in SECTIONS:
        raw_items = doc.tree.get(section.key)
        parsed = getattr(model, section.key)
        raws = list(raw_items) if isinstance(raw_items, YSeq) else [YMap(doc.display)] * len(parsed)
        facts[section.key] = list(zip(parsed, raws, strict=True))
    return _CheckedFile(doc, model.scenario, facts, model.remove, {s.key: set() for s in SECTIONS})


def _salvage(doc: Document) -> _CheckedFile:
    """The parts of an invalid file that are valid on their own: header, facts, removals."""
    tree = doc.tree
    header = _valid(ScenarioHeader, tree.get("scenario"))
    removal = _valid(Removal, tree.get("remove")) if "remove" in tree else None
    facts: dict[str, list[tuple[Any, YMap]]] = {}
    unverified: dict[str, set[str]] = {}
    for section in SECTIONS:
        facts[section.key], unverified[section.key] = [], set()
        items = tree.get(section.key)
        if not isinstance(items, YSeq):
            continue
        for raw in items:
            if not isinstance(raw, YMap):
                continue
            fact = _valid(section.model, raw)
            if fact is not None:
                facts[section.key].append((fact, raw))
            elif isinstance(raw.get(section.identity_field), str):
                unverified[section.key].add(raw[section.identity_field])
    return _CheckedFile(doc, header, facts, removal, unverified)


def _identities(items: Any, key: str) -> set[str]:
    """The identities written in an invalid long section (what other facts may refer to)."""
    section = next(s for s in SECTIONS if s.key == key)
    out: set[str] = set()
    for raw in items if isinstance(items, YSeq) else ():
        if isinstance(raw, YMap) and isinstance(raw.get(section.identity_field), str):
            out.add(raw[section.identity_field])
    return out


def _valid(model: type[M], raw: Any) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


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
                    "each fact appears once in a file; merge the two entries",
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

    Every problem of every file of the chain is reported at once, sorted by location, in one
    :class:`InputError`: what the reader read past, schema errors, duplicates, removals, and
    references between facts. References are checked on the facts that passed the schema, so a
    broken fact does not hide the other mistakes of a file; they are not checked when the
    ``extends`` chain itself is broken, since the missing files would declare what is referred to.
    """
    with paused_gc():
        return _load_scenario(path, display, reader, limits)


def _load_scenario(path: str, display: str | None, reader: Reader | None, limits: Limits) -> LoadedScenario:
    chain = read_chain_collecting(path, display, reader=reader, limits=limits)
    docs = chain.documents
    found: list[Diagnostic] = []
    checked = [_check_file(doc, found) for doc in docs]
    read_problems = [*chain.problems, *(p for d in docs for p in d.problems)]
    sink = DiagnosticSink()
    sink.extend(combine(read_problems, found))
    for doc in docs:
        _duplicates(doc, sink)
    names = [d.display for d in docs]
    loaded, unverified, removed = _merge(checked, names, sink, valid=not sink)
    if not chain.broken:
        cross_check(loaded, sink, unverified=unverified, removed=removed)
    sink.raise_if_any()
    return loaded


def _merge(
    checked: list[_CheckedFile], chain: list[str], sink: DiagnosticSink, *, valid: bool
) -> tuple[LoadedScenario, dict[str, set[str]], dict[str, dict[str, Location]]]:
    """Apply the files root first: removals, then facts (same identity replaces the parent's).

    Returns the merged scenario, the identities of facts that failed the schema anywhere in the
    chain, and where each removed fact was removed. ``valid`` says whether everything so far
    passed; otherwise the scenario is assembled without validation, for the cross-checks only.
    """
    merged: dict[str, dict[str, tuple[Any, FactOrigin]]] = {s.key: {} for s in SECTIONS}
    unverified: dict[str, set[str]] = {s.key: set() for s in SECTIONS}
    removed: dict[str, dict[str, Location]] = {s.key: {} for s in SECTIONS}
    for depth in range(len(checked) - 1, -1, -1):
        item = checked[depth]
        via = tuple(chain[:depth])
        if item.removal is not None:
            _apply_removal(item, depth == len(checked) - 1, merged, unverified, removed, sink)
        for section in SECTIONS:
            for fact, raw in item.facts[section.key]:
                origin = FactOrigin(None, raw, via)
                merged[section.key][section.identity(fact)] = (fact, origin)
            unverified[section.key] |= item.unverified[section.key]
    values: dict[str, Any] = {s.key: [fact for fact, _ in merged[s.key].values()] for s in SECTIONS}
    header = checked[0].header
    starts = [c.header.as_of for c in checked if c.header is not None]
    values["record_start"] = min(starts) if starts else None
    if valid and header is not None:
        scenario = Scenario(scenario=header, **values)
    else:
        # Only for the cross-checks of a chain with errors; it never leaves load_scenario.
        values["scenario"] = header
        scenario = Scenario.model_construct(None, **values)
    origins = {f"{s.kind}:{ident}": origin for s in SECTIONS for ident, (_, origin) in merged[s.key].items()}
    raw_header = checked[0].doc.tree.get("scenario")
    if header is not None and isinstance(raw_header, YMap):
        # the scenario fact (rules read its as_of date) is written in the file's own header
        origins[f"scenario:{header.id}"] = FactOrigin(None, raw_header, ())
    loaded = LoadedScenario(scenario=scenario, path=chain[0], files=chain, origins=origins)
    return loaded, unverified, removed


def _apply_removal(
    item: _CheckedFile,
    is_root: bool,
    merged: dict[str, dict[str, tuple[Any, FactOrigin]]],
    unverified: dict[str, set[str]],
    removed: dict[str, dict[str, Location]],
    sink: DiagnosticSink,
) -> None:
    assert item.removal is not None
    raw_remove = item.doc.tree.get("remove")
    for section in SECTIONS:
        raw_list = raw_remove.get(section.key) if isinstance(raw_remove, YMap) else None
        here: dict[str, Location] = {}
        for i, ident in enumerate(getattr(item.removal, section.key)):
            loc = raw_list.location(i) if isinstance(raw_list, YSeq) else item.doc.tree.location("remove")
            if ident in here:
                sink.add(
                    "E306",
                    f"{section.kind} '{ident}' is listed twice in remove.{section.key} "
                    f"(first at line {here[ident].line})",
                    loc,
                    "list each identity once",
                )
                continue
            here[ident] = loc
            if ident in merged[section.key]:
                del merged[section.key][ident]
                removed[section.key][ident] = loc
            elif is_root:
                sink.add(
                    "E306",
                    f"cannot remove {section.kind} '{ident}': this scenario extends no other",
                    loc,
                    "'remove' deletes facts inherited through 'scenario.extends'; delete this entry",
                )
            elif ident not in unverified[section.key]:
                sink.add(
                    "E306",
                    f"cannot remove {section.kind} '{ident}': the scenarios this one extends do not have it",
                    loc,
                    hint_for(ident, merged[section.key], noun=section.key)
                    or f"check it against the {section.key} of the extended scenarios",
                )


def cross_check(
    loaded: LoadedScenario,
    sink: DiagnosticSink,
    *,
    unverified: Mapping[str, set[str]] | None = None,
    removed: Mapping[str, Mapping[str, Location]] | None = None,
) -> None:
    """References between facts: declared countries, known areas, existing frameworks and events.

    ``unverified`` (section key -> identities) are facts that exist but failed the schema:
    references to them are not reported again. ``removed`` (section key -> identity -> where)
    explains a reference to a fact that a ``remove:`` section deleted.
    """
    sc = loaded.scenario
    pools: dict[str, set[str]] = {
        "countries": {c.code for c in sc.countries},
        "areas": set(AREA_NAMES) | {a.id for a in sc.areas},
        "frameworks": {f.id for f in sc.frameworks},
        "agreements": {a.id for a in sc.agreements},
        "events": {e.id for e in sc.events},
    }
    skip = unverified or {}
    gone = removed or {}

    def where(fact_id: str, name: str, index: int | str | None = None) -> Location | None:
        origin = loaded.origin(fact_id)
        if origin is None:
            return None
        if isinstance(index, int):
            seq = origin.raw.get(name)
            if isinstance(seq, YSeq):
                return seq.location(index).with_via(origin.via)
        if isinstance(index, str):
            mapping = origin.raw.get(name)
            if isinstance(mapping, YMap):
                return mapping.location(index).with_via(origin.via)
        return origin.field_location(name)

    def check(
        value: str | None, section: str, fact_id: str, name: str, index: int | str | None = None
    ) -> None:
        if value is None or value in pools[section] or value in skip.get(section, ()):
            return
        noun = _NOUN[section]
        kind, ident = fact_id.split(":", 1)
        message = f"unknown {noun} '{value}' in {kind.replace('_', ' ')} '{ident}'"
        removed_at = gone.get(section, {}).get(value)
        if removed_at is not None:
            message += f" (removed at {removed_at})"
            hint = f"keep the {noun}, or remove what refers to it as well"
        else:
            # Facts that failed the schema still exist for the user: suggest them too.
            known = pools[section] | set(skip.get(section, ()))
            hint = hint_for(value, known, noun=section) or f"declare it under '{section}'"
        code = "E303" if section == "areas" else "E301"
        sink.add(code, message, where(fact_id, name, index), hint)

    for f in sc.frameworks:
        fid = f"framework:{f.id}"
        for i, m in enumerate(f.members):
            check(m, "countries", fid, "members", i)
        for a in f.areas:
            check(a, "areas", fid, "areas", a)
    for ag in sc.agreements:
        for i, p in enumerate(ag.parties):
            check(p, "countries", f"agreement:{ag.id}", "parties", i)
    for ap in sc.asset_protection:
        fid = f"asset_protection:{ap.partner}"
        check(ap.partner, "countries", fid, "partner")
        if ap.partner == "JPN":
            sink.add(
                "E307",
                "asset protection covers partners' forces, not Japan's own",
                where(fid, "partner"),
                "name the partner whose forces the SDF may protect (SDF Law Art. 95-2)",
            )
    for it in sc.interests:
        fid = f"interest:{it.id}"
        for i, c in enumerate(it.countries):
            check(c, "countries", fid, "countries", i)
        for i, a in enumerate(it.areas):
            check(a, "areas", fid, "areas", i)
    for ev in sc.events:
        fid = f"event:{ev.id}"
        check(ev.country, "countries", fid, "country")
        for i, c in enumerate(ev.countries):
            check(c, "countries", fid, "countries", i)
        check(ev.framework, "frameworks", fid, "framework")
        check(ev.agreement, "agreements", fid, "agreement")
        if ev.caused_by == ev.id:
            sink.add(
                "E307",
                f"event '{ev.id}' cannot be caused by itself",
                where(fid, "caused_by"),
                "name the earlier event that led to this one, or remove 'caused_by'",
            )
        else:
            check(ev.caused_by, "events", fid, "caused_by")
        for i, a in enumerate(ev.areas):
            check(a, "areas", fid, "areas", i)
    for cap in sc.capabilities:
        check(cap.holder, "countries", f"capability:{cap.id}", "holder")


_NOUN = {
    "countries": "country",
    "areas": "area",
    "frameworks": "framework",
    "agreements": "agreement",
    "events": "event",
}
