"""The fact vocabulary in one place: every fact kind rules see, and every field of each.

One entry per field says where its value lives in a scenario fact (``path``), its type and
values, whether it is the fact's identity, a state it is in or a description of what it is
(``role``), whether what-if may propose another value (``whatif``), a sweep may vary it
(``sweep``) and a signpost may set it (``signpost``), and the catalog key of its label in both
languages (``label``: ``fields.<name>`` in ``policyengine/text/catalog/fields.yaml``). Everything
else reads it: the view the rules match (:mod:`policyengine.models.factview`), the kinds the compiler
checks rules against and the reference in docs/rules.md, what-if's alterable fields
(:mod:`policyengine.counterfactual.fields`), the sweep's variable fields, the fields a signpost
sets, and the field labels of justifications and change descriptions.

Adding a field to a scenario model means adding its entry here (or naming it in
:data:`NOT_SEEN_BY_RULES` with the reason); ``tests/test_registry.py`` fails until one of the two
is done.

A *main* kind is one scenario section (``country`` is ``countries``); a *part* kind is one entry
of a list of a main kind's fact (``membership`` is one of a framework's ``members``). Rules join
and negate most naturally over flat facts, which is why parts are kinds of their own.

Pure data: no engine, no I/O.
"""

from __future__ import annotations

import operator
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from policyengine.models import scenario as sm
from policyengine.models.vocabulary import AREA_NAMES

FieldType = Literal["text", "code", "id", "int", "bool", "date", "list"]
#: identity: names the fact; state: what state the fact is in (what changes over time and what
#: what-if asks about); description: what the fact is, or what it refers to; derived: computed for
#: the rules from other fields (counts, sorted member lists)
Role = Literal["identity", "state", "description", "derived"]

#: the agreement status rules see: talks count as negotiating (the paper says of the UK's and
#: France's RAA talks of 2022 「交渉が進められている」); the ``phase`` field tells them apart
RULE_AGREEMENT_STATUS: tuple[str, ...] = ("negotiating", "signed", "in-force")


def rule_status(phase: str) -> str:
    """An agreement's status as rules see it, from its phase."""
    return "negotiating" if phase == "talks" else phase


_AREA_RANK = {area: i for i, area in enumerate(AREA_NAMES)}


def canonical_codes(codes: Iterable[str]) -> list[str]:
    """Country codes in canonical (sorted) order: the order written in a file means nothing, and
    must not show through in justifications ("{interest.countries}") or any other text."""
    return sorted(codes)


def canonical_areas(areas: Iterable[str]) -> list[str]:
    """Areas in the vocabulary's order (the paper's table first), others after, alphabetically."""
    return sorted(areas, key=lambda a: (_AREA_RANK.get(a, len(_AREA_RANK)), a))


def _literal_values(tp: Any) -> tuple[str, ...]:
    origin = get_origin(tp)
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        for a in get_args(tp):
            got = _literal_values(a)
            if got:
                return got
        return ()
    if origin is Literal:
        return tuple(str(a) for a in get_args(tp))
    return ()


def enum(model: type[BaseModel], name: str) -> tuple[str, ...]:
    """The values an enumerated field of a scenario model may take, in the model's order."""
    return _literal_values(model.model_fields[name].annotation)


@dataclass(frozen=True)
class FieldEntry:
    """One field of a fact kind, as rules see it, and what every feature may do with it."""

    name: str
    type: FieldType
    role: Role
    #: where the value lives in the scenario fact of the kind's section (``dates.signed``,
    #: ``stance.alignment``, ``areas.{area}``, ``{x}`` filled from the view fact's fields); None:
    #: computed for the rules only (a count, a key)
    path: str | None = None
    values: tuple[str, ...] = ()  # allowed values of an enumerated text field
    refers_to: str | None = None  # kind whose identity this field holds (for templates)
    doc: str = ""
    optional: bool = False  # some facts of the kind lack it (its value may be None)
    whatif: bool = False  # what-if may propose another value (a state, not what the fact is)
    sweep: bool = False  # a variation file may vary it (by its path, ``*`` for an entry)
    signpost: bool = False  # a signpost's equality test may set it on the fact it names
    counts: str | None = None  # a whole number counting the entries of this list of the fact
    #: the view value: from the fact (main kinds) or from (parent fact, entry) (part kinds);
    #: None: the value at ``path``
    get: Callable[..., Any] | None = field(default=None, compare=False, repr=False)
    #: catalog key of the label of ``path`` where it differs from the field's (``stance.alignment``
    #: is the *stated* alignment, not the country's)
    path_label: str | None = None

    @property
    def label(self) -> str:
        """Catalog key of the field's label (fields of the same name share it: same meaning)."""
        return f"fields.{self.name}"


