"""The reference of the fact kinds rules can match, as Markdown (docs/rules.md embeds it).

Generated from :data:`policyengine.models.factview.BASE_KINDS` and ``OUTCOME_KINDS``, so that the
documentation says what the engine actually shows to rules; tests/test_docs_rules.py fails
when the copy in docs/rules.md is out of date (refresh it with ``pytest --update-golden``).
"""

from __future__ import annotations

from policyengine.models.factview import BASE_KINDS, OUTCOME_KINDS, FieldSpec, KindSpec
from policyengine.render.common import md_code, md_escape

#: How each field type is tested (see docs/rules.md, "Operators").
TYPE_NOTES: dict[str, str] = {
    "text": "text",
    "code": "country code (`JPN`, `EU`)",
    "id": "identifier",
    "int": "whole number",
    "bool": "`true` / `false`",
    "date": "date (`YYYY-MM-DD`)",
    "list": "list (test with `contains`)",
}

BEGIN = (
    "<!-- fact-kinds:begin (generated from policyengine.models.factview; refresh: pytest --update-golden) -->"
)
END = "<!-- fact-kinds:end -->"


#: What a field that names another thing holds: (one, a list of them).
REFERS_TO: dict[str, tuple[str, str]] = {
    "country": ("", "country codes"),  # the type already says "country code"
    "framework": ("a framework id", "framework ids"),
    "agreement": ("an agreement id", "agreement ids"),
    "area": ("an area id", "area ids"),
    "event": ("an event id", "event ids"),
    "interest": ("an interest id", "interest ids"),
    "target": ("a country code, framework id or grouping (`AUS+JPN+KOR`)", ""),
}


def _values(spec: FieldSpec) -> str:
    parts = []
    if spec.values:
        parts.append(", ".join(md_code(v) for v in spec.values))
    elif spec.refers_to in REFERS_TO:
        one, many = REFERS_TO[spec.refers_to]
        note = many if spec.type == "list" else one
        if note:
            parts.append(note)
    if spec.doc:
        parts.append(md_escape(spec.doc))
    if spec.optional:
        parts.append("*may be missing*")
    return "; ".join(parts)


def _kind_table(kind: KindSpec) -> list[str]:
    lines = [
        f"#### {md_code(kind.name)}",
        "",
        md_escape(kind.doc),
        "",
        "| field | type | values |",
        "|---|---|---|",
    ]
    for name, spec in kind.fields.items():
        lines.append(f"| {md_code(name)} | {TYPE_NOTES[spec.type]} | {_values(spec)} |")
    lines.append("")
    return lines


def fact_kinds_markdown() -> str:
    """The reference tables: scenario fact kinds, then the kinds outcomes become."""
    lines = [BEGIN, "", "### Scenario facts", ""]
    for kind in BASE_KINDS.values():
        lines += _kind_table(kind)
    lines += ["### Recommendations and risks (matched by other rules)", ""]
    for kind in OUTCOME_KINDS.values():
        lines += _kind_table(kind)
    lines.append(END)
    return "\n".join(lines) + "\n"


def replace_generated(text: str) -> str:
    """``text`` (docs/rules.md) with its fact-kind section regenerated."""
    start = text.index(BEGIN)
    end = text.index(END, start) + len(END) + 1
    return text[:start] + fact_kinds_markdown() + text[end:]
