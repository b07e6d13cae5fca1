"""The facts rules see: a flat view of a scenario, one fact kind per thing rules can match.

Scenario facts are nested (a framework lists its members, its areas and its mechanisms).
Rules join and negate most naturally over flat facts, and durable-rules cannot test list
membership against another fact's field, so each scenario fact is shown to the rules as one
main fact plus one fact per list entry (``membership``, ``coverage``, ``party`` ...). Every view
fact remembers the scenario fact it comes from (``origin``), which is what evidence names.

Pure data and transformation: no engine, no I/O.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

from policyengine.models import scenario as sm
from policyengine.models.asof import in_effect_now
from policyengine.models.vocabulary import AREA_NAMES

FieldType = Literal["text", "code", "id", "int", "bool", "date", "list"]


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


@dataclass
class ViewFact:
    """One fact as the engine sees it. ``fields`` hold Python values (dates as dates)."""

    kind: str
    fields: dict[str, Any]
    origin: str  # scenario fact id, e.g. framework:quad
    detail: str = ""  # which part of the scenario fact, e.g. "areas.infrastructure"
    model: Any = field(default=None, repr=False, compare=False)  # the scenario fact itself

    def describe(self) -> str:
        return f"{self.origin}#{self.detail}" if self.detail else self.origin


def _lit(tp: Any) -> tuple[str, ...]:
    origin = get_origin(tp)
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        for a in get_args(tp):
            got = _lit(a)
            if got:
                return got
        return ()
    if origin is Literal:
        return tuple(str(a) for a in get_args(tp))
    return ()


def _enum(model: type, name: str) -> tuple[str, ...]:
    return _lit(model.model_fields[name].annotation)  # type: ignore[attr-defined]


def _f(
    t: FieldType,
    doc: str = "",
    values: tuple[str, ...] = (),
    refers_to: str | None = None,
    *,
    optional: bool = False,
) -> FieldSpec:
    return FieldSpec(t, values, refers_to, doc, optional)


CODE = "code"

#: the agreement status rules see: talks count as negotiating (the paper says of the UK's and
#: France's RAA talks of 2022 「交渉が進められている」); the ``phase`` field tells them apart
RULE_AGREEMENT_STATUS: tuple[str, ...] = ("negotiating", "signed", "in-force")


def rule_status(phase: str) -> str:
    """An agreement's status as rules see it, from its phase."""
    return "negotiating" if phase == "talks" else phase