@dataclass(frozen=True)
class KindEntry:
    """A fact kind as rules see it: a scenario section, one entry of a list of one, or derived."""

    name: str
    doc: str
    fields: tuple[FieldEntry, ...]
    identity: str | None = None  # field naming the scenario fact (for templates: display name)
    section: str | None = None  # scenario section key, for main kinds
    parent: str | None = None  # main kind whose facts' entries these are, for part kinds
    entries: Callable[[Any], Iterable[Any]] | None = field(default=None, compare=False, repr=False)
    detail: Callable[[Any], str] | None = field(default=None, compare=False, repr=False)
    entry_is_model: bool = False  # the entry is a scenario model of its own (a mechanism)
    derived: bool = False  # made by the engine from recommendations and risks

    def field(self, name: str) -> FieldEntry | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def section_kind(self) -> str:
        """The kind whose scenario facts hold this kind's paths (a part's parent)."""
        return self.parent or self.name


def _walk(path: str) -> Callable[[Any], Any]:
    """The value at a dotted path of a fact; None when a step on the way is None."""
    head, *rest = path.split(".")
    if not rest:
        return operator.attrgetter(head)

    def get(fact: Any) -> Any:
        value = getattr(fact, head)
        for step in rest:
            if value is None:
                return None
            value = getattr(value, step)
        return value

    return get


def getter(kind: KindEntry, f: FieldEntry) -> Callable[..., Any]:
    """How the view takes the field's value from a scenario fact (and entry, for parts)."""
    if f.get is not None:
        return f.get
    if f.path is None or kind.parent is not None:
        raise ValueError(f"{kind.name}.{f.name}: a computed field needs 'get'")
    return _walk(f.path)


def _f(name: str, type_: FieldType, role: Role, path: str | None = None, **kw: Any) -> FieldEntry:
    return FieldEntry(name, type_, role, path, **kw)


# Shorthands for the common shapes of a field.
def _ident(name: str, refers_to: str | None = None, *, type_: FieldType = "id", **kw: Any) -> FieldEntry:
    return _f(name, type_, "identity", name, refers_to=refers_to, signpost=True, **kw)


def _described(model: type[BaseModel], name: str, **kw: Any) -> FieldEntry:
    """An enumerated field that says what the fact is."""
    return _f(name, "text", "description", name, values=enum(model, name), **kw)


_COUNTRY = sm.Country
_FRAMEWORK = sm.Framework
_AGREEMENT = sm.AgreementFact

