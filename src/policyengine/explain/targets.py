"""Which outcome an ``explain`` id names, or a "did you mean" for an id that names nothing."""

from __future__ import annotations

from dataclasses import dataclass

from policyengine.compiler.pipeline import CompiledPack
from policyengine.engine.results import Recommendation, Result, Risk
from policyengine.errors import input_error
from policyengine.errors.suggest import did_you_mean, hint_for
from policyengine.models.outcome_ids import candidates, canonical_id, did_you_mean_ids
from policyengine.models.scenario import outcome_targets
from policyengine.validation.scenario import LoadedScenario


@dataclass(frozen=True)
class Target:
    """An outcome id resolved against a pack and an evaluation."""

    id: str
    kind: str  # recommendation | risk
    action: str  # recommendation action or risk kind
    target: str
    outcome: Recommendation | Risk | None  # None: it was not made

    @property
    def fired(self) -> bool:
        return self.outcome is not None


def _actions(compiled: CompiledPack) -> tuple[set[str], set[str]]:
    recs = {r.output.recommend["action"] for r in compiled.rules if r.output.recommend is not None}
    risks = {r.output.risk["kind"] for r in compiled.rules if r.output.risk is not None}
    return recs, risks


def check_target(
    action: str, target: str, loaded: LoadedScenario, made: list[str], *, extra: set[str] | None = None
) -> None:
    """Raise InputError (E501) with a suggestion when ``target`` can name nothing in the scenario.

    ``target`` is canonical (see :func:`canonical_id`, which sorts a grouping's members). A
    grouping (``A+B+C``) must list countries of the scenario, each once; anything else
    must be a country, framework or grouping of the scenario (or one of ``extra``). ``made`` are
    the ids of the outcomes made, suggested when no target is close.
    """
    text = f"{action}/{target}"
    if "+" in target:
        codes = target.split("+")
        countries = {c.code for c in loaded.scenario.countries}
        unknown = [c for c in codes if c not in countries]
        if unknown:
            raise input_error(
                "E501",
                f"'{unknown[0]}' in '{target}' is not a country of the scenario",
                None,
                hint_for(unknown[0], countries, noun="countries"),
            )
        if len(set(codes)) != len(codes):
            raise input_error("E501", f"a grouping names each member once: '{target}'", None, None)
        return
    known = outcome_targets(loaded.scenario) | (extra or set())
    if target in known:
        return
    # a name of several things first (Korea -> KOR or PRK), then a misspelt target
    # (AUZ -> extend-asset-protection/AUS), made or not; else the made ids closest to the text
    full = (
        candidates(text, loaded.scenario, {action})
        or [f"{action}/{c}" for c in did_you_mean(target, known)]
        or did_you_mean(text, made)
    )
    hint = did_you_mean_ids(full) if full else hint_for(target, known, noun="targets")
    raise input_error(
        "E501", f"'{target}' is not a country, framework or grouping of the scenario", None, hint
    )


def resolve_target(text: str, compiled: CompiledPack, loaded: LoadedScenario, result: Result) -> Target:
    """Resolve ``ACTION/TARGET``; raise InputError (E501) with a suggestion when it names nothing."""
    made = [r.id for r in result.recommendations] + [r.id for r in result.risks]
    recs, risks = _actions(compiled)
    text = canonical_id(text, loaded.scenario, recs | risks)
    action, slash, target = text.partition("/")
    if not slash or not action or not target:
        close = did_you_mean(text, made)
        hint: str | None
        if compiled.rule(text) is not None:
            hint = f"'{text}' is a rule: see `policyengine rules show {text}`; an id is ACTION/TARGET"
        elif close:
            hint = "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
        else:
            hint = "write ACTION/TARGET, e.g. extend-asset-protection/GBR"
        raise input_error("E501", f"'{text}' is not a recommendation or risk id (ACTION/TARGET)", None, hint)
    if action not in recs | risks:
        full = did_you_mean(text, made)
        hint = (
            "did you mean " + " or ".join(f"'{c}'" for c in full) + "?"
            if full
            else hint_for(action, recs | risks, noun="actions")
        )
        raise input_error("E501", f"no rule recommends '{action}' or raises it as a risk", None, hint)
    made_targets = {r.target for r in result.recommendations} | {r.target for r in result.risks}
    check_target(action, target, loaded, made, extra=made_targets)
    if action in recs:
        rec = result.recommendation(text)
        if rec is not None or action not in risks:
            return Target(text, "recommendation", action, target, rec)
    risk = next((r for r in result.risks if r.id == text), None)
    return Target(text, "risk", action, target, risk)


__all__ = ["Target", "canonical_id", "check_target", "resolve_target"]
