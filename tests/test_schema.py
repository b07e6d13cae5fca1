"""The JSON Schemas, checked by an independent validator (jsonschema, Draft 2020-12).

- both are valid Draft 2020-12 schemas;
- they accept the shipped scenarios and rule pack, and any valid scenario file (hypothesis);
- they reject broken files, each of which the loader rejects too;
- docs/*.schema.json, which the shipped files point editors at, are up to date.

Files are read with policyengine's own reader and turned into JSON data (dates as YYYY-MM-DD
text, as a YAML 1.2 editor sees them).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from policyengine.errors import InputError
from policyengine.loading.yamltree import parse_yaml, plain
from policyengine.loading.yamlwrite import dump_yaml, model_to_yaml
from policyengine.models.schema import json_schema
from policyengine.render.common import to_json
from policyengine.validation.rulepack import load_rule_pack
from policyengine.validation.scenario import load_scenario
from scenario_strategies import Chain, chains

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
BASELINE = ROOT / "scenarios" / "baseline_2022.yaml"
PACK = ROOT / "rules" / "paper.yaml"


def as_json(value: Any) -> Any:
    """YAML data as JSON data: dates become YYYY-MM-DD text."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def read(path: Path) -> Any:
    """A fresh copy of a file's data (callers may change it)."""
    return copy.deepcopy(_read(path))


@functools.cache
def _read(path: Path) -> Any:
    return as_json(plain(parse_yaml(path.read_bytes(), path.name)))


@functools.cache
def validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schema(kind))


def problems(kind: str, data: Any) -> list[str]:
    return sorted(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(kind).iter_errors(data)
    )


@pytest.mark.parametrize("kind", ["scenario", "rules"])
def test_schemas_are_draft_2020_12(kind: str) -> None:
    schema = json_schema(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_shipped_scenarios_are_valid(path: Path) -> None:
    assert problems("scenario", read(path)) == []


def test_shipped_rule_pack_is_valid() -> None:
    data = read(PACK)
    assert any("as" in c for rule in data["rules"] for c in rule["when"]), "the pack uses the 'as' alias"
    assert problems("rules", data) == []


# Each mutation breaks the baseline in one way that both the schema and the loader reject.
def _set(path: list[Any], value: Any) -> Any:
    def apply(data: Any) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return apply


def _delete(path: list[Any]) -> Any:
    def apply(data: Any) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return apply


SCENARIO_BREAKS = {
    "unknown-top-level-key": _set(["contries"], []),
    "unknown-key-in-a-fact": _set(["countries", 0, "colour"], "green"),
    "missing-title": _delete(["scenario", "title"]),
    "invalid-enum-value": _set(["countries", 0, "region"], "asia"),
    "lower-case-country-code": _set(["countries", 0, "code"], "jpn"),
    "date-not-yyyy-mm-dd": _set(["scenario", "as_of"], "May 2022"),
    "date-as-a-number": _set(["scenario", "as_of"], 2022),
    "area-key-breaking-the-pattern": _set(["frameworks", 0, "areas", "Bad_Area"], "focus"),
    "invalid-coverage-level": _set(["frameworks", 0, "areas", "hadr"], "foc"),
    "boolean-as-text": _set(["frameworks", 0, "formal_treaty"], "no"),
    "one-member": _set(["frameworks", 0, "members"], ["JPN"]),
    "empty-text": _set(["countries", 0, "name", "ja"], ""),
    "section-as-a-mapping": _set(["countries"], {"code": "JPN"}),
}


@pytest.mark.parametrize("name", sorted(SCENARIO_BREAKS))
def test_broken_scenarios_are_rejected_by_schema_and_loader(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = read(BASELINE)
    SCENARIO_BREAKS[name](data)
    assert problems("scenario", data) != []
    (tmp_path / "broken.yaml").write_text(dump_yaml(data), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError):
        load_scenario("broken.yaml")


# The first rule of the shipped pack that recommends an action.
RECOMMENDING = next(i for i, rule in enumerate(read(PACK)["rules"]) if "recommend" in rule["then"])
RULE_BREAKS = {
    "unknown-key-in-a-rule": _set(["rules", 0, "colour"], "green"),
    "match-and-absent-in-one-condition": _set(["rules", 0, "when", 0, "absent"], "country"),
    "no-match-absent-or-count": _delete(["rules", 0, "when", 0, "match"]),
    "invalid-priority": _set(["rules", RECOMMENDING, "then", "recommend", "priority"], "urgent"),
    "variable-name-breaking-the-pattern": _set(["rules", 0, "when", 0, "as"], "Japan"),
    "empty-when": _set(["rules", 0, "when"], []),
    "count-as-text": _set(["rules", 0, "when", 0, "at_least"], "2"),
}


@pytest.mark.parametrize("name", sorted(RULE_BREAKS))
def test_broken_rule_packs_are_rejected_by_schema_and_loader(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = read(PACK)
    RULE_BREAKS[name](data)
    assert problems("rules", data) != []
    (tmp_path / "broken.yaml").write_text(dump_yaml(data), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError):
        load_rule_pack("broken.yaml")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chains(max_files=1))
def test_the_schema_accepts_any_valid_scenario_file(chain: Chain) -> None:
    (model,) = chain.files.values()
    data = as_json(plain(parse_yaml(model_to_yaml(model), "generated.yaml")))
    assert problems("scenario", data) == []


# ----------------------------------------------------------------------------- docs/*.schema.json

REGENERATE = (
    "regenerate with: policyengine schema --output docs/scenario.schema.json"
    " && policyengine schema --kind rules --output docs/rules.schema.json"
)


@pytest.mark.parametrize(
    ("kind", "name"), [("scenario", "scenario.schema.json"), ("rules", "rules.schema.json")]
)
def test_docs_schemas_are_up_to_date(kind: str, name: str) -> None:
    path = DOCS / name
    assert path.is_file(), f"missing {path}; {REGENERATE}"
    assert path.read_text(encoding="utf-8") == to_json(json_schema(kind)), f"{path} is stale; {REGENERATE}"


@pytest.mark.parametrize(
    ("path", "name"),
    [(p, "scenario.schema.json") for p in SCENARIOS] + [(PACK, "rules.schema.json")],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_shipped_files_point_editors_at_the_schema(path: Path, name: str) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../docs/{name}"


def test_every_scenario_key_is_described_for_editors() -> None:
    """Editors show a key's description on hover: each key of the scenario format has one."""
    schema = json_schema("scenario")
    undescribed = [
        f"{name}.{key}"
        for name, definition in [("(top level)", schema), *schema["$defs"].items()]
        for key, prop in definition.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert undescribed == []
