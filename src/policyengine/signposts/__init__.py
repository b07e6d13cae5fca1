"""Signposts: watched conditions of a scenario, whether they have tripped, and what they would change.

A signpost (the ``signposts:`` section of a scenario file) watches for a fact: ``watch: {fact:
agreement, where: {id: raa-jpn-fra, status: in-force}}`` (the rule-pack ``where`` syntax, with
values only), or with ``absent: true`` for the absence of any such fact.

- **Tripped**: the condition holds in the scenario as it is (some fact of that kind matches, or,
  for ``absent``, none does).
- **Effect** of a signpost that has not tripped: the scenario is evaluated as it is and with the
  condition made true, and the two are compared (``policyengine.diff``): the recommendations
  it turns on (appear), turns off (disappear) or changes, each with its causes. The condition is
  made true by the signpost's ``assume`` facts when it has them (applied as a scenario that
  extends this one would: same identity replaces, new identity adds); otherwise, for ``absent``,
  by removing the matching facts; otherwise by setting the fields the ``where`` tests for
  equality on the fact it names by identity (``id``, ``code``, ``partner``), or by adding that
  fact when it does not exist yet (a missing ``since`` or ``date`` is the scenario's ``as_of``).
  Anything else needs ``assume``. A tripped signpost's effect is already in the
  recommendations, so none is computed.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from policyengine.compiler.ir import Kinds, Test
from policyengine.compiler.resolve import resolve_where
from policyengine.engine.matching import describe_test, pattern_holds
from policyengine.errors import DiagnosticSink
from policyengine.errors.locations import Location
from policyengine.errors.suggest import hint_for
from policyengine.loading.yamltree import YMap, YSeq
from policyengine.models.factview import BASE_KINDS, ViewFact, build_view
from policyengine.models.registry import signpost_fields
from policyengine.models.scenario import SECTION_BY_KEY, SECTION_BY_KIND, Scenario, Signpost
from policyengine.validation.scenario import FactOrigin, LoadedScenario, project

if TYPE_CHECKING:
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.diff import Diff

_KINDS = Kinds(dict(BASE_KINDS))

#: view field -> model field path, for the fields a signpost can set by itself (the registry's
#: fields marked ``signpost``)
_SETTABLE: dict[str, dict[str, str]] = signpost_fields()
#: required date fields filled with the scenario's as_of when a signpost adds a fact
_DATED = ("since", "date")


@dataclass(frozen=True)
class WatchedSignpost:
    """A signpost with its condition resolved against the fact kinds."""

    signpost: Signpost
    tests: tuple[Test, ...]
    origin: FactOrigin | None

    @property
    def kind(self) -> str:
        return self.signpost.watch.fact

    @property
    def location(self) -> Location | None:
        return self.origin.location if self.origin else None

    def describe(self) -> str:
        """``agreement where id = raa-jpn-fra, status = in-force`` (``no ...`` for absence)."""
        spec = BASE_KINDS[self.kind]
        tests = ", ".join(describe_test(t, date=spec.fields[t.field].type == "date") for t in self.tests)
        text = ("no " if self.signpost.watch.absent else "") + self.kind
        return f"{text} where {tests}" if tests else text

    def matches(self, scenario: Scenario) -> list[ViewFact]:
        """The facts of ``scenario`` that match the watched pattern."""
        return [
            v for v in build_view(scenario, frozenset({self.kind})) if pattern_holds(self.tests, v.fields, {})
        ]

    def tripped(self, scenario: Scenario) -> bool:
        return bool(self.matches(scenario)) != self.signpost.watch.absent


def _raw(origin: FactOrigin | None, *path: str) -> YMap | None:
    node: Any = origin.raw if origin else None
    for key in path:
        node = node.get(key) if isinstance(node, YMap) else None
    return node if isinstance(node, YMap) else None


def watch_signposts(loaded: LoadedScenario) -> list[WatchedSignpost]:
    """Resolve every signpost's condition; raise InputError with every problem, located."""
    sink = DiagnosticSink()
    out: list[WatchedSignpost] = []
    for sp in sorted(loaded.scenario.signposts, key=lambda s: s.id):
        origin = loaded.origin(f"signpost:{sp.id}")
        raw = _raw(origin, "watch") or YMap(loaded.path)
        label = f"signpost '{sp.id}'"
        if sp.watch.fact not in BASE_KINDS or sp.watch.fact == "scenario":
            kinds = sorted(k for k in BASE_KINDS if k != "scenario")
            sink.add(
                "E401",
                f"{label}: unknown fact kind '{sp.watch.fact}'",
                raw.location("fact", of_value=True),
                hint_for(sp.watch.fact, kinds, noun="kinds"),
            )
            continue
        tests = resolve_where(sp.watch.fact, dict(sp.watch.where), raw, _KINDS, sink, label=label)
        if tests is not None:
            out.append(WatchedSignpost(sp, tuple(tests), origin))
    sink.raise_if_any()
    return out


# -- making a condition true ------------------------------------------------------------------------


