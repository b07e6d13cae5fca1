"""The world as of a date, and how the recommendations change from one dated fact to the next.

``as_of(scenario, date)`` is a pure function over the Scenario model: it keeps what is known to
have happened on or before the date and drops the rest (docs/diff.md, "As-of semantics"):

- events: kept when ``date`` <= D;
- asset_protection: kept when ``since`` <= D;
- frameworks: kept when ``established`` <= D or undated; a framework's mechanisms likewise;
- agreements: the stages negotiating (``dates.negotiation_started``), signed (``dates.signed``)
  and in force (``dates.in_force``) are walked in order, up to the status the file gives; a
  stage is reached by D when its date is <= D or it has no date. The agreement as of D has the
  last stage reached (with the dates after D removed); an agreement that has not even reached
  negotiation is absent;
- everything without a date (countries, interests, capabilities, coverage, areas, signposts,
  undated frameworks and agreement stages) is kept;
- the scenario's ``as_of`` becomes D.

``timeline(loaded)`` evaluates the world just before its first dated fact and then as of every
distinct date of a dated fact, and compares each state with the one before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from policyengine.models.scenario import AgreementDates, AgreementFact, Framework, Scenario

if TYPE_CHECKING:
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.diff import Diff
    from policyengine.engine.results import Result
    from policyengine.validation.scenario import LoadedScenario

_STAGES = ("negotiating", "signed", "in-force")


def _known_by(when: dt.date | None, date: dt.date) -> bool:
    return when is None or when <= date


def agreement_as_of(agreement: AgreementFact, date: dt.date) -> AgreementFact | None:
    """The agreement as it stood on ``date``, or None if its negotiation had not started."""
    dates = agreement.dates
    stage_dates = (dates.negotiation_started, dates.signed, dates.in_force)
    reached: str | None = None
    for stage, when in zip(_STAGES[: _STAGES.index(agreement.status) + 1], stage_dates, strict=False):
        if not _known_by(when, date):
            break
        reached = stage
    if reached is None:
        return None
    if reached == agreement.status and all(_known_by(d, date) for d in stage_dates):
        return agreement
    kept = AgreementDates.model_construct(
        negotiation_started=dates.negotiation_started,  # reached, so on or before the date
        signed=dates.signed if dates.signed is not None and dates.signed <= date else None,
        in_force=dates.in_force if dates.in_force is not None and dates.in_force <= date else None,
    )
    return agreement.model_copy(update={"status": reached, "dates": kept})


def framework_as_of(framework: Framework, date: dt.date) -> Framework | None:
    """The framework on ``date`` (with the mechanisms established by then), or None."""
    if not _known_by(framework.established, date):
        return None
    mechanisms = [m for m in framework.mechanisms if _known_by(m.established, date)]
    if len(mechanisms) == len(framework.mechanisms):
        return framework
    return framework.model_copy(update={"mechanisms": mechanisms})


def as_of(scenario: Scenario, date: dt.date) -> Scenario:
    """The world as of ``date``: only what is dated on or before it, and everything undated."""
    frameworks = [f for f in (framework_as_of(f, date) for f in scenario.frameworks) if f is not None]
    agreements = [a for a in (agreement_as_of(a, date) for a in scenario.agreements) if a is not None]
    return scenario.model_copy(
        update={
            "scenario": scenario.scenario.model_copy(update={"as_of": date}),
            "frameworks": frameworks,
            "agreements": agreements,
            "asset_protection": [p for p in scenario.asset_protection if p.since <= date],
            "events": [e for e in scenario.events if e.date <= date],
        }
    )


def project(loaded: LoadedScenario, date: dt.date) -> LoadedScenario:
    """A loaded scenario as of ``date``, keeping the provenance of the facts that remain."""
    scenario = as_of(loaded.scenario, date)
    kept = {s.fact_id(f) for s, f in _facts(scenario)}
    origins = {fid: o for fid, o in loaded.origins.items() if fid in kept}
    return replace(loaded, scenario=scenario, origins=origins)


def _facts(scenario: Scenario) -> Iterator[tuple[Any, Any]]:
    from policyengine.models.scenario import SECTIONS

    for section in SECTIONS:
        for fact in getattr(scenario, section.key):
            yield section, fact


# -- dated facts ---------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Dated:
    """One date carried by a fact: ``what`` names the field (``date``, ``since``, ``signed`` ...)."""

    date: dt.date
    fact_id: str
    what: str  # date | since | negotiation_started | signed | in_force | established | mechanism:<id>
    label: dict[str, str] = field(default_factory=dict, compare=False)  # the fact's name, ja and en

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "fact": self.fact_id,
            "what": self.what,
            "label": dict(self.label),
        }


def dated_facts(scenario: Scenario) -> list[Dated]:
    """Every date carried by a fact, sorted by date then fact."""
    from policyengine.diff.facts import fact_name
    from policyengine.display import Names
    from policyengine.models.scenario import SECTION_BY_KEY

    names = Names(scenario)
    out: list[Dated] = []

    def add(when: dt.date | None, key: str, fact: Any, what: str) -> None:
        if when is None:
            return
        section = SECTION_BY_KEY[key]
        label = {lang: fact_name(section, fact, names, lang) for lang in ("ja", "en")}
        out.append(Dated(when, section.fact_id(fact), what, label))

    for e in scenario.events:
        add(e.date, "events", e, "date")
    for p in scenario.asset_protection:
        add(p.since, "asset_protection", p, "since")
    for f in scenario.frameworks:
        add(f.established, "frameworks", f, "established")
        for m in f.mechanisms:
            add(m.established, "frameworks", f, f"mechanism:{m.id}")
    for a in scenario.agreements:
        for what in ("negotiation_started", "signed", "in_force"):
            add(getattr(a.dates, what), "agreements", a, what)
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
    start: dt.date  # the day before the first dated fact
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
    """Evaluate the world before its first dated fact and as of each date; compare each with the last."""
    from policyengine.api import evaluate, load_pack
    from policyengine.compiler.pipeline import CompiledPack
    from policyengine.diff import diff_results

    pack = rules if isinstance(rules, CompiledPack) else load_pack(rules)
    dated = dated_facts(loaded.scenario)
    dates = sorted({d.date for d in dated})
    start = (dates[0] - dt.timedelta(days=1)) if dates else loaded.scenario.scenario.as_of
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
