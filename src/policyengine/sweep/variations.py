"""Variation files: which facts a sweep varies, and the values each may take.

A variation file (``variations/*.yaml``) names dimensions; a variant takes one value in each, and
the sweep evaluates every combination (or a seeded sample of them)::

    sweep:
      id: korea-new-gov-variations
      title: {ja: ..., en: ...}
    dimensions:
      - id: gbr-raa                      # a field of a fact takes each of these values
        fact: agreement:raa-jpn-gbr
        field: status
        values: [negotiating, signed, in-force]
      - id: fra-protection               # a fact is there or not
        fact: asset_protection:FRA
        values: [absent, present]
        add: {partner: FRA, since: 2022-06-01}   # the fact to add, when the scenario lacks it

Validated with pydantic, then against the scenario: unknown facts, fields that cannot vary and
values a field cannot take are reported with file:line:col and a hint, all at once.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator

from policyengine.counterfactual import (
    Change,
    add,
    alter,
    find_fact,
    get_path,
    removal_with_dependents,
    section_of,
)
from policyengine.errors import DiagnosticSink, InputError, input_error
from policyengine.errors.locations import Location
from policyengine.errors.suggest import hint_for
from policyengine.loading.documents import read_document
from policyengine.loading.yamltree import YMap, YSeq
from policyengine.models.common import I18nText, Id, Model, Text
from policyengine.models.registry import sweep_fields
from policyengine.models.scenario import SECTION_BY_KIND, AssetProtection
from policyengine.validation.pydantic_errors import diagnostics_from
from policyengine.validation.scenario import LoadedScenario

PRESENCE = ("present", "absent")
MAX_VARIANTS_LISTED = 10**12  # beyond this, a variation file is refused (E703): its indices are too big
#: The most variants one sweep evaluates: a full sweep over a larger space must be sampled
#: (``--sample``), and a sample is at most this big. Variants of a full sweep are numbered lazily
#: (a ``range``); a sample is held as a sorted list of its indices, so this bounds the memory a
#: sweep's selection takes (about 100 MB at the limit), whatever the size of the variation space.
MAX_SWEEP_VARIANTS = 1_000_000

#: The fields a dimension may vary, per kind of fact ("areas.*": any area of a framework), and the
#: values each may take: the registry's fields marked ``sweep``.
VARIABLE_FIELDS: dict[str, dict[str, tuple[Any, ...]]] = sweep_fields()

FactId = Annotated[str, Field(pattern=r"^[a-z_]+:[A-Za-z0-9][A-Za-z0-9-]*$")]
Scalar = str | bool | dt.date | None


class Dimension(Model):
    """One thing the sweep varies: a field of a fact, or whether a fact is there."""

    id: Id
    name: I18nText | None = None
    fact: FactId
    field: Annotated[str, Field(pattern=r"^[a-z_]+(\.[a-z0-9_-]+){0,2}$")] | None = None
    values: Annotated[list[Scalar], Field(min_length=1, max_length=64)]
    add: dict[str, Any] | None = None
    note: Text | None = None

    @field_validator("values")
    @classmethod
    def _distinct(cls, v: list[Scalar]) -> list[Scalar]:
        seen: list[Scalar] = []
        for x in v:
            if x in seen:
                raise ValueError(f"values lists '{x}' twice")
            seen.append(x)
        return v


class SweepHeader(Model):
    id: Id
    title: I18nText
    description: I18nText | None = None


class VariationFile(Model):
    sweep: SweepHeader
    dimensions: Annotated[list[Dimension], Field(min_length=1, max_length=64)]


@dataclass(frozen=True)
class Variations:
    """A validated variation file bound to a scenario: each dimension's values as changes."""

    path: str
    header: SweepHeader
    dimensions: list[Dimension]
    changes: list[list[tuple[Change, ...]]]  # per dimension, per value: the changes it makes
    where: Location | None = None  # the file's 'dimensions:', for errors about the whole space

    @property
    def total(self) -> int:
        n = 1
        for d in self.dimensions:
            n *= len(d.values)
        return n

    def values_of(self, index: int) -> tuple[int, ...]:
        """Which value of each dimension variant ``index`` takes (the last dimension varies fastest)."""
        picks: list[int] = []
        for d in reversed(self.dimensions):
            index, r = divmod(index, len(d.values))
            picks.append(r)
        return tuple(reversed(picks))

    def labels(self, index: int) -> tuple[str, ...]:
        return tuple(
            value_label(d.values[i]) for d, i in zip(self.dimensions, self.values_of(index), strict=True)
        )

    def variant_changes(self, index: int) -> list[Change]:
        """The changes variant ``index`` makes; a fact the variant removes is not also altered."""
        out: list[Change] = []
        for per_value, i in zip(self.changes, self.values_of(index), strict=True):
            out.extend(per_value[i])
        gone = {c.fact for c in out if c.op == "remove" and not c.path}
        kept = [c for c in out if c.fact not in gone or (c.op == "remove" and not c.path)]
        unique: dict[str, Change] = {}
        for c in kept:
            unique.setdefault(c.key, c)
        return list(unique.values())

    def indices(self, sample: int | None = None, seed: int = 0) -> Sequence[int]:
        """Every variant, or a seeded random sample of ``sample`` distinct ones, in index order.

        Every variant is a ``range`` (numbered as the sweep goes, never listed). More than
        :data:`MAX_SWEEP_VARIANTS`, in all or in the sample, is an error (E704).
        """
        total = self.total
        at = self.where or Location(self.path)
        if sample is None or sample >= total:
            if total > MAX_SWEEP_VARIANTS:
                raise input_error(
                    "E704",
                    f"the variations make {total:,} variants, more than a sweep evaluates"
                    f" ({MAX_SWEEP_VARIANTS:,})",
                    at,
                    f"evaluate a random sample of them: --sample N (N at most {MAX_SWEEP_VARIANTS:,})",
                )
            return range(total)
        if sample > MAX_SWEEP_VARIANTS:
            raise input_error(
                "E704",
                f"a sample of {sample:,} variants is more than a sweep evaluates ({MAX_SWEEP_VARIANTS:,})",
                at,
                f"sample at most {MAX_SWEEP_VARIANTS:,} variants",
            )
        return sorted(random.Random(seed).sample(range(total), sample))