class _Cannot(Exception):
    """A signpost's condition cannot be made true without 'assume' (the message says why)."""


def _literal(test: Test, field_type: str) -> Any:
    if field_type == "date" and isinstance(test.value, int):
        return dt.date.fromordinal(test.value)
    return test.value


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def _replace_facts(scenario: Scenario, facts: dict[str, list[Any]]) -> tuple[Scenario, list[str]]:
    """Apply facts as a scenario extending this one would; return the ids of the facts touched."""
    updates: dict[str, list[Any]] = {}
    touched: list[str] = []
    for key, new_facts in facts.items():
        section = SECTION_BY_KEY[key]
        current = {section.identity(f): f for f in getattr(scenario, key)}
        for f in new_facts:
            current[section.identity(f)] = f
            touched.append(section.fact_id(f))
        updates[key] = list(current.values())
    return scenario.model_copy(update=updates), touched


def _assumed(w: WatchedSignpost, scenario: Scenario) -> tuple[Scenario, list[str]]:
    assume = w.signpost.assume
    assert assume is not None
    facts = {key: list(getattr(assume, key)) for key in type(assume).model_fields if getattr(assume, key)}
    return _replace_facts(scenario, facts)


def _removed(w: WatchedSignpost, scenario: Scenario) -> tuple[Scenario, list[str]]:
    hits = w.matches(scenario)
    parts = [v for v in hits if v.detail]
    if parts:
        raise _Cannot(
            f"'{w.kind}' facts are parts of other facts ({parts[0].describe()}); "
            "give the facts without them under 'assume'"
        )
    section = SECTION_BY_KIND[w.kind]
    gone = {v.origin for v in hits}
    kept = [f for f in getattr(scenario, section.key) if section.fact_id(f) not in gone]
    return scenario.model_copy(update={section.key: kept}), sorted(gone)


def _set(w: WatchedSignpost, scenario: Scenario) -> tuple[Scenario, list[str]]:
    section = SECTION_BY_KIND.get(w.kind)
    settable = _SETTABLE.get(w.kind, {})
    if section is None:
        raise _Cannot(f"'{w.kind}' facts are parts of other facts; give the facts to add under 'assume'")
    spec = BASE_KINDS[w.kind]
    values: dict[str, Any] = {}
    for t in w.tests:
        if t.op == "eq" and t.field in settable:
            values[settable[t.field]] = _literal(t, spec.fields[t.field].type)
    ident = section.identity_field
    if ident not in values:
        raise _Cannot(
            f"the condition does not name one {w.kind} by its '{ident}'; give the facts under 'assume'"
        )
    existing = next((f for f in getattr(scenario, section.key) if section.identity(f) == values[ident]), None)
    data: dict[str, Any] = existing.model_dump() if existing is not None else {}
    for path, value in values.items():
        _set_path(data, path, value)
    if existing is None:
        for name in _DATED:
            if name in section.model.model_fields and name not in data:
                data[name] = scenario.scenario.as_of
    try:
        fact = section.model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise _Cannot(
            f"the {w.kind} it describes is not complete or not valid ({where}: {first['msg']}); "
            "give the whole fact under 'assume'"
        ) from None
    return _replace_facts(scenario, {section.key: [fact]})


def make_true(w: WatchedSignpost, loaded: LoadedScenario) -> tuple[LoadedScenario, str]:
    """The scenario with the signpost's condition made true, and how it was done.

    ``how``: ``assume``, ``remove``, ``set`` (fields of an existing fact) or ``add`` (a new fact).
    Raises InputError (E307) when the condition cannot be made true this way.
    """
    from policyengine.errors import input_error

    scenario = loaded.scenario
    try:
        if w.signpost.assume is not None:
            new, touched, how = (*_assumed(w, scenario), "assume")
        elif w.signpost.watch.absent:
            new, touched, how = (*_removed(w, scenario), "remove")
        else:
            exists = {
                SECTION_BY_KIND[w.kind].fact_id(f) for f in getattr(scenario, SECTION_BY_KIND[w.kind].key)
            }
            new, touched = _set(w, scenario)
            how = "set" if all(t in exists for t in touched) else "add"
    except _Cannot as exc:
        raise input_error("E307", f"signpost '{w.signpost.id}': {exc}", w.location) from None
    if not w.tripped(new):
        raise input_error(
            "E307",
            f"signpost '{w.signpost.id}': its 'assume' facts do not make the watched condition true "
            f"({w.describe()})",
            w.location,
            "make the facts under 'assume' match the condition under 'watch'",
        )
    origins = dict(loaded.origins)
    here = _assume_origins(w, how)
    for fid in touched:
        if how == "remove":
            origins.pop(fid, None)
        else:
            origins[fid] = here.get(fid) or FactOrigin(
                w.location or Location(loaded.path), _raw(w.origin, "watch") or YMap(loaded.path)
            )
    return replace(loaded, scenario=new, origins=origins), how


