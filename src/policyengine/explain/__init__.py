"""Explanations: why a recommendation was made, and why another was not.

Record, filter, render: an evaluation is recorded as one stream of trace events
(:mod:`policyengine.engine.trace`); :mod:`~policyengine.explain.filters` select from it; the
:mod:`~policyengine.explain.derivation` and :mod:`~policyengine.explain.whynot` builders arrange
what was selected as trees of :mod:`~policyengine.explain.nodes`; :mod:`policyengine.render.explain`
shows them. Why-not explanations evaluate rule conditions in Python
(:mod:`~policyengine.explain.matcher`), which agrees with the engine on every full match.

    from policyengine.api import explain
    print(explain("scenarios/korea_new_gov.yaml", "extend-asset-protection/AUS").to_dict())
"""

from __future__ import annotations

from policyengine.compiler.pipeline import CompiledPack
from policyengine.core.prose import ResultProse
from policyengine.engine import prepare
from policyengine.engine.trace import TraceEvent, Tracer
from policyengine.explain.brief import Reasons
from policyengine.explain.derivation import build_derivation
from policyengine.explain.facts import FactIndex
from policyengine.explain.filters import for_rules, lineage
from policyengine.explain.nodes import Explanation
from policyengine.explain.targets import canonical_id, check_target, resolve_target
from policyengine.explain.whynot import WhyNotBuilder
from policyengine.validation.scenario import LoadedScenario


def explain_outcome(
    loaded: LoadedScenario, compiled: CompiledPack, outcome_id: str, *, tracer: Tracer | None = None
) -> Explanation:
    """Explain ``outcome_id`` (ACTION/TARGET) in a scenario: its derivation, or why it is absent.

    The evaluation is recorded into ``tracer`` (a new one when None), so that callers can show
    the events themselves (see :func:`trace_of`). Raises InputError (E501) with a "did you mean"
    when the id names no action or target.
    """
    tracer = tracer if tracer is not None else Tracer()
    result = prepare(compiled).evaluate(loaded, tracer=tracer, prose=ResultProse)
    assert result.raw is not None
    target = resolve_target(outcome_id, compiled, loaded, result)
    index = FactIndex(result.raw, loaded, compiled)
    header = loaded.scenario.scenario
    out = Explanation(
        target.id,
        {
            "id": header.id,
            "as_of": header.as_of.isoformat(),
            "title": {"ja": header.title.ja, "en": header.title.en},
            "files": list(loaded.files),
        },
        compiled.pack.id,
    )
    if target.outcome is not None:
        out.derivation = build_derivation(target.outcome, tracer.events, index)
    else:
        builder = WhyNotBuilder(index, tracer.events, result)
        out.why_not = builder.outcome(target.kind, target.action, target.target)
    return out


def trace_of(explanation: Explanation, tracer: Tracer) -> list[TraceEvent]:
    """The recorded events an explanation rests on.

    For an outcome that was made, its lineage; for one that was not, every event of the
    candidate rules (how they fired for other targets).
    """
    d = explanation.derivation
    if d is not None:
        return lineage(tracer.events, d.id, outcome="recommend" if d.kind == "recommendation" else "risk")
    assert explanation.why_not is not None
    return for_rules(tracer.events, [a.rule.id for a in explanation.why_not.attempts])


__all__ = ["Explanation", "Reasons", "canonical_id", "check_target", "explain_outcome", "trace_of"]
