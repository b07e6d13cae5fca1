"""Recognising which kind of file a user gave (scenario, rule pack, exercise) and validating it."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from policyengine.errors import Diagnostic, input_error, sort_diagnostics
from policyengine.errors.locations import Location
from policyengine.errors.suggest import hint_for
from policyengine.loading.documents import read_document

if TYPE_CHECKING:
    from policyengine.validation.scenario import LoadedScenario

#: top-level key -> kind of file
MARKERS = {"scenario": "scenario", "pack": "rules", "expectations": "expectations", "exercise": "exercise"}


def detect_kind(path: str) -> str:
    """'scenario', 'rules', 'expectations' or 'exercise', from the file's top-level keys."""
    # Only the top-level keys matter here: the loader of the kind found reports the problems.
    doc = read_document(path, collect=True)
    for key, kind in MARKERS.items():
        if key in doc.tree:
            return kind
    first = next(iter(doc.tree), "")
    raise input_error(
        "E114",
        "not a policyengine file: no top-level 'scenario:', 'pack:', 'expectations:' or 'exercise:' section",
        doc.tree.location(first) if first else Location(path, 1, 1),
        hint_for(first, MARKERS)
        or "a scenario starts with 'scenario:', a rule pack with 'pack:', expectations with 'expectations:', "
        "an exercise with 'exercise:'",
    )


def check_evaluable(loaded: LoadedScenario) -> None:
    """E308 when the scenario makes more facts than ``evaluate`` takes with the default pack.

    Every kind of fact counts first (the most any pack can be given); only a scenario over the
    limit that way is counted again with the kinds the default rule pack reads, as evaluate does.
    """
    from policyengine.engine.runtime import MAX_VIEW_FACTS, check_view_size
    from policyengine.models.factview import build_view

    if len(build_view(loaded.scenario)) <= MAX_VIEW_FACTS:
        return
    from policyengine.core import load_pack

    check_view_size(len(build_view(loaded.scenario, load_pack().base_kinds)), loaded)


def count_of(n: int, one: str, many: str | None = None) -> str:
    """``1 move``, ``3 moves``."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def validate_file(path: str) -> str:
    """Validate one file of any kind; return a one-line summary or raise InputError.

    A folder is a rule pack made of its ``*.yaml`` files.
    """
    return validate_file_warning(path)[0]


def validate_file_warning(path: str) -> tuple[str, list[Diagnostic]]:
    """Validate one file of any kind: its one-line summary and its warnings (docs/errors.md, W3xx),
    or InputError."""
    warnings: list[Diagnostic] = []
    return _validate(path, warnings), sort_diagnostics(warnings)


def _validate(path: str, warnings: list[Diagnostic]) -> str:
    kind = "rules" if os.path.isdir(path) else detect_kind(path)
    if kind == "expectations":
        from policyengine.checks import load_expectations

        model = load_expectations(path).model
        about = f" for scenario '{model.expectations.scenario}'" if model.expectations.scenario else ""
        return (
            f"expectations{about}: {len(model.recommended)} recommended, {len(model.not_recommended)} "
            f"not recommended, {len(model.risks)} risks, {len(model.no_risks)} ruled-out risks"
            + (", exhaustive" if model.expectations.exhaustive else "")
        )
    if kind == "scenario":
        from policyengine.signposts import watch_signposts
        from policyengine.validation.scenario import load_scenario
        from policyengine.validation.warnings import scenario_warnings

        loaded = load_scenario(path)
        watch_signposts(loaded)  # signposts' conditions name fact kinds and fields: check them too
        check_evaluable(loaded)
        warnings.extend(scenario_warnings(loaded))
        sc = loaded.scenario
        via = f", extends {' <- '.join(loaded.files[1:])}" if len(loaded.files) > 1 else ""
        if sc.signposts:
            via = f", {len(sc.signposts)} signposts{via}"
        return (
            f"scenario '{sc.scenario.id}' as of {sc.scenario.as_of}: {len(sc.countries)} countries, "
            f"{len(sc.frameworks)} frameworks, {len(sc.agreements)} agreements, "
            f"{len(sc.asset_protection)} asset-protection partners, {len(sc.interests)} interests, "
            f"{len(sc.events)} events, {len(sc.capabilities)} capabilities{via}"
        )
    if kind == "exercise":
        from policyengine.core import load_pack
        from policyengine.exercise.lint import exercise_warnings
        from policyengine.exercise.load import load_exercise

        pack = load_pack()
        ex = load_exercise(path, pack=pack)
        warnings.extend(exercise_warnings(ex, pack))
        injects = sum(len(m.injects) for m in ex.moves)
        conditional = sum(1 for _, _, _, i in ex.injects() if i.when is not None)
        moves, cells = count_of(len(ex.moves), "move"), count_of(len(ex.exercise.cells), "cell")
        return (
            f"exercise '{ex.id}' from scenario '{ex.start.scenario.scenario.id}': {moves}, "
            f"{count_of(injects, 'inject')} ({conditional} conditional), {cells}; "
            f"{count_of(ex.branches_checked, 'branch', 'branches')} checked"
            + (" (truncated)" if ex.branches_truncated else "")
        )
    from policyengine.compiler import compile_pack
    from policyengine.validation.rulepack import load_rule_pack

    compiled = compile_pack(load_rule_pack(path))
    from policyengine.engine import prepare

    prepare(compiled)  # registering it is the only way to learn that the engine can hold it
    derived = sorted(k for k, spec in compiled.kinds.specs.items() if spec.derived)
    return (
        f"rule pack '{compiled.pack.id}': {len(compiled.rules)} rules in {compiled.strata} strata; "
        f"derives {', '.join(derived)}"
    )
