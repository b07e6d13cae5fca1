"""Scenario documents and their ``extends`` chains, read but not yet validated."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from policyengine.errors import input_error
from policyengine.loading.yamltree import DEFAULT_LIMITS, Limits, YMap, parse_yaml, read_bytes
from policyengine.locations import Location

#: Reads the bytes of a file, given its path and the name to show in messages.
Reader = Callable[[str, str], bytes]

MAX_CHAIN = 32


@dataclass(frozen=True)
class Document:
    """One parsed YAML file: its display name (as the user would write it) and its tree."""

    display: str
    tree: YMap


def filesystem_reader(limits: Limits = DEFAULT_LIMITS) -> Reader:
    def read(path: str, display: str) -> bytes:
        return read_bytes(Path(path), display, limits)

    return read


def read_document(
    path: str, display: str | None = None, *, reader: Reader | None = None, limits: Limits = DEFAULT_LIMITS
) -> Document:
    """Read one YAML file whose top level must be a mapping."""
    name = display if display is not None else str(path)
    read = reader or filesystem_reader(limits)
    tree = parse_yaml(read(str(path), name), name, limits)
    if not isinstance(tree, YMap):
        what = "empty" if tree is None else f"a {_shape(tree)}"
        raise input_error(
            "E114",
            f"the top level is {what}; it must be a mapping of sections",
            Location(name, 1, 1),
            "start the file with 'scenario:' (a scenario) or 'pack:' (a rule pack)",
        )
    return Document(name, tree)


def _shape(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "text scalar"
    return f"{type(value).__name__} scalar"


def join_display(parent_display: str, target: str) -> str:
    """Name of a file referred to from another, relative to the referring file's folder."""
    if os.path.isabs(target):
        return os.path.normpath(target)
    return os.path.normpath(os.path.join(os.path.dirname(parent_display), target))


def read_chain(
    path: str, display: str | None = None, *, reader: Reader | None = None, limits: Limits = DEFAULT_LIMITS
) -> list[Document]:
    """Read a scenario and every file it ``extends``, child first.

    ``extends`` is relative to the file that names it. A cycle or a missing target is a located
    error at the ``extends`` line.
    """
    docs = [read_document(path, display, reader=reader, limits=limits)]
    seen = {_identity(docs[0].display): 0}
    while True:
        current = docs[-1]
        header = current.tree.get("scenario")
        if not isinstance(header, YMap) or "extends" not in header:
            return docs
        target = header["extends"]

        def where(header: YMap = header) -> Location:
            # Computed only for an error: a file read as JSON finds its lines on demand.
            return header.location("extends", of_value=True)

        if not isinstance(target, str) or not target.strip():
            raise input_error("E203", "'extends' must be the path of a scenario file", where())
        name = join_display(current.display, target)
        key = _identity(name)
        if key in seen:
            cycle = [d.display for d in docs[seen[key] :]] + [name]
            raise input_error(
                "E304",
                "extends cycle: " + " -> ".join(cycle),
                where(),
                "a scenario cannot extend itself, directly or through others",
            )
        if len(docs) >= MAX_CHAIN:
            raise input_error("E304", f"extends chain longer than {MAX_CHAIN} files", where())
        try:
            parent = read_document(name, name, reader=reader, limits=limits)
        except Exception as exc:
            from policyengine.errors import InputError

            if not isinstance(exc, InputError):
                raise
            first = exc.diagnostics[0]
            if first.code in ("E101", "E102", "E103"):
                raise input_error(
                    "E305",
                    f"extends '{target}': {first.message} ({name})",
                    where(),
                    "the path is relative to the file that names it",
                ) from None
            raise
        seen[key] = len(docs)
        docs.append(parent)


def _identity(display: str) -> str:
    try:
        return str(Path(display).resolve())
    except OSError:
        return os.path.abspath(display)
