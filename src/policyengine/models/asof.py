"""The world as of a date: one meaning of every date a scenario carries (docs/scenarios.md, "Dates").

A fact counts on day D when it is in effect on D; a fact not yet in effect on D does not count.
The scenario's own ``as_of`` is such a D: plain evaluation projects the scenario onto it, so
``evaluate`` and ``evaluate --as-of`` of the scenario's own date are one and the same.

- events: in effect from ``date``; asset protection from ``since``;
- frameworks and their mechanisms: from ``established`` (undated: from the start of the record);
- histories (an agreement's phases, a framework's, capability's status, a mechanism's activity): the entry in
  effect on D is the last whose ``since`` is on or before D (undated entries hold from the start
  of the record); before its first entry the fact does not exist yet;
- an agreement without a history is read as one: its ``dates`` (negotiation_started, signed,
  in_force) are the ``since`` of the phases negotiating, signed and in-force, walked up to its
  ``status``; an undated phase is reached from the start of the record;
- countries, interests, capabilities, areas, coverage and signposts carry no date: they hold from
  the start of the record on.

The start of the record is the earliest ``as_of`` of the scenario's ``extends`` chain
(:attr:`Scenario.record_start`): the world a scenario describes is known from then on, and no
date before it is evaluated (an undated fact would otherwise be taken to hold in 1960).

The projection turns every history into the shorthand in effect on D (``status``, ``activity``,
``dates`` up to D, no ``history``; the entry's ``source``, ``assumption`` and ``note`` become the
fact's where it has them), so the rules see one status per fact, and projecting a projected
world again onto the same day changes nothing. Pure functions over the models.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from policyengine.models.scenario import (
    AgreementDates,
    AgreementFact,
    Capability,
    Framework,
    Mechanism,
    Scenario,
)

#: the agreement phases a shorthand ``dates`` can carry, and the date field of each
_DATED_PHASES = (("negotiating", "negotiation_started"), ("signed", "signed"), ("in-force", "in_force"))
_PHASE_DATE = dict(_DATED_PHASES)


def in_effect(since: dt.date | None, date: dt.date) -> bool:
    """Whether something from ``since`` (None: from the start of the record) is in effect on ``date``."""
    return since is None or since <= date


def current(history: Sequence[Any], date: dt.date) -> Any | None:
    """The entry of a history (in time order) in effect on ``date``, or None before the first."""
    found = None
    for entry in history:
        if not in_effect(entry.since, date):
            break
        found = entry
    return found


def _lift(entry: Any, fact: Any) -> dict[str, Any]:
    """What the history entry in effect says of its own provenance, for the fact it becomes:
    its source, assumption and note where it has them, the fact's otherwise."""
    return {k: getattr(entry, k) or getattr(fact, k) for k in ("source", "assumption", "note")}


def agreement_phases(agreement: AgreementFact) -> list[tuple[str, dt.date | None]]:
    """An agreement's phases in order, as (status, since): its history, or its shorthand read as one."""
    if agreement.history:
        return [(p.status, p.since) for p in agreement.history]
    if agreement.status == "talks":
        return [("talks", None)]
    out: list[tuple[str, dt.date | None]] = []
    for phase, name in _DATED_PHASES:
        out.append((phase, getattr(agreement.dates, name)))
        if phase == agreement.status:
            break
    return out


def agreement_as_of(agreement: AgreementFact, date: dt.date) -> AgreementFact | None:
    """The agreement as it stood on ``date`` (its phase then, dates up to then), or None before
    its first phase."""
    phases = agreement_phases(agreement)
    # walked in order: a phase is reached only after the ones before it
    reached = list(itertools.takewhile(lambda p: in_effect(p[1], date), phases))
    if not reached:
        return None
    if agreement.history is None and len(reached) == len(phases):
        return agreement
    status = reached[-1][0]
    kept = {_PHASE_DATE[s]: d for s, d in reached if s in _PHASE_DATE and d is not None}
    dates = AgreementDates.model_construct(
        negotiation_started=kept.get("negotiation_started"),
        signed=kept.get("signed"),
        in_force=kept.get("in_force"),
    )
    update: dict[str, Any] = {"status": status, "dates": dates, "history": None}
    if agreement.history:
        update |= _lift(agreement.history[len(reached) - 1], agreement)
    return agreement.model_copy(update=update)


def mechanism_as_of(mechanism: Mechanism, date: dt.date) -> Mechanism | None:
    """The mechanism on ``date`` (its activity then), or None before it began."""
    if not in_effect(mechanism.established, date):
        return None
    if not mechanism.history:
        return mechanism
    entry = current(mechanism.history, date)
    if entry is None:
        return None
    return mechanism.model_copy(
        update={
            "activity": entry.activity,
            "history": None,
            **_lift(entry, mechanism),
        }
    )


