"""Warnings about valid scenarios that are likely to surprise their author (docs/errors.md, W3xx).

A warning does not stop anything: ``validate`` prints it and exits 0 (``--strict`` makes it an
error). Each names what will not count, where it is written, and why.

- W301: a country's stance field (``indo_pacific_engagement``, ``alignment``) written in a file
  where an event of the same or an extended file, in effect on the scenario's date, already
  records another stance for the country: rules read the event's, so the field changes nothing.
- W302: a fact dated after the scenario's ``as_of``: not in effect on that date, so it does not
  count in ``evaluate`` (``timeline`` and ``evaluate --as-of`` show it from its date).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from policyengine.errors import Diagnostic
from policyengine.errors.locations import Location
from policyengine.loading.yamltree import YMap, YSeq
from policyengine.models.names import value
from policyengine.models.registry import KINDS
from policyengine.models.scenario import Stance
from policyengine.validation.scenario import LoadedScenario

#: a country's fields an event's stance may change
_STANCE_FIELDS = tuple(Stance.model_fields)

#: the keys a fact's dates are written under: the registry's date fields, and a history entry's
#: ``since``
_DATE_KEYS = frozenset(
    {
        f.path.rsplit(".", 1)[-1]
        for k in KINDS
        if k.name != "scenario"
        for f in k.fields
        if f.type == "date" and f.path
    }
    | {"since"}
)


def _date_written(node: Any, when: dt.date) -> Location | None:
    """Where ``when`` is written as a date field (``date``, ``since``, ``established``, a
    ``dates`` step) below a fact's mapping, depth first in file order."""
    if isinstance(node, YMap):
        for key, value in node.items():
            if isinstance(value, (YMap, YSeq)):
                found = _date_written(value, when)
                if found is not None:
                    return found
            elif key in _DATE_KEYS and str(value) == when.isoformat():
                return node.location(key, of_value=True)
    elif isinstance(node, YSeq):
        for item in node:
            found = _date_written(item, when)
            if found is not None:
                return found
    return None


def _depth(loaded: LoadedScenario, fact_id: str) -> int | None:
    """How far up the extends chain a fact is written (0: the file itself)."""
    origin = loaded.origin(fact_id)
    return None if origin is None else len(origin.via)


def scenario_warnings(loaded: LoadedScenario) -> list[Diagnostic]:
    """Every W301 and W302 of a loaded scenario, in fact order."""
    return [*_overridden_stances(loaded), *_after_as_of(loaded)]


def _overridden_stances(loaded: LoadedScenario) -> list[Diagnostic]:
    sc = loaded.scenario
    day = sc.scenario.as_of
    out: list[Diagnostic] = []
    for country in sc.countries:
        fid = f"country:{country.code}"
        written = _depth(loaded, fid)
        origin = loaded.origin(fid)
        for name in _STANCE_FIELDS:
            events = [
                e
                for e in sc.events
                if e.country == country.code
                and e.stance is not None
                and getattr(e.stance, name) is not None
                and e.date <= day
            ]
            if not events:
                continue
            latest = max(events, key=lambda e: (e.date, e.id))
            said = getattr(latest.stance, name)
            event_depth = _depth(loaded, f"event:{latest.id}")
            if said == getattr(country, name) or written is None or event_depth is None:
                continue
            if written > event_depth:
                continue  # the event was written later, over the country's recorded posture: meant so
            out.append(
                Diagnostic(
                    origin.field_location(name) if origin else None,
                    "W301",
                    f"country {country.code}'s {name} '{getattr(country, name)}' is overridden by event "
                    f"'{latest.id}' of {latest.date} ({value(said, 'en')}): rules read the latest event's "
                    f"stance, so this field changes nothing as of {day}",
                    "record a change of stance as an event (the country's field is its posture before "
                    "the events), or correct the event",
                )
            )
    return out


def _after_as_of(loaded: LoadedScenario) -> list[Diagnostic]:
    from policyengine.models.asof import dated_entries

    day = loaded.scenario.scenario.as_of
    first: dict[str, tuple[dt.date, str]] = {}
    for d in dated_entries(loaded.scenario):
        if d.date > day and d.fact_id not in first:
            first[d.fact_id] = (d.date, d.what)
    out: list[Diagnostic] = []
    for fid, (when, what) in first.items():
        origin = loaded.origin(fid)
        location = None
        if origin is not None:
            found = _date_written(origin.raw, when)
            location = found.with_via(origin.via) if found is not None else origin.location
        out.append(
            Diagnostic(
                location,
                "W302",
                f"{fid} is dated {when} ({what.replace('_', ' ')}), after the scenario's as_of ({day}): "
                f"it is not in effect then, so it does not count in evaluate",
                f"if it has happened, move as_of to {when} or later; timeline and evaluate --as-of "
                "show it from its date",
            )
        )
    return out
