"""Evaluation on durable-rules, with its pitfalls designed out.

* One synchronous host per process: the stock ``Host`` starts dispatcher threads that can take
  over the action chain, so ``assert_facts`` may return before every action ran.
* One session (``sid``) per evaluation; at the end every fact is retracted (stratum markers
  first, so nothing fires on the way out) and only then is the session deleted: deleting a
  session that still holds partial matches crashes the C engine.
* Every session opens with an ``$open`` marker whose rule's no-op action runs at once: the C
  engine leaves a session's action context uninitialised until some action has run, and
  deleting such a session frees garbage (a segfault, e.g. for a pack that matches nothing).
  A session that was not opened, or whose facts could not all be retracted, is never deleted:
  it is left to the engine (a bounded leak) and the evaluation fails with EngineError.
* A catch-all rule handles every fact (an unhandled fact raises and defers other actions).
* Fact ids come from a pool whose hashes never collide (see ``ids``).
* Actions only record what matched; derived facts are computed and asserted by this module
  between durable calls, in a deterministic order, and stratum by stratum, so that negation
  and counts only ever see complete sets of facts, whatever the order of the input.
* Errors inside actions, which durable-rules would swallow into the session state, are
  collected and raised as EngineError. Interrupts (Ctrl-C, SIGTERM) are held while durable-rules
  runs, which would swallow them too, and raised when it returns (``interrupts.critical``);
  the session is then cleaned up like any other.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import json.scanner
import operator
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _json_str  # what json.dumps(ensure_ascii=False) uses
from typing import TYPE_CHECKING, Any

from policyengine.compiler.emit import COUNT, KIND, OPEN, STRATUM, TALLY, CountSpec, engine_field
from policyengine.compiler.ir import Ref, RuleIR, Test
from policyengine.compiler.pipeline import CompiledPack
from policyengine.engine.ids import SAFE_PREFIX, fact_id
from policyengine.engine.trace import RuleCitation, Tracer
from policyengine.errors import EngineError, input_error
from policyengine.errors.locations import Location
from policyengine.models.factview import ViewFact, build_view
from policyengine.system.gcpause import paused_gc
from policyengine.system.heap import keep_freed_memory
from policyengine.system.interrupts import critical, routed

if TYPE_CHECKING:
    from policyengine.engine.results import ProseFactory, Result
    from policyengine.validation.scenario import LoadedScenario

_lock = threading.RLock()
_host: Any = None
_ruleset_counter = itertools.count(1)
_session_counter = itertools.count(1)


def _get_host() -> Any:
    """The process-wide synchronous durable-rules host (created on first use)."""
    global _host
    if _host is None:
        import durable.engine as durable_engine

        class SyncHost(durable_engine.Host):  # type: ignore[misc]
            def _run(self) -> None:
                # No background dispatcher: actions run inside assert_facts, to completion.
                return

        _host = SyncHost()
    return _host


def bound_facts(supports: Iterable[Support], seen: set[int] | None = None) -> list[int]:
    """The ids of every fact these supports bind, in the order they bind them, each once (each
    product's groups read once; ``seen``, the ids of groups already read, to read them once over
    several calls)."""
    out: dict[int, None] = {}
    if seen is None:
        seen = set()
    for s in supports:
        for _, fid in s.bindings:
            out[fid] = None
        for group in s.others:
            if id(group) not in seen:
                seen.add(id(group))
                for _, bound in group:
                    for _, fid in bound:
                        out[fid] = None
    return list(out)


#: one match of a group of a product rule: (its order-independent key, its bindings)
GroupMatch = tuple[tuple[str, ...], tuple[tuple[str, int], ...]]


@dataclass(frozen=True)
class Support:
    """One way a derived fact or outcome was reached: a rule and the facts its conditions bound.

    A rule of independent groups (``compiler.products``) is supported by *products*: ``bindings``
    is one match of its key group and ``others`` holds every match of each other group, so the
    support stands for every combination of ``bindings`` with one match of each (shared by all
    the rule's supports, in key order once the evaluation ends). It is never expanded by the
    engine; :meth:`combinations` expands it for readers that need each combination.
    """

    rule: int  # rule index
    bindings: tuple[tuple[str, int], ...]  # (variable or count alias, fact id); a product's key group
    key: tuple[str, ...] = ()  # order-independent sort key (of the key group's match for a product)
    others: tuple[list[GroupMatch], ...] = ()

    def combinations(self) -> Iterator[tuple[tuple[str, int], ...]]:
        """The bindings of every combination it stands for, each in variable order (one for a
        support that is not a product)."""
        if not self.others:
            yield self.bindings
            return
        for choice in itertools.product(*self.others):
            merged = dict(self.bindings)
            for _, bound in choice:
                merged.update(bound)
            yield tuple(sorted(merged.items()))

    def first(self) -> tuple[tuple[str, int], ...]:
        """The bindings of its first combination (every group's first match, in key order): the
        combination a justification is written from."""
        return next(self.combinations())

    def __hash__(self) -> int:  # a product's groups are lists: hash what identifies it
        return hash((self.rule, self.bindings, self.key, tuple(id(g) for g in self.others)))

    @property
    def size(self) -> int:
        """How many combinations it stands for."""
        n = 1
        for group in self.others:
            n *= len(group)
        return n


@dataclass(slots=True)
class EngineFact:
    """A fact in a session: base (from the scenario view), derived, or a count tally."""

    fid: int
    kind: str
    fields: dict[str, Any]
    key: str  # order-independent identity, for sorting and de-duplication
    view: ViewFact | None = None
    stratum: int = 0
    supports: list[Support] = field(default_factory=list)
    members: list[int] = field(default_factory=list)  # for $count facts: the counted facts


@dataclass
class Outcome:
    """A recommendation or risk with every support that produced it."""

    id: str
    kind: str  # recommendation | risk
    action: str  # action (recommendation) or risk kind
    target: str
    supports: list[Support] = field(default_factory=list)


@dataclass
class RawEvaluation:
    """What an evaluation produced, before rendering: facts, outcomes and their supports.

    It is also the one queryable base of the evaluation's facts that explain, diff and whatif
    share: :meth:`of_kind` and :meth:`lookup` (by kind, by a field's value), each built once.
    """

    compiled: CompiledPack
    facts: dict[int, EngineFact]
    outcomes: dict[str, Outcome]
    stats: dict[str, int]
    _by_kind: dict[str, list[EngineFact]] | None = field(default=None, init=False, repr=False, compare=False)
    _indexes: dict[tuple[str, str], dict[Any, list[EngineFact]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def fact(self, fid: int) -> EngineFact:
        return self.facts[fid]

    def by_kind(self) -> dict[str, list[EngineFact]]:
        """Every fact by kind (the engine's own ``$`` kinds included), each kind's sorted by key."""
        if self._by_kind is None:
            grouped: dict[str, list[EngineFact]] = defaultdict(list)
            for f in sorted(self.facts.values(), key=_fact_key):
                grouped[f.kind].append(f)
            self._by_kind = dict(grouped)
        return self._by_kind

    def of_kind(self, kind: str) -> list[EngineFact]:
        """The facts of a kind, sorted by key."""
        return self.by_kind().get(kind, [])

    def lookup(self, kind: str, name: str, value: Any) -> list[EngineFact]:
        """The facts of ``kind`` whose field ``name``, as the engine compares it (dates as day
        numbers; a list as a tuple; a missing field as None), equals ``value``; by key."""
        index = self._indexes.get((kind, name))
        if index is None:
            index = defaultdict(list)
            for f in self.of_kind(kind):
                index[_comparable(f.fields.get(name))].append(f)
            self._indexes[(kind, name)] = index
        try:
            return index.get(value, [])
        except TypeError:  # an unhashable value (a list) is looked up as a tuple
            return index.get(_comparable(value), [])

    def derived(self) -> list[EngineFact]:
        """Facts the rules derived (recommendation and risk facts included), by key."""
        return sorted((f for f in self.facts.values() if is_derived(f)), key=lambda f: f.key)


def _fact_key(f: EngineFact) -> str:
    return f.key


def _comparable(value: Any) -> Any:
    """A field value as the engine compares it, hashable (see RawEvaluation.lookup)."""
    if isinstance(value, (list, tuple)):
        return tuple(_comparable(v) for v in value)
    if hasattr(value, "toordinal"):
        return value.toordinal()
    return value


def is_derived(f: EngineFact) -> bool:
    """A fact a rule derived: neither a scenario fact nor the engine's own ($stratum, $count ...)."""
    return f.view is None and not f.kind.startswith("$")


_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1
#: longest text a fact may carry into the engine (ids are at most 64 characters, member keys
#: of 200 members 800, rule literals 1,000: see compiler.capacity)
MAX_ENGINE_TEXT = 8_192
#: most fields a fact may have (durable-rules crashes at 252 fields plus its own three)
MAX_ENGINE_FIELDS = 128
#: most scenario facts (as rules see them: one per country, member, area ...) one evaluation
#: asserts. Joins make the engine's work grow faster than the facts; the bound is memory: with
#: the paper's rules the generated world of 100,000 facts (201,489 of these) peaks at 2.9 GiB of
#: resident memory after about 30 s of CPU, one of 255,500 at 3.9 GiB (the benchmark's scaling
#: section, docs/performance.md): the limit keeps one evaluation under 4 GiB. The paper's world
#: has a few hundred. Raise it from Python for a trusted, larger world.
MAX_VIEW_FACTS = 210_000


def _engine_value(value: Any) -> Any:
    """Normalise a value for durable-rules' JSON, admitting only what its C parser handles.

    Dates become day numbers. Floats (JSON may write them with an exponent, which the engine
    rejects), integers beyond 64 bits, NUL characters (C strings end there), very long texts
    and anything that is not plain data are refused here, as EngineError, before the engine
    can misread them or crash: validation upstream never lets them through.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not _INT_MIN <= value <= _INT_MAX:
            raise EngineError("an integer beyond 64 bits cannot be given to the engine")
        return value
    if isinstance(value, str):
        if len(value) > MAX_ENGINE_TEXT or "\x00" in value:
            raise EngineError("a text too long for the engine, or holding a NUL character")
        return value
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, (list, tuple)):
        return [_engine_value(v) for v in value]
    raise EngineError(f"a {type(value).__name__} value cannot be given to the engine")


_ENGINE_NAMES = {name: engine_field(name) for name in ("id", "sid")}


def _to_engine(
    kind: str, fid: int, sid: str, fields: dict[str, Any], only: tuple[str, ...] | None = None
) -> dict[str, Any]:
    """The engine's record of a fact: its kind, id, session and fields (``only`` these, if given)."""
    names = tuple((n, _ENGINE_NAMES.get(n, n)) for n in (fields if only is None else only))
    return _base_record(kind, fid, sid, fields, names)


def _base_record(
    kind: str, fid: int, sid: str, fields: dict[str, Any], names: tuple[tuple[str, str], ...]
) -> dict[str, Any]:
    """The engine's record of a fact with the fields ``names`` gives, each paired with the name the
    engine knows it by (``id`` and ``sid`` are the engine's own): the checks of every value, and
    plain values admitted without a call. A scenario's facts come with their kind's names computed
    once (see ``_base_facts``)."""
    if len(fields) > MAX_ENGINE_FIELDS:
        raise EngineError(f"a '{kind}' fact with {len(fields)} fields is too large for the engine")
    out: dict[str, Any] = {KIND: kind, "id": fid, "sid": sid}
    get = fields.get
    for name, engine_name in names:
        value = get(name)
        if value is None:
            continue  # absent: tests on it fail, 'exists: false' holds
        t = type(value)
        if t is str:
            if len(value) > MAX_ENGINE_TEXT or "\x00" in value:
                _engine_value(value)  # raises
        elif t is int:
            if not _INT_MIN <= value <= _INT_MAX:
                _engine_value(value)  # raises
        elif t is list and _plain_texts(value):
            value = list(value)
        elif t is not bool:
            value = _engine_value(value)
        out[engine_name] = value
    return out


#: the C scanner json.loads runs (typeshed types its argument as the scanner class itself)
_scan_json: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


def _decode_message(text: str) -> Any:
    """``json.loads`` of an action message, without its Python layers (two whitespace matches
    and two calls around the C scanner): the engine writes one JSON object, nothing around it."""
    try:
        return _scan_json(text, 0)[0]
    except StopIteration:  # not where the scanner starts (e.g. leading whitespace): the long way
        return json.loads(text)


def _first(pair: tuple[str, Any]) -> str:
    return pair[0]


def _plain_texts(values: list[Any]) -> bool:
    """Whether a list holds only texts that _engine_value would pass unchanged (checked in C)."""
    if not values:
        return True
    return (
        set(map(type, values)) == {str}
        and max(map(len, values)) <= MAX_ENGINE_TEXT
        and "\x00" not in "".join(values)
    )


def fact_ref(f: EngineFact) -> str:
    """How trace events name a fact: ``ORIGIN#DETAIL`` for scenario facts, the key otherwise."""
    return f.view.describe() if f.view is not None else f.key


def _citation(r: RuleIR) -> RuleCitation:
    src = r.rule.source
    return RuleCitation(r.id, str(r.location), src.document, src.section, src.quote)


class _NotPlain(Exception):
    """A value the fast canonical encoder leaves to json.dumps."""


def _encode(value: Any) -> str:
    t = type(value)
    if t is str:
        return _json_str(value)
    if t is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if t is bool:
        return "true" if value else "false"
    if t is list or t is tuple:
        return "[" + ", ".join([_encode(v) for v in value]) + "]"
    if t is dict:
        return _encode_dict(value)
    if t is dt.date:
        return _json_str(str(value))  # as json.dumps(default=str)
    raise _NotPlain


def _encode_dict(d: dict[Any, Any]) -> str:
    for k in d:
        if type(k) is not str:
            raise _NotPlain
    return "{" + ", ".join([_json_str(k) + ": " + _encode(v) for k, v in sorted(d.items())]) + "}"


def _canonical(fields: dict[str, Any]) -> str:
    """``json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)``, character for character.

    Keys are computed for every fact of every evaluation; the plain values facts hold (text,
    integers, booleans, dates, lists) are encoded directly, anything else by json.dumps.
    """
    try:
        return _encode_dict(fields)
    except _NotPlain:
        return json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)


def _stable_key(kind: str, fields: dict[str, Any]) -> str:
    return kind + _canonical(fields)


def _view_key(v: ViewFact) -> str:
    """``_stable_key(v.kind, {"o": v.origin, "d": v.detail})`` for the text fields of a view fact."""
    return f'{v.kind}{{"d": {_json_str(v.detail)}, "o": {_json_str(v.origin)}}}'


class _Product:
    """The matches of a product rule's groups so far, in one evaluation."""

    __slots__ = ("others", "ready", "waiting")

    def __init__(self, groups: int) -> None:
        #: every match of each group but the key group (shared by the rule's supports)
        self.others: tuple[list[GroupMatch], ...] = tuple([] for _ in range(groups - 1))
        #: matches of the key group waiting for every other group to have one
        self.waiting: list[GroupMatch] = []
        self.ready = False  # every other group has a match


class _Session:
    """State of one evaluation."""

    def __init__(self, prepared: PreparedPack, tracer: Tracer | None) -> None:
        self.prepared = prepared
        self.number = next(_session_counter)
        self.sid = f"s{self.number}"
        self.facts: dict[int, EngineFact] = {}
        self.by_key: dict[str, int] = {}
        #: the fields of every fact, by kind (what the run-time budget on matches reads)
        self.by_kind: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        #: the budget's estimates for conditions, by the number of facts of their kind (see _check_fanout)
        self.estimates: dict[tuple[Any, ...], tuple[float, Sequence[dict[str, Any]]]] = {}
        self.asserted: list[dict[str, Any]] = []
        self.markers: list[dict[str, Any]] = []
        self.matches: list[tuple[int, tuple[tuple[str, int], ...]]] = []
        #: matches of the groups of product rules: (rule, group, bindings)
        self.parts: list[tuple[int, int, tuple[tuple[str, int], ...]]] = []
        #: the state of each product rule (compiler.products), by rule index
        self.products: dict[int, _Product] = {}
        self.tallies: dict[str, set[int]] = defaultdict(set)
        self.errors: list[str] = []
        self.outcomes: dict[str, Outcome] = {}
        self.tracer = tracer
        self.next_index = 0
        self.view_facts = 0  # facts of the scenario's view in the session
        self.counts = 0  # $count facts
        self.stratum = 0
        self.opened = False  # the session_open action ran: the C action context is initialised
        self.pending: list[dict[str, Any]] = []  # a batch being asserted

    def new_fact(self, kind: str, fields: dict[str, Any], key: str, **kw: Any) -> EngineFact:
        i = self.next_index
        self.next_index = i + 1
        fid = i if i < SAFE_PREFIX else fact_id(i)
        f = EngineFact(fid, kind, fields, key, **kw)
        self.facts[fid] = f
        self.by_key[key] = fid
        self.by_kind[kind].append(fields)
        return f


class PreparedPack:
    """A compiled pack registered with durable-rules: prepare once, evaluate many times."""

    def __init__(self, compiled: CompiledPack) -> None:
        self.compiled = compiled
        self._session: _Session | None = None
        self._rules_by_stratum: dict[int, list[RuleIR]] = defaultdict(list)
        for r in compiled.rules:
            self._rules_by_stratum[r.stratum].append(r)
        self._counts_by_stratum: dict[int, list[CountSpec]] = defaultdict(list)
        for spec in compiled.counts:
            self._counts_by_stratum[spec.stratum].append(spec)
        # (variable, alias) of what a rule's match binds, by variable: a match is recorded as its
        # bindings in that order, which is the order of Support.bindings
        self._match_aliases = {
            r.index: sorted(
                (c.var or c.alias, c.alias)
                for c in r.conditions
                if c.mode == "match" or (c.mode == "count" and c.at_least is not None)
            )
            for r in compiled.rules
        }
        # the same for each group of a product rule (compiler.products), by (rule, group)
        self._group_aliases = {
            (r.index, j): sorted(
                (c.var or c.alias, c.alias)
                for c in r.conditions
                if c.index in group and (c.mode == "match" or (c.mode == "count" and c.at_least is not None))
            )
            for r in compiled.rules
            for j, group in enumerate(r.groups)
        }
        self._rule_ids = [r.id for r in compiled.rules]
        self._citations = {r.index: _citation(r) for r in compiled.rules}
        # The literal tests of every condition (match, absent, count) on each base kind: a fact
        # that fails some literal test of every condition on its kind can never be matched,
        # counted or block an absence, so durable-rules need not see it (see _may_match). Only
        # tests _surely_fails can decide count (the others never fail a fact there).
        self._literal_tests: dict[str, list[list[Test]]] = defaultdict(list)
        for r in compiled.rules:
            for c in r.conditions:
                if c.kind in compiled.base_kinds:
                    self._literal_tests[c.kind].append(
                        [t for t in c.tests if not isinstance(t.value, Ref) and t.op in _DECIDES]
                    )
        # The decision depends only on the tested fields' values, which take few distinct values
        # (alignments, statuses, kinds): decided once per combination (and kept, see _decided).
        self._tested: dict[str, Callable[[dict[str, Any]], Any] | None] = {}
        for kind, conditions in self._literal_tests.items():
            names = sorted({t.field for tests in conditions for t in tests})
            always = any(not tests for tests in conditions)
            self._tested[kind] = None if always else operator.itemgetter(*names) if names else None
        # The fields of each base kind that some condition tests or some test refers to: the only
        # ones durable-rules reads (actions record fact ids; derived values are read from the
        # session's own facts), so a scenario fact is given to the engine with these alone.
        engine_fields: dict[str, set[str]] = defaultdict(set)
        for r in compiled.rules:
            for c in r.conditions:
                for t in c.tests:
                    engine_fields[c.kind].add(t.field)
                    if isinstance(t.value, Ref):
                        engine_fields[r.var_kinds[t.value.var]].add(t.value.field)
        self._engine_fields = {
            kind: tuple(sorted(engine_fields.get(kind, ()))) for kind in compiled.base_kinds
        }
        #: the same, each with the name the engine knows it by (``id`` and ``sid`` are its own)
        self._engine_names = {
            kind: tuple((name, _ENGINE_NAMES.get(name, name)) for name in names)
            for kind, names in self._engine_fields.items()
        }
        #: decisions of _may_match by (kind, values of the tested fields), kept across evaluations
        self._decided: dict[tuple[str, Any], bool] = {}
        #: the run-time budget's decisions, by condition (its id: the conditions live as long as
        #: the pack) and values of its tested fields, kept across evaluations (see _check_fanout)
        self._budget: dict[int, dict[tuple[Any, ...], bool]] = {}
        self._outcome_kinds_used = {
            c.kind for r in compiled.rules for c in r.conditions if c.kind in ("recommendation", "risk")
        }
        self._actions: dict[str, Callable[[dict[str, Any]], None]] = {}
        self._ruleset: Any = None
        self.name = ""
        # a session durable-rules could not safely delete stays in the ruleset: never free it then
        self._left_behind = False
        self._register()

    def _register(self) -> None:
        """Register the pack with durable-rules under a fresh name (E407 when it cannot hold it)."""
        compiled = self.compiled
        with _lock:
            host = _get_host()
            self.name = f"policyengine_{compiled.fingerprint}_{next(_ruleset_counter)}"
            definition = json.loads(json.dumps(compiled.definition))  # register_rulesets mutates its input
            for rule_name, body in definition.items():
                action = self._actions[rule_name] = self._action(rule_name)
                body["run"] = _closure_action(action)
            try:
                with critical():
                    host.register_rulesets({self.name: definition})
            except Exception as exc:
                # The compiler's capacity stage keeps packs well inside the engine's limits; this
                # catches what it cannot foresee (e.g. many rules sharing one condition).
                raise input_error(
                    "E407",
                    f"durable-rules cannot hold this rule pack: {str(exc)[:200]}",
                    Location(compiled.path or compiled.pack.id),
                    "split the pack, or simplify rules that repeat the same conditions many times",
                ) from None
            self._ruleset = host.get_ruleset(self.name)

    def close(self) -> None:
        """Free the engine's copy of the pack; the next evaluation registers it again.

        durable-rules keeps every registered ruleset until the process ends (about 1.4 MB for
        the paper's pack), so a process that compiles many packs closes those it no longer
        uses (:func:`prepare` does, beyond the most recent few). A pack that ever left a
        session in the engine (see ``_cleanup``) is not freed: deleting the ruleset would
        delete that session too, which is what must not happen.
        """
        with _lock:
            if self._ruleset is None or self._session is not None or self._left_behind:
                return
            import durable_rules_engine

            host = _get_host()
            ruleset, self._ruleset = self._ruleset, None
            host._ruleset_directory.pop(self.name, None)
            with contextlib.suppress(ValueError):
                host._ruleset_list.remove(ruleset)
            with critical():
                durable_rules_engine.delete_ruleset(ruleset._handle)

    @property
    def registered(self) -> bool:
        """Whether durable-rules holds the pack now (see :meth:`close`)."""
        return self._ruleset is not None

    # -- durable actions: record only --------------------------------------------------------
    def _action(self, rule_name: str) -> Callable[[dict[str, Any]], None]:
        """The action of a rule, given the facts it matched (alias -> fact)."""
        if rule_name == "catch_all":
            return lambda m: None
        if rule_name == "session_open":

            def opened(m: dict[str, Any]) -> None:
                session = self._session
                if session is not None:
                    session.opened = True

            return opened
        if rule_name.startswith("t"):
            index, cond = (int(x) for x in rule_name[1:].split("_"))
            key = f"r{index}.c{cond}"

            def tally(m: dict[str, Any]) -> None:
                session = self._session
                if session is None:
                    return
                try:
                    session.tallies[key].add(int(m["x"]["id"]))
                except Exception as exc:
                    session.errors.append(f"tally {key}: {type(exc).__name__}: {exc}")

            return tally
        head = rule_name[1:].partition("v")[0]  # r<index>, or r<index>v<k>: a variant
        if "g" in head:  # r<index>g<group>: one group of a product rule
            index, group = (int(x) for x in head.split("g"))
            part_aliases = self._group_aliases[(index, group)]

            def part(m: dict[str, Any]) -> None:
                session = self._session
                if session is None:
                    return
                try:
                    bound = tuple([(var, int(m[alias]["id"])) for var, alias in part_aliases])
                    session.parts.append((index, group, bound))
                except Exception as exc:
                    session.errors.append(f"rule {index}: {type(exc).__name__}: {exc}")

            return part
        index = int(head)
        aliases = self._match_aliases[index]

        def action(m: dict[str, Any]) -> None:
            session = self._session
            if session is None:
                return
            try:
                session.matches.append((index, tuple([(var, int(m[alias]["id"])) for var, alias in aliases])))
            except Exception as exc:
                session.errors.append(f"rule {index}: {type(exc).__name__}: {exc}")

        return action

    # -- evaluation ----------------------------------------------------------------------------
    def evaluate_view(self, view: list[ViewFact], *, tracer: Tracer | None = None) -> RawEvaluation:
        """Evaluate view facts (see :mod:`policyengine.models.factview`) in a fresh session."""
        with _lock, paused_gc(), routed():
            if self._ruleset is None:
                self._register()
            session = _Session(self, tracer)
            if session.number == 2:
                # A process that evaluates more than once keeps the memory sessions free (see
                # system.heap: otherwise each session may fault its ~3 MB of tables in again).
                keep_freed_memory()
            self._session = session
            try:
                self._run(session, view)
            finally:
                self._session = None
                self._cleanup(session)
            if session.errors:
                raise EngineError("rule action failed: " + "; ".join(session.errors[:3]))
            # Every fact is a scenario fact, a marker, a count or derived (see is_derived): counted
            # as they were made, not by a pass over them all.
            own = len(session.markers) + session.counts
            stats = {
                "facts": session.view_facts,
                "derived": len(session.facts) - session.view_facts - own,
                "matches": sum(s.size for o in session.outcomes.values() for s in o.supports),
                "strata": self.compiled.strata,
            }
            return RawEvaluation(self.compiled, session.facts, session.outcomes, stats)

    def _assert(self, session: _Session, batch: list[dict[str, Any]]) -> None:
        if not batch:
            return
        import durable.engine as durable_engine

        # Recorded before the call: a batch that fails half-way may have left facts in the session,
        # and cleanup must retract those too. The actions run, and the bookkeeping after the call
        # is done, in the critical block, so that an interrupt held meanwhile is raised only once
        # the engine has returned and the session's record is complete.
        session.pending = batch
        with critical():
            try:
                state = self._ruleset.assert_facts(batch)
            except durable_engine.MessageObservedException as exc:
                raise EngineError(f"durable-rules saw a fact twice: {exc.message[:200]}") from None
            except durable_engine.MessageNotHandledException as exc:
                raise EngineError(f"durable-rules did not handle a fact: {exc.message[:200]}") from None
            session.pending = []
            session.asserted.extend(batch)
            self._run_actions(state)

    def _run_actions(self, state: int) -> None:
        """Run every action the last assertion made ready, to completion.

        This is the loop of durable-rules' ``Ruleset.do_actions``, with the same engine calls in
        the same order, minus what only its general-purpose actions need: a ``Closure`` per
        action and a JSON round trip of the session state, which our actions never change (the
        state the engine handed out is handed back as it came). Our actions record their own
        errors in the session (raised after the evaluation as EngineError); anything that still
        escapes one abandons the action, as durable-rules does, and is raised instead of being
        swallowed into the session state.
        """
        import durable_rules_engine as engine

        handle = self._ruleset._handle
        started = engine.start_action_for_state(handle, state)
        if not started:
            return
        state_json, messages = started
        actions = self._actions
        loads = _decode_message
        try:
            while messages:
                for rule_name, matched in loads(messages).items():
                    actions[rule_name](matched)
                    break
                engine.update_state(handle, state_json)
                messages = engine.complete_and_start_action(handle, state)
        except BaseException:
            engine.abandon_action(handle, state)
            raise

    def _marker(self, session: _Session, kind: str, n: int) -> None:
        f = session.new_fact(kind, {"n": n}, f"{kind}{n}")
        record = _to_engine(kind, f.fid, session.sid, {"n": n})
        session.markers.append(record)
        self._assert(session, [record])

    def _run(self, session: _Session, view: list[ViewFact]) -> None:
        self._marker(session, OPEN, 0)
        if not session.opened:
            raise EngineError("durable-rules did not open the session")
        batch = self._base_facts(session, view)
        # durable-rules joins base facts as they arrive, before any stratum marker: the budget is
        # checked on them first, then before each stratum on what earlier strata derived.
        _check_fanout(self.compiled.rules, session)
        self._assert(session, batch)
        for k in range(1, self.compiled.strata + 1):
            session.stratum = k
            if self._counts_by_stratum.get(k):
                self._tally(session, k)
            if session.tracer is not None:
                session.tracer.emit("stratum", k)
            if k > 1:
                _check_fanout(self._rules_by_stratum.get(k, ()), session)
            self._marker(session, STRATUM, k)
            # Forward chaining to a fixpoint within the stratum.
            while session.matches or session.parts:
                pending, session.matches = session.matches, []
                parts, session.parts = session.parts, []
                batch = self._consume(session, pending)
                if parts:
                    batch.extend(self._consume_parts(session, parts))
                self._assert(session, batch)
        for product in session.products.values():
            for group in product.others:
                group.sort()

    def _base_facts(self, session: _Session, view: list[ViewFact]) -> list[dict[str, Any]]:
        """Add the view's facts to the session, in a canonical order (the result never depends
        on it; ids then do not either); the engine's records of those some condition may match.

        The engine's records are made with each kind's engine names computed once (``_base_record``).
        """
        kinds = self.compiled.base_kinds
        base = sorted([(_view_key(v), v) for v in view if v.kind in kinds], key=_first)
        decided = self._decided
        if len(decided) > _DECIDED_MAX:
            decided.clear()
        if sum(map(len, self._budget.values())) > _DECIDED_MAX:
            self._budget.clear()
        by_key, sid, new_fact = session.by_key, session.sid, session.new_fact
        engine_names = self._engine_names
        may_match = self._may_match_cached
        batch = []
        for key, v in base:
            if key in by_key:
                continue
            kind, fields = v.kind, v.fields
            fid = new_fact(kind, fields, key, view=v).fid
            session.view_facts += 1
            if may_match(kind, fields, decided):
                batch.append(_base_record(kind, fid, sid, fields, engine_names[kind]))
        return batch

    def _may_match_cached(
        self, kind: str, fields: dict[str, Any], decided: dict[tuple[str, Any], bool]
    ) -> bool:
        tested = self._tested.get(kind)
        if tested is None:
            return True  # a condition on this kind has no literal test: every fact may match
        try:
            combination = (kind, tested(fields))
            found = decided.get(combination)
        except (KeyError, TypeError):  # a field missing from the dict, or a list: no shortcut
            return self._may_match(kind, fields)
        if found is None:
            found = decided[combination] = self._may_match(kind, fields)
        return found

    def _may_match(self, kind: str, fields: dict[str, Any]) -> bool:
        """False only when every condition on the kind has a literal test the fact surely fails."""
        for tests in self._literal_tests.get(kind, ()):
            if not any(_surely_fails(t, fields) for t in tests):
                return True
        return False

    def _tally(self, session: _Session, k: int) -> None:
        session.tallies.clear()
        self._marker(session, TALLY, k)
        batch = []
        for spec in self._counts_by_stratum[k]:
            groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
            for fid in session.tallies.get(spec.key, ()):
                fields = session.facts[fid].fields
                if all(fields.get(g) is not None for g in spec.group_fields):
                    groups[tuple(fields[g] for g in spec.group_fields)].append(fid)
            for values, members in sorted(groups.items(), key=lambda kv: json.dumps(kv[0], default=str)):
                fields = {"c": spec.key, "n": len(members)}
                fields.update({f"g_{g}": v for g, v in zip(spec.group_fields, values, strict=True)})
                f = session.new_fact(COUNT, fields, _stable_key(COUNT, fields), stratum=k)
                session.counts += 1
                f.members = sorted(members, key=lambda m: session.facts[m].key)
                batch.append(_to_engine(COUNT, f.fid, session.sid, fields))
                if session.tracer is not None:
                    session.tracer.emit(
                        "count",
                        k,
                        fact=f.key,
                        data={
                            "count": spec.key,
                            "group": list(values),
                            "n": len(members),
                            "members": [fact_ref(session.facts[m]) for m in f.members],
                        },
                    )
        self._assert(session, batch)

    def _consume(
        self, session: _Session, pending: list[tuple[int, tuple[tuple[str, int], ...]]]
    ) -> list[dict[str, Any]]:
        """Turn recorded matches into derived facts and outcomes, in a canonical order."""
        rules = self.compiled.rules
        rule_ids = self._rule_ids
        facts = session.facts
        tracer = session.tracer
        keyed = [
            (rule_ids[index], tuple([f"{var}={facts[fid].key}" for var, fid in bound]), index, bound)
            for index, bound in pending
        ]
        keyed.sort(key=_by_rule_and_key)
        batch: list[dict[str, Any]] = []
        for _, key, index, bound in keyed:
            rule = rules[index]
            support = Support(index, bound, key)
            cause = None
            if tracer is not None:
                cause = tracer.emit(
                    "match",
                    rule.stratum,
                    rule=rule.id,
                    bindings=tuple((var, fact_ref(facts[fid])) for var, fid in bound),
                    citation=self._citations[index],
                )
            batch.extend(self._produce(session, rule, support, bound, cause))
        return batch

    def _consume_parts(
        self, session: _Session, parts: list[tuple[int, int, tuple[tuple[str, int], ...]]]
    ) -> list[dict[str, Any]]:
        """Record the matches of product rules' groups; a match of a key group makes the rule's
        outputs once every other group has a match (compiler.products), in a canonical order."""
        rule_ids = self._rule_ids
        facts = session.facts
        tracer = session.tracer
        # each rule's other groups before its key group, so that readiness is known
        keyed = sorted(
            (
                rule_ids[index],
                group == 0,
                group,
                tuple([f"{var}={facts[fid].key}" for var, fid in bound]),
                index,
                bound,
            )
            for index, group, bound in parts
        )
        batch: list[dict[str, Any]] = []

        def produce(rule: RuleIR, support: Support) -> None:
            cause = None
            if tracer is not None:  # the application as explain shows it: its first combination
                cause = tracer.emit(
                    "match",
                    rule.stratum,
                    rule=rule.id,
                    bindings=tuple((var, fact_ref(facts[fid])) for var, fid in support.first()),
                    citation=self._citations[rule.index],
                )
            batch.extend(self._produce(session, rule, support, support.bindings, cause))

        for _, _, group, key, index, bound in keyed:
            rule = self.compiled.rules[index]
            product = session.products.get(index)
            if product is None:
                product = session.products[index] = _Product(len(rule.groups))
            if group > 0:
                product.others[group - 1].append((key, bound))
                if not product.ready and all(product.others):
                    product.ready = True
                    waiting, product.waiting = sorted(product.waiting), []
                    for k, b in waiting:
                        produce(rule, Support(index, b, k, product.others))
            elif product.ready:
                produce(rule, Support(index, bound, key, product.others))
            else:
                product.waiting.append((key, bound))
        return batch

    def _produce(
        self,
        session: _Session,
        rule: RuleIR,
        support: Support,
        bound: tuple[tuple[str, int], ...],
        cause: int | None = None,
    ) -> list[dict[str, Any]]:
        """The derived facts and outcomes of one support of a rule."""
        facts = session.facts
        bindings = dict(bound)
        batch: list[dict[str, Any]] = []
        output = rule.output
        for kind, spec in output.derive:
            fields = {
                name: facts[bindings[v.var]].fields.get(v.field) if type(v) is Ref else v
                for name, v in spec.items()
            }
            batch.extend(self._derive(session, kind, fields, support, rule, cause))
        if output.recommend is not None:
            rec = output.recommend
            target = self._value(session, rec["target"], bindings)
            batch.extend(
                self._outcome(session, "recommendation", rec["action"], target, support, rule, cause)
            )
        if output.risk is not None:
            risk = output.risk
            target = self._value(session, risk["target"], bindings)
            batch.extend(self._outcome(session, "risk", risk["kind"], target, support, rule, cause))
        return batch

    @staticmethod
    def _value(session: _Session, v: Any, bindings: dict[str, int]) -> Any:
        if isinstance(v, Ref):
            return session.facts[bindings[v.var]].fields.get(v.field)
        return v

    def _trace(self, session: _Session, kind: str, rule: RuleIR, cause: int | None, **kw: Any) -> None:
        if session.tracer is not None:
            session.tracer.emit(
                kind, rule.stratum, rule=rule.id, cause=cause, citation=self._citations[rule.index], **kw
            )

    def _derive(
        self,
        session: _Session,
        kind: str,
        fields: dict[str, Any],
        support: Support,
        rule: RuleIR,
        cause: int | None = None,
    ) -> list[dict[str, Any]]:
        key = _stable_key(kind, fields)
        fid = session.by_key.get(key)
        if fid is not None:
            session.facts[fid].supports.append(support)
            if session.tracer is not None:
                self._trace(session, "support", rule, cause, fact=key, data={"of": "derive"})
            return []
        f = session.new_fact(kind, fields, key, stratum=rule.stratum, supports=[support])
        if session.tracer is not None:
            self._trace(session, "derive", rule, cause, fact=key, data=dict(fields))
        return [_to_engine(kind, f.fid, session.sid, fields)]

    def _outcome(
        self,
        session: _Session,
        kind: str,
        action: str,
        target: Any,
        support: Support,
        rule: RuleIR,
        cause: int | None = None,
    ) -> list[dict[str, Any]]:
        if not isinstance(target, str) or not target:
            session.errors.append(f"rule '{rule.id}': target is {target!r}, not text")
            return []
        oid = f"{action}/{target}"
        event = "recommend" if kind == "recommendation" else "risk"
        existing = session.outcomes.get(f"{kind}:{oid}")
        if existing is not None:
            existing.supports.append(support)
            self._trace(session, "support", rule, cause, fact=oid, data={"of": event})
            return []
        session.outcomes[f"{kind}:{oid}"] = Outcome(oid, kind, action, target, [support])
        self._trace(session, event, rule, cause, fact=oid)
        if kind not in self._outcome_kinds_used:
            return []
        name = "action" if kind == "recommendation" else "kind"
        fields = {"id": oid, name: action, "target": target}
        if support.others:
            # The outcome's fact rests on the support that first made it, as for any rule: for a
            # product, its first combination (what a rule matching the fact is evidence of).
            first = support.first()
            support = Support(
                rule.index, first, tuple([f"{var}={session.facts[fid].key}" for var, fid in first])
            )
        return self._derive(session, kind, fields, support, rule, cause)

    def _cleanup(self, session: _Session) -> None:
        with critical():
            self._cleanup_session(session)

    def _cleanup_session(self, session: _Session) -> None:
        """Retract markers (so nothing can fire), then every other fact, then delete the session.

        The session is deleted only when that is safe: it was opened (its action context is
        initialised) and every fact was retracted (no partial matches remain). Otherwise it is
        left in the engine, which costs one of its 1024 session slots but cannot crash.

        The other facts are retracted newest first, in one call. durable-rules indexes a
        session's facts in a hash table of 512 chains (state.c: SET puts a new entry at the head
        of its chain, GET_FIRST walks from the head), so finding the oldest fact walks its whole
        chain: retracting oldest first was quadratic in the number of facts.
        """
        host = _get_host()
        if not session.asserted and not session.pending:
            return  # durable-rules never created the session
        safe = session.opened
        try:
            if session.markers:
                host.retract_facts(self.name, session.markers)
            markers = {id(m) for m in session.markers}
            rest = [f for f in reversed(session.asserted) if id(f) not in markers]
            if rest:
                host.retract_facts(self.name, rest)
        except Exception as exc:
            safe = False
            session.errors.append(f"cleanup: {type(exc).__name__}: {exc}")
        if session.pending:
            # A batch failed half-way: some of its facts may be in the session, with partial
            # matches that no retraction can be sure to clear. Retract what can be, never delete.
            safe = False
            for record in session.pending:
                with contextlib.suppress(Exception):
                    host.retract_fact(self.name, record)
        if not safe:
            self._left_behind = True
            session.errors.append("cleanup: session left in the engine (not safe to delete)")
            return
        try:
            host.delete_state(self.name, session.sid)
        except Exception as exc:
            self._left_behind = True
            session.errors.append(f"cleanup: {type(exc).__name__}: {exc}")

    def evaluate(
        self, loaded: LoadedScenario, *, tracer: Tracer | None = None, prose: ProseFactory | None = None
    ) -> Result:
        """Evaluate a scenario in a fresh session: recommendations and risks, as data; their
        texts are written, when read, by what ``prose`` makes (``policyengine.core.prose.ResultProse``)."""
        from policyengine.engine.results import build_result

        with paused_gc():
            view = build_view(loaded.scenario, self.compiled.base_kinds)
            check_view_size(len(view), loaded)
            raw = self.evaluate_view(view, tracer=tracer)
            return build_result(raw, loaded, prose)


#: most combinations of tested values whose _may_match decision a prepared pack keeps
_DECIDED_MAX = 10_000


def check_view_size(view_facts: int, loaded: LoadedScenario) -> None:
    """Raise E308 when a scenario makes more view facts than one evaluation takes; located at the
    scenario's ``scenario:`` header (the file given, not one it extends)."""
    if view_facts > MAX_VIEW_FACTS:
        origin = loaded.origin(f"scenario:{loaded.scenario.scenario.id}")
        raise input_error(
            "E308",
            f"the scenario makes {view_facts:,} facts for the rules (countries, members, areas, "
            f"parties ...); one evaluation takes at most {MAX_VIEW_FACTS:,}",
            origin.location if origin is not None else Location(loaded.path),
            "evaluate a smaller part of the world, or raise "
            "policyengine.engine.runtime.MAX_VIEW_FACTS from Python for a file you trust",
        )


#: the operators _surely_fails can decide (on any other it answers False, whatever the fact)
_DECIDES = frozenset({"exists", "eq", "ne", "in", "not_in"})


def _surely_fails(t: Test, fields: dict[str, Any]) -> bool:
    """Whether durable-rules must reject the fact on this literal test.

    Decided only where Python and the engine plainly agree (a field present or absent; text or
    integers compared with values of the same type); anything else is left to the engine.
    """
    value = fields.get(t.field)
    if t.op == "exists":
        return (value is not None) != bool(t.value)
    kind = type(value)
    if kind is not str and kind is not int:
        return False
    literal = t.value
    if t.op == "eq":
        return type(literal) is kind and literal != value
    if t.op == "ne":
        return type(literal) is kind and literal == value
    if t.op == "in":
        return all(type(x) is kind for x in literal) and value not in literal
    if t.op == "not_in":
        return any(type(x) is kind and x == value for x in literal)
    return False


# -- run-time budget on a rule's matches (compiler.capacity) ---------------------------------------


def _check_fanout(rules: Sequence[RuleIR], session: _Session) -> None:
    """E408 at the rule, before a stratum runs, when a rule would combine more facts than
    ``compiler.capacity.MAX_RULE_MATCHES`` (a cross product the pack's shape did not show)."""
    from policyengine.compiler.capacity import FANOUT_HINT, MAX_RULE_MATCHES, estimate_matches, fanout_message

    for rule in rules:
        estimate = estimate_matches(
            rule, session.by_kind, _surely_fails, session.estimates, _DECIDES, session.prepared._budget
        )
        if estimate > MAX_RULE_MATCHES:
            raise input_error("E408", fanout_message(rule, estimate), rule.location, FANOUT_HINT)


def _by_rule_and_key(match: tuple[str, tuple[str, ...], int, Any]) -> tuple[str, tuple[str, ...]]:
    return match[0], match[1]


def _closure_action(action: Callable[[dict[str, Any]], None]) -> Callable[[Any], None]:
    """The same action in the form durable-rules' own dispatch calls (with a Closure)."""

    def run(c: Any) -> None:
        action(c._m)

    return run


#: how many packs :func:`prepare` keeps registered; the least recently prepared is closed
PREPARED_MAX = 16
_prepared: OrderedDict[int, PreparedPack] = OrderedDict()


def prepare(compiled: CompiledPack) -> PreparedPack:
    """Register a compiled pack (once per CompiledPack object) and return it ready to evaluate.

    The most recently prepared :data:`PREPARED_MAX` packs stay registered; an older one is
    closed (its engine memory freed), and preparing it again registers it again. A
    :class:`PreparedPack` made or kept by the caller is the caller's to :meth:`~PreparedPack.close`.
    """
    with _lock:
        key = id(compiled)
        found = _prepared.get(key)
        if found is None or found.compiled is not compiled:
            found = PreparedPack(compiled)
            _prepared[key] = found
        _prepared.move_to_end(key)
        while len(_prepared) > PREPARED_MAX:
            _, oldest = _prepared.popitem(last=False)
            oldest.close()
        return found