def value_label(value: Scalar) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _pattern_of(path: str) -> str:
    head, _, rest = path.partition(".")
    if head == "areas" and rest:
        return "areas.*"
    if head == "mechanisms" and rest.count(".") == 1:
        return "mechanisms.*." + rest.split(".")[1]
    return path


def load_variations(path: str, loaded: LoadedScenario) -> Variations:
    """Read, validate and bind a variation file to a scenario; every problem at once."""
    doc = read_document(path)
    try:
        model = VariationFile.model_validate(doc.tree)
    except ValidationError as exc:
        raise InputError(diagnostics_from(exc, doc.tree, VariationFile)) from None
    sink = DiagnosticSink()
    raw_dims = doc.tree.get("dimensions")
    changes: list[list[tuple[Change, ...]]] = []
    seen_ids: dict[str, int] = {}
    seen_slots: dict[tuple[str, str], str] = {}
    fact_ids = {sec.fact_id(f) for sec, f in loaded.facts()}
    for i, dim in enumerate(model.dimensions):
        raw = raw_dims[i] if isinstance(raw_dims, YSeq) and isinstance(raw_dims[i], YMap) else doc.tree
        at = raw.location
        if dim.id in seen_ids:
            sink.add("E302", f"dimension '{dim.id}' is listed twice", at("id", of_value=True))
        seen_ids[dim.id] = i
        kind = dim.fact.split(":", 1)[0]
        if kind not in SECTION_BY_KIND:
            sink.add(
                "E701",
                f"unknown kind of fact '{kind}'",
                at("fact", of_value=True),
                hint_for(kind, SECTION_BY_KIND, noun="kinds"),
            )
            changes.append([])
            continue
        slot = (dim.fact, dim.field or "")
        if slot in seen_slots:
            sink.add(
                "E702",
                f"'{dim.fact}' {dim.field or 'presence'} is varied twice (also by '{seen_slots[slot]}')",
                at("fact", of_value=True),
                "one dimension per fact field",
            )
        seen_slots[slot] = dim.id
        if dim.field is None:
            changes.append(_presence(dim, raw, loaded, fact_ids, sink))
        else:
            changes.append(_field(dim, raw, loaded, fact_ids, sink))
    if model.sweep is not None and len(model.dimensions) > 0:
        total = 1
        for d in model.dimensions:
            total *= len(d.values)
        if total > MAX_VARIANTS_LISTED:
            sink.add("E703", f"{total} variants are too many to index", doc.tree.location("dimensions"))
    sink.raise_if_any()
    where = doc.tree.location("dimensions") if isinstance(doc.tree, YMap) else None
    return Variations(doc.display, model.sweep, list(model.dimensions), changes, where)


