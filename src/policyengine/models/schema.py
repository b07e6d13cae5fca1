"""JSON Schemas of the file formats, generated from the pydantic models.

The schemas are for editors (completion, hover, early red squiggles) and for other tools. They
accept what the loader accepts as far as JSON Schema can say it: checks that need the whole
file (references between facts, dates in order) are the loader's alone. A YAML 1.2 editor reads
an unquoted ``2022-05-10`` as text, so dates are text of the form YYYY-MM-DD here.
"""

from __future__ import annotations

import ast
import functools
import inspect
import itertools
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic.json_schema import GenerateJsonSchema

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("scenario", "rules")


def json_schema(kind: str = "scenario") -> dict[str, Any]:
    """The JSON Schema of scenario files (``kind='scenario'``), rule packs (``'rules'``) or
    expectations files (``'expectations'``)."""
    if kind == "expectations":
        from policyengine.models.expectations import ExpectationsFile

        schema = ExpectationsFile.model_json_schema(schema_generator=_generator())
        title = "policyengine expectations"
    elif kind == "rules":
        from policyengine.models.rules import RulePackFile

        schema = RulePackFile.model_json_schema(schema_generator=_generator())
        title = "policyengine rule pack"
    elif kind == "scenario":
        from policyengine.models.scenario import ScenarioFile

        schema = ScenarioFile.model_json_schema(schema_generator=_generator())
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


def _generator() -> type[GenerateJsonSchema]:
    """A schema generator that describes each field by its docstring, as editors show on hover.

    The docstring of a field is the string literal right below it in the class body (as with
    pydantic's ``use_attribute_docstrings``, which the models leave off: it would read and parse
    every model's source whenever the models are imported, not only when a schema is asked for).
    A description given explicitly (``Field(description=...)``) stays.
    """
    from pydantic.json_schema import GenerateJsonSchema

    class Described(GenerateJsonSchema):
        def model_schema(self, schema: Any) -> Any:
            json_schema = super().model_schema(schema)
            properties = json_schema.get("properties")
            if isinstance(properties, dict):
                docs = field_docstrings(schema["cls"])
                for name, prop in properties.items():
                    if name in docs and isinstance(prop, dict) and "description" not in prop:
                        # where pydantic puts a field's description: before the title it adds
                        title = prop.pop("title", None)
                        prop["description"] = docs[name]
                        if title is not None:
                            prop["title"] = title
            return json_schema

    return Described


def field_docstrings(cls: type) -> dict[str, str]:
    """The docstrings of the fields of ``cls`` and of the classes it inherits from."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        docs.update(_own_field_docstrings(klass))
    return docs


@functools.cache
def _own_field_docstrings(cls: type) -> dict[str, str]:
    module = sys.modules.get(cls.__module__)
    if module is None or "<locals>" in cls.__qualname__:
        return {}
    try:
        tree = _module_tree(inspect.getsourcefile(module) or "")
    except (OSError, SyntaxError, TypeError):
        return {}
    body: list[ast.stmt] = tree.body
    for name in cls.__qualname__.split("."):
        found = [n for n in body if isinstance(n, ast.ClassDef) and n.name == name]
        if not found:
            return {}
        body = found[-1].body
    docs: dict[str, str] = {}
    for stmt, following in itertools.pairwise(body):
        if (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[stmt.target.id] = inspect.cleandoc(following.value.value)
    return docs


@functools.cache
def _module_tree(path: str) -> ast.Module:
    with open(path, encoding="utf-8") as f:
        return ast.parse(f.read(), filename=path)


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