def framework_as_of(framework: Framework, date: dt.date) -> Framework | None:
    """The framework on ``date`` (its status then, the mechanisms in effect then), or None."""
    if not in_effect(framework.established, date):
        return None
    update: dict[str, Any] = {}
    if framework.history:
        entry = current(framework.history, date)
        if entry is None:
            return None
        update = {
            "status": entry.status,
            "history": None,
            **_lift(entry, framework),
        }
    mechanisms = [m for m in (mechanism_as_of(m, date) for m in framework.mechanisms) if m is not None]
    if len(mechanisms) != len(framework.mechanisms) or any(
        a is not b for a, b in zip(mechanisms, framework.mechanisms, strict=False)
    ):
        update["mechanisms"] = mechanisms
    return framework.model_copy(update=update) if update else framework


def capability_as_of(capability: Capability, date: dt.date) -> Capability | None:
    """The capability's status on ``date``, or None before its history's first entry."""
    if not capability.history:
        return capability
    entry = current(capability.history, date)
    if entry is None:
        return None
    return capability.model_copy(
        update={
            "status": entry.status,
            "history": None,
            **_lift(entry, capability),
        }
    )


def as_of(scenario: Scenario, date: dt.date) -> Scenario:
    """The world as of ``date``: what is in effect on it, every history at its entry of that day."""
    frameworks = [f for f in (framework_as_of(f, date) for f in scenario.frameworks) if f is not None]
    agreements = [a for a in (agreement_as_of(a, date) for a in scenario.agreements) if a is not None]
    capabilities = [c for c in (capability_as_of(c, date) for c in scenario.capabilities) if c is not None]
    header = scenario.scenario
    return scenario.model_copy(
        update={
            "scenario": header if header.as_of == date else header.model_copy(update={"as_of": date}),
            "frameworks": frameworks,
            "agreements": agreements,
            "capabilities": capabilities,
            "asset_protection": [p for p in scenario.asset_protection if p.since <= date],
            "events": [e for e in scenario.events if e.date <= date],
        }
    )


def in_effect_now(scenario: Scenario) -> Scenario:
    """The world as of its own ``as_of``: what plain evaluation and the rules see."""
    return as_of(scenario, scenario.scenario.as_of)


def record_start(scenario: Scenario) -> dt.date:
    """The first day the scenario describes: the earliest ``as_of`` of its ``extends`` chain."""
    start = scenario.record_start
    return start if start is not None and start <= scenario.scenario.as_of else scenario.scenario.as_of


_PHASE_WHAT = {
    "talks": "talks",
    "negotiating": "negotiation_started",
    "signed": "signed",
    "in-force": "in_force",
}


@dataclass(frozen=True)
class DatedEntry:
    """One date carried by a fact or one of its history entries."""

    date: dt.date
    fact_id: str
    #: date | since | talks | negotiation_started | signed | in_force | established |
    #: mechanism:<id> | status:<status> | activity:<mechanism id>:<activity>
    what: str
    key: str  # the scenario section
    fact: Any
    entry: Any = None  # the history entry or mechanism that carries the date, if not the fact


def dated_entries(scenario: Scenario) -> list[DatedEntry]:
    """Every date carried by a fact (history entries included), sorted by date, fact and what."""
    from policyengine.models.scenario import SECTION_BY_KEY

    out: list[DatedEntry] = []

    def add(when: dt.date | None, key: str, fact: Any, what: str, entry: Any = None) -> None:
        if when is not None:
            out.append(DatedEntry(when, SECTION_BY_KEY[key].fact_id(fact), what, key, fact, entry))

    for e in scenario.events:
        add(e.date, "events", e, "date")
    for p in scenario.asset_protection:
        add(p.since, "asset_protection", p, "since")
    for f in scenario.frameworks:
        add(f.established, "frameworks", f, "established")
        for fp in f.history or ():
            add(fp.since, "frameworks", f, f"status:{fp.status}", fp)
        for m in f.mechanisms:
            add(m.established, "frameworks", f, f"mechanism:{m.id}", m)
            for mp in m.history or ():
                add(mp.since, "frameworks", f, f"activity:{m.id}:{mp.activity}", mp)
    for c in scenario.capabilities:
        for cp in c.history or ():
            add(cp.since, "capabilities", c, f"status:{cp.status}", cp)
    for a in scenario.agreements:
        if a.history:
            for ap in a.history:
                add(ap.since, "agreements", a, _PHASE_WHAT[ap.status], ap)
        else:
            for status, when in agreement_phases(a):
                add(when, "agreements", a, _PHASE_WHAT[status])
    return sorted(out, key=lambda d: (d.date, d.fact_id, d.what))
