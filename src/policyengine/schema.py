"""JSON Schemas of the file formats, generated from the pydantic models."""

from __future__ import annotations

from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(kind: str = "scenario") -> dict[str, Any]:
    """The JSON Schema of scenario files (``kind='scenario'``), rule packs (``'rules'``) or
    expectations files (``'expectations'``)."""
    if kind == "expectations":
        from policyengine.models.expectations import ExpectationsFile

        schema = ExpectationsFile.model_json_schema()
        title = "policyengine expectations"
    elif kind == "rules":
        from policyengine.models.rules import RulePackFile

        schema = RulePackFile.model_json_schema()
        title = "policyengine rule pack"
    else:
        from policyengine.models.scenario import ScenarioFile

        schema = ScenarioFile.model_json_schema()
        title = "policyengine scenario"
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"https://policyengine.invalid/{kind}.schema.json",
        "title": title,
        **{k: v for k, v in schema.items() if k != "title"},
    }
