"""Hypothesis strategies for valid scenario files and ``extends`` chains.

They build worlds whose references hold (members are declared countries, areas are known,
events name existing frameworks, ...) and remove only facts that nothing else refers to, so
that every chain they make must load without error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, get_args

from hypothesis import strategies as st

from policyengine.errors.terminal import UNSAFE_RANGES
from policyengine.models import registry
from policyengine.models import scenario as m
from policyengine.models.common import I18nText, Source
from policyengine.models.factview import BASE_KINDS, FieldSpec
from policyengine.models.vocabulary import AREA_NAMES

# ----------------------------------------------------------------------------- building blocks
# The strategies of a fact's own fields are built once, here; references are drawn from the pools
# of the world being built (strategies made while drawing are slow to validate).

# Any text a scenario may hold: every Unicode character but surrogates and the characters the loader
# refuses (E117, policyengine.errors.terminal: C0/C1 controls but tab and line feed, the line and paragraph
# separators, the format characters but the zero-width joiners), including tabs, line feeds,
# quotes, '#', ': ', leading and trailing spaces and text that looks like numbers.
_REFUSED = "".join(chr(c) for a, b in UNSAFE_RANGES for c in range(a, b + 1))
texts = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters=_REFUSED) | st.sampled_from("\t\n"),
    min_size=1,
    max_size=12,
) | st.sampled_from(
    ["0o17", "0x1F", "1e3", "yes", "null", "~", "2022-05-10", "- item", "#", "a: b", " x ", "'", '"', "true"]
)
_ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"
ids = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from(_ID_CHARS),
    st.text(_ID_CHARS + "-", max_size=10),
)
codes = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3) | st.just("EU")
dates = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
i18n = st.builds(I18nText, ja=texts, en=texts)
sources = st.builds(
    Source,
    document=texts,
    issuer=st.none() | texts,
    date=st.none() | dates,
    locator=st.none() | texts,
    quote=st.none() | texts,
)


def options(values: Any) -> st.SearchStrategy[Any]:
    """The allowed values of a Literal type."""
    return st.sampled_from(get_args(values))


def enumerated(kind: str) -> dict[str, st.SearchStrategy[Any]]:
    """The enumerated fields of a kind's own facts, from the registry of fact kinds: a field the
    registry gains is drawn here without another change."""
    entry = registry.KIND_BY_NAME[kind]
    model = m.SECTION_BY_KIND[kind].model
    out: dict[str, st.SearchStrategy[Any]] = {}
    for f in entry.fields:
        if f.path is None or "." in f.path or f.path in out:
            continue
        values = [v for v in registry.path_values(model, f.path) if v is not None]
        if values:
            out[f.path] = st.sampled_from(values) | st.none() if f.optional else st.sampled_from(values)
    return out


def fields(**strategies: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A fact's own fields, with the ``source`` and ``note`` every fact may carry."""
    return st.fixed_dictionaries(
        strategies,
        optional={"source": st.none() | sources, "assumption": st.none() | i18n, "note": st.none() | texts},
    )


COUNTRY = fields(name=i18n, **enumerated("country"))
AREA = st.fixed_dictionaries({"name": i18n}, optional={"note": texts})


@st.composite
def mechanisms(draw: st.DrawFn) -> m.Mechanism:
    """A mechanism, its activity written alone or as a history."""
    body = {
        "id": draw(ids),
        "name": draw(i18n),
        "kind": draw(options(m.MechanismKind)),
        "established": draw(st.none() | dates),
        "source": draw(st.none() | sources),
        "note": draw(st.none() | texts),
    }
    if draw(st.booleans()):
        body["history"] = history(draw, "activity", get_args(m.Activity))
    else:
        body["activity"] = draw(options(m.Activity))
    return m.Mechanism.model_validate(body)


MECHANISMS = st.lists(mechanisms(), max_size=2, unique_by=lambda x: x.id)
FRAMEWORK = fields(
    name=i18n,
    **enumerated("framework"),
    mechanisms=MECHANISMS,
    established=st.none() | dates,
)
AGREEMENT = fields(**enumerated("agreement"), name=st.none() | i18n)
ASSET_PROTECTION = fields(since=dates, basis=st.none() | texts)
INTEREST = fields(description=st.none() | i18n)
STANCE = st.none() | st.builds(
    m.Stance,
    indo_pacific_engagement=st.none() | options(m.Trend),
    alignment=st.none() | options(m.Alignment),
)
EVENT = fields(
    date=dates, **enumerated("event"), name=st.none() | i18n, stance=STANCE, description=st.none() | i18n
)
CAPABILITY = fields(**enumerated("capability"), description=st.none() | i18n)