# fmt: off
# (a table: one field an entry, its flags beside it, as the reader compares them down the rows)
KINDS: tuple[KindEntry, ...] = (
    KindEntry(
        "scenario",
        "The scenario itself (one fact).",
        (_f("id", "id", "identity", "id"), _f("as_of", "date", "description", "as_of")),
        identity="id",
    ),
    KindEntry(
        "country",
        "A country (or the EU).",
        (
            _ident("code", "country", type_="code", doc="ISO 3166-1 alpha-3, or EU"),
            _described(_COUNTRY, "region", sweep=True, signpost=True),
            _f(
                "alignment", "text", "state", "alignment", values=enum(_COUNTRY, "alignment"),
                whatif=True, sweep=True, signpost=True,
            ),
            _f(
                "indo_pacific_engagement", "text", "state", "indo_pacific_engagement",
                values=enum(_COUNTRY, "indo_pacific_engagement"), whatif=True, sweep=True, signpost=True,
            ),
        ),
        identity="code",
        section="countries",
    ),
    KindEntry(
        "framework",
        "A security framework (alliance, bilateral, minilateral or multilateral body).",
        (
            _ident("id", "framework"),
            _described(_FRAMEWORK, "kind", sweep=True, signpost=True),
            _f("formal_treaty", "bool", "state", "formal_treaty", whatif=True, sweep=True, signpost=True),
            _f(
                "status", "text", "state", "status", values=enum(_FRAMEWORK, "status"),
                whatif=True, sweep=True, signpost=True,
            ),
            _f(
                "members", "list", "description", "members", doc="member country codes", refers_to="country",
                get=lambda f: canonical_codes(f.members),
            ),
            _f(
                "member_key", "text", "derived", doc="members sorted and joined by '+', e.g. AUS+JPN+USA",
                get=lambda f: f.member_key,
            ),
            _f("member_count", "int", "derived", counts="members", get=lambda f: len(f.members)),
            _f("established", "date", "description", "established", optional=True, signpost=True),
        ),
        identity="id",
        section="frameworks",
    ),
    KindEntry(
        "membership",
        "One member of one framework.",
        (
            _f("framework", "id", "identity", refers_to="framework", get=lambda f, m: f.id),
            _f("country", "code", "identity", refers_to="country", get=lambda f, m: m),
            _f(
                "framework_kind", "text", "description", "kind", values=enum(_FRAMEWORK, "kind"),
                get=lambda f, m: f.kind,
            ),
        ),
        parent="framework",
        entries=lambda f: f.members,
        detail=lambda m: f"members.{m}",
    ),
    KindEntry(
        "coverage",
        "A cooperation area a framework covers (the paper's table: focus ◎, mentioned 〇).",
        (
            _f("framework", "id", "identity", refers_to="framework", get=lambda f, e: f.id),
            _f("area", "id", "identity", refers_to="area", get=lambda f, e: e[0]),
            # an entry of a mapping: removing it is one of the values a sweep may give it
            _f(
                "level", "text", "state", "areas.{area}", values=("focus", "mentioned"),
                whatif=True, sweep=True, get=lambda f, e: e[1],
            ),
        ),
        parent="framework",
        entries=lambda f: f.areas.items(),
        detail=lambda e: f"areas.{e[0]}",
    ),
    KindEntry(
        "mechanism",
        "A standing channel of a framework (ministerial meeting, director-general talks, ...).",
        (
            _f("framework", "id", "identity", refers_to="framework", get=lambda f, m: f.id),
            _f("id", "id", "identity", "mechanisms.{id}.id", get=lambda f, m: m.id),
            _f(
                "kind", "text", "description", "mechanisms.{id}.kind", values=enum(sm.Mechanism, "kind"),
                sweep=True, get=lambda f, m: m.kind,
            ),
            _f(
                "activity", "text", "state", "mechanisms.{id}.activity",
                values=enum(sm.Mechanism, "activity"), whatif=True, sweep=True, get=lambda f, m: m.activity,
            ),
            _f(
                "established", "date", "description", "mechanisms.{id}.established", optional=True,
                get=lambda f, m: m.established,
            ),
        ),
        identity="id",
        parent="framework",
        entries=lambda f: f.mechanisms,
        detail=lambda m: f"mechanisms.{m.id}",
        entry_is_model=True,
    ),
    KindEntry(
        "agreement",
        "An agreement (RAA, ACSA, GSOMIA, ...).",
        (
            _ident("id", "agreement"),
            _described(_AGREEMENT, "kind", sweep=True, signpost=True),
            _f(
                "status", "text", "state", "status",
                doc="negotiating (talks or formal negotiations), signed or in-force, on the scenario's date",
                values=RULE_AGREEMENT_STATUS, whatif=True, sweep=True, signpost=True,
                get=lambda a: rule_status(a.status),
            ),
            _f(
                "phase", "text", "state", "status",
                doc="talks, negotiating (formal negotiations), signed or in-force",
                values=enum(_AGREEMENT, "status"),
            ),
            _f(
                "parties", "list", "description", "parties", doc="party country codes", refers_to="country",
                get=lambda a: canonical_codes(a.parties),
            ),
            _f("party_count", "int", "derived", counts="parties", get=lambda a: len(a.parties)),
            _f("negotiation_started", "date", "description", "dates.negotiation_started", optional=True,
               signpost=True),
            _f("signed", "date", "description", "dates.signed", optional=True, signpost=True),
            _f("in_force", "date", "description", "dates.in_force", optional=True, signpost=True),
        ),
        identity="id",
        section="agreements",
    ),
    KindEntry(
        "party",
        "One party to one agreement.",
        (
            _f("agreement", "id", "identity", refers_to="agreement", get=lambda a, p: a.id),
            _f("country", "code", "identity", refers_to="country", get=lambda a, p: p),
            _f(
                "agreement_kind", "text", "description", "kind", values=enum(_AGREEMENT, "kind"),
                get=lambda a, p: a.kind,
            ),
            _f(
                "agreement_status", "text", "state", "status", values=RULE_AGREEMENT_STATUS, whatif=True,
                get=lambda a, p: rule_status(a.status),
            ),
        ),
        parent="agreement",
        entries=lambda a: a.parties,
        detail=lambda p: f"parties.{p}",
    ),
    KindEntry(
        "asset_protection",
        "A partner whose forces Japan's SDF Law Art. 95-2 (武器等防護) covers.",
        (
            _ident("partner", "country", type_="code"),
            _f("since", "date", "description", "since", signpost=True),
        ),
        identity="partner",
        section="asset_protection",
    ),
    KindEntry(
        "interest",
        "A strategic interest shared by the listed countries.",
        (
            _ident("id", "interest"),
            _f(
                "countries", "list", "description", "countries", refers_to="country",
                get=lambda i: canonical_codes(i.countries),
            ),
            _f(
                "member_key", "text", "derived", doc="countries sorted and joined by '+'",
                get=lambda i: i.member_key,
            ),
            _f("member_count", "int", "derived", counts="countries", get=lambda i: len(i.countries)),
            _f(
                "areas", "list", "description", "areas", refers_to="area",
                get=lambda i: canonical_areas(i.areas),
            ),
        ),
        identity="id",
        section="interests",
    ),
    KindEntry(
        "interest_member",
        "One country sharing one interest.",
        (
            _f("interest", "id", "identity", refers_to="interest", get=lambda i, c: i.id),
            _f("country", "code", "identity", refers_to="country", get=lambda i, c: c),
        ),
        parent="interest",
        entries=lambda i: i.countries,
        detail=lambda c: f"countries.{c}",
    ),
    KindEntry(
        "interest_area",
        "One area of one shared interest.",
        (
            _f("interest", "id", "identity", refers_to="interest", get=lambda i, a: i.id),
            _f("area", "id", "identity", refers_to="area", get=lambda i, a: a),
        ),
        parent="interest",
        entries=lambda i: i.areas,
        detail=lambda a: f"areas.{a}",
    ),
    KindEntry(
        "event",
        "Something that happened (a government change, a framework's launch, a cancellation ...).",
        (
            _ident("id", "event"),
            _f("date", "date", "description", "date", signpost=True),
            _described(sm.Event, "kind", sweep=True, signpost=True),
            _f(
                "country", "code", "description", "country", refers_to="country", optional=True,
                signpost=True,
            ),
            _f(
                "countries", "list", "description", "countries", refers_to="country",
                get=lambda e: canonical_codes(e.countries),
            ),
            _f("framework", "id", "description", "framework", refers_to="framework", optional=True,
               signpost=True),
            _f("agreement", "id", "description", "agreement", refers_to="agreement", optional=True,
               signpost=True),
            _f(
                "caused_by", "id", "description", "caused_by", refers_to="event", optional=True,
                signpost=True,
            ),
            _f(
                "engagement", "text", "state", "stance.indo_pacific_engagement",
                doc="stance.indo_pacific_engagement", values=enum(sm.Stance, "indo_pacific_engagement"),
                optional=True, whatif=True, sweep=True, signpost=True, path_label="fields.stated_engagement",
            ),
            _f(
                "alignment", "text", "state", "stance.alignment", doc="stance.alignment",
                values=enum(sm.Stance, "alignment"), optional=True, whatif=True, sweep=True, signpost=True,
                path_label="fields.stated_alignment",
            ),
            _f(
                "areas", "list", "description", "areas", refers_to="area",
                get=lambda e: canonical_areas(e.areas),
            ),
        ),
        identity="id",
        section="events",
    ),
    KindEntry(
        "capability",
        "An element of a country's own posture, and whether it is a gap.",
        (
            _f("id", "id", "identity", "id", signpost=True),
            _f("holder", "code", "description", "holder", refers_to="country", signpost=True),
            _described(sm.Capability, "domain", refers_to="capability-domain", sweep=True, signpost=True),
            _f(
                "status", "text", "state", "status", values=enum(sm.Capability, "status"),
                whatif=True, sweep=True, signpost=True,
            ),
        ),
        identity="id",
        section="capabilities",
    ),
)

