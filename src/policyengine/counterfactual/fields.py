"""Where a field the rules test lives in a scenario fact, and which values it may take.

The rules see flat view facts (:mod:`policyengine.factview`); changes are made to scenario facts.
``party.agreement_status`` is the ``status`` of the agreement, ``coverage.level`` is the entry
``areas.<area>`` of the framework, ``event.engagement`` is ``stance.indo_pacific_engagement``.
"""

from __future__ import annotations

from typing import Any

from policyengine.factview import BASE_KINDS, ViewFact

# (view kind, view field) -> scenario path; "{x}" is filled from the view fact's fields.
_PATHS: dict[tuple[str, str], str] = {
    ("country", "region"): "region",
    ("country", "alignment"): "alignment",
    ("country", "indo_pacific_engagement"): "indo_pacific_engagement",
    ("framework", "kind"): "kind",
    ("framework", "status"): "status",
    ("framework", "formal_treaty"): "formal_treaty",
    ("membership", "framework_kind"): "kind",
    ("coverage", "level"): "areas.{area}",
    ("mechanism", "kind"): "mechanisms.{id}.kind",
    ("mechanism", "activity"): "mechanisms.{id}.activity",
    ("agreement", "kind"): "kind",
    ("agreement", "status"): "status",
    ("party", "agreement_kind"): "kind",
    ("party", "agreement_status"): "status",
    ("event", "kind"): "kind",
    ("event", "engagement"): "stance.indo_pacific_engagement",
    ("event", "alignment"): "stance.alignment",
    ("capability", "domain"): "domain",
    ("capability", "status"): "status",
}

# (view kind, list field) -> the scenario list whose entries are removable parts.
_LISTS: dict[tuple[str, str], str] = {
    ("framework", "members"): "members",
    ("agreement", "parties"): "parties",
    ("interest", "countries"): "countries",
    ("interest", "areas"): "areas",
    ("event", "countries"): "countries",
    ("event", "areas"): "areas",
}

#: Optional fields: unsetting them is one of the values they may take.
_OPTIONAL = frozenset({("event", "engagement"), ("event", "alignment")})


def scenario_path(view: ViewFact, name: str) -> str | None:
    """The path in the scenario fact behind ``view`` that holds its field ``name``, if alterable."""
    template = _PATHS.get((view.kind, name))
    if template is None:
        return None
    return template.format(**{k: v for k, v in view.fields.items() if isinstance(v, str)})


def list_path(kind: str, name: str) -> str | None:
    """The scenario list behind a list field of a view kind (``framework.members`` -> members)."""
    return _LISTS.get((kind, name))


def allowed_values(kind: str, name: str) -> tuple[Any, ...]:
    """Every value an alterable field may take (``None`` for optional fields: unset)."""
    spec = BASE_KINDS[kind].fields.get(name)
    if spec is None:
        return ()
    values: tuple[Any, ...] = (False, True) if spec.type == "bool" else tuple(spec.values)
    if (kind, name) in _OPTIONAL:
        values = (*values, None)
    return values


#: Fields that say what a fact is rather than what state it is in. "If the RAA were an ACSA" or
#: "if Korea were outside the region" is no counterfactual an analyst plans around, so what-if
#: does not propose them (a sweep may still vary them when a variation file asks).
_DESCRIPTIVE = frozenset(
    {
        ("country", "region"),
        ("framework", "kind"),
        ("membership", "framework_kind"),
        ("mechanism", "kind"),
        ("agreement", "kind"),
        ("party", "agreement_kind"),
        ("event", "kind"),
        ("capability", "domain"),
    }
)


def alterable(kind: str, name: str) -> bool:
    """Whether what-if may propose another value for this field (a state, not what the fact is)."""
    return (kind, name) in _PATHS and (kind, name) not in _DESCRIPTIVE and bool(allowed_values(kind, name))