BASE_KINDS: dict[str, KindSpec] = {
    k.name: k
    for k in (
        KindSpec("scenario", {"id": _f("id"), "as_of": _f("date")}, "The scenario itself (one fact).", "id"),
        KindSpec(
            "country",
            {
                "code": _f("code", "ISO 3166-1 alpha-3, or EU", refers_to="country"),
                "region": _f("text", values=_enum(sm.Country, "region")),
                "alignment": _f("text", values=_enum(sm.Country, "alignment")),
                "indo_pacific_engagement": _f("text", values=_enum(sm.Country, "indo_pacific_engagement")),
            },
            "A country (or the EU).",
            "code",
        ),
        KindSpec(
            "framework",
            {
                "id": _f("id", refers_to="framework"),
                "kind": _f("text", values=_enum(sm.Framework, "kind")),
                "formal_treaty": _f("bool"),
                "status": _f("text", values=_enum(sm.Framework, "status")),
                "members": _f("list", "member country codes", refers_to="country"),
                "member_key": _f("text", "members sorted and joined by '+', e.g. AUS+JPN+USA"),
                "member_count": _f("int"),
                "established": _f("date", optional=True),
            },
            "A security framework (alliance, bilateral, minilateral or multilateral body).",
            "id",
        ),
        KindSpec(
            "membership",
            {
                "framework": _f("id", refers_to="framework"),
                "country": _f("code", refers_to="country"),
                "framework_kind": _f("text", values=_enum(sm.Framework, "kind")),
            },
            "One member of one framework.",
        ),
        KindSpec(
            "coverage",
            {
                "framework": _f("id", refers_to="framework"),
                "area": _f("id", refers_to="area"),
                "level": _f("text", values=("focus", "mentioned")),
            },
            "A cooperation area a framework covers (the paper's table: focus ◎, mentioned 〇).",
        ),
        KindSpec(
            "mechanism",
            {
                "framework": _f("id", refers_to="framework"),
                "id": _f("id"),
                "kind": _f("text", values=_enum(sm.Mechanism, "kind")),
                "activity": _f("text", values=_enum(sm.Mechanism, "activity")),
                "established": _f("date", optional=True),
            },
            "A standing channel of a framework (ministerial meeting, director-general talks, ...).",
            "id",
        ),
        KindSpec(
            "agreement",
            {
                "id": _f("id", refers_to="agreement"),
                "kind": _f("text", values=_enum(sm.AgreementFact, "kind")),
                "status": _f(
                    "text",
                    "negotiating (talks or formal negotiations), signed or in-force, on the scenario's date",
                    RULE_AGREEMENT_STATUS,
                ),
                "phase": _f(
                    "text",
                    "talks, negotiating (formal negotiations), signed or in-force",
                    _enum(sm.AgreementFact, "status"),
                ),
                "parties": _f("list", "party country codes", refers_to="country"),
                "party_count": _f("int"),
                "negotiation_started": _f("date", optional=True),
                "signed": _f("date", optional=True),
                "in_force": _f("date", optional=True),
            },
            "An agreement (RAA, ACSA, GSOMIA, ...).",
            "id",
        ),
        KindSpec(
            "party",
            {
                "agreement": _f("id", refers_to="agreement"),
                "country": _f("code", refers_to="country"),
                "agreement_kind": _f("text", values=_enum(sm.AgreementFact, "kind")),
                "agreement_status": _f("text", values=RULE_AGREEMENT_STATUS),
            },
            "One party to one agreement.",
        ),
        KindSpec(
            "asset_protection",
            {"partner": _f("code", refers_to="country"), "since": _f("date")},
            "A partner whose forces Japan's SDF Law Art. 95-2 (武器等防護) covers.",
            "partner",
        ),
        KindSpec(
            "interest",
            {
                "id": _f("id", refers_to="interest"),
                "countries": _f("list", refers_to="country"),
                "member_key": _f("text", "countries sorted and joined by '+'"),
                "member_count": _f("int"),
                "areas": _f("list", refers_to="area"),
            },
            "A strategic interest shared by the listed countries.",
            "id",
        ),
        KindSpec(
            "interest_member",
            {"interest": _f("id", refers_to="interest"), "country": _f("code", refers_to="country")},
            "One country sharing one interest.",
        ),
        KindSpec(
            "interest_area",
            {"interest": _f("id", refers_to="interest"), "area": _f("id", refers_to="area")},
            "One area of one shared interest.",
        ),
        KindSpec(
            "event",
            {
                "id": _f("id", refers_to="event"),
                "date": _f("date"),
                "kind": _f("text", values=_enum(sm.Event, "kind")),
                "country": _f("code", refers_to="country", optional=True),
                "countries": _f("list", refers_to="country"),
                "framework": _f("id", refers_to="framework", optional=True),
                "agreement": _f("id", refers_to="agreement", optional=True),
                "caused_by": _f("id", refers_to="event", optional=True),
                "engagement": _f(
                    "text",
                    "stance.indo_pacific_engagement",
                    _enum(sm.Stance, "indo_pacific_engagement"),
                    optional=True,
                ),
                "alignment": _f("text", "stance.alignment", _enum(sm.Stance, "alignment"), optional=True),
                "areas": _f("list", refers_to="area"),
            },
            "Something that happened (a government change, a framework's launch, a cancellation ...).",
            "id",
        ),
        KindSpec(
            "capability",
            {
                "id": _f("id"),
                "holder": _f("code", refers_to="country"),
                "domain": _f("text", values=_enum(sm.Capability, "domain"), refers_to="capability-domain"),
                "status": _f("text", values=_enum(sm.Capability, "status")),
            },
            "An element of a country's own posture, and whether it is a gap.",
            "id",
        ),
    )
}

#: Kinds every pack may match that the engine itself derives from recommendations and risks.
OUTCOME_KINDS: dict[str, KindSpec] = {
    "recommendation": KindSpec(
        "recommendation",
        {"id": _f("text", "action/target"), "action": _f("id"), "target": _f("text", refers_to="target")},
        "A recommendation made by a rule (rules in a higher stratum may match it).",
        "target",
        derived=True,
    ),
    "risk": KindSpec(
        "risk",
        {"id": _f("text", "kind/target"), "kind": _f("id"), "target": _f("text", refers_to="target")},
        "A risk raised by a rule.",
        "target",
        derived=True,
    ),
}


_AREA_RANK = {area: i for i, area in enumerate(AREA_NAMES)}


def canonical_codes(codes: Iterable[str]) -> list[str]:
    """Country codes in canonical (sorted) order: the order written in a file means nothing, and
    must not show through in justifications ("{interest.countries}") or any other text."""
    return sorted(codes)


def canonical_areas(areas: Iterable[str]) -> list[str]:
    """Areas in the vocabulary's order (the paper's table first), others after, alphabetically."""
    return sorted(areas, key=lambda a: (_AREA_RANK.get(a, len(_AREA_RANK)), a))