# fmt: on

#: Kinds every pack may match that the engine itself derives from recommendations and risks.
OUTCOME_KINDS: tuple[KindEntry, ...] = (
    KindEntry(
        "recommendation",
        "A recommendation made by a rule (rules in a higher stratum may match it).",
        (
            _f("id", "text", "identity", doc="action/target"),
            _f("action", "id", "description"),
            _f("target", "text", "description", refers_to="target"),
        ),
        identity="target",
        derived=True,
    ),
    KindEntry(
        "risk",
        "A risk raised by a rule.",
        (
            _f("id", "text", "identity", doc="kind/target"),
            _f("kind", "id", "description"),
            _f("target", "text", "description", refers_to="target"),
        ),
        identity="target",
        derived=True,
    ),
)

KIND_BY_NAME: dict[str, KindEntry] = {k.name: k for k in KINDS + OUTCOME_KINDS}

#: Fields of the scenario models that no fact kind shows the rules, and why (``Model.field``,
#: ``*.field`` for every model, ``Model.*`` for a whole model). Every other field of a section's
#: model, and of the models nested in them, lies on some field's ``path`` (tests/test_registry.py).
NOT_SEEN_BY_RULES: dict[str, str] = {
    "*.name": "display names: what reports call the fact, not what it is",
    "*.description": "prose for the reader",
    "*.source": "provenance: where the fact comes from (shown by explain and timeline)",
    "*.assumption": "what the record does not settle, said in prose (shown by whatif and timeline)",
    "*.note": "free text",
    "ScenarioHeader.title": "display name of the scenario",
    "ScenarioHeader.extends": "resolved by the loader: the facts of the scenarios it extends are merged in",
    "*.history": "read by the as-of projection into the fact's status or activity on the scenario's date",
    "AssetProtection.basis": "the legal basis, prose",
    "Signpost.*": "signposts are watched conditions over the facts, not facts rules match",
    "AreaDefinition.*": "areas are vocabulary: facts name them (coverage.area, interest_area.area)",
}


