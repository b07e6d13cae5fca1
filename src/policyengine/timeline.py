"""The world as of a date, and how the recommendations change from one dated fact to the next.

``as_of(scenario, date)`` (from :mod:`policyengine.models.asof`, where the one meaning of a date
is written down) keeps what is in effect on the date and turns every history into its entry of
that day. ``timeline(loaded)`` evaluates the world at the start of its record (the earliest
``as_of`` of its ``extends`` chain: facts without a date are known to hold from then on) and then
as of every later date a fact carries, and compares each state with the one before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policyengine.errors import input_error
from policyengine.locations import Location
from policyengine.models.asof import agreement_as_of, agreement_phases, as_of, framework_as_of, record_start
from policyengine.models.scenario import Scenario
from policyengine.validation.scenario import project

if TYPE_CHECKING:
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.diff import Diff
    from policyengine.engine.results import Result
    from policyengine.validation.scenario import LoadedScenario

__all__ = [
    "Dated",
    "Timeline",
    "TimelineStep",
    "agreement_as_of",
    "as_of",
    "check_date",
    "dated_facts",
    "framework_as_of",
    "project",
    "timeline",
]


def check_date(loaded: LoadedScenario, date: dt.date) -> None:
    """Refuse a date before the start of the scenario's record (E309): what the scenario writes
    without a date is not known to hold then, and would be taken to (an anachronism)."""
    start = record_start(loaded.scenario)
    if date < start:
        root = loaded.files[-1] if loaded.files else loaded.path
        raise input_error(
            "E309",
            f"{date} is before the start of the scenario's record ({start}, the earliest as_of of "
            f"{' <- '.join(loaded.files)}): facts without a date are not known to hold then",
            Location(root),
            f"choose a date on or after {start}, or write a scenario whose as_of is that early "
            "(and date the facts that did not hold then)",
        )


# -- dated facts ---------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Dated:
    """One date carried by a fact: ``what`` names the field (``date``, ``since``, ``signed`` ...)."""

    date: dt.date
    fact_id: str
    #: date | since | talks | negotiation_started | signed | in_force | established |
    #: mechanism:<id> | status:<status> | activity:<mechanism id>:<activity>
    what: str
    label: dict[str, str] = field(default_factory=dict, compare=False)  # the fact's name, ja and en
    #: ja/en: what the record does not settle about the fact or entry
    assumption: dict[str, str] | None = field(default=None, compare=False)
    #: where the fact or entry comes from: issuer, document, locator, date
    source: dict[str, str] | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "date": self.date.isoformat(),
            "fact": self.fact_id,
            "what": self.what,
            "label": dict(self.label),
        }
        if self.assumption:
            out["assumption"] = dict(self.assumption)
        if self.source:
            out["source"] = dict(self.source)
        return out


_PHASE_WHAT = {
    "talks": "talks",
    "negotiating": "negotiation_started",
    "signed": "signed",
    "in-force": "in_force",
}


def dated_facts(scenario: Scenario) -> list[Dated]:
    """Every date carried by a fact (history entries included), sorted by date then fact."""
    from policyengine.diff.facts import fact_name
    from policyengine.display import Names
    from policyengine.models.scenario import SECTION_BY_KEY

    names = Names(scenario)
    out: list[Dated] = []

    def add(when: dt.date | None, key: str, fact: Any, what: str, entry: Any = None) -> None:
        if when is None:
            return
        section = SECTION_BY_KEY[key]
        label = {lang: fact_name(section, fact, names, lang) for lang in ("ja", "en")}
        said = (entry.assumption if entry is not None else None) or fact.assumption
        text = {"ja": said.ja, "en": said.en} if said is not None else None
        cited = (entry.source if entry is not None else None) or fact.source
        source = (
            {
                k: str(v)
                for k, v in cited.model_dump(include={"issuer", "document", "date", "locator"}).items()
                if v
            }
            if cited is not None
            else None
        )
        out.append(Dated(when, section.fact_id(fact), what, label, text, source))

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
    return sorted(out)


# -- timeline ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineStep:
    """One date: the facts dated that day and what they changed, against the previous date."""

    date: dt.date
    dated: tuple[Dated, ...]
    diff: Diff

    @property
    def changed(self) -> bool:
        return self.diff.outcomes_changed


@dataclass(frozen=True)
class Timeline:
    scenario_id: str
    title: dict[str, str]
    files: tuple[str, ...]
    pack_id: str
    start: dt.date  # the start of the record: the earliest as_of of the extends chain
    initial: Result  # the recommendations as of ``start``
    steps: tuple[TimelineStep, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": {"id": self.scenario_id, "title": dict(self.title), "files": list(self.files)},
            "pack": self.pack_id,
            "start": {
                "date": self.start.isoformat(),
                "recommendations": [r.id for r in self.initial.recommendations],
                "risks": [r.id for r in self.initial.risks],
            },
            "steps": [
                {
                    "date": s.date.isoformat(),
                    "dated": [d.to_dict() for d in s.dated],
                    "recommendations": [o.to_dict() for o in s.diff.recommendations],
                    "risks": [o.to_dict() for o in s.diff.risks],
                }
                for s in self.steps
            ],
        }


def timeline(loaded: LoadedScenario, rules: str | CompiledPack | None = None) -> Timeline:
    """Evaluate the world at the start of its record and as of each later date a fact carries;
    compare each with the last. Facts dated on or before the start are part of the first state."""
    from policyengine.api import evaluate, load_pack
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.diff import diff_results

    pack = rules if isinstance(rules, CompiledPack) else load_pack(rules)
    start = record_start(loaded.scenario)
    dated = [d for d in dated_facts(loaded.scenario) if d.date > start]
    dates = sorted({d.date for d in dated})
    previous = project(loaded, start)
    previous_result = evaluate(previous, pack)
    initial = previous_result
    steps: list[TimelineStep] = []
    for date in dates:
        current = project(loaded, date)
        current_result = evaluate(current, pack)
        d = diff_results(previous, previous_result, current, current_result)
        steps.append(TimelineStep(date, tuple(x for x in dated if x.date == date), d))
        previous, previous_result = current, current_result
    header = loaded.scenario.scenario
    return Timeline(
        scenario_id=header.id,
        title={"ja": header.title.ja, "en": header.title.en},
        files=tuple(loaded.files),
        pack_id=pack.pack.id,
        start=start,
        initial=initial,
        steps=tuple(steps),
    )
