"""The registry of fact kinds (policyengine.models.registry) is complete and consistent.

Adding a field to a scenario model fails here until the field has an entry in the registry, or
is named in NOT_SEEN_BY_RULES with the reason the rules do not see it.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from policyengine.models import names as display
from policyengine.models import registry as r
from policyengine.models import scenario as sm
from policyengine.text import catalog

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _nested_models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """``model`` and every scenario model its fields hold (Mechanism in Framework, Stance in Event)."""
    seen: list[type[BaseModel]] = []
    todo = [model]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.append(m)
        for f in m.model_fields.values():
            for tp in _leaves(f.annotation):
                if isinstance(tp, type) and issubclass(tp, BaseModel) and tp.__module__ == sm.__name__:
                    todo.append(tp)
    return seen


def _leaves(tp: typing.Any) -> list[typing.Any]:
    args = typing.get_args(tp)
    return [leaf for a in args for leaf in _leaves(a)] if args else [tp]


def _excluded(model: type[BaseModel], name: str) -> str | None:
    for key in (f"{model.__name__}.{name}", f"*.{name}", f"{model.__name__}.*"):
        if key in r.NOT_SEEN_BY_RULES:
            return key
    return None


def _mapped() -> set[tuple[type[BaseModel], str]]:
    return {
        pair
        for k in r.KINDS
        for f in k.fields
        if f.path is not None
        for pair in r.path_fields(r.model_of(k), f.path)
    }


def _scenario_models() -> list[type[BaseModel]]:
    models = [sm.ScenarioHeader]
    for section in sm.SECTIONS:
        if f"{section.model.__name__}.*" in r.NOT_SEEN_BY_RULES:
            models.append(section.model)  # its own fields are excluded whole; its parts with it
            continue
        models += [m for m in _nested_models(section.model) if m not in models]
    # phases of a history are read by the as-of projection, never field by field
    return [m for m in models if not issubclass(m, sm.Phase) and m.__module__ == sm.__name__]


def test_every_field_of_the_scenario_models_is_mapped_or_excluded_with_a_reason() -> None:
    mapped = _mapped()
    missing = [
        f"{m.__name__}.{name}"
        for m in _scenario_models()
        for name in m.model_fields
        if (m, name) not in mapped and _excluded(m, name) is None
    ]
    assert missing == [], "give these fields an entry in models/registry.py or a reason in NOT_SEEN_BY_RULES"


def test_every_exclusion_names_a_field_that_exists_and_is_not_mapped() -> None:
    mapped = _mapped()
    used = {
        key
        for m in _scenario_models()
        for name in m.model_fields
        if (m, name) not in mapped and (key := _excluded(m, name)) is not None
    }
    assert sorted(set(r.NOT_SEEN_BY_RULES) - used) == []
    assert all(reason.strip() for reason in r.NOT_SEEN_BY_RULES.values())


def test_every_path_names_fields_of_the_models() -> None:
    for k in r.KINDS:
        for f in k.fields:
            if f.path is not None:
                assert r.path_fields(r.model_of(k), f.path), f"{k.name}.{f.name}"


def test_a_path_that_names_no_field_is_refused() -> None:
    with pytest.raises(KeyError, match="no field 'colour'"):
        r.path_fields(sm.Framework, "mechanisms.{id}.colour")


def test_every_section_is_a_kind_or_excluded() -> None:
    kinds = {k.section for k in r.main_kinds()}
    for section in sm.SECTIONS:
        assert section.key in kinds or _excluded(section.model, "x") == f"{section.model.__name__}.*"
    for k in r.main_kinds():
        section = sm.SECTION_BY_KEY[k.section or ""]
        assert (section.kind, section.identity_field) == (k.name, k.identity)


def test_every_field_has_a_label_in_both_languages() -> None:
    entries = catalog()
    keys = [f.label for k in r.KINDS + r.OUTCOME_KINDS for f in k.fields]
    keys += [f.path_label for k in r.KINDS for f in k.fields if f.path_label]
    assert [key for key in keys if key not in entries] == []
    assert all(
        display.FIELD_LABELS[f.name] == (entries[f.label]["ja"], entries[f.label]["en"])
        for f in r.KINDS[1].fields
    )


def test_the_flags_fit_the_fields() -> None:
    for k in r.KINDS:
        for f in k.fields:
            where = f"{k.name}.{f.name}"
            if f.whatif:
                # what-if proposes other states, never what a fact is
                assert f.role == "state" and f.path and (f.values or f.type == "bool"), where
            if f.sweep or f.signpost:
                assert f.path is not None, where
            if f.signpost:
                assert k.section is not None and f.type != "list", where
            if f.counts is not None:
                assert k.field(f.counts) is not None and f.type == "int", where
            if f.role == "derived":
                assert f.path is None and f.get is not None, where
            if k.parent is not None:
                assert f.get is not None, where


def test_sweep_values_are_the_models_values() -> None:
    fields = r.sweep_fields()
    assert fields["framework"]["areas.*"] == ("focus", "mentioned", None)
    assert fields["event"]["stance.alignment"][-1] is None
    assert fields["agreement"]["status"] == sm.AGREEMENT_PHASES
    assert fields["framework"]["formal_treaty"] == (False, True)
    assert all(values for kind in fields.values() for values in kind.values())


# ----------------------------------------------------------------------------- the docs


def test_docs_rules_md_lists_every_kind_and_field_of_the_registry() -> None:
    """docs/rules.md's fact-kind reference (generated from the registry; tests/test_docs_rules.py
    keeps it current) has every kind and every field."""
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    for k in r.KINDS + r.OUTCOME_KINDS:
        section = re.search(rf"^#### `{k.name}`\n(.*?)(?=^#|\Z)", text, flags=re.MULTILINE | re.DOTALL)
        assert section is not None, k.name
        assert [f.name for f in k.fields if f"| `{f.name}` |" not in section.group(1)] == [], k.name


def test_docs_scenarios_md_names_every_scenario_field_the_registry_maps() -> None:
    text = (DOCS / "scenarios.md").read_text(encoding="utf-8")
    names = {name for _, name in _mapped()}
    assert sorted(n for n in names if f"`{n}`" not in text) == []


def test_the_models_with_a_list_per_section_follow_sections() -> None:
    from policyengine.models.exercise import Facts, Updates

    keys = [s.key for s in sm.SECTIONS]
    for model in (sm.FactSections, sm.Removal, Updates, Facts):
        assert list(model.model_fields) == keys, model.__name__
    assert list(sm.Assumption.model_fields) == [s.key for s in sm.SECTIONS if s.assumable]
    assert list(sm.ScenarioFile.model_fields) == ["scenario", *keys, "remove"]
    for section in sm.SECTIONS:
        assert sm.FactSections.model_fields[section.key].annotation == list[section.model]
