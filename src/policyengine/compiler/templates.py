"""Justification templates: literal text with ``{var}`` and ``{var.field}`` holes, nothing else.

No attribute access, indexing, conversion or format specs: a hole names a bound variable and
optionally one of its fact's fields; rendering looks the value up in plain data. ``{{`` and
``}}`` write literal braces.
"""

from __future__ import annotations

import re

from policyengine.compiler.ir import Template

_HOLE = re.compile(r"^([a-z][a-z0-9_]*)(?:\.([a-z][a-z0-9_]*))?$")


class TemplateSyntaxError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def parse_template(text: str) -> Template:
    """Split a template into literal text and holes; raise TemplateSyntaxError on anything else."""
    parts: list[str | tuple[str, str | None]] = []
    buf: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "{":
            if i + 1 < n and text[i + 1] == "{":
                buf.append("{")
                i += 2
                continue
            end = text.find("}", i + 1)
            if end < 0:
                raise TemplateSyntaxError("unclosed '{'", i)
            inner = text[i + 1 : end]
            m = _HOLE.match(inner)
            if m is None:
                raise TemplateSyntaxError(
                    f"'{{{inner}}}' is not a hole: write {{variable}} or {{variable.field}}", i
                )
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append((m[1], m[2]))
            i = end + 1
        elif ch == "}":
            if i + 1 < n and text[i + 1] == "}":
                buf.append("}")
                i += 2
                continue
            raise TemplateSyntaxError("unmatched '}' (write '}}' for a literal brace)", i)
        else:
            buf.append(ch)
            i += 1
    if buf:
        parts.append("".join(buf))
    return Template(parts)