# ----------------------------------------------------------------------------- derived tables


def kinds() -> tuple[KindEntry, ...]:
    """The scenario's fact kinds, in the order the view yields them."""
    return KINDS


def main_kinds() -> tuple[KindEntry, ...]:
    """Kinds that are a scenario section each, in the order of the scenario's sections."""
    return tuple(k for k in KINDS if k.section is not None)


def parts_of(kind: str) -> tuple[KindEntry, ...]:
    """Part kinds of a main kind, in the order the view yields them after each fact."""
    return tuple(k for k in KINDS if k.parent == kind)


def fields_where(flag: str) -> Iterable[tuple[KindEntry, FieldEntry]]:
    """Every (kind, field) whose boolean ``flag`` (whatif, sweep, signpost) is set."""
    for k in KINDS:
        for f in k.fields:
            if getattr(f, flag):
                yield k, f


def _unwrap(tp: Any) -> list[Any]:
    """The alternatives of a type (``X | None`` -> [X, None]), Annotated stripped."""
    origin = get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(get_args(tp)[0])
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        return [a for arg in get_args(tp) for a in _unwrap(arg)]
    return [tp]


def path_fields(model: type[BaseModel], path: str) -> list[tuple[type[BaseModel], str]]:
    """The (model, field) pairs a scenario path passes through, from ``model`` on
    (``mechanisms.{id}.kind`` of a framework: Framework.mechanisms, Mechanism.kind); KeyError
    when a step names no field of its model."""
    out: list[tuple[type[BaseModel], str]] = []
    tp: Any = model
    for step in path.split("."):
        if step.startswith("{"):
            container = next(a for a in _unwrap(tp) if get_origin(a) in (list, dict))
            tp = get_args(container)[-1]
            continue
        cls = next(a for a in _unwrap(tp) if isinstance(a, type) and issubclass(a, BaseModel))
        if step not in cls.model_fields:
            raise KeyError(f"{cls.__name__} has no field {step!r} (path {path!r})")
        out.append((cls, step))
        tp = cls.model_fields[step].annotation
    return out