def _presence(
    dim: Dimension, raw: YMap, loaded: LoadedScenario, fact_ids: set[str], sink: DiagnosticSink
) -> list[tuple[Change, ...]]:
    values_raw = raw.get("values")
    out: list[tuple[Change, ...]] = []
    exists = dim.fact in fact_ids
    section = section_of(dim.fact)
    to_add: Any = None
    if not exists and "present" in dim.values:
        to_add = _fact_to_add(dim, raw, loaded, sink)
        if to_add is None and dim.add is None:
            sink.add(
                "E701",
                f"'{dim.fact}' is not in the scenario and the file does not say what to add",
                raw.location("fact", of_value=True),
                hint_for(dim.fact, fact_ids, noun="facts") or "give the fact under 'add:'",
            )
    for j, v in enumerate(dim.values):
        if v not in PRESENCE:
            loc = values_raw.location(j) if isinstance(values_raw, YSeq) else raw.location("values")
            sink.add(
                "E703",
                f"'{value_label(v)}' is not a value of a presence dimension",
                loc,
                "use present or absent (or give 'field:' to vary a field)",
            )
            out.append(())
        elif v == "present":
            out.append((add(section, to_add),) if not exists and to_add is not None else ())
        else:
            out.append(tuple(removal_with_dependents(loaded.scenario, dim.fact)) if exists else ())
    return out


def _fact_to_add(dim: Dimension, raw: YMap, loaded: LoadedScenario, sink: DiagnosticSink) -> Any:
    section = section_of(dim.fact)
    ident = dim.fact.split(":", 1)[1]
    if dim.add is None:
        if section.kind == "asset_protection":
            return AssetProtection(partner=ident, since=loaded.scenario.scenario.as_of)
        return None
    tree = raw.get("add")
    try:
        model = section.model.model_validate(tree)
    except ValidationError as exc:
        sink.extend(diagnostics_from(exc, tree, section.model))
        return None
    if section.identity(model) != ident:
        sink.add(
            "E307",
            f"the fact under 'add' is {section.fact_id(model)}, not {dim.fact}",
            raw.location("add"),
        )
        return None
    return model


def _field(
    dim: Dimension, raw: YMap, loaded: LoadedScenario, fact_ids: set[str], sink: DiagnosticSink
) -> list[tuple[Change, ...]]:
    kind = dim.fact.split(":", 1)[0]
    assert dim.field is not None
    if dim.fact not in fact_ids:
        sink.add(
            "E701",
            f"unknown fact '{dim.fact}': the scenario has no such fact",
            raw.location("fact", of_value=True),
            hint_for(dim.fact, fact_ids, noun="facts"),
        )
        return []
    allowed_fields = VARIABLE_FIELDS.get(kind, {})
    pattern = _pattern_of(dim.field)
    if pattern not in allowed_fields:
        sink.add(
            "E702",
            f"'{dim.field}' of {kind} facts cannot be varied",
            raw.location("field", of_value=True),
            hint_for(dim.field, allowed_fields, noun="fields") or f"no field of {kind} facts can be varied",
        )
        return []
    fact = find_fact(loaded.scenario, dim.fact)
    assert fact is not None
    if pattern.startswith("mechanisms."):
        mech_id = dim.field.split(".")[1]
        mechs = [m.id for m in fact.mechanisms]
        if mech_id not in mechs:
            sink.add(
                "E701",
                f"{dim.fact} has no mechanism '{mech_id}'",
                raw.location("field", of_value=True),
                hint_for(mech_id, mechs, noun="mechanisms"),
            )
            return []
    allowed = allowed_fields[pattern]
    values_raw = raw.get("values")
    current = get_path(fact, dim.field)
    out: list[tuple[Change, ...]] = []
    for j, v in enumerate(dim.values):
        value: Any = None if v == "none" and None in allowed else v
        if value not in allowed:
            loc = values_raw.location(j) if isinstance(values_raw, YSeq) else raw.location("values")
            sink.add(
                "E703",
                f"'{value_label(v)}' is not a value of {kind} '{dim.field}'",
                loc,
                hint_for(value_label(v), [value_label(a) for a in allowed], noun=f"values of '{dim.field}'"),
            )
            out.append(())
            continue
        out.append(() if value == current else (alter(dim.fact, dim.field, current, value),))
    return out
