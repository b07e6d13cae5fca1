"""Writing plain data and scenarios as YAML that the reader (``yamltree``) reads back unchanged.

PyYAML's emitter decides quoting by YAML 1.1 rules, while the reader follows the YAML 1.2 core
schema: ``0o17`` is text to PyYAML but a number to the reader. Every string the reader would not
read back as itself is therefore quoted here.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel

from policyengine.loading.yamltree import resolve_plain

SCHEMA_COMMENT = "# yaml-language-server: $schema={url}\n"


class _Dumper(yaml.SafeDumper):
    """Safe dumper whose strings always read back as the same strings."""


#: Characters that YAML readers turn into line breaks or drop unless escaped, and that PyYAML
#: may write raw outside double quotes.
_ESCAPE = frozenset("\r\x85\u2028\u2029\ufeff")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    node = dumper.represent_scalar("tag:yaml.org,2002:str", value)
    if not _ESCAPE.isdisjoint(value):
        node.style = '"'
    elif node.style is None and not _reads_back(value):
        node.style = "'"
    return node


def _reads_back(value: str) -> bool:
    try:
        return bool(resolve_plain(value) == value)
    except ValueError:
        return False


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """Plain data (mappings, lists, text, numbers, booleans, dates) as block-style YAML."""
    text: str = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
    return text


#: Keys written after a fact's own keys, the way people write them: what the fact is comes first.
_LAST_KEYS = ("description", "source", "assumption", "note")


def _facts_first(data: Any) -> Any:
    if isinstance(data, dict):
        ordered = [k for k in data if k not in _LAST_KEYS] + [k for k in _LAST_KEYS if k in data]
        return {k: _facts_first(data[k]) for k in ordered}
    if isinstance(data, list):
        return [_facts_first(v) for v in data]
    return data


def model_to_yaml(model: BaseModel, *, schema_url: str | None = None) -> str:
    """A model (a scenario, a scenario file, a rule pack) as the YAML file that would load as it.

    Keys are written under their aliases in the model's field order, except that a fact's
    ``description``, ``source``, ``assumption`` and ``note`` come after its own keys; unset
    optional values are left out. ``schema_url`` adds the first line that points editors at the JSON Schema.
    """
    data = model.model_dump(mode="python", by_alias=True, exclude_none=True)
    head = SCHEMA_COMMENT.format(url=schema_url) if schema_url else ""
    return head + dump_yaml(_facts_first(data))