@dataclass
class Pools:
    """What facts may refer to: declared countries, known areas, frameworks, agreements, events."""

    countries: list[str]
    areas: list[str]
    frameworks: list[str]
    agreements: list[str]
    events: list[str]


def some(draw: st.DrawFn, pool: list[str], *, min_size: int = 0, max_size: int = 4) -> list[str]:
    """Distinct items of ``pool`` (it must hold at least ``min_size``)."""
    if not pool:
        return []
    picked = draw(st.lists(st.integers(0, len(pool) - 1), min_size=min_size, max_size=max_size, unique=True))
    ordered = sorted(pool)
    return [ordered[i] for i in picked]


def maybe(draw: st.DrawFn, pool: list[str]) -> str | None:
    chosen = some(draw, pool, max_size=1)
    return chosen[0] if chosen else None


def agreement_dates(draw: st.DrawFn, status: str) -> m.AgreementDates:
    # Dates in the order of the steps, none later than the status allows (talks carry none).
    steps = {"talks": 0, "negotiating": 1, "signed": 2, "in-force": 3}[status]
    days = sorted(draw(st.lists(dates, min_size=3, max_size=3)))
    keep = [draw(st.booleans()) for _ in range(steps)] + [False] * (3 - steps)
    values = [d if k else None for d, k in zip(days, keep, strict=True)]
    return m.AgreementDates(negotiation_started=values[0], signed=values[1], in_force=values[2])


def history(
    draw: st.DrawFn, field: str, values: tuple[str, ...], *, forward: bool = False
) -> list[dict[str, Any]]:
    """A valid history: entries in time order, undated ones only first; an agreement's phases
    (``forward``) each later than the one before."""
    if forward:
        chosen = sorted(
            draw(st.lists(st.sampled_from(values), min_size=1, max_size=len(values), unique=True)),
            key=values.index,
        )
    else:
        chosen = draw(st.lists(st.sampled_from(values), min_size=1, max_size=4))
    undated = draw(st.integers(0, len(chosen)))
    days = sorted(draw(st.lists(dates, min_size=len(chosen) - undated, max_size=len(chosen) - undated)))
    return [
        {
            field: v,
            **({"since": days[i - undated]} if i >= undated else {}),
            **({"assumption": draw(i18n)} if draw(st.booleans()) else {}),
        }
        for i, v in enumerate(chosen)
    ]


AGREEMENT_PHASES: tuple[str, ...] = m.AGREEMENT_PHASES


def make_fact(draw: st.DrawFn, key: str, ident: str, pools: Pools) -> Any:
    """A valid fact of section ``key`` with identity ``ident``, referring only to ``pools``."""
    if key == "countries":
        return m.Country(code=ident, **draw(COUNTRY))
    if key == "areas":
        return m.AreaDefinition(id=ident, **draw(AREA))
    if key == "frameworks":
        levels = [draw(options(m.Level)) for _ in range(4)]
        areas = dict(zip(some(draw, pools.areas), levels, strict=False))
        body = draw(FRAMEWORK)
        if draw(st.booleans()):
            body["history"] = history(draw, "status", get_args(m.FrameworkStatus))
            body["status"] = body["history"][-1]["status"]
        return m.Framework.model_validate(
            {"id": ident, "members": some(draw, pools.countries, min_size=2), "areas": areas, **body}
        )
    if key == "agreements":
        body = draw(AGREEMENT)
        parties = some(draw, pools.countries, min_size=2)
        if draw(st.booleans()):
            body.pop("status")
            phases = history(draw, "status", AGREEMENT_PHASES, forward=True)
            return m.AgreementFact.model_validate(
                {"id": ident, "parties": parties, "history": phases, **body}
            )
        dates_ = agreement_dates(draw, body["status"])
        return m.AgreementFact(id=ident, parties=parties, dates=dates_, **body)
    if key == "asset_protection":
        return m.AssetProtection(partner=ident, **draw(ASSET_PROTECTION))
    if key == "interests":
        return m.Interest(
            id=ident,
            countries=some(draw, pools.countries, min_size=2),
            areas=some(draw, pools.areas, min_size=1),
            **draw(INTEREST),
        )
    if key == "events":
        return m.Event(
            id=ident,
            country=maybe(draw, pools.countries),
            countries=some(draw, pools.countries),
            framework=maybe(draw, pools.frameworks),
            agreement=maybe(draw, pools.agreements),
            caused_by=maybe(draw, [e for e in pools.events if e != ident]),
            areas=some(draw, pools.areas),
            **draw(EVENT),
        )
    if key == "capabilities":
        body = draw(CAPABILITY)
        if draw(st.booleans()):
            body["history"] = history(draw, "status", get_args(m.CapabilityStatus))
            body["status"] = body["history"][-1]["status"]
        return m.Capability.model_validate(
            {"id": ident, "holder": some(draw, pools.countries, min_size=1, max_size=1)[0], **body}
        )
    assert key == "signposts"
    return m.Signpost(
        id=ident,
        name=draw(i18n),
        description=draw(st.none() | i18n),
        watch=draw(watches()),
        assume=assumption(draw, pools) if draw(st.booleans()) else None,
        source=draw(st.none() | sources),
    )