def build_view(scenario: sm.Scenario, kinds: frozenset[str] | None = None) -> list[ViewFact]:
    """The view facts of a scenario as of its own date; only the listed kinds when ``kinds`` is given.

    What is not yet in effect on the scenario's ``as_of`` is left out and every history is read
    at that day (:mod:`policyengine.models.asof`): the rules see one status per fact.
    """
    return [f for f in _iter_view(in_effect_now(scenario)) if kinds is None or f.kind in kinds]


def _iter_view(sc: sm.Scenario) -> Iterator[ViewFact]:
    yield ViewFact(
        "scenario",
        {"id": sc.scenario.id, "as_of": sc.scenario.as_of},
        f"scenario:{sc.scenario.id}",
        model=sc.scenario,
    )
    for country in sc.countries:
        yield ViewFact(
            "country",
            {
                "code": country.code,
                "region": country.region,
                "alignment": country.alignment,
                "indo_pacific_engagement": country.indo_pacific_engagement,
            },
            f"country:{country.code}",
            model=country,
        )
    for f in sc.frameworks:
        origin = f"framework:{f.id}"
        yield ViewFact(
            "framework",
            {
                "id": f.id,
                "kind": f.kind,
                "formal_treaty": f.formal_treaty,
                "status": f.status,
                "members": canonical_codes(f.members),
                "member_key": f.member_key,
                "member_count": len(f.members),
                "established": f.established,
            },
            origin,
            model=f,
        )
        for m in f.members:
            yield ViewFact(
                "membership",
                {"framework": f.id, "country": m, "framework_kind": f.kind},
                origin,
                f"members.{m}",
                model=f,
            )
        for area, level in f.areas.items():
            yield ViewFact(
                "coverage",
                {"framework": f.id, "area": area, "level": level},
                origin,
                f"areas.{area}",
                model=f,
            )
        for mech in f.mechanisms:
            yield ViewFact(
                "mechanism",
                {
                    "framework": f.id,
                    "id": mech.id,
                    "kind": mech.kind,
                    "activity": mech.activity,
                    "established": mech.established,
                },
                origin,
                f"mechanisms.{mech.id}",
                model=mech,
            )
    for a in sc.agreements:
        origin = f"agreement:{a.id}"
        yield ViewFact(
            "agreement",
            {
                "id": a.id,
                "kind": a.kind,
                "status": rule_status(a.status),
                "phase": a.status,
                "parties": canonical_codes(a.parties),
                "party_count": len(a.parties),
                "negotiation_started": a.dates.negotiation_started,
                "signed": a.dates.signed,
                "in_force": a.dates.in_force,
            },
            origin,
            model=a,
        )
        for p in a.parties:
            yield ViewFact(
                "party",
                {
                    "agreement": a.id,
                    "country": p,
                    "agreement_kind": a.kind,
                    "agreement_status": rule_status(a.status),
                },
                origin,
                f"parties.{p}",
                model=a,
            )
    for ap in sc.asset_protection:
        yield ViewFact(
            "asset_protection",
            {"partner": ap.partner, "since": ap.since},
            f"asset_protection:{ap.partner}",
            model=ap,
        )
    for i in sc.interests:
        origin = f"interest:{i.id}"
        yield ViewFact(
            "interest",
            {
                "id": i.id,
                "countries": canonical_codes(i.countries),
                "member_key": i.member_key,
                "member_count": len(i.countries),
                "areas": canonical_areas(i.areas),
            },
            origin,
            model=i,
        )
        for c in i.countries:
            yield ViewFact(
                "interest_member", {"interest": i.id, "country": c}, origin, f"countries.{c}", model=i
            )
        for area in i.areas:
            yield ViewFact(
                "interest_area", {"interest": i.id, "area": area}, origin, f"areas.{area}", model=i
            )
    for e in sc.events:
        yield ViewFact(
            "event",
            {
                "id": e.id,
                "date": e.date,
                "kind": e.kind,
                "country": e.country,
                "countries": canonical_codes(e.countries),
                "framework": e.framework,
                "agreement": e.agreement,
                "caused_by": e.caused_by,
                "engagement": e.stance.indo_pacific_engagement if e.stance else None,
                "alignment": e.stance.alignment if e.stance else None,
                "areas": canonical_areas(e.areas),
            },
            f"event:{e.id}",
            model=e,
        )
    for cap in sc.capabilities:
        yield ViewFact(
            "capability",
            {"id": cap.id, "holder": cap.holder, "domain": cap.domain, "status": cap.status},
            f"capability:{cap.id}",
            model=cap,
        )
