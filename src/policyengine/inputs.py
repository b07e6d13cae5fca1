"""Recognising which kind of file a user gave (scenario, rule pack, ...) and validating it."""

from __future__ import annotations

import os

from policyengine.errors import input_error
from policyengine.loading.documents import read_document
from policyengine.locations import Location
from policyengine.suggest import hint_for

#: top-level key -> kind of file
MARKERS = {"scenario": "scenario", "pack": "rules"}


def detect_kind(path: str) -> str:
    """'scenario' or 'rules', from the file's top-level keys."""
    doc = read_document(path)
    for key, kind in MARKERS.items():
        if key in doc.tree:
            return kind
    first = next(iter(doc.tree), "")
    raise input_error(
        "E114",
        "not a policyengine file: no top-level 'scenario:' or 'pack:' section",
        doc.tree.location(first) if first else Location(path, 1, 1),
        hint_for(first, MARKERS) or "a scenario starts with 'scenario:', a rule pack with 'pack:'",
    )


def validate_file(path: str) -> str:
    """Validate one file of any kind; return a one-line summary or raise InputError.

    A folder is a rule pack made of its ``*.yaml`` files.
    """
    kind = "rules" if os.path.isdir(path) else detect_kind(path)
    if kind == "scenario":
        from policyengine.validation.scenario import load_scenario

        loaded = load_scenario(path)
        sc = loaded.scenario
        via = f", extends {' <- '.join(loaded.files[1:])}" if len(loaded.files) > 1 else ""
        return (
            f"scenario '{sc.scenario.id}' as of {sc.scenario.as_of}: {len(sc.countries)} countries, "
            f"{len(sc.frameworks)} frameworks, {len(sc.agreements)} agreements, "
            f"{len(sc.asset_protection)} asset-protection partners, {len(sc.interests)} interests, "
            f"{len(sc.events)} events, {len(sc.capabilities)} capabilities{via}"
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