def model_of(kind: KindEntry) -> type[BaseModel]:
    """The scenario model a kind's paths start from (a part's: its parent's)."""
    if kind.name == "scenario":
        return sm.ScenarioHeader
    return sm.SECTION_BY_KIND[kind.section_kind].model


def path_values(model: type[BaseModel], path: str) -> tuple[Any, ...]:
    """Every value the scenario path of a model may hold (a sweep's choices), from its type:
    the Literal's values, ``False, True`` for a bool, and ``None`` where the path may be unset
    (an optional field, or an entry of a mapping, which may be left out)."""
    tp: Any = model
    unset = False
    for step in path.split("."):
        unset = False
        if step.startswith("{"):
            container = next(a for a in _unwrap(tp) if get_origin(a) in (list, dict))
            tp = get_args(container)[-1]
            unset = get_origin(container) is dict
            continue
        cls = next(a for a in _unwrap(tp) if isinstance(a, type) and issubclass(a, BaseModel))
        tp = cls.model_fields[step].annotation
        unset = type(None) in _unwrap(tp)
    options = [a for a in _unwrap(tp) if a is not type(None)]
    values: tuple[Any, ...] = (False, True) if options == [bool] else _literal_values(options[0])
    return (*values, None) if unset else values


def sweep_fields() -> dict[str, dict[str, tuple[Any, ...]]]:
    """Per kind of scenario fact, the paths a sweep may vary (``*`` for any entry of a list or a
    mapping: ``areas.*``, ``mechanisms.*.activity``) and the values each may take."""
    out: dict[str, dict[str, tuple[Any, ...]]] = {}
    for k, f in fields_where("sweep"):
        assert f.path is not None
        main = KIND_BY_NAME[k.section_kind]
        model = sm.SECTION_BY_KIND[main.name].model
        pattern = ".".join("*" if step.startswith("{") else step for step in f.path.split("."))
        out.setdefault(main.name, {})[pattern] = path_values(model, f.path)
    return out


def signpost_fields() -> dict[str, dict[str, str]]:
    """Per main kind, the fields a signpost's equality tests may set, and their scenario paths."""
    out: dict[str, dict[str, str]] = {}
    for k, f in fields_where("signpost"):
        assert f.path is not None and k.section is not None
        out.setdefault(k.name, {})[f.name] = f.path
    return out


def label_keys() -> dict[str, str]:
    """Every field name rules may test, with the catalog key of its label."""
    return {f.name: f.label for k in KINDS + OUTCOME_KINDS for f in k.fields}


def path_label_keys() -> dict[str, str]:
    """Scenario paths whose label is not their field's (``stance.alignment``: stated alignment)."""
    return {f.path: f.path_label for k in KINDS for f in k.fields if f.path and f.path_label}
