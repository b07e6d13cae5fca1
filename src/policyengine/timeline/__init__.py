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

from policyengine.core import check_date, project
from policyengine.models.asof import agreement_as_of, as_of, dated_entries, framework_as_of, record_start
from policyengine.models.scenario import Scenario

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


def dated_facts(scenario: Scenario) -> list[Dated]:
    """Every date carried by a fact (history entries included), sorted by date then fact, each
    with the fact's name, what the record does not settle about it and its source."""
    from policyengine.models.names import Names
    from policyengine.models.scenario import SECTION_BY_KEY

    names = Names(scenario)
    out: list[Dated] = []
    for d in dated_entries(scenario):
        section = SECTION_BY_KEY[d.key]
        label = {lang: names.fact_name(section.kind, d.fact, lang) for lang in ("ja", "en")}
        said = (d.entry.assumption if d.entry is not None else None) or d.fact.assumption
        text = {"ja": said.ja, "en": said.en} if said is not None else None
        cited = (d.entry.source if d.entry is not None else None) or d.fact.source
        source = (
            {
                k: str(v)
                for k, v in cited.model_dump(include={"issuer", "document", "date", "locator"}).items()
                if v
            }
            if cited is not None
            else None
        )
        out.append(Dated(d.date, d.fact_id, d.what, label, text, source))
    return out


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
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.core import evaluate, load_pack
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