# ----------------------------------------------------------------------------- signposts

#: Fact kinds a signpost may watch: every kind rules see but the scenario itself.
WATCHABLE = sorted(k for k in BASE_KINDS if k != "scenario")


def literal(spec: FieldSpec) -> st.SearchStrategy[Any]:
    """A value that a field of this type may be compared with in a ``where``.

    Dates are left out: ``where`` holds any value (its type depends on the field), so JSON mode,
    which writes dates as text, cannot give them back as dates; they are tested with ``exists``.
    """
    if spec.values:
        return st.sampled_from(spec.values)
    if spec.type == "code":
        return codes
    if spec.type == "int":
        return st.integers(0, 12)
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "text":  # member_key: codes joined by '+'
        return st.lists(codes, min_size=1, max_size=3).map("+".join)
    return ids


def where_value(spec: FieldSpec) -> st.SearchStrategy[Any]:
    """A literal (equality) or an operator mapping valid for a field of this type."""
    exists = st.builds(lambda b: {"exists": b}, st.booleans())
    if spec.type == "date":
        return exists
    if spec.type == "list":
        element = codes if spec.refers_to == "country" else ids
        return st.builds(lambda v: {"contains": v}, element) | exists
    value = literal(spec)
    choices = [
        value,
        st.builds(lambda v: {"ne": v}, value),
        st.builds(lambda vs: {"in": vs}, st.lists(value, min_size=1, max_size=3)),
        st.builds(lambda vs: {"not_in": vs}, st.lists(value, min_size=1, max_size=3)),
        exists,
    ]
    if spec.type == "int":
        choices.append(st.builds(lambda op, v: {op: v}, st.sampled_from(["lt", "le", "gt", "ge"]), value))
    return st.one_of(choices)


@st.composite
def watches(draw: st.DrawFn) -> m.Watch:
    """A condition over one fact kind, in the rule-pack ``where`` syntax, that resolves cleanly."""
    kind = draw(st.sampled_from(WATCHABLE))
    spec = BASE_KINDS[kind]
    names = draw(st.lists(st.sampled_from(sorted(spec.fields)), max_size=3, unique=True))
    where = {name: draw(where_value(spec.fields[name])) for name in names}
    return m.Watch(fact=kind, where=where, absent=draw(st.booleans()))


def assumption(draw: st.DrawFn, pools: Pools) -> m.Assumption:
    """Facts a signpost assumes (at most one per section), referring only to the world's facts."""
    partners = sorted(c for c in pools.countries if c != "JPN")
    fresh: dict[str, st.SearchStrategy[str] | None] = {
        "countries": codes,
        "frameworks": ids if len(pools.countries) >= 2 else None,
        "agreements": ids if len(pools.countries) >= 2 else None,
        "asset_protection": st.sampled_from(partners) if partners else None,
        "interests": ids if len(pools.countries) >= 2 else None,
        "events": ids,
        "capabilities": ids if pools.countries else None,
    }
    facts: dict[str, list[Any]] = {}
    for key in m.Assumption.model_fields:
        identity = fresh[key]
        if identity is not None and draw(st.booleans()):
            facts[key] = [make_fact(draw, key, draw(identity), pools)]
    return m.Assumption(**facts)


# ----------------------------------------------------------------------------- worlds and chains

World = dict[str, dict[str, Any]]  # section key -> identity -> fact


def references(section: str, fact: Any) -> set[tuple[str, str]]:
    """The facts a fact refers to, as (section key, identity); built-in areas need no fact."""
    refs: set[tuple[str, str]] = set()

    def countries(*values: str | None) -> None:
        refs.update(("countries", v) for v in values if v is not None)

    def areas(values: Any) -> None:
        refs.update(("areas", a) for a in values if a not in AREA_NAMES)

    if section == "frameworks":
        countries(*fact.members)
        areas(fact.areas)
    elif section == "agreements":
        countries(*fact.parties)
    elif section == "asset_protection":
        countries(fact.partner)
    elif section == "interests":
        countries(*fact.countries)
        areas(fact.areas)
    elif section == "events":
        countries(fact.country, *fact.countries)
        areas(fact.areas)
        refs.update(
            (key, value)
            for key, value in (
                ("frameworks", fact.framework),
                ("agreements", fact.agreement),
                ("events", fact.caused_by),
            )
            if value is not None
        )
    elif section == "capabilities":
        countries(fact.holder)
    elif section == "signposts" and fact.assume is not None:
        # The facts a signpost assumes are applied to this world: what they name must stay in it.
        for key in type(fact.assume).model_fields:
            for assumed in getattr(fact.assume, key):
                refs |= references(key, assumed)
    return refs


