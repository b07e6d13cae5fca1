"""Reading the append-only JSON Lines logs that :mod:`policyengine.system.fileio` writes.

A record whose append was cut short (the process killed mid-write) is detected here: every
earlier record is kept and the torn last line reported, for the next append to drop.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policyengine.errors import Diagnostic, InputError
from policyengine.errors.locations import Location
from policyengine.loading.yamltree import DEFAULT_LIMITS, control_character, read_bytes


@dataclass
class JsonLines:
    """What :func:`read_jsonl` found: the complete records, and a torn last line if any."""

    records: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the line number of each record
    torn: Diagnostic | None = None  # the last line was cut short (kept out of ``records``)


#: damaged lines reported before reading stops (a file that is not a log at all has many)
MAX_DAMAGED = 50


def _control_character(value: Any) -> tuple[str, str] | None:
    """The first control character in any text of a JSON value (escape sequences that would
    reach the terminal of whoever reads a report built from it): where (``exercise.inputs[0].file``;
    empty for the value itself) and what, described; else None. Iterative: a deeply nested value
    cannot exhaust the stack here."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            found = control_character(item)
            if found is not None:
                return where, found
        elif isinstance(item, dict):
            children: list[tuple[str, Any]] = []
            for key, child in item.items():
                name = f"{where}.{key}" if where else str(key)
                found = control_character(str(key))
                if found is not None:
                    return where or "(a field name)", found
                children.append((name, child))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(reversed([(f"{where}[{i}]", child) for i, child in enumerate(item)]))
    return None


def read_jsonl(path: str | os.PathLike[str], *, code: str | None = None) -> JsonLines:
    """Read a log written by :func:`append_jsonl`.

    A last line without its newline is a torn append: it is reported in ``torn`` (with its
    line number) and left out, and every earlier record is kept. Damaged lines anywhere else
    (empty, not JSON, not a JSON object) are an :class:`InputError` naming each at its line,
    all at once (up to ``MAX_DAMAGED``): E110 for a line that is not JSON, E114 for one that is
    not an object, or ``code`` for all of them (a caller's own code for a damaged log); a text
    holding a control character is E117, as in YAML files.
    """
    display = str(path)
    # Located errors for a missing or special file (a pipe or a device would never end) and a
    # size bound, as for every file policyengine reads.
    data = read_bytes(
        Path(path),
        display,
        DEFAULT_LIMITS,
        limit_hint="check that this is a decision log: the log of one exercise stays far below this size",
    )
    out = JsonLines()
    damaged: list[Diagnostic] = []
    hint = "the log was edited or damaged: restore it from a copy, or remove the line"
    lines = data.split(b"\n")
    tail = lines.pop()  # after the last newline: empty unless the last append was torn
    for number, raw in enumerate(lines, start=1):
        where = Location(display, number, 1)
        if len(damaged) >= MAX_DAMAGED:
            break  # not a log at all: enough said
        if not raw.strip():
            damaged.append(Diagnostic(where, code or "E110", "an empty line", hint))
            continue
        try:
            value = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            damaged.append(Diagnostic(where, code or "E110", f"not a JSON record: {exc}", hint))
            continue
        except RecursionError:
            # json's decoder recurses once per level: thousands of '[' exhaust the stack
            damaged.append(Diagnostic(where, code or "E110", "a record nested too deeply to read", hint))
            continue
        if not isinstance(value, dict):
            damaged.append(Diagnostic(where, code or "E114", "not a JSON object", hint))
            continue
        bad = _control_character(value)
        if bad is not None:
            field_name, what = bad
            damaged.append(
                Diagnostic(
                    where,
                    "E117",
                    f"the record contains the {what}" + (f" in '{field_name}'" if field_name else ""),
                    "the line was edited or damaged, or holds a key typed at the prompt (an arrow, Esc) "
                    "that earlier versions of policyengine recorded: delete the character, and the "
                    "escape sequence it starts, from that line",
                )
            )
            continue
        out.records.append(value)
        out.lines.append(number)
    if damaged:
        raise InputError(damaged)
    if tail:
        number = len(lines) + 1
        out.torn = Diagnostic(
            Location(display, number, 1),
            "E118",
            f"the last line ({len(tail)} bytes) was cut short by an interrupted write; "
            f"the {len(out.records)} record(s) before it are intact",
            "the next append removes it; the record it held was never completely written",
        )
    return out