def _assume_origins(w: WatchedSignpost, how: str) -> dict[str, FactOrigin]:
    """Where each fact under 'assume' is written, so that diffs locate it."""
    out: dict[str, FactOrigin] = {}
    assume = _raw(w.origin, "assume")
    if how != "assume" or assume is None or w.signpost.assume is None or w.origin is None:
        return out
    for key in type(w.signpost.assume).model_fields:
        section = SECTION_BY_KEY[key]
        seq = assume.get(key)
        for i, fact in enumerate(getattr(w.signpost.assume, key)):
            if isinstance(seq, YSeq) and isinstance(seq[i], YMap):
                loc = seq.location(i).with_via(w.origin.location.via)
                out[section.fact_id(fact)] = FactOrigin(loc, seq[i])
    return out


# -- the report -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignpostStatus:
    """One signpost: tripped or not, by which facts, and what tripping it would change."""

    watched: WatchedSignpost
    tripped: bool
    matches: tuple[tuple[str, Location | None], ...]  # (fact, where it is written)
    how: str | None = None  # how the condition was made true (when not tripped)
    effect: Diff | None = None
    #: the matching facts' display names, ja and en, by fact id (for reports; JSON keeps the ids)
    labels: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)

    @property
    def signpost(self) -> Signpost:
        return self.watched.signpost

    def to_dict(self) -> dict[str, Any]:
        sp = self.signpost
        effect = None
        if self.effect is not None:
            effect = {
                "made_true_by": self.how,
                "facts": [f.to_dict() for f in self.effect.facts],
                "turns_on": [o.id for o in self.effect.recommendations if o.change == "added"],
                "turns_off": [o.id for o in self.effect.recommendations if o.change == "removed"],
                "changes": [o.id for o in self.effect.recommendations if o.change == "changed"],
                "recommendations": [o.to_dict() for o in self.effect.recommendations],
                "risks": [o.to_dict() for o in self.effect.risks],
            }
        return {
            "id": sp.id,
            "name": {"ja": sp.name.ja, "en": sp.name.en},
            "watch": self.watched.describe(),
            "location": str(self.watched.location) if self.watched.location else None,
            "tripped": self.tripped,
            "matches": [{"fact": f, "location": str(loc) if loc else None} for f, loc in self.matches],
            "effect": effect,
        }


@dataclass(frozen=True)
class SignpostReport:
    scenario_id: str
    as_of: str
    files: tuple[str, ...]
    pack_id: str
    signposts: tuple[SignpostStatus, ...]
    title: dict[str, str] = field(default_factory=dict, compare=False)  # the scenario's, ja and en

    @property
    def tripped(self) -> list[SignpostStatus]:
        return [s for s in self.signposts if s.tripped]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": {"id": self.scenario_id, "as_of": self.as_of, "files": list(self.files)},
            "pack": self.pack_id,
            "signposts": [s.to_dict() for s in self.signposts],
        }


def check_signposts(loaded: LoadedScenario, rules: str | CompiledPack | None = None) -> SignpostReport:
    """Which signposts of a scenario have tripped, and what each of the others would change."""
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.core import evaluate, load_pack
    from policyengine.diff import diff_results
    from policyengine.errors import gather

    pack = rules if isinstance(rules, CompiledPack) else load_pack(rules)
    # signposts watch, and are made true in, the world as of its date (each history one status)
    loaded = project(loaded)
    watched = watch_signposts(loaded)
    as_is = evaluate(loaded, pack) if watched else None
    pending = [w for w in watched if not w.tripped(loaded.scenario)]
    truths = gather([functools.partial(make_true, w, loaded) for w in pending])
    effects: dict[str, tuple[str, Diff]] = {}
    for w, (truth, made_by) in zip(pending, truths, strict=True):
        assert as_is is not None
        effects[w.signpost.id] = (made_by, diff_results(loaded, as_is, truth, evaluate(truth, pack)))
    statuses = []
    for w in watched:
        hits = sorted({v.origin for v in w.matches(loaded.scenario)})
        located = tuple((h, o.location if (o := loaded.origin(h)) else None) for h in hits)
        found = effects.get(w.signpost.id)
        how = found[0] if found else None
        effect = found[1] if found else None
        labels = _labels(loaded.scenario, hits)
        statuses.append(SignpostStatus(w, w.tripped(loaded.scenario), located, how, effect, labels))
    header = loaded.scenario.scenario
    title = {"ja": header.title.ja, "en": header.title.en}
    return SignpostReport(
        header.id, header.as_of.isoformat(), tuple(loaded.files), pack.pack.id, tuple(statuses), title
    )


def _labels(scenario: Scenario, fact_ids: list[str]) -> dict[str, dict[str, str]]:
    """The display names of the facts ``fact_ids``, ja and en."""
    from policyengine.models.names import Names
    from policyengine.models.scenario import SECTIONS

    wanted, names, out = set(fact_ids), Names(scenario), {}
    for section in SECTIONS:
        for f in getattr(scenario, section.key):
            if (fid := section.fact_id(f)) in wanted:
                out[fid] = {lang: names.fact_name(section.kind, f, lang) for lang in ("ja", "en")}
    return out
