"""Where a field the rules test lives in a scenario fact, and which values it may take.

The rules see flat view facts (:mod:`policyengine.models.factview`); changes are made to scenario facts.
``party.agreement_status`` is the ``status`` of the agreement, ``coverage.level`` is the entry
``areas.<area>`` of the framework, ``event.engagement`` is ``stance.indo_pacific_engagement``.
All of it is read from the registry of fact kinds (:mod:`policyengine.models.registry`).
"""

from __future__ import annotations

from typing import Any

from policyengine.models.factview import ViewFact
from policyengine.models.registry import KIND_BY_NAME, KINDS, FieldEntry


def _entry(kind: str, name: str) -> FieldEntry | None:
    k = KIND_BY_NAME.get(kind)
    return k.field(name) if k is not None else None


# (view kind, view field) -> scenario path; "{x}" is filled from the view fact's fields.
_PATHS: dict[tuple[str, str], str] = {
    (k.name, f.name): f.path for k in KINDS for f in k.fields if f.path is not None and f.type != "list"
}

# (view kind, list field) -> the scenario list whose entries are removable parts.
_LISTS: dict[tuple[str, str], str] = {
    (k.name, f.name): f.path for k in KINDS for f in k.fields if f.path is not None and f.type == "list"
}


def scenario_path(view: ViewFact, name: str) -> str | None:
    """The path in the scenario fact behind ``view`` that holds its field ``name``, if alterable."""
    template = _PATHS.get((view.kind, name)) if alterable(view.kind, name) else None
    if template is None:
        return None
    return template.format(**{k: v for k, v in view.fields.items() if isinstance(v, str)})


def list_path(kind: str, name: str) -> str | None:
    """The scenario list behind a list field of a view kind (``framework.members`` -> members)."""
    return _LISTS.get((kind, name))


def allowed_values(kind: str, name: str) -> tuple[Any, ...]:
    """Every value a field may take (``None`` for the optional fields what-if alters: unset)."""
    f = _entry(kind, name)
    if f is None:
        return ()
    values: tuple[Any, ...] = (False, True) if f.type == "bool" else tuple(f.values)
    if f.whatif and f.optional:
        values = (*values, None)
    return values


def alterable(kind: str, name: str) -> bool:
    """Whether what-if may propose another value for this field (a state, not what the fact is:
    "if the RAA were an ACSA" or "if Korea were outside the region" is no counterfactual an analyst
    plans around, so what-if does not propose them; a sweep may still vary them when a variation
    file asks)."""
    f = _entry(kind, name)
    return f is not None and f.whatif and bool(allowed_values(kind, name))
