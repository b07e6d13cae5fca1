"""JSON Schemas of the file formats, generated from the pydantic models.

The schemas are for editors (completion, hover, early red squiggles) and for other tools. They
accept what the loader accepts as far as JSON Schema can say it: checks that need the whole
file (references between facts, dates in order) are the loader's alone. A YAML 1.2 editor reads
an unquoted ``2022-05-10`` as text, so dates are text of the form YYYY-MM-DD here.
"""

from __future__ import annotations

from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("scenario", "rules")


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
    elif kind == "scenario":
        from policyengine.models.scenario import ScenarioFile

        schema = ScenarioFile.model_json_schema()
        title = "policyengine scenario"
    else:
        raise ValueError(f"unknown schema kind {kind!r}; expected one of {', '.join(KINDS)}")
    _close_pattern_maps(schema)
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"https://policyengine.invalid/{kind}.schema.json",
        "title": title,
        **{k: v for k, v in schema.items() if k != "title"},
    }


def _close_pattern_maps(node: Any) -> None:
    """Mappings whose keys must match a pattern accept no other keys, as in the loader.

    Pydantic describes ``dict[AreaId, Level]`` with ``patternProperties`` only, which lets keys
    that break the pattern through.
    """
    if isinstance(node, dict):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close_pattern_maps(value)
    elif isinstance(node, list):
        for value in node:
            _close_pattern_maps(value)