def removable(world: World, wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The largest part of ``wanted`` that no fact left in the world refers to."""
    chosen = set(wanted)
    while True:
        kept = [
            (key, ident, fact)
            for key, facts in world.items()
            for ident, fact in facts.items()
            if (key, ident) not in chosen
        ]
        needed = set().union(*(references(key, fact) for key, _, fact in kept))
        if not chosen & needed:
            return chosen
        chosen -= needed


@st.composite
def scenario_file(draw: st.DrawFn, world: World, parent: str | None) -> tuple[m.ScenarioFile, World]:
    """One file extending ``parent`` (or none), and the world once it is applied."""
    after: World = {key: dict(facts) for key, facts in world.items()}
    removal = None
    if parent is not None:
        candidates = sorted((k, i) for k, facts in world.items() for i in facts)
        wanted = (
            {candidates[i] for i in draw(st.lists(st.integers(0, len(candidates) - 1), max_size=4))}
            if candidates
            else set()
        )
        gone = removable(world, wanted)
        for key, ident in gone:
            del after[key][ident]
        removal = m.Removal(**{s.key: sorted(i for k, i in gone if k == s.key) for s in m.SECTIONS})

    def pools() -> Pools:
        return Pools(
            countries=list(after["countries"]),
            areas=sorted(set(AREA_NAMES) | set(after["areas"])),
            frameworks=list(after["frameworks"]),
            agreements=list(after["agreements"]),
            events=list(after["events"]),
        )

    def identities(key: str, fresh: st.SearchStrategy[str]) -> list[str]:
        """Identities for this file's facts: some new, some replacing facts of the world so far."""
        chosen: list[str] = []
        for _ in range(draw(st.integers(0, 3))):
            ident = draw(fresh) if not after[key] or draw(st.booleans()) else maybe(draw, list(after[key]))
            if ident is not None and ident not in chosen:
                chosen.append(ident)
        return chosen

    sections: dict[str, list[Any]] = {}
    fresh = {
        "countries": codes,
        "areas": ids | st.sampled_from(sorted(AREA_NAMES)),
        "asset_protection": codes,
    }
    for section in m.SECTIONS:
        key = section.key
        if key in ("frameworks", "agreements", "interests") and len(after["countries"]) < 2:
            continue
        if key == "capabilities" and not after["countries"]:
            continue
        if key == "asset_protection":
            # Partners are declared countries other than Japan.
            partners = sorted(c for c in after["countries"] if c != "JPN")
            if not partners:
                continue
            fresh[key] = st.sampled_from(partners)
        written = []
        for ident in identities(key, fresh.get(key, ids)):
            # One by one, so that an event may be caused by an event written before it.
            fact = make_fact(draw, key, ident, pools())
            written.append(fact)
            after[key][ident] = fact
        sections[key] = written

    header = m.ScenarioHeader(
        id=draw(ids), title=draw(i18n), as_of=draw(dates), extends=parent, description=draw(st.none() | i18n)
    )
    return m.ScenarioFile(scenario=header, remove=removal, **sections), after


@dataclass
class Chain:
    files: dict[str, m.ScenarioFile]  # name -> file, root first
    world: World  # the merged world the last file should load as
    written_in: dict[str, str]  # fact id -> the file that last wrote the fact


@st.composite
def chains(draw: st.DrawFn, max_files: int = 3) -> Chain:
    world: World = {s.key: {} for s in m.SECTIONS}
    files: dict[str, m.ScenarioFile] = {}
    written_in: dict[str, str] = {}
    parent = None
    for n in range(draw(st.integers(1, max_files))):
        name = f"level{n}.yaml"
        model, after = draw(scenario_file(world, parent))
        for section in m.SECTIONS:
            for ident in world[section.key]:
                if ident not in after[section.key]:
                    written_in.pop(f"{section.kind}:{ident}", None)
            for fact in getattr(model, section.key):
                written_in[section.fact_id(fact)] = name
        files[name], world, parent = model, after, name
    return Chain(files, world, written_in)
