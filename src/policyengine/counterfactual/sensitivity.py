"""Which facts carry which recommendations: load-bearing assumptions and single points of failure.

Definitions (every one computed by re-evaluating the scenario without the fact):

* A recommendation **rests on** a fact when removing that fact alone makes it disappear; the
  fact **carries** it. A fact's weight is the number of recommendations it carries.
* Removing a fact can also make a recommendation **appear** (a fact that blocks it, such as an
  asset-protection entry that makes extending it moot): those are listed as ``gained``.
* A recommendation's **single points of failure** are the facts it rests on.
* **Evidence** is what the engine names as the facts behind a recommendation. A fact can be in
  the evidence without carrying the recommendation (another support remains when it goes);
  listing both shows which recommendations are redundantly supported.

A fact that other facts refer to cannot go alone: removing a framework also removes the events
about it; removing a country also removes it from the lists that name it (members, parties) and
the facts that cannot stand without it (its events, its capabilities, a bilateral agreement).
These dependents are removed with it and listed. A fact whose removal still leaves an invalid
scenario is reported as not removable, with the reason, and only its evidence is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from policyengine.compiler.pipeline import CompiledPack
from policyengine.core.prose import ResultProse
from policyengine.counterfactual.changes import ChangeError, apply_changes, removal_with_dependents
from policyengine.counterfactual.evaluator import Evaluator
from policyengine.engine.results import build_result
from policyengine.errors.locations import Location
from policyengine.validation.scenario import LoadedScenario, project


@dataclass(frozen=True)
class FactSensitivity:
    """What removing one fact does to the recommendations."""

    fact: str
    location: Location | None
    removable: bool
    reason: str | None  # why the fact cannot be removed alone
    lost: tuple[str, ...]  # recommendations it carries
    gained: tuple[str, ...]  # recommendations its removal produces
    evidence: tuple[str, ...]  # recommendations whose evidence names it
    dependents: tuple[str, ...] = ()  # facts (or fact#part) removed with it, which need it

    @property
    def weight(self) -> int:
        return len(self.lost)


@dataclass
class SensitivityResult:
    loaded: LoadedScenario
    recommendations: list[str]
    facts: list[FactSensitivity]  # heaviest first
    single_points: dict[str, list[str]] = field(default_factory=dict)  # recommendation -> facts
    evidence: dict[str, list[str]] = field(default_factory=dict)  # recommendation -> evidence facts
    evaluations: int = 0

    def fact(self, fact_id: str) -> FactSensitivity | None:
        return next((f for f in self.facts if f.fact == fact_id), None)


def sensitivity(loaded: LoadedScenario, compiled: CompiledPack) -> SensitivityResult:
    """Remove each fact in effect on the scenario's date in turn and re-evaluate."""
    loaded = project(loaded)  # the world as of its date: each history is one status
    ev = Evaluator(loaded, compiled)
    raw = ev.raw(loaded)
    result = build_result(raw, loaded, ResultProse)
    base = frozenset(result.ids)
    evidence_of: dict[str, list[str]] = {r.id: list(r.evidence) for r in result.recommendations}
    cited: dict[str, set[str]] = {}
    for rid, facts in evidence_of.items():
        for f in facts:
            cited.setdefault(f, set()).add(rid)
    rows: list[FactSensitivity] = []
    for section, fact in loaded.facts():
        fid = section.fact_id(fact)
        origin = loaded.origin(fid)
        location = origin.location if origin is not None else None
        changes = removal_with_dependents(loaded.scenario, fid)
        try:
            world = apply_changes(loaded, changes)
        except ChangeError as exc:
            rows.append(
                FactSensitivity(fid, location, False, str(exc), (), (), tuple(sorted(cited.get(fid, ()))), ())
            )
            continue
        after = ev.outcomes(world).recommendations
        rows.append(
            FactSensitivity(
                fid,
                location,
                True,
                None,
                tuple(sorted(base - after)),
                tuple(sorted(after - base)),
                tuple(sorted(cited.get(fid, ()))),
                tuple(c.fact if not c.path else f"{c.fact}#{c.path}" for c in changes[1:]),
            )
        )
    rows.sort(key=lambda r: (-r.weight, -len(r.gained), -len(r.evidence), r.fact))
    single: dict[str, list[str]] = {rid: [] for rid in sorted(base)}
    for r in rows:
        for rid in r.lost:
            single[rid].append(r.fact)
    for facts in single.values():
        facts.sort()
    return SensitivityResult(
        loaded=loaded,
        recommendations=sorted(base),
        facts=rows,
        single_points=single,
        evidence={rid: sorted(v) for rid, v in sorted(evidence_of.items())},
        evaluations=ev.evaluations,
    )
